//go:build !handofflocal

package platform

import (
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
