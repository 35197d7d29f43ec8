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
	if got := ignoredSwitches(lookup(map[string]string{ClockOffsetEnv: "72h"}), []string{"HANDOFF_SECRET_X=1"}); got != nil {
		t.Errorf("ignored = %v", got)
	}
	if !LocalSwitches {
		t.Error("a local build says it is not one")
	}
}
