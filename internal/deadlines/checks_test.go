package deadlines_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/deadlines/crashtest"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// TestOverlappingAndRepeatedRuns: the schedule firing twice at once, then ten times on the same instant, at
// each step of a dozen SQLs' lives: one email and one event per step, counted.
func TestOverlappingAndRepeatedRuns(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var hs []handoff.Handoff
	for i := 0; i < 12; i++ {
		region := []string{"FR-IDF", "FR-NAQ", "FR-ARA"}[i%3] // nord (reassigned on breach) and sud-ouest
		hs = append(hs, f.sql(region, paris(t, "2026-11-30 10:00")))
	}
	sqlEmails := len(f.mails())
	if sqlEmails != 12 {
		t.Fatalf("%d SQL emails, want 12", sqlEmails)
	}
	hammer := func(at time.Time) {
		var wg sync.WaitGroup
		for i := 0; i < 2; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := f.runErr(at); err != nil {
					t.Errorf("concurrent run at %s: %v", at, err)
				}
			}()
		}
		wg.Wait()
		for i := 0; i < 10; i++ {
			f.run(at)
		}
	}
	hammer(paris(t, "2026-11-30 12:00")) // the first reminders
	hammer(paris(t, "2026-11-30 15:00")) // the breaches (the second reminders' instant passed: skipped)
	mails := f.mails()
	kinds := map[string]int{}
	for _, h := range hs {
		for id := range f.events(h.Key) {
			kinds[strings.SplitN(id, "#", 2)[0]]++
		}
	}
	reassigned := 0
	for _, h := range hs {
		if f.get(h.Key).Reassignments > 0 {
			reassigned++
		}
	}
	// Every SQL: one reminder, one breach; every one of them reassigned (nord to sud-ouest, sud-ouest to its
	// other rep), each with the new rep's SQL email.
	want := map[string]int{"reminder": 12, "breach.first_contact": 12, "reassignment": reassigned}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s events, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
	if len(kinds) != len(want) {
		t.Errorf("events of kinds %v, want only %v", kinds, want)
	}
	if wantMails := 12 + 12 + 12 + reassigned; len(mails) != wantMails {
		t.Errorf("%d emails, want %d (12 SQL emails, 12 reminders, 12 escalations, %d reassigned SQL emails)", len(mails), wantMails, reassigned)
	}
	if reassigned == 0 {
		t.Error("no SQL was reassigned: the test does not cover reassignment")
	}
}

// TestCrashPoints: a run dies between the record and the email, between the gate and SES, between SES and the
// confirmation. What the next runs do, and how many emails leave in the end.
func TestCrashPoints(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		point     string
		reminders int  // reminder emails in the end
		opsAlert  bool // marketing ops told that an email may not have left
		status    outbox.MailStatus
	}{
		// Nothing left yet: the next run sends it. Exactly once.
		{"after-record", 1, false, outbox.MailSent},
		// The gate was passed, SES never called: whether it left is unknown to the next runs, which never send it
		// blindly. At most once: none left, ops told.
		{"after-gate", 0, true, outbox.MailAbandoned},
		// It left, unconfirmed: unknown likewise, not sent again. Exactly once; ops told it may not have.
		{"after-send", 1, true, outbox.MailAbandoned},
	} {
		t.Run(tc.point, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			h := f.sql("FR-NAQ", paris(t, "2026-11-30 10:00"))
			f.proc.CrashAt(tc.point)
			f.runErr(paris(t, "2026-11-30 12:00")) // the dead process's calls fail, or, after SES, nothing is left to do
			if !f.proc.Died() {
				t.Fatal("the run never reached the crash point")
			}
			f.run(paris(t, "2026-11-30 12:01"))
			f.run(paris(t, "2026-11-30 12:02"))
			f.run(paris(t, "2026-11-30 12:05")) // handoff.StuckAfter after the gate
			f.run(paris(t, "2026-11-30 12:06"))
			reminders, alerts := 0, 0
			for _, m := range f.mails() {
				switch {
				case strings.HasPrefix(m.Subject, "Rappel : premier contact"):
					reminders++
				case strings.HasPrefix(m.Subject, "E-mail peut-être non remis : rappel 1 sur 2"):
					alerts++
				}
			}
			if reminders != tc.reminders || (alerts == 1) != tc.opsAlert || alerts > 1 {
				t.Errorf("%d reminder emails and %d ops alerts, want %d and alert %v", reminders, alerts, tc.reminders, tc.opsAlert)
			}
			events := f.events(h.Key)
			if e := events["reminder#0.0"]; e.Mail.Status != tc.status {
				t.Errorf("the reminder's email is %s, want %s", e.Mail.Status, tc.status)
			}
			if got := f.get(h.Key); len(got.Pending) != 0 || got.Reminded != 1 {
				t.Errorf("pending %v, reminded %d", got.Pending, got.Reminded)
			}
			if tc.opsAlert {
				if u := events["mail.undelivered#0.0"]; u.RepID != "sophie-bernard" && u.RepID != "julien-petit" || !strings.Contains(u.Reason, "unknown") {
					t.Errorf("undelivered alert %+v", u)
				}
			}
		})
	}
}

