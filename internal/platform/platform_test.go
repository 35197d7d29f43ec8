package platform

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/handoff-sla/handoff/internal/contract"
)

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestStart(t *testing.T) {
	t.Parallel()
	const example = "../../infra/contract/contract.yaml"
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"everything set", map[string]string{ContractEnv: example, "LEADS_TABLE": "leads", "SLA_TABLE": "sla"}, ""},
		{"every missing variable named", map[string]string{"LEADS_TABLE": " "}, "missing environment variables: HANDOFF_CONTRACT, LEADS_TABLE, SLA_TABLE"},
		{"bad clock offset", map[string]string{ContractEnv: example, "LEADS_TABLE": "l", "SLA_TABLE": "s", ClockOffsetEnv: "soon"}, "HANDOFF_CLOCK_OFFSET"},
		{"sender in the verified domain", map[string]string{ContractEnv: example, "LEADS_TABLE": "leads", "SLA_TABLE": "sla", SenderDomainEnv: "maintenia.fr"}, ""},
		{"sender under a parent domain", map[string]string{ContractEnv: example, "LEADS_TABLE": "leads", "SLA_TABLE": "sla", SenderDomainEnv: "fr"}, ""},
		{"sender outside the verified domain", map[string]string{ContractEnv: example, "LEADS_TABLE": "l", "SLA_TABLE": "s", SenderDomainEnv: "example.com"},
			"contract sender maintenia.fr is not in the SES-verified domain example.com (SENDER_DOMAIN)"},
		{"a suffix that is not a subdomain", map[string]string{ContractEnv: example, "LEADS_TABLE": "l", "SLA_TABLE": "s", SenderDomainEnv: "tenia.fr"},
			"is not in the SES-verified domain tenia.fr"},
		{"missing contract file", map[string]string{ContractEnv: "/nope.yaml", "LEADS_TABLE": "l", "SLA_TABLE": "s"}, "contract /nope.yaml: read contract"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			rt, err := Start("test", lookup(tc.env), &out, "LEADS_TABLE", "SLA_TABLE")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if rt.Env["LEADS_TABLE"] != "leads" || rt.Contract.Version == "" {
					t.Errorf("runtime = %+v", rt)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want it to contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestStartReportsContractProblems(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := dir + "/contract.yaml"
	if err := writeFile(bad, "version: x\n"); err != nil {
		t.Fatal(err)
	}
	_, err := Start("test", lookup(map[string]string{ContractEnv: bad}), &bytes.Buffer{})
	var verr *contract.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) < 5 {
		t.Errorf("err = %v; want the contract's problems", err)
	}
}

func TestSystemClockOffset(t *testing.T) {
	t.Parallel()
	c, err := SystemClock(lookup(map[string]string{ClockOffsetEnv: "72h"}))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(c.Now()); d < 71*time.Hour || d > 73*time.Hour {
		t.Errorf("offset clock is %s ahead", d)
	}
	c, _ = SystemClock(lookup(nil))
	if d := time.Until(c.Now()); d > time.Second || d < -time.Second {
		t.Errorf("plain clock is %s off", d)
	}
}

func TestLoggerAddsRequestID(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	log := NewLogger(&out, "ingest").With("leadId", "L1")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
	log.InfoContext(ctx, "accepted", "status", 202)
	line := out.String()
	for _, want := range []string{`"msg":"accepted"`, `"function":"ingest"`, `"requestId":"req-42"`, `"leadId":"L1"`, `"status":202`} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %s: %s", want, line)
		}
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }
