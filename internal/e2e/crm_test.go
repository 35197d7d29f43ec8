package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/handoff-sla/handoff/internal/contract"
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
		// Confirmed sent before the clock moves on: an SQL email still being confirmed an hour later (for the
		// clock) would look stuck to the deadline checker, which the stack's own schedule runs every minute.
		waitFor(t, "the SQL email confirmed", func() bool { return s.handoff(l.id).Mail.Status == outbox.MailSent })
	}
	s.setClock(monday.Add(time.Hour))
	for _, l := range leads {
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
	mails(leads[0].company, 2)
	s.idle() // nothing more arrives
	m := testenv.Mails(t, leads[0].company)
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

// checkReviewInvite: the monthly report's invitation to the SLA review meeting (marketing.review_meeting of the
// example: first Tuesday, 10:00, 45 min, Europe/Paris), as SES local received it, parses with the library and
// carries the contract's date, time and zone, the month's UID and the copy's sequence.
func checkReviewInvite(t *testing.T, c *contract.Contract, a testenv.Attachment, sequence string) {
	t.Helper()
	if !strings.HasPrefix(a.ContentType, "text/calendar") {
		t.Errorf("invitation %q of type %q", a.Filename, a.ContentType)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(a.Content))
	if err != nil {
		t.Fatalf("the invitation does not parse: %v\n%s", err, a.Content)
	}
	if !bytes.Contains(a.Content, []byte("METHOD:REQUEST\r\n")) || len(cal.Timezones()) != 1 || cal.Timezones()[0].GetProperty(ics.ComponentPropertyTzid).Value != "Europe/Paris" {
		t.Errorf("no METHOD:REQUEST or VTIMEZONE of Europe/Paris:\n%s", a.Content)
	}
	events := cal.Events()
	if len(events) != 1 {
		t.Fatalf("%d events in the invitation", len(events))
	}
	e := events[0]
	start, err := e.GetStartAt()
	// The report of November, sent on Tuesday 1 December: that morning's meeting.
	if want := time.Date(2026, 12, 1, 10, 0, 0, 0, c.Location); err != nil || !start.Equal(want) || start.Location().String() != "Europe/Paris" {
		t.Errorf("the meeting starts %s (%v), want %s", start, err, want)
	}
	if end, err := e.GetEndAt(); err != nil || end.Sub(start) != 45*time.Minute {
		t.Errorf("the meeting ends %s (%v)", end, err)
	}
	if e.Id() != "sla-review-2026-11@maintenia.fr" || e.GetProperty(ics.ComponentPropertySequence).Value != sequence {
		t.Errorf("UID %q, sequence %q (want %s)", e.Id(), e.GetProperty(ics.ComponentPropertySequence).Value, sequence)
	}
	var to []string
	for _, x := range e.Attendees() {
		to = append(to, x.Email())
	}
	if got := strings.Join(to, ","); got != "claire.dubois@maintenia.fr,marc.lefevre@maintenia.fr,"+strings.Join(c.Recipients.MarketingOps, ",") {
		t.Errorf("attendees %s", got)
	}
}
