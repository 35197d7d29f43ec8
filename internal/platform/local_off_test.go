//go:build !handofflocal

package platform

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A production build (what `sam build` makes: no LocalBuildTag) ignores the local-only switches: the clock
// offset does not move the SLA clock, and in Lambda the endpoint overrides are not honoured. Cold start names the
// variables it ignored.
func TestLocalSwitchesHaveNoEffectInAProductionBuild(t *testing.T) {
	t.Parallel()
	env := map[string]string{ClockOffsetEnv: "72h"}
	c, err := SystemClock(lookup(env))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(c.Now()); d > time.Second || d < -time.Second {
		t.Errorf("the clock is %s off in a production build", d)
	}
	environ := []string{"AWS_ENDPOINT_URL_SSM=http://127.0.0.1:1", "AWS_ENDPOINT_URL=http://127.0.0.1:2", "PATH=/bin"}
	if got := ignoredSwitches(lookup(env), environ); len(got) != 1 || got[0] != ClockOffsetEnv {
		t.Errorf("ignored outside Lambda = %v", got)
	}
	env["AWS_LAMBDA_FUNCTION_NAME"] = "handoff-prod-ingest"
	got := ignoredSwitches(lookup(env), environ)
	if len(got) != 3 || got[0] != ClockOffsetEnv || got[1] != "AWS_ENDPOINT_URL_SSM" || got[2] != "AWS_ENDPOINT_URL" {
		t.Errorf("ignored in Lambda = %v", got)
	}
	if LocalSwitches {
		t.Error("a production build says it is a local one")
	}
}

// In Lambda a production build calls AWS's own endpoints whatever AWS_ENDPOINT_URL* say; outside Lambda (the
// tests, which run handlers in-process against the local servers) it honours them.
func TestEndpointOverridesInAProductionBuild(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"outside Lambda: the service's variable", map[string]string{"AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://127.0.0.1:1"},
		{"outside Lambda: the general variable", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, "http://127.0.0.1:2"},
		{"in Lambda: ignored", map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "handoff-prod-ingest", "AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:1", "AWS_ENDPOINT_URL": "http://127.0.0.1:2"}, ""},
		{"in Lambda, empty name: not Lambda", map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "", "AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:1"}, "http://127.0.0.1:1"},
	} {
		got := Endpoint(lookup(tc.env), "SSM")
		if (got == nil) != (tc.want == "") || (got != nil && *got != tc.want) {
			t.Errorf("%s: Endpoint = %v, want %q", tc.name, got, tc.want)
		}
	}
}

// The fault injector of make soak (package faults) is linked only into the local stack's build: no function
// built as sam build builds it (no LocalBuildTag) depends on it, and FaultsEnv set on such a function is named as
// ignored at cold start.
func TestNoProductionBuildContainsTheFaultInjector(t *testing.T) {
	t.Parallel()
	const injector = "github.com/handoff-sla/handoff/internal/devstack/faults"
	deps := func(tags ...string) map[string]bool {
		args := append([]string{"list", "-deps"}, tags...)
		out, err := exec.Command("go", append(args, "../../functions/...")...).CombinedOutput()
		if err != nil {
			t.Fatalf("go list: %v\n%s", err, out)
		}
		set := map[string]bool{}
		for _, p := range strings.Fields(string(out)) {
			set[p] = true
		}
		return set
	}
	if deps("-tags", "lambda.norpc")[injector] {
		t.Errorf("a production build of the functions links %s", injector)
	}
	if !deps("-tags", "lambda.norpc,"+LocalBuildTag)[injector] {
		t.Errorf("the local build does not link %s: this test would not see it come back", injector)
	}
	env := map[string]string{FaultsEnv: "seed=1,ddb.throttle=1", "AWS_LAMBDA_FUNCTION_NAME": "handoff-prod-score"}
	if got := ignoredSwitches(lookup(env), nil); len(got) != 1 || got[0] != FaultsEnv {
		t.Errorf("ignored = %v", got)
	}
	cfg, err := AWSFromEnv(lookup(map[string]string{FaultsEnv: "seed=1,ddb.throttle=1", "AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}))
	if err != nil || len(cfg.APIOptions) != 0 {
		t.Errorf("a production build's configuration has %d API options (%v)", len(cfg.APIOptions), err)
	}
}
