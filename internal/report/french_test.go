package report

import (
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// TestFrenchReport: the monthly report of a French contract — its email's subject, HTML and text, the HTML file
// kept on record, the CSV of the month's SQLs — holds no English word and no regular expression, first sent and
// sent again.
func TestFrenchReport(t *testing.T) {
	t.Parallel()
	c := exampleContract(t)
	if c.Locale != contract.French {
		t.Fatalf("the example contract is in %q, want French", c.Locale)
	}
	in := synthetic(c, contract.Month{Year: 2026, Month: time.November}, 1200, 48, 1)
	r := Compute(c, in)
	for name, cp := range map[string]Copy{"first sending": {}, "sent again": {Resend: 1}, "possibly twice": {PossibleDuplicate: true}} {
		e, err := RenderCopy(r, cp)
		if err != nil {
			t.Fatal(err)
		}
		wordstest.French(t, "report email, "+name+" (subject)", e.Subject)
		wordstest.French(t, "report email, "+name+" (text)", e.Text)
		wordstest.French(t, "report email, "+name+" (html)", e.HTML)
		if name != "first sending" {
			continue
		}
		wordstest.French(t, "report file (html)", e.FileHTML())
		for _, a := range e.Attachments {
			wordstest.French(t, "report attachment "+a.Filename, string(a.Data))
		}
	}
}
