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

// The local build adds the fault injector's middlewares when FaultsEnv asks for faults, and refuses a FaultsEnv it
// cannot read (a soak without its faults would pass for nothing).
func TestTheLocalBuildInjectsFaultsWhenAsked(t *testing.T) {
	base := map[string]string{"AWS_REGION": "eu-west-3", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}
	cfg, err := AWSFromEnv(lookup(base))
	if err != nil || len(cfg.APIOptions) != 0 {
		t.Fatalf("no faults asked: %d API options (%v)", len(cfg.APIOptions), err)
	}
	base[FaultsEnv] = "seed=3,ddb.throttle=0.1"
	if cfg, err = AWSFromEnv(lookup(base)); err != nil || len(cfg.APIOptions) == 0 {
		t.Fatalf("faults asked: %d API options (%v)", len(cfg.APIOptions), err)
	}
	base[FaultsEnv] = "ddb.throttel=0.1"
	if _, err := AWSFromEnv(lookup(base)); err == nil || !strings.Contains(err.Error(), FaultsEnv) {
		t.Errorf("a misspelt fault: %v", err)
	}
}
