//go:build handofflocal

package platform

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	t.Setenv("HANDOFF_SECRET_LINKS", "from-the-override")
	t.Setenv("LINK_KEY", "from-the-reference")
	rt := &Runtime{}
	if v := rt.Secrets(context.Background(), aws.Config{}, map[string]string{"links": "env:LINK_KEY"})["links"]; v != "from-the-override" {
		t.Errorf("secret = %q; want the local override", v)
	}
}