// TestTheSQLEmailLeftUnconfirmed: notify claimed the SQL email and never confirmed it. After handoff.StuckAfter
// the checker sends it once more — marked as a possible duplicate only when it may have left — tells marketing
// ops, and the rep's deadlines count from that send.
func TestTheSQLEmailLeftUnconfirmed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		fail      error
		duplicate bool
	}{
		{"refused, never sent", fmt.Errorf("%w: MessageRejected", outbox.ErrRejected), false},
		{"outcome unknown", errors.New("read tcp: connection reset by peer"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			h := f.sqlWhoseEmailFails("FR-IDF", paris(t, "2026-11-30 10:00"), tc.fail)
			if len(f.mails()) != 0 || !h.Mail.Outstanding() {
				t.Fatalf("the SQL email left or was confirmed: %+v", h.Mail)
			}
			f.run(paris(t, "2026-11-30 10:04"))
			if len(f.mails()) != 0 {
				t.Fatal("resent before it was stale")
			}
			// Not chased either: nobody is reminded of an SQL they may not have.
			f.run(paris(t, "2026-11-30 10:05"))
			f.run(paris(t, "2026-11-30 10:06"))
			mails := f.mails()
			checkMails(t, "the resend", mails, []wantMail{
				{to: thomas, cc: claire, subject: []string{h.LeadCompany}},
				{to: ops, subject: []string{"E-mail SQL renvoyé"}},
			})
			if dup := strings.Contains(mails[0].Body.Text, "Doublon possible"); dup != tc.duplicate {
				t.Errorf("marked as a possible duplicate: %v, want %v", dup, tc.duplicate)
			}
			got := f.get(h.Key)
			// 4 business hours from the resend at 10:05: 15:05.
			if got.Mail.Status != outbox.MailSent || !got.ClockFrom.Equal(paris(t, "2026-11-30 10:05")) || !got.FirstContactDue.Equal(paris(t, "2026-11-30 15:05")) {
				t.Errorf("after the resend: mail %+v, clock from %s, due %s", got.Mail, got.ClockFrom, got.FirstContactDue)
			}
			if got := ids(f.events(h.Key)); got != "mail.stuck#0.0" {
				t.Errorf("events %s", got)
			}
		})
	}
}

// TestAnSQLEmailSESKeepsRefusingIsAbandoned: after outbox.MaxMailAttempts refusals the SQL email is abandoned,
// ops are told, and the deadlines run so that the breach reaches the manager.
func TestAnSQLEmailSESKeepsRefusingIsAbandoned(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "on_breach: reassign", "on_breach: escalate")
	refused := fmt.Errorf("%w: MessageRejected: address blacklisted", outbox.ErrRejected)
	h := f.sqlWhoseEmailFails("FR-IDF", paris(t, "2026-11-30 10:00"), refused)
	// Refused by notify once, then at each of the checker's resends until the fifth refusal; the run after
	// abandons it.
	at := paris(t, "2026-11-30 10:00")
	for i := 1; i <= outbox.MaxMailAttempts; i++ {
		at = at.Add(handoff.StuckAfter)
		if i < outbox.MaxMailAttempts {
			f.sender.FailNext(refused)
		}
		f.run(at)
	}
	if got := ids(f.events(h.Key)); got != "mail.stuck#0.0 mail.stuck#0.1 mail.stuck#0.2 mail.stuck#0.3 mail.undelivered#0.0" {
		t.Errorf("events %s", got)
	}
	got := f.get(h.Key)
	if got.Mail.Status != outbox.MailAbandoned {
		t.Fatalf("mail %+v after %d runs", got.Mail, outbox.MaxMailAttempts)
	}
	var subjects []string
	for _, m := range f.mails() {
		subjects = append(subjects, strings.SplitN(m.Subject, " :", 2)[0])
	}
	// Ops are told at the first resend, and when it is abandoned; the resends between are recorded only.
	if strings.Join(subjects, ", ") != "E-mail SQL renvoyé, E-mail non remis" {
		t.Errorf("emails %v", subjects)
	}
	// The deadlines run from the abandonment: the breach escalates to the manager.
	f.run(got.FirstContactDue)
	if e := f.events(h.Key)["breach.first_contact#0.0"]; e.ManagerID != "claire-dubois" || e.Mail.Status != outbox.MailSent {
		t.Errorf("breach %+v", e)
	}
}

