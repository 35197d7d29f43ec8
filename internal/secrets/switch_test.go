package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/handoff-sla/handoff/internal/platform"
)

// TestEnvReferencesOnlyInALocalBuild: what a function resolves at cold start. A production build (sam build's:
// no local tag) refuses an env: reference, naming it, and any reference outside its stage; the local stack's
// build (and tests) may read env:. `make test` runs this test in both builds.
func TestEnvReferencesOnlyInALocalBuild(t *testing.T) {
	t.Setenv("LINK_KEY", "from-the-environment")
	t.Setenv(StageEnv, "prod")
	got, err := FromAWS(context.Background(), aws.Config{Region: "eu-west-3"}, map[string]string{"links": "env:LINK_KEY"})
	if platform.LocalSwitches {
		if err != nil || got["links"] != "from-the-environment" {
			t.Errorf("local build: %v, %v", got, err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), "links (env:LINK_KEY): an env: reference in a deployed function") {
		t.Errorf("production build: %v, %v; want env: refused", got, err)
	}
	_, err = FromAWS(context.Background(), aws.Config{Region: "eu-west-3"}, map[string]string{"db": "ssm:/prod/other-team/db-password"})
	if err == nil || !strings.Contains(err.Error(), "db (ssm:/prod/other-team/db-password): /prod/other-team/db-password is outside /handoff/prod/") {
		t.Errorf("production build, another team's parameter: %v", err)
	}
}
