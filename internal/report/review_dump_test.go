package report_test

import (
	"net/mail"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/report"
)

// rawEmail renders r and builds the MIME message as the report function does (leadership in To).
func rawEmail(t testing.TB, r report.Report) (report.Email, []byte) {
	t.Helper()
	e, err := report.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	m := email.Message{From: &mail.Address{Name: "Handoff", Address: "sla@test.fr"}, To: []*mail.Address{{Address: "boss@test.fr"}},
		Subject: e.Subject, HTML: e.HTML, Text: e.Text}
	for _, p := range e.Inline {
		m.Inline = append(m.Inline, email.Part(p))
	}
	for _, p := range e.Attachments {
		m.Attachments = append(m.Attachments, email.Part(p))
	}
	raw, err := m.Raw(time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return e, raw
}

// TestReviewDump writes the November report's raw MIME, HTML, text and CSV to $REVIEW_DUMP (skipped without it:
// a tool for the reviewer's Python checks, not a check itself).
func TestReviewDump(t *testing.T) {
	dir := os.Getenv("REVIEW_DUMP")
	if dir == "" {
		return
	}
	for name, in := range map[string]report.Input{"november": reviewNovember(), "hostile": reviewHostile()} {
		for _, loc := range []string{"en", "fr"} {
			c := reviewContract(t)
			if loc == "fr" {
				c.Locale = "fr"
			}
			r := report.Compute(c, in)
			e, raw := rawEmail(t, r)
			base := filepath.Join(dir, name+"-"+loc)
			must(t, os.WriteFile(base+".eml", raw, 0o644))
			must(t, os.WriteFile(base+".html", []byte(e.HTML), 0o644))
			must(t, os.WriteFile(base+".txt", []byte(e.Text), 0o644))
			must(t, os.WriteFile(base+".csv", e.Attachments[0].Data, 0o644))
			for _, p := range e.Inline {
				must(t, os.WriteFile(base+"-"+p.Filename, p.Data, 0o644))
			}
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