// TestHolidayWeekendAndDaylightSaving: an SQL handed off on Friday 26 March 2027 at 16:45, before Easter Monday
// and across the last Sunday of March (the clocks go forward): 15 minutes on Friday, then Tuesday from 09:00
// summer time. Reminders at 2h (10:45) and 3h12 (11:57), the breach at 4h (13:45).
func TestHolidayWeekendAndDaylightSaving(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "on_breach: reassign", "on_breach: escalate")
	h := f.sql("FR-IDF", paris(t, "2027-03-26 16:45"))
	want := map[string]string{"reminder#0.0": "2027-03-30 10:45", "reminder#0.1": "2027-03-30 11:57", "breach.first_contact#0.0": "2027-03-30 13:45"}
	for _, at := range []string{"2027-03-26 17:00", "2027-03-29 12:00", "2027-03-30 10:44", "2027-03-30 10:45", "2027-03-30 11:56",
		"2027-03-30 11:57", "2027-03-30 13:44", "2027-03-30 13:45"} {
		f.run(paris(t, at))
		for id, e := range f.events(h.Key) {
			if w, ok := want[id]; !ok || !e.At.Equal(paris(t, w)) || !e.Due.Equal(paris(t, w)) {
				t.Errorf("after the run at %s: %s recorded at %s (due %s), want at %q", at, id, e.At, e.Due, w)
			}
		}
	}
	if got := ids(f.events(h.Key)); got != "breach.first_contact#0.0 reminder#0.0 reminder#0.1" {
		t.Errorf("events %s", got)
	}
	// 13:45 summer time is 11:45 UTC.
	if e := f.events(h.Key)["breach.first_contact#0.0"]; e.At.UTC().Format("15:04") != "11:45" || e.BusinessMinutesLate != 0 {
		t.Errorf("breach at %s UTC, %d minutes late", e.At.UTC().Format("15:04"), e.BusinessMinutesLate)
	}
}

// TestAnAwayRepIsNotReminded: the rep who owns the lead is out of office at the reminder instant: their manager
// is told at once (once), the rep gets no reminder; the breach still escalates and reassigns.
func TestAnAwayRepIsNotReminded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "      max_open_sqls: 15\n", "      max_open_sqls: 15\n      out_of_office:\n        - from: 2026-11-30\n          to: 2026-12-04\n")
	h := f.sqlOwnedBy("thomas-martin", "FR-IDF", paris(t, "2026-11-30 10:00"))
	if h.Rep() != "thomas-martin" {
		t.Fatalf("the SQL went to %s", h.Rep())
	}
	before := len(f.mails())
	f.run(paris(t, "2026-11-30 12:00"))
	f.run(paris(t, "2026-11-30 14:12"))
	checkMails(t, "the reminder points", f.mails()[before:], []wantMail{{to: claire, cc: ops, subject: []string{"Absence de Thomas Martin"}}})
	f.run(paris(t, "2026-11-30 15:00"))
	if got := ids(f.events(h.Key)); got != "breach.first_contact#0.0 escalation.away#0.0 reassignment#0.0" {
		t.Errorf("events %s", got)
	}
	if got := f.get(h.Key); got.Rep() == "thomas-martin" {
		t.Errorf("after the breach the SQL is still %s's", got.Rep())
	}
}

