//go:build !handofflocal

package platform

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// A production build (what `sam build` makes: no LocalBuildTag) ignores the local-only switches: the clock
// offset does not move the SLA clock, and HANDOFF_SECRET_<ID> does not replace a secret. Cold start names the
// variables it ignored.
func TestLocalSwitchesHaveNoEffectInAProductionBuild(t *testing.T) {
	env := map[string]string{ClockOffsetEnv: "72h"}
	c, err := SystemClock(lookup(env))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(c.Now()); d > time.Second || d < -time.Second {
		t.Errorf("the clock is %s off in a production build", d)
	}
	got := ignoredSwitches(lookup(env), []string{"HANDOFF_SECRET_FEEDBACK_LINKS=x", "PATH=/bin"})
	if len(got) != 2 || got[0] != ClockOffsetEnv || got[1] != "HANDOFF_SECRET_FEEDBACK_LINKS" {
		t.Errorf("ignored = %v", got)
	}

	t.Setenv("HANDOFF_SECRET_LINKS", "from-the-override")
	t.Setenv("LINK_KEY", "from-the-reference")
	rt := &Runtime{}
	if v := rt.Secrets(context.Background(), aws.Config{}, map[string]string{"links": "env:LINK_KEY"})["links"]; v != "from-the-reference" {
		t.Errorf("secret = %q; the override must have no effect in a production build", v)
	}
}
