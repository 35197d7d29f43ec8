package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/handoff-sla/handoff/internal/platform"
)

// TestEnvReferencesOnlyInALocalBuild: what a function resolves at cold start. A production build (sam build's:
// no local tag) refuses an env: reference, naming it; the local stack's build may read env:. Both refuse any
// ssm: or secretsmanager: reference outside the stage. `make test` runs this test in both builds.
func TestEnvReferencesOnlyInALocalBuild(t *testing.T) {
	t.Setenv("LINK_KEY", "from-the-environment")
	t.Setenv(StageEnv, "prod")
	got, err := FromAWS(context.Background(), aws.Config{Region: "eu-west-3"}, map[string]string{"links": "env:LINK_KEY"})
	if platform.LocalSwitches {
		if err != nil || got["links"] != "from-the-environment" {
			t.Errorf("local build: %v, %v", got, err)
		}
	} else if err == nil || !strings.Contains(err.Error(), "links (env:LINK_KEY): an env: reference in a deployed function") {
		t.Errorf("production build: %v, %v; want env: refused", got, err)
	}
	// Outside the stage: refused by both builds, so that the local stack is not kinder than AWS (where the role
	// may read its stage's paths only): a contract that reads another path must not work in `make run` alone.
	_, err = FromAWS(context.Background(), aws.Config{Region: "eu-west-3"}, map[string]string{"db": "ssm:/prod/other-team/db-password"})
	if err == nil || !strings.Contains(err.Error(), "db (ssm:/prod/other-team/db-password): /prod/other-team/db-password is outside /handoff/prod/") {
		t.Errorf("local build %v, another team's parameter: %v", platform.LocalSwitches, err)
	}
	_, err = FromAWS(context.Background(), aws.Config{Region: "eu-west-3"}, map[string]string{"links": "secretsmanager:handoff/dev/feedback-links"})
	if err == nil || !strings.Contains(err.Error(), "links (secretsmanager:handoff/dev/feedback-links): handoff/dev/feedback-links is outside handoff/prod/") {
		t.Errorf("local build %v, another stage's secret: %v", platform.LocalSwitches, err)
	}
}
