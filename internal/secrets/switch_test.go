package secrets

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/handoff-sla/handoff/internal/platform"
)

// TestOverridesOnlyInALocalBuild: what a function resolves at cold start. In a production build (sam build's:
// no local tag) HANDOFF_SECRET_<NAME> has no effect; in the local stack's build it supplies the demo secret.
// `make test` runs this test in both builds.
func TestOverridesOnlyInALocalBuild(t *testing.T) {
	t.Setenv("HANDOFF_SECRET_LINKS", "from-the-override")
	t.Setenv("LINK_KEY", "from-the-reference")
	got, err := FromAWS(context.Background(), aws.Config{Region: "eu-west-3"}, map[string]string{"links": "env:LINK_KEY"})
	if err != nil {
		t.Fatal(err)
	}
	want := "from-the-reference"
	if platform.LocalSwitches {
		want = "from-the-override"
	}
	if got["links"] != want {
		t.Errorf("local build %v: secret %q, want %q", platform.LocalSwitches, got["links"], want)
	}
}
