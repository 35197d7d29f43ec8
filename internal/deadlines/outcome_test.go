package deadlines_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// accept records the rep's acceptance as the page and the CRM do (handoff.Answer: the outcome deadline set).
func (f *fixture) accept(k handoff.Key, at time.Time) handoff.Handoff {
	f.t.Helper()
	f.clock.Set(at)
	h, err := f.handoffs.Update(context.Background(), k, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		_, err := h.Answer(handoff.Response{Action: handoff.Accept, At: at, By: "crm"}, f.c)
		return nil, err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// outcome stores an outcome the CRM sent about a lead, received at at.
func (f *fixture) outcome(leadID, kind string, at time.Time) {
	f.t.Helper()
	d := webhook.Delivery{Source: "crm", ID: fmt.Sprint("o", f.marker, f.seq.Add(1)), BodyHash: "h", At: at}
	a := lead.Activity{ID: lead.ActivityID(d.Source, d.ID, 0), Type: kind, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID,
		Properties: map[string]string{}}
	if _, err := f.leads.SaveActivities(context.Background(), d, lead.LeadRef{ID: leadID}, []lead.Activity{a}, false,
		func(string) webhook.Answer { return webhook.Answer{Status: 202} }); err != nil {
		f.t.Fatal(err)
	}
}

// TestCRMCare: three SQLs accepted on Monday 30 November (outcome_within: 10d, so due on 14 December at 18:00).
// One gets an opportunity in time, one gets none, one gets its deal lost a minute after the deadline, before the
// checker's pass. The schedule fires twice at once at the deadline, then again and again: one reminder to each rep
// whose SQL had no outcome by the deadline, one event per SQL, nothing for the one in time; the accepted SQLs
// leave the checks.
func TestCRMCare(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	monday := paris(t, "2026-11-30 10:00")
	inTime, missing, late := f.sql("FR-NAQ", monday), f.sql("FR-NAQ", monday), f.sql("FR-NAQ", monday)
	due := paris(t, "2026-12-14 18:00")
	for _, h := range []handoff.Handoff{inTime, missing, late} {
		if got := f.accept(h.Key, paris(t, "2026-11-30 11:00")); !got.OutcomeDue.Equal(due) {
			t.Fatalf("outcome due %s, want %s", got.OutcomeDue, due)
		}
	}
	f.outcome(inTime.LeadID, lead.OpportunityCreated, paris(t, "2026-12-09 15:00"))
	f.outcome(late.LeadID, lead.DealLost, due.Add(time.Minute))
	before := len(f.mails())

	f.run(due.Add(-time.Minute)) // not yet
	if n := len(f.mails()); n != before {
		t.Fatalf("%d emails before the deadline", n-before)
	}
	at := due.Add(2 * time.Minute)
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.runErr(at); err != nil {
				t.Errorf("concurrent run: %v", err)
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 3; i++ {
		f.run(at.Add(time.Duration(i) * time.Minute))
	}
	var reminders []string
	for _, m := range f.mails()[before:] {
		if !strings.HasPrefix(m.Subject, "CRM : renseignez l'issue de") {
			t.Errorf("unexpected email %q", m.Subject)
			continue
		}
		reminders = append(reminders, m.Subject)
	}
	if len(reminders) != 2 {
		t.Fatalf("%d reminders, want 2 (the SQL without an outcome, the one whose outcome came late): %v", len(reminders), reminders)
	}
	for _, tc := range []struct {
		h    handoff.Handoff
		want handoff.EventKind
	}{{inTime, handoff.EventOutcomeInTime}, {missing, handoff.EventOutcomeMissing}, {late, handoff.EventOutcomeMissing}} {
		events := f.events(tc.h.Key)
		id := handoff.Event{Kind: tc.want}.ID()
		e, ok := events[id]
		if !ok || len(events) != 1 {
			t.Errorf("%s: events %s, want %s alone", tc.h.LeadID, ids(events), id)
			continue
		}
		if want := map[bool]outbox.MailStatus{true: outbox.MailSent, false: ""}[tc.want == handoff.EventOutcomeMissing]; e.Mail.Status != want || !e.Due.Equal(due) {
			t.Errorf("%s: email %q (want %q), due %s", id, e.Mail.Status, want, e.Due)
		}
		if !strings.Contains(strings.Join(reminders, "|"), tc.h.LeadCompany) != (tc.want == handoff.EventOutcomeInTime) {
			t.Errorf("%s (%s): reminded %v", tc.h.LeadID, tc.want, !(tc.want == handoff.EventOutcomeInTime))
		}
		if got := f.get(tc.h.Key); !got.OutcomeChecked || len(got.Pending) != 0 || !got.NextCheck(at).IsZero() {
			t.Errorf("%s: checked %v, pending %v, next check %s", tc.h.LeadID, got.OutcomeChecked, got.Pending, got.NextCheck(at))
		}
	}
}

// TestCRMCareCrash: a run dies after recording the missing outcome, before its email: the next run sends it,
// once.
func TestCRMCareCrash(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.sql("FR-NAQ", paris(t, "2026-11-30 10:00"))
	h = f.accept(h.Key, paris(t, "2026-11-30 11:00"))
	before := len(f.mails())
	f.proc.CrashAt("after-record")
	f.runErr(h.OutcomeDue)
	if !f.proc.Died() {
		t.Fatal("the run never reached the crash point")
	}
	f.run(h.OutcomeDue.Add(time.Minute))
	f.run(h.OutcomeDue.Add(2 * time.Minute))
	if n := len(f.mails()) - before; n != 1 {
		t.Errorf("%d reminders after the crash, want 1", n)
	}
	if e := f.events(h.Key)[handoff.Event{Kind: handoff.EventOutcomeMissing}.ID()]; e.Mail.Status != outbox.MailSent {
		t.Errorf("the reminder's email is %q", e.Mail.Status)
	}
}
