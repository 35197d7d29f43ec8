package blackbox_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Easter Monday 2026 (6 April) is a French public holiday: an SQL handed off Friday 3 April 16:45 (Friday
// closes at 17:00 in the example contract) has 15 minutes on Friday, none on Monday, and its 4 business hours
// end Tuesday 7 April at 13:45 (09:00–12:30 is 3h30, then 13:30 + 15 min). Reminders: 50 % = 2h → Tue 10:45,
// 80 % = 3h12 → Tue 11:57.
func TestHolidayWeekendBreachMinute(t *testing.T) {
	t.Parallel()
	f := newFx(t, func(s string) string { return strings.Replace(s, "on_breach: reassign", "on_breach: escalate", 1) })
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 4, 3, 16, 45), "Jeanne", "jeanne@blackbox.example")
	if want := paris(2026, 4, 7, 13, 45); !h.FirstContactDue.Equal(want) {
		t.Fatalf("first-contact deadline %s, want %s", h.FirstContactDue.In(f.c.Location), want)
	}
	for _, step := range []struct {
		at    time.Time
		mails int
	}{
		{paris(2026, 4, 6, 12, 0), 0},  // the holiday
		{paris(2026, 4, 7, 10, 44), 0}, // a minute before the first reminder
		{paris(2026, 4, 7, 10, 45), 1}, // reminder 50 %
		{paris(2026, 4, 7, 11, 56), 1}, //
		{paris(2026, 4, 7, 11, 57), 2}, // reminder 80 %
		{paris(2026, 4, 7, 13, 44), 2}, //
		{paris(2026, 4, 7, 13, 45), 3}, // breach, escalation
	} {
		f.run(step.at)
		f.run(step.at) // the schedule firing twice
		if got := mails(t, marker); len(got) != step.mails {
			t.Fatalf("at %s: %d emails, want %d:%s", step.at, len(got), step.mails, describe(got))
		}
	}
	got := f.get(h.Key)
	if !got.FirstContactBreached {
		t.Fatalf("no breach recorded: %+v", got)
	}
	e, err := f.hs.Event(context.Background(), h.Key, "breach.first_contact#0.0")
	if err != nil {
		t.Fatal(err)
	}
	if e.BusinessMinutesLate != 0 || e.ContractVersion != f.c.Version || e.RepID != "thomas-martin" || e.ManagerID != "claire-dubois" {
		t.Fatalf("breach event %+v", e)
	}
}

// DST: the last Sunday of March 2026 is the 29th. An SQL handed off Friday 27 March 16:00 (CET) has 1h on
// Friday, then Monday 30 March (CEST) 09:00 + 3h → 12:00 CEST (10:00Z); reminders at Monday 10:00 CEST (2h)
// and 11:12 CEST (3h12).
func TestRemindersAcrossSpringDST(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 3, 27, 16, 0), "Louis", "louis@blackbox.example")
	wantRem := []time.Time{time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC), time.Date(2026, 3, 30, 9, 12, 0, 0, time.UTC)}
	for i, r := range h.Reminders {
		if !r.Equal(wantRem[i]) {
			t.Fatalf("reminder %d at %s, want %s", i, r.UTC(), wantRem[i])
		}
	}
	f.run(wantRem[0].Add(-time.Minute))
	if n := len(mails(t, marker)); n != 0 {
		t.Fatalf("%d emails before the first reminder", n)
	}
	f.run(wantRem[0])
	got := mails(t, marker)
	if len(got) != 1 || !strings.Contains(got[0].Destination.To[0], "thomas.martin@maintenia.fr") {
		t.Fatalf("reminder:%s", describe(got))
	}
	// The deadline shown in local time: 12:00 (CEST), not 11:00 (CET) nor 10:00 (UTC).
	if !strings.Contains(got[0].Subject, "12:00") {
		t.Fatalf("the reminder does not show the deadline 12:00 local:\n%s", got[0].Body.Text)
	}
}