// TestRemindersShowTheLeadFromItsProfile: the hand-off keeps no copy of the person's details, so a reminder shows
// the lead as its profile stands when the reminder leaves (a phone number given after the hand-off included); a
// lead that is gone (erased, or past its retention) is named by its ID, and its reminder still goes.
func TestRemindersShowTheLeadFromItsProfile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
	l, err := f.leads.Get(ctx, h.LeadID)
	if err != nil {
		t.Fatal(err)
	}
	at := paris(t, "2026-11-30 11:00")
	d := webhook.Delivery{Source: "site-contact", ID: "d-newphone-" + f.marker, BodyHash: "h", At: at}
	if _, err := f.leads.SaveSubmission(ctx, d, lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: l.Contact.Email, Phone: "+33612345678"}},
		lead.Activity{ID: "a-newphone-" + f.marker, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} }); err != nil {
		t.Fatal(err)
	}
	before := len(f.mails())
	f.run(h.Reminders[0])
	got := f.mails()[before:]
	checkMails(t, "the first reminder", got, []wantMail{{to: thomas, subject: []string{"Rappel", h.LeadCompany}}})
	if text := got[0].Body.Text; !strings.Contains(text, "+33612345678") || !strings.Contains(text, "Claire Dubois") || !strings.Contains(text, l.Contact.Email) {
		t.Errorf("the reminder does not show the lead's profile:\n%s", text)
	}

	if _, err := f.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &f.tables.Leads, Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "LEAD#" + h.LeadID}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}}); err != nil {
		t.Fatal(err)
	}
	before = len(f.mails())
	f.run(h.Reminders[1])
	got = f.mails()[before:]
	checkMails(t, "the second reminder", got, []wantMail{{to: thomas, subject: []string{"Rappel", h.LeadCompany}}})
	if text := got[0].Body.Text; !strings.Contains(text, h.LeadID) || !strings.Contains(text, "plus conservées") ||
		strings.Contains(text, "+33612345678") || strings.Contains(text, "Claire Dubois") || strings.Contains(text, l.Contact.Email) {
		t.Errorf("the reminder of a lead gone:\n%s", text)
	}
	if e := f.events(h.Key)["reminder#0.1"]; e.Mail.Status != outbox.MailSent {
		t.Errorf("the second reminder's email is %s", e.Mail.Status)
	}
}

// TestEscalateOnlyAndTheFeedbackDeadline: with on_breach: escalate the rep keeps the SQL; contacted late, they
// are reminded to answer, then breach the feedback deadline: they are asked again, their manager in copy. The
// SQL then has nothing left to check, and stays listed as open.
func TestEscalateOnlyAndTheFeedbackDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "on_breach: reassign", "on_breach: escalate")
	h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
	before := len(f.mails())
	for _, at := range []string{"2026-11-30 12:00", "2026-11-30 14:12", "2026-11-30 15:00"} {
		f.run(paris(t, at))
	}
	f.answer(h.Key, handoff.Response{Action: handoff.Contacted, Channel: "email", At: paris(t, "2026-11-30 16:00"), RepID: "thomas-martin", By: "crm"})
	// Feedback: 16h from Monday 10:00 is Wednesday 10:00; its reminder at 12h, Tuesday 15:00.
	for _, at := range []string{"2026-12-01 14:59", "2026-12-01 15:00", "2026-12-02 09:59", "2026-12-02 10:00", "2026-12-02 10:01", "2026-12-03 10:00"} {
		f.run(paris(t, at))
	}
	checkMails(t, "the week", f.mails()[before:], []wantMail{
		{to: thomas, subject: []string{"Rappel : premier contact"}},
		{to: thomas, subject: []string{"Rappel : premier contact"}},
		{to: claire, cc: ops, subject: []string{"Délai dépassé : Thomas Martin"}, text: []string{"le contrat prévoit seulement"}},
		{to: thomas, subject: []string{"Rappel : acceptez ou rejetez"}},
		{to: thomas, cc: claire, subject: []string{"Réponse en retard"}},
	})
	got := f.get(h.Key)
	if got.Rep() != "thomas-martin" || got.Reassignments != 0 || !got.FeedbackBreached || got.Contact.BusinessMinutes != 300 {
		t.Errorf("rep %s reassignments %d feedback breached %v contact %+v", got.Rep(), got.Reassignments, got.FeedbackBreached, got.Contact)
	}
	if e := f.events(h.Key)["breach.feedback#0.0"]; !e.Due.Equal(paris(t, "2026-12-02 10:00")) || e.ManagerID != "claire-dubois" {
		t.Errorf("feedback breach %+v", e)
	}
	open := 0
	if err := f.handoffs.ForEachOpen(context.Background(), func(o handoff.Handoff) error {
		if o.Key == h.Key {
			open++
		}
		return nil
	}); err != nil || open != 1 {
		t.Errorf("listed as open %d times (%v)", open, err)
	}
	if !got.NextCheck(paris(t, "2026-12-03 10:00")).IsZero() {
		t.Errorf("still checked at %s", got.NextCheck(paris(t, "2026-12-03 10:00")))
	}
}

