//go:build handofflocal

package platform

import (
	"strings"
	"testing"
	"time"
)

// The local stack's build honours the switches (`make test` runs this file with -tags handofflocal).
func TestLocalSwitchesInALocalBuild(t *testing.T) {
	c, err := SystemClock(lookup(map[string]string{ClockOffsetEnv: "72h"}))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(c.Now()); d < 71*time.Hour || d > 73*time.Hour {
		t.Errorf("offset clock is %s ahead", d)
	}
	if _, err := SystemClock(lookup(map[string]string{ClockOffsetEnv: "soon"})); err == nil || !strings.Contains(err.Error(), ClockOffsetEnv) {
		t.Errorf("a bad offset: %v", err)
	}
	env := map[string]string{ClockOffsetEnv: "72h", "AWS_LAMBDA_FUNCTION_NAME": "IngestFunction"}
	if got := ignoredSwitches(lookup(env), []string{"AWS_ENDPOINT_URL_SSM=http://127.0.0.1:1"}); got != nil {
		t.Errorf("ignored = %v", got)
	}
	if !LocalSwitches {
		t.Error("a local build says it is not one")
	}
}

// The local stack runs its functions under a Runtime API that sets AWS_LAMBDA_FUNCTION_NAME, as Lambda does: the
// local build honours the endpoint overrides there (DynamoDB Local, SES local, moto).
func TestEndpointOverridesInALocalBuild(t *testing.T) {
	env := map[string]string{"AWS_LAMBDA_FUNCTION_NAME": "IngestFunction", "AWS_ENDPOINT_URL_SSM": "http://127.0.0.1:1"}
	if got := Endpoint(lookup(env), "SSM"); got == nil || *got != "http://127.0.0.1:1" {
		t.Errorf("Endpoint = %v", got)
	}
}
