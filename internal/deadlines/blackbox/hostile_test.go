package blackbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// Hostile lead values: HTML, CR/LF and a bidi override in the name. The reminder's subject stays one line
// without the override, the HTML part escapes the markup, and no part carries the override (it reorders what
// the rep reads: "‮moc.live" shows as "evil.com").
func TestHostileLeadValuesInReminder(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Eve", "eve@blackbox.example")
	hostile := lead.Contact{Email: "eve@blackbox.example", FirstName: "<script>alert(1)</script>\r\nBcc: victim@evil.example \u202eevil\u202c",
		Company: marker + " <b>Inc</b>\r\nX-Injected: 1 \u202eredro\u202c", JobTitle: "CTO \u2066x\u2069"}
	// The lead's profile (a newer submission wins) and the hand-off's copy of its company.
	d := webhook.Delivery{Source: "site-contact", ID: "d-hostile-" + marker, BodyHash: "h", At: h.At.Add(time.Second)}
	if _, err := f.leads.SaveSubmission(context.Background(), d, lead.Submission{OccurredAt: d.At, Contact: hostile},
		lead.Activity{ID: "a-hostile-" + marker, Type: lead.FormSubmit, OccurredAt: d.At, ReceivedAt: d.At, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} }); err != nil {
		t.Fatal(err)
	}
	_, err := f.hs.Update(context.Background(), h.Key, h.At, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.LeadCompany = hostile.Company
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(h.Reminders[0])
	got := mails(t, marker)
	if len(got) != 1 {
		t.Fatalf("%d emails:%s", len(got), describe(got))
	}
	m := got[0]
	if strings.ContainsAny(m.Subject, "\r\n\u202e\u202c") || strings.Contains(m.Subject, "X-Injected:") && strings.Contains(m.Subject, "\n") {
		t.Errorf("subject %q", m.Subject)
	}
	if strings.Contains(m.Body.HTML, "<script>") || strings.Contains(m.Body.HTML, "<b>Inc") {
		t.Errorf("HTML part carries the lead's markup unescaped")
	}
	for part, body := range map[string]string{"html": m.Body.HTML, "text": m.Body.Text} {
		if strings.ContainsAny(body, "\u202e\u202c\u2066\u2069") {
			t.Errorf("the %s part carries a bidirectional override/isolate from the lead's values", part)
		}
	}
}

// English contract: the checker's emails are in English, local times in the contract's zone.
func TestEnglishEscalation(t *testing.T) {
	t.Parallel()
	f := newFx(t, func(s string) string {
		s = strings.Replace(s, "locale: fr", "locale: en", 1)
		return strings.Replace(s, "on_breach: reassign", "on_breach: escalate", 1)
	})
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Ann", "ann@blackbox.example")
	f.run(h.FirstContactDue)
	got := mails(t, marker)
	if len(got) != 1 {
		t.Fatalf("%d emails:%s", len(got), describe(got))
	}
	m := got[0]
	if !strings.Contains(m.Destination.To[0], "claire.dubois@") || len(m.Destination.Cc) != 1 || !strings.Contains(m.Destination.Cc[0], "marketing-ops@") {
		t.Errorf("recipients to=%v cc=%v", m.Destination.To, m.Destination.Cc)
	}
	for _, fr := range []string{"Délai", "dépassé", "avant", "contacté"} {
		if strings.Contains(m.Subject, fr) || strings.Contains(m.Body.Text, fr+" ") {
			t.Errorf("French %q in an English contract's email: %q\n%s", fr, m.Subject, m.Body.Text)
		}
	}
	if !strings.Contains(m.Subject, "15:00") {
		t.Errorf("the deadline in local time (15:00) is not in the subject %q", m.Subject)
	}
}

// A rep who left the roster holds an SQL (the contract changed after the hand-off): the breach is recorded, the
// escalation reaches whoever is left (marketing ops in copy per the contract), the reassignment happens.
func TestRepWhoLeftTheRoster(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("ghost-rep", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Gus", "gus@blackbox.example")
	f.run(h.Reminders[0])
	f.run(h.FirstContactDue)
	f.run(h.FirstContactDue.Add(time.Second))
	got := f.get(h.Key)
	if !got.FirstContactBreached && got.FirstContactBreaches == 0 {
		t.Fatalf("no breach")
	}
	if got.Rep() == "ghost-rep" {
		t.Errorf("not reassigned from a rep who left the roster")
	}
	all := mails(t, marker)
	t.Logf("emails:%s", describe(all))
	esc := 0
	for _, m := range all {
		if strings.Contains(m.Subject, "Délai dépassé") {
			esc++
		}
	}
	if esc != 1 {
		t.Errorf("%d escalations of the breach reached anyone, want 1:%s", esc, describe(all))
	}
}