// TestARunLooksAheadAndHandlesEachAtItsInstant: a run with a one-minute window handles what falls due within
// it at its instant — not before — and leaves what falls due after it.
func TestARunLooksAheadAndHandlesEachAtItsInstant(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	first := f.sql("FR-NAQ", paris(t, "2026-11-30 10:00"))  // reminder at 12:00
	second := f.sql("FR-NAQ", paris(t, "2026-11-30 10:02")) // reminder at 12:02
	f.clock.Set(paris(t, "2026-11-30 11:59").Add(30 * time.Second))
	res, err := f.checker.Run(context.Background(), time.Minute)
	if err != nil || res.Checked != 1 {
		t.Fatalf("run: %+v %v", res, err)
	}
	if e := f.events(first.Key)["reminder#0.0"]; !e.At.Equal(paris(t, "2026-11-30 12:00")) {
		t.Errorf("the reminder due at 12:00 was recorded at %s", e.At)
	}
	if n := len(f.events(second.Key)); n != 0 {
		t.Errorf("%d events on the SQL due after the window", n)
	}
}

// TestARunStopsBeforeItsDeadline: a run about to be cut off takes nothing more; the next run takes it all.
func TestARunStopsBeforeItsDeadline(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i := 0; i < 3; i++ {
		f.sql("FR-NAQ", paris(t, "2026-11-30 10:00"))
	}
	f.clock.Set(paris(t, "2026-11-30 12:00"))
	ctx, cancel := context.WithTimeout(context.Background(), f.checker.Margin-time.Second)
	defer cancel()
	res, err := f.checker.Run(ctx, 0)
	if err != nil || res.Checked != 0 || res.Left != 3 {
		t.Fatalf("a run with less than its margin left: %+v %v", res, err)
	}
	if res := f.run(paris(t, "2026-11-30 12:00")); res.Checked != 3 {
		t.Errorf("the next run checked %d", res.Checked)
	}
}

// TestTheScheduleEvent: the sample event is the template's schedule input, and the handler takes it; a bad
// window is refused, naming it.
func TestTheScheduleEvent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	raw, err := os.ReadFile(testenv.Root() + "/events/deadlines/every-minute.json")
	if err != nil {
		t.Fatal(err)
	}
	var input string
	for _, fn := range testenv.Template().Functions {
		if fn.LogicalID == "DeadlinesFunction" {
			for _, s := range fn.Schedules {
				input = s.Input
				if s.Expression != "rate(1 minute)" || s.FlexibleWindowMinutes != 0 || !s.DeliveryRetries || !s.DeliveryDLQ {
					t.Errorf("schedule %+v", s)
				}
			}
		}
	}
	var a, b any
	if json.Unmarshal(raw, &a) != nil || json.Unmarshal([]byte(input), &b) != nil || fmt.Sprint(a) != fmt.Sprint(b) {
		t.Errorf("sample %s, template input %s", raw, input)
	}
	f.clock.Set(paris(t, "2026-11-30 12:00"))
	f.checker.Wait = func(context.Context, time.Time) error { return nil }
	if _, err := f.checker.Handle(context.Background(), raw); err != nil {
		t.Errorf("the sample: %v", err)
	}
	for _, bad := range []string{`{"window":"soon"}`, `{"window":"-1m"}`, `{"window":"1h"}`, `[]`} {
		if _, err := f.checker.Handle(context.Background(), json.RawMessage(bad)); err == nil || !strings.Contains(err.Error(), "input") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// TestACrashAfterAReassignment: the run dies once the breach and the reassignment are recorded, before any
// email. The next run sends both — the new rep's SQL email at once, not as a stuck email five minutes later.
func TestACrashAfterAReassignment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
	f.run(paris(t, "2026-11-30 12:00"))
	f.run(paris(t, "2026-11-30 14:12"))
	before := len(f.mails())
	f.proc.CrashAt(crashtest.AfterRecord)
	if _, err := f.runErr(paris(t, "2026-11-30 15:00")); err == nil || !f.proc.Died() {
		t.Fatalf("the crashed run: %v", err)
	}
	if got := f.get(h.Key); got.Reassignments != 1 || got.Mail.Status != outbox.MailClaimed || len(f.mails()) != before {
		t.Fatalf("after the crash: reassignments %d, mail %s, %d new emails", got.Reassignments, got.Mail.Status, len(f.mails())-before)
	}
	f.run(paris(t, "2026-11-30 15:01"))
	checkMails(t, "the run after the crash", f.mails()[before:], []wantMail{
		{to: sophie, cc: claire, subject: []string{h.LeadCompany}},
		{to: claire, cc: ops, subject: []string{"Délai dépassé", "réattribué à Sophie Bernard"}},
	})
	if got := f.get(h.Key); got.Mail.Status != outbox.MailSent || got.Resends != 0 || len(got.Pending) != 0 {
		t.Errorf("mail %s, resends %d, pending %v", got.Mail.Status, got.Resends, got.Pending)
	}
}