// A contact recorded at the very instant of the deadline (the rule: "by the deadline" is on time) is not a
// breach, even when the run happens at that same instant.
func TestContactAtTheDeadlineInstant(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Anne", "anne@blackbox.example")
	due := h.FirstContactDue
	f.run(h.Reminders[0])
	f.run(h.Reminders[1])
	_, err := f.hs.Update(context.Background(), h.Key, due, func(h *handoff.Handoff) ([]handoff.Event, error) {
		if _, err := h.Record(handoff.Response{Action: handoff.Contacted, Channel: "phone", At: due, By: "page", RepID: "thomas-martin"}, f.c.Calendar); err != nil {
			return nil, err
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(due)
	got := f.get(h.Key)
	if got.FirstContactBreached || got.Reassignments != 0 {
		t.Fatalf("contact at the deadline counted as a breach: breached=%v reassignments=%d", got.FirstContactBreached, got.Reassignments)
	}
	if n := len(mails(t, marker)); n != 2 {
		t.Fatalf("%d emails, want the 2 reminders:%s", n, describe(mails(t, marker)))
	}
}

// on_breach: reassign where every other eligible rep is out of office: the fallback (amelie-robert) is away
// too. README: "the next eligible rep by the routing rules (...; nobody else: the rep keeps it)". A rep who is
// out of office is not eligible (routing skips them for a new SQL), so the SQL must not go to an absent rep.
func TestReassignNeverToARepOutOfOffice(t *testing.T) {
	t.Parallel()
	f := newFx(t, func(s string) string {
		s = strings.Replace(s, "      weight: 2 ", "      out_of_office: [{from: 2026-12-21, to: 2027-01-01}]\n      weight: 2 ", 1)
		return strings.Replace(s, "      segments: [enterprise]\n", "      segments: [enterprise]\n      out_of_office: [{from: 2026-12-21, to: 2027-01-01}]\n", 1)
	})
	// Monday 21 December 10:00: sophie-bernard, julien-petit and amelie-robert are away; thomas-martin holds it.
	h, _ := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 12, 21, 10, 0), "Paul", "paul@blackbox.example")
	f.run(h.FirstContactDue)
	got := f.get(h.Key)
	if !got.FirstContactBreached && got.FirstContactBreaches == 0 {
		t.Fatalf("no breach recorded")
	}
	if rep := got.Rep(); rep != "thomas-martin" {
		r, _ := f.c.Rep(rep)
		t.Fatalf("reassigned to %s, who is out of office on %s (%v); expected thomas-martin to keep it", rep,
			h.FirstContactDue.In(f.c.Location).Format("2006-01-02"), r.Away(h.FirstContactDue, f.c.Location))
	}
}

// Reassignment twice in a row: thomas-martin (Nord) breaches → next rep; that rep breaches → a third rep. Each
// new rep gets exactly one SQL email, each breach one escalation, the events are all there, and the open-SQL
// counts follow the SQL.
func TestReassignTwiceInARow(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Marie", "marie@blackbox.example")
	var reps []string
	for round := 0; round < 2; round++ {
		h = f.get(h.Key)
		due := h.FirstContactDue
		var wg sync.WaitGroup
		for i := 0; i < 3; i++ { // three runs at once at the breach instant
			wg.Add(1)
			go func() { defer wg.Done(); f.set(due); f.ch.Run(context.Background(), 0) }()
		}
		wg.Wait()
		for i := 0; i < 5; i++ {
			f.run(due.Add(time.Duration(i) * time.Second))
		}
		h = f.get(h.Key)
		reps = append(reps, h.Rep())
		if len(h.Pending) != 0 || h.Mail.Status != outbox.MailSent {
			t.Fatalf("round %d: pending %v, SQL email %s", round, h.Pending, h.Mail.Status)
		}
	}
	if reps[0] == "thomas-martin" || reps[1] == reps[0] || reps[1] == "thomas-martin" {
		t.Fatalf("holders after two breaches: thomas-martin → %v", reps)
	}
	for _, id := range []string{"breach.first_contact#0.0", "reassignment#0.0", "breach.first_contact#1.0", "reassignment#1.0"} {
		if _, err := f.hs.Event(context.Background(), h.Key, id); err != nil {
			t.Errorf("event %s: %v", id, err)
		}
	}
	// thomas-martin's escalation, the second rep's SQL email, the second rep's escalation, the third rep's
	// SQL email (no reminders: the runs were only at the breach instants).
	all := mails(t, marker)
	if len(all) != 4 {
		t.Fatalf("%d emails, want 4:%s", len(all), describe(all))
	}
	second, _ := f.c.Rep(reps[0])
	third, _ := f.c.Rep(reps[1])
	for _, m := range all {
		if strings.Contains(m.Subject, second.Name+" n'a pas contacté") && !strings.Contains(m.Subject, "réattribué à "+third.Name) {
			t.Errorf("the escalation of %s's breach does not name %s, who took the SQL: %q", second.Name, third.Name, m.Subject)
		}
	}
}

// No PII in logs: the lead's name, email and phone never appear in what the checker logs, even through the
// SQL email it sends again on a reassignment.
func TestNoPIIInLogs(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, _ := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Zebulon", "zebulon.pii@blackbox.example")
	for _, at := range append(append([]time.Time{}, h.Reminders...), h.FirstContactDue, h.FirstContactDue.Add(time.Minute)) {
		f.run(at)
	}
	h = f.get(h.Key)
	for _, at := range append(append([]time.Time{}, h.Reminders...), h.FirstContactDue, h.FeedbackDue) {
		f.run(at)
	}
	logs := f.logs.String()
	for _, pii := range []string{"Zebulon", "zebulon.pii", "+33472000000", "472000000"} {
		if strings.Contains(logs, pii) {
			t.Errorf("the logs contain %q", pii)
		}
	}
}
