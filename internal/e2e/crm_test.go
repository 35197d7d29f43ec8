package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// TestCRMCareThroughTheStack: two SQLs accepted from the CRM on Monday; the CRM sends an opportunity for one of
// them in time. At the outcome deadline (sales.outcome_within business days later) the deadlines function — fired
// twice at once, then once more — sends exactly one reminder, to the rep of the SQL without an outcome, read back
// from SES local; the other gets none.
func TestCRMCareThroughTheStack(t *testing.T) {
	s := startStack(t, "fr")
	loc := s.contract.Location
	monday := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	s.setClock(monday)
	run := time.Now().UnixNano() % 1e6
	type sql struct {
		company, email, id string
	}
	leads := make([]sql, 2)
	for i := range leads {
		l := &leads[i]
		l.company = fmt.Sprintf("ACME CRM %d-%d", run, i)
		l.email = fmt.Sprintf("crm%d.%d@acme-crm.fr", i, run)
		out := s.post("site-contact", "submissions", fmt.Sprintf("crm-%d-%d", run, i), `{"E-mail professionnel":"`+l.email+`","Prénom":"Paul","Nom":"Girard","Société":"`+l.company+`","Fonction":"Directeur technique","Effectif":"250-499","Pays":"France"}`)
		l.id = out["leadId"].(string)
		s.post("tracking", "activities", fmt.Sprintf("crm-t-%d-%d", run, i), `{"email":"`+l.email+`","type":"demo_request"}`)
	}
	mails := func(company string, n int) []testenv.Mail {
		t.Helper()
		var m []testenv.Mail
		waitFor(t, fmt.Sprintf("%d emails about %s", n, company), func() bool { m = testenv.Mails(t, company); return len(m) >= n })
		return m
	}
	for _, l := range leads {
		mails(l.company, 1) // the SQL email
		s.setClock(monday.Add(time.Hour))
		s.post("crm", "outcomes", "acc-"+l.id, `{"lead_id":"`+l.id+`","type":"sales_accepted"}`)
	}
	missing, kept := s.handoff(leads[0].id), s.handoff(leads[1].id)
	if missing.OutcomeDue.IsZero() || !kept.OutcomeDue.Equal(missing.OutcomeDue) {
		t.Fatalf("outcome deadlines %s and %s", missing.OutcomeDue, kept.OutcomeDue)
	}
	// 10 business days after Monday 30 November (8 December is no holiday): Monday 14 December, 18:00.
	if want := time.Date(2026, 12, 14, 18, 0, 0, 0, loc); !missing.OutcomeDue.Equal(want) {
		t.Errorf("outcome due %s, want %s", missing.OutcomeDue.In(loc), want)
	}
	s.setClock(monday.AddDate(0, 0, 3))
	s.post("crm", "outcomes", "opp-"+leads[1].id, `{"lead_id":"`+leads[1].id+`","type":"opportunity_created","crm_id":"OPP-1"}`)

	check := func(concurrently int) {
		t.Helper()
		var wg sync.WaitGroup
		for i := 0; i < concurrently; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Invoke(context.Background(), "DeadlinesFunction", []byte(`{"window":"0s"}`)); err != nil {
					t.Errorf("deadlines: %v", err)
				}
			}()
		}
		wg.Wait()
	}
	s.setClock(missing.OutcomeDue.Add(time.Second))
	check(2)
	check(1)
	k := handoff.Event{Kind: handoff.EventOutcomeMissing}.ID()
	waitFor(t, "the reminder sent", func() bool {
		e, err := s.handoffs.Event(context.Background(), missing.Key, k)
		return err == nil && e.Mail.Status == outbox.MailSent
	})
	check(1) // a later run: nothing more
	m := mails(leads[0].company, 2)
	repA, _ := s.contract.Rep(missing.Rep())
	if len(m) != 2 || !strings.Contains(strings.Join(m[1].Destination.To, ","), repA.Email) || !strings.Contains(m[1].Subject, "CRM") ||
		!strings.Contains(m[1].Body.Text, "issue") || m[1].Body.HTML == "" {
		t.Fatalf("%d emails; the reminder to %v: %q\n%s", len(m), m[len(m)-1].Destination.To, m[len(m)-1].Subject, m[len(m)-1].Body.Text)
	}
	if e, err := s.handoffs.Event(context.Background(), kept.Key, handoff.Event{Kind: handoff.EventOutcomeInTime}.ID()); err != nil || e.Mail.Status != "" {
		t.Errorf("the SQL with an outcome in time: event %+v, %v", e, err)
	}
	if got := testenv.Mails(t, leads[1].company); len(got) != 1 {
		t.Errorf("the SQL with an outcome in time: %d emails, want the SQL email alone", len(got))
	}
	if got := testenv.Mails(t, leads[0].company); len(got) != 2 {
		t.Errorf("the SQL without an outcome: %d emails, want the SQL email and one reminder", len(got))
	}
	for _, l := range leads {
		if h := s.handoff(l.id); !h.OutcomeChecked || !h.NextCheck(missing.OutcomeDue).IsZero() {
			t.Errorf("%s: outcome checked %v, next check %s", l.id, h.OutcomeChecked, h.NextCheck(missing.OutcomeDue))
		}
	}
}
