package report_test

import (
	"net/mail"
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
