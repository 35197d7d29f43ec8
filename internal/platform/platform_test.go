package platform

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

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
			rt, err := Start("test", lookup(tc.env), slog.New(slog.DiscardHandler), "LEADS_TABLE", "SLA_TABLE")
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
	_, err := Start("test", lookup(map[string]string{ContractEnv: bad}), slog.New(slog.DiscardHandler))
	var verr *contract.ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) < 5 {
		t.Errorf("err = %v; want the contract's problems", err)
	}
}

// TestLogger runs this test binary again as a "function" whose environment says what Lambda's LoggingConfig
// says: aws-lambda-go's handler reads AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL when the process starts.
func TestLogger(t *testing.T) {
	t.Parallel()
	if os.Getenv("PLATFORM_LOGGER_CHILD") == "1" {
		log := NewLogger("ingest").With("leadId", "L1")
		ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
		log.InfoContext(ctx, "accepted", "status", 202)
		log.WarnContext(ctx, "refused", "status", 409)
		return
	}
	run := func(level string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLogger$")
		cmd.Env = append(os.Environ(), "PLATFORM_LOGGER_CHILD=1", "AWS_LAMBDA_LOG_FORMAT=JSON", "AWS_LAMBDA_LOG_LEVEL="+level)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("child: %v", err)
		}
		return string(out)
	}
	info := run("INFO")
	for _, want := range []string{`"message":"accepted"`, `"function":"ingest"`, `"requestId":"req-42"`, `"leadId":"L1"`, `"status":202`, `"message":"refused"`} {
		if !strings.Contains(info, want) {
			t.Errorf("log at INFO lacks %s: %s", want, info)
		}
	}
	// The template's ApplicationLogLevel is honoured: at WARN the info line is not written.
	if warn := run("WARN"); strings.Contains(warn, "accepted") || !strings.Contains(warn, `"message":"refused"`) {
		t.Errorf("log at WARN: %s", warn)
	}
}

func writeFile(path, content string) error { return os.WriteFile(path, []byte(content), 0o600) }

// TestAWSFromEnv: Lambda's environment gives the region and the role's credentials; a missing one is named.
func TestAWSFromEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{"AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s3cr3t", "AWS_SESSION_TOKEN": "tok",
		"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000"}
	cfg, err := AWSFromEnv(lookup(env))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || cfg.Region != "eu-west-3" || creds.AccessKeyID != "AKIA" || creds.SecretAccessKey != "s3cr3t" || creds.SessionToken != "tok" {
		t.Errorf("config %+v, credentials %+v (%v)", cfg, creds, err)
	}
	if e := Endpoint(lookup(env), "DYNAMODB"); e == nil || *e != "http://127.0.0.1:8000" {
		t.Errorf("DynamoDB endpoint = %v", e)
	}
	if e := Endpoint(lookup(env), "SESV2"); e != nil {
		t.Errorf("SES endpoint = %v, want AWS's", *e)
	}
	if _, err := AWSFromEnv(lookup(map[string]string{"AWS_REGION": "eu-west-3"})); err == nil ||
		!strings.Contains(err.Error(), "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY") {
		t.Errorf("missing credentials: %v", err)
	}
}

// TestSDKReadsNoEndpointVariable: the SDK's clients built from AWSFromEnv's configuration take no endpoint from
// AWS_ENDPOINT_URL* themselves (config.LoadDefaultConfig would have put them in ConfigSources): Endpoint's rule,
// which a deployed build applies, is the only way an endpoint reaches a client. Not parallel: t.Setenv.
func TestSDKReadsNoEndpointVariable(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:2")
	t.Setenv("AWS_ENDPOINT_URL_SESV2", "http://127.0.0.1:3")
	cfg, err := AWSFromEnv(lookup(map[string]string{"AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "AKIA", "AWS_SECRET_ACCESS_KEY": "s"}))
	if err != nil {
		t.Fatal(err)
	}
	if e := dynamodb.NewFromConfig(cfg).Options().BaseEndpoint; e != nil {
		t.Errorf("DynamoDB client's endpoint = %s, want AWS's", *e)
	}
	if e := sesv2.NewFromConfig(cfg).Options().BaseEndpoint; e != nil {
		t.Errorf("SES client's endpoint = %s, want AWS's", *e)
	}
}
