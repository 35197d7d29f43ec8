//go:build !handofflocal

package platform

import (
	"testing"
	"time"
)

// A production build (what `sam build` makes: no LocalBuildTag) ignores the local-only switches: the clock
// offset does not move the SLA clock (and secrets' overrides are off: see package secrets). Cold start names the
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
	got := ignoredSwitches(lookup(env), []string{"HANDOFF_SECRET_FEEDBACK_LINKS=x", "PATH=/bin"})
	if len(got) != 2 || got[0] != ClockOffsetEnv || got[1] != "HANDOFF_SECRET_FEEDBACK_LINKS" {
		t.Errorf("ignored = %v", got)
	}
	if LocalSwitches {
		t.Error("a production build says it is a local one")
	}
}