// TestAResponseAfterTheDeadlineBeforeTheRunIsStillABreach: a contact recorded five minutes after the deadline,
// before the checker's pass, still leaves the breach on record (five business minutes late), and the manager is
// told who contacted the lead and when — but the SQL is not reassigned (the contract says reassign: the lead has
// been reached). An answer given after the feedback deadline, before the pass, is a feedback breach recorded
// without an email (there is nothing left to ask for). Each once.
func TestAResponseAfterTheDeadlineBeforeTheRunIsStillABreach(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
	for _, at := range []string{"2026-11-30 12:00", "2026-11-30 14:12", "2026-11-30 14:59"} {
		f.run(paris(t, at))
	}
	before := len(f.mails())
	f.answer(h.Key, handoff.Response{Action: handoff.Contacted, Channel: "phone", At: paris(t, "2026-11-30 15:05"), RepID: "thomas-martin", By: "crm"})
	for _, at := range []string{"2026-11-30 15:06", "2026-11-30 15:07", "2026-11-30 16:00"} {
		f.run(paris(t, at))
	}
	checkMails(t, "the late contact", f.mails()[before:], []wantMail{
		{to: claire, cc: ops, subject: []string{"Délai dépassé : Thomas Martin"}, text: []string{"Thomas Martin a contacté le lead le", "15:05"}},
	})
	got := f.get(h.Key)
	if got.Rep() != "thomas-martin" || got.Reassignments != 0 || got.FirstContactBreaches != 1 || got.ContactedWithinDeadline() {
		t.Errorf("rep %s, reassignments %d, breaches %d, within %v", got.Rep(), got.Reassignments, got.FirstContactBreaches, got.ContactedWithinDeadline())
	}
	if e := f.events(h.Key)["breach.first_contact#0.0"]; e.BusinessMinutesLate != 5 || !e.Due.Equal(paris(t, "2026-11-30 15:00")) {
		t.Errorf("breach %+v, want 5 business minutes late", e)
	}

	// Feedback: due Wednesday 10:00 (reminder Tuesday 15:00); answered at 10:03, the checker's pass at 10:04.
	f.run(paris(t, "2026-12-01 15:00"))
	before = len(f.mails())
	f.answer(h.Key, handoff.Response{Action: handoff.Accept, At: paris(t, "2026-12-02 10:03"), RepID: "thomas-martin", By: "crm"})
	for _, at := range []string{"2026-12-02 10:04", "2026-12-02 10:05"} {
		f.run(paris(t, at))
	}
	if n := len(f.mails()) - before; n != 0 {
		t.Errorf("%d emails after a late answer, want none", n)
	}
	got = f.get(h.Key)
	if !got.FeedbackBreached || got.AnsweredWithinDeadline() {
		t.Errorf("feedback breached %v, within %v", got.FeedbackBreached, got.AnsweredWithinDeadline())
	}
	if e, ok := f.events(h.Key)["breach.feedback#0.0"]; !ok || e.BusinessMinutesLate != 3 || e.Mail.Status != "" {
		t.Errorf("feedback breach %+v (recorded %v), want 3 minutes late, no email", e, ok)
	}
	if next := got.NextCheck(paris(t, "2026-12-02 10:05")); !next.IsZero() {
		t.Errorf("still checked at %s", next)
	}
}
