package bounces_test

import (
	"context"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/bounces"
	"github.com/handoff-sla/handoff/internal/handoff"
)

// TestTheDeployChecksBounceTellsNobody: the README's end-to-end check after a deploy sends an email to SES's
// bounce simulator with the tags it names; its bounce, through the handler, must be recorded and tell nobody —
// not email marketing ops that a real month's report bounced (which would have them send leadership the report
// again).
func TestTheDeployChecksBounceTellsNobody(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmd := regexp.MustCompile(`(?s)aws sesv2 send-email [^\n]*bounce@simulator\.amazonses\.com.*?--email-tags ([^\n]*)`).FindSubmatch(readme)
	if cmd == nil {
		t.Fatal("the README has no bounce check (aws sesv2 send-email to bounce@simulator.amazonses.com with --email-tags)")
	}
	ev := sample(t, "bounce-permanent-report.json", nil)
	tags := map[string][]string{}
	for k, v := range ev.Detail.Mail.Tags {
		if strings.HasPrefix(k, "ses:") {
			tags[k] = v
		}
	}
	for _, pair := range regexp.MustCompile(`Name=([^,\s]+),Value=([^\s]+)`).FindAllSubmatch(cmd[1], -1) {
		tags[string(pair[1])] = []string{string(pair[2])}
	}
	ev.Detail.Mail.Tags = tags
	out := &sender{}
	hd := bounces.New(testContract(t), &memHandoffs{h: map[handoff.Key]handoff.Handoff{}}, newOthers(), out, time.Now, slog.New(slog.DiscardHandler))
	got, err := hd.Process(context.Background(), ev)
	if err != nil || got != bounces.Recorded {
		t.Fatalf("the check's bounce (tags %v): %q, %v; want recorded", tags, got, err)
	}
	if len(out.sent) != 0 {
		t.Errorf("the check's bounce sent %d emails (%q to %v): a deploy check must tell nobody", len(out.sent), out.sent[0].Subject, out.sent[0].To)
	}
}
