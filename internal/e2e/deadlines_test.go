package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// TestDeadlinesThroughTheStack drives the deadlines function's real binary on the local stack, its clock moved
// from instant to instant through the week: SQL on Monday 10:00, the reminder at 50 % (the schedule fired
// twice at once, then again: one email), the reminder at 80 %, the breach escalated and the SQL reassigned, the
// new rep's contact on the feedback page (late for the lead), their reminder to answer, their answer — and nothing
// at the feedback deadline. Every email is read back from SES local and shot in Chromium (make screenshots keeps
// the pictures).
func TestDeadlinesThroughTheStack(t *testing.T) {
	for _, locale := range []string{"fr", "en"} {
		t.Run(locale, func(t *testing.T) {
			s := startStack(t, locale)
			loc := s.contract.Location
			monday := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
			s.setClock(monday)
			company := fmt.Sprintf("ACME Délais %s %d", locale, time.Now().UnixNano()%1e6)
			email := fmt.Sprintf("deadlines.%s@acme-delais.fr", locale)
			out := s.post("site-contact", "submissions", "dl-"+locale, `{"E-mail professionnel":"`+email+`","Prénom":"Claire","Nom":"Dubois","Société":"`+company+`","Fonction":"Directrice technique","Effectif":"250-499","Pays":"France"}`)
			id := out["leadId"].(string)
			s.post("tracking", "activities", "dl-t-"+locale, `{"email":"`+email+`","type":"demo_request"}`)
			mails := func(n int) []testenv.Mail { return s.mails(t, company, n) }
			mails(1) // the SQL email
			h := s.handoff(id)
			repA, _ := s.contract.Rep(h.Rep())

			check := func(at time.Time, concurrently int) {
				t.Helper()
				s.setClock(at.Add(time.Second))
				var wg sync.WaitGroup
				for i := 0; i < concurrently; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, err := s.Invoke(context.Background(), "DeadlinesFunction", []byte(`{"window":"0s"}`)); err != nil {
							t.Errorf("deadlines at %s: %v", at, err)
						}
					}()
				}
				wg.Wait()
			}
			ctx := browser(t)
			look := func(m testenv.Mail, name string) {
				t.Helper()
				openEmail(t, ctx, m.Body.HTML)
				shot(t, ctx, name+"-"+locale)
			}

			// The first reminder: the schedule fired twice at once, then once more.
			check(h.Reminders[0], 2)
			check(h.Reminders[0], 1)
			m := mails(2)
			if to := strings.Join(m[1].Destination.To, ","); !strings.Contains(to, repA.Email) || !strings.Contains(m[1].Subject, company) {
				t.Errorf("reminder to %s: %q", to, m[1].Subject)
			}
			look(m[1], "deadline-reminder")

			// The second reminder (80 %).
			check(h.Reminders[1], 1)
			m = mails(3)
			if to := strings.Join(m[2].Destination.To, ","); !strings.Contains(to, repA.Email) {
				t.Errorf("second reminder to %s", to)
			}

			// The breach: the manager told, the SQL reassigned with its email to the new rep.
			check(h.FirstContactDue, 1)
			m = mails(5)
			mgr, _ := s.contract.Manager(repA.Manager)
			var escalation, reassigned testenv.Mail
			for _, x := range m[3:] {
				if strings.Contains(strings.Join(x.Destination.To, ","), mgr.Email) {
					escalation = x
				} else {
					reassigned = x
				}
			}
			if escalation.Subject == "" || !strings.Contains(strings.Join(escalation.Destination.Cc, ","), "marketing-ops@") {
				t.Fatalf("no escalation to %s with marketing ops in copy among %+v", mgr.Email, m[3:])
			}
			look(escalation, "deadline-escalation")
			h = s.handoff(id)
			repB, _ := s.contract.Rep(h.Rep())
			if h.Rep() == repA.ID || !strings.Contains(strings.Join(reassigned.Destination.To, ","), repB.Email) || !strings.Contains(reassigned.Body.Text, repA.Name) {
				t.Fatalf("reassigned to %s; the SQL email went to %v and says:\n%s", h.Rep(), reassigned.Destination.To, reassigned.Body.Text)
			}

			// The new rep calls and says so on the page (a POST from the page, as the browser sends it).
			link := linkIn(t, reassigned.Body.Text, s.URL(), map[string]string{"fr": "contacté", "en": "contacted"}[locale])
			req, _ := http.NewRequest("POST", link, strings.NewReader(url.Values{"channel": {"phone"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if a := s.do(req); a.status != http.StatusSeeOther {
				t.Fatalf("contact on the page: %d %s", a.status, a.body)
			}
			if h = s.handoff(id); !h.Contacted() || h.ContactedWithinDeadline() {
				t.Fatalf("contact recorded %v, within the deadline %v", h.Contacted(), h.ContactedWithinDeadline())
			}

			// Reminded to answer.
			check(h.FeedbackReminders[0], 1)
			m = mails(6)
			if to := strings.Join(m[5].Destination.To, ","); !strings.Contains(to, repB.Email) {
				t.Errorf("feedback reminder to %s", to)
			}
			look(m[5], "deadline-feedback-reminder")

			// The answer, on the page (the accept link of the SQL email), before the feedback deadline: at the
			// deadline nothing more is sent, and the SQL leaves the checks.
			accept := linkIn(t, reassigned.Body.Text, s.URL(), map[string]string{"fr": "J'accepte", "en": "I accept"}[locale])
			req, _ = http.NewRequest("POST", accept, nil)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			if a := s.do(req); a.status != http.StatusSeeOther {
				t.Fatalf("accept on the page: %d %s", a.status, a.body)
			}
			check(h.FeedbackDue, 1)
			mails(6)
			// Accepted, the SQL stays in the checks only for its outcome deadline (sales.outcome_within).
			if h = s.handoff(id); !h.AnsweredWithinDeadline() || !h.NextCheck(h.FeedbackDue).Equal(h.OutcomeDue) || h.OutcomeDue.IsZero() {
				t.Errorf("answered within the deadline %v, next check %s", h.AnsweredWithinDeadline(), h.NextCheck(h.FeedbackDue))
			}

			got := map[string]bool{}
			for _, k := range []string{"reminder#0.0", "reminder#0.1", "breach.first_contact#0.0", "reassignment#0.0", "reminder.feedback#1.0"} {
				e, err := s.handoffs.Event(context.Background(), h.Key, k)
				got[k] = err == nil && (e.Kind == handoff.EventReassignment || e.Mail.Status == outbox.MailSent)
			}
			for k, ok := range got {
				if !ok {
					t.Errorf("event %s missing or its email not sent", k)
				}
			}
		})
	}
}

// linkIn finds, in an email's text, the feedback link on the line that names an action.
func linkIn(t *testing.T, text, base, action string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, base+"/v1/feedback/"); i >= 0 && strings.Contains(line, action) {
			return strings.TrimSpace(line[i:])
		}
	}
	t.Fatalf("no %q link in:\n%s", action, text)
	return ""
}
