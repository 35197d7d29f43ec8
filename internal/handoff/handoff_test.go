package handoff

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// The example contract: Paris, 9:00–12:30 and 13:30–18:00 (Friday until 17:00), first contact within 4h,
// feedback within 16h, reminders at 50% and 80% of the first, 75% of the second.
func example(t *testing.T) *contract.Contract {
	t.Helper()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func paris(t *testing.T, s string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Paris")
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sent is an SQL handed off on Monday 30 November 2026 at 10:00 Paris to thomas-martin, its email sent.
func sent(t *testing.T) (*contract.Contract, *Handoff) {
	t.Helper()
	c := example(t)
	at := paris(t, "2026-11-30 10:00")
	d, err := DeadlinesFrom(c, at)
	if err != nil {
		t.Fatal(err)
	}
	h := New(Key{LeadID: "ld_1", At: at}, Assignment{RepID: "thomas-martin", Team: "nord", At: at}, d, c.Version, at)
	h.Mail.Status, h.Mail.SentAt, h.Mail.MessageID = outbox.MailSent, at, "m1"
	return c, h
}

func TestDeadlinesFromTheContract(t *testing.T) {
	t.Parallel()
	_, h := sent(t)
	// 4h from Monday 10:00 with lunch 12:30–13:30: 15:00; reminders at 2h (12:00) and 3h12 (14:12);
	// feedback 16h: Monday 10:00–18:00 gives 7h, Tuesday 8h, the last hour on Wednesday → Wednesday 10:00; its
	// reminder at 12h: Monday's 7h, then 3h30 before lunch and 1h30 after on Tuesday → Tuesday 15:00.
	want := map[string]string{
		"first contact": "2026-11-30 15:00", "feedback": "2026-12-02 10:00", "reminder 1": "2026-11-30 12:00", "reminder 2": "2026-11-30 14:12",
		"feedback reminder": "2026-12-01 15:00",
	}
	got := map[string]time.Time{"first contact": h.FirstContactDue, "feedback": h.FeedbackDue, "reminder 1": h.Reminders[0], "reminder 2": h.Reminders[1],
		"feedback reminder": h.FeedbackReminders[0]}
	for k, w := range want {
		if !got[k].Equal(paris(t, w)) {
			t.Errorf("%s = %s, want %s", k, got[k].In(got[k].Location()), w)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	reasons := contract.DefaultRejectReasons
	long := strings.Repeat("é", MaxComment+1)
	tests := []struct {
		name  string
		r     Response
		field string // "" when valid
	}{
		{"contacted by phone", Response{Action: Contacted, Channel: "phone"}, ""},
		{"contacted without a channel", Response{Action: Contacted}, "channel"},
		{"contacted by fax", Response{Action: Contacted, Channel: "fax"}, "channel"},
		{"accepted", Response{Action: Accept}, ""},
		{"rejected with a reason", Response{Action: Reject, Reason: "no_budget"}, ""},
		{"rejected without a reason", Response{Action: Reject}, "reason"},
		{"rejected with an unknown reason", Response{Action: Reject, Reason: "too_small"}, "reason"},
		{"other with a comment", Response{Action: Reject, Reason: "other", Comment: "already a customer"}, ""},
		{"other without a comment", Response{Action: Reject, Reason: "other"}, "comment"},
		{"other with only spaces", Response{Action: Reject, Reason: "other", Comment: "  \n "}, "comment"},
		{"a comment too long", Response{Action: Reject, Reason: "no_budget", Comment: long}, "comment"},
		{"a comment on two lines", Response{Action: Reject, Reason: "other", Comment: "line one\nline two"}, ""},
		{"a comment with a control character", Response{Action: Reject, Reason: "other", Comment: "bell\a"}, "comment"},
		{"a comment with a zero-width space", Response{Action: Reject, Reason: "other", Comment: "a\u200bb"}, "comment"},
		{"a comment with a byte order mark", Response{Action: Reject, Reason: "other", Comment: "a\ufeffb"}, "comment"},
		{"a comment with a soft hyphen", Response{Action: Reject, Reason: "other", Comment: "a\u00adb"}, "comment"},
		{"a comment with a tag character", Response{Action: Reject, Reason: "other", Comment: "a\U000E0041b"}, "comment"},
		{"a comment with a line separator", Response{Action: Reject, Reason: "other", Comment: "a\u2028b"}, "comment"},
		{"a comment with a tab", Response{Action: Reject, Reason: "other", Comment: "a\tb"}, ""},
		{"an unknown action", Response{Action: "ignore"}, "action"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Validate(&tc.r, reasons)
			var fe lead.FieldErrors
			switch {
			case tc.field == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.field != "" && (!errors.As(err, &fe) || len(fe) != 1 || fe[0].Field != tc.field):
				t.Errorf("err = %v; want one error on %q", err, tc.field)
			}
		})
	}
}

func TestRecord(t *testing.T) {
	t.Parallel()
	c := example(t)
	contactAt := paris(t, "2026-11-30 14:30") // 3h30 of business time after 10:00 (lunch excluded)
	tests := []struct {
		name     string
		prepare  func(h *Handoff)
		r        Response
		recorded bool
		err      error
		check    func(t *testing.T, h *Handoff)
	}{
		{name: "first contact", r: Response{Action: Contacted, Channel: "phone", At: contactAt, RepID: "thomas-martin"}, recorded: true,
			check: func(t *testing.T, h *Handoff) {
				if h.Contact.Channel != "phone" || h.Contact.BusinessMinutes != 210 || h.Contact.RepID != "thomas-martin" || !h.ContactedWithinDeadline() {
					t.Errorf("contact = %+v", h.Contact)
				}
			}},
		{name: "a second contact changes nothing", prepare: func(h *Handoff) { h.Contact = Contact{At: contactAt, Channel: "email"} },
			r: Response{Action: Contacted, Channel: "phone", At: contactAt.Add(time.Hour)}, recorded: false,
			check: func(t *testing.T, h *Handoff) {
				if h.Contact.Channel != "email" {
					t.Errorf("the first contact did not stand: %+v", h.Contact)
				}
			}},
		{name: "an answer implies the contact", r: Response{Action: Accept, At: contactAt, By: "page", RepID: "thomas-martin"}, recorded: true,
			check: func(t *testing.T, h *Handoff) {
				if h.Decision.Verdict != Accepted || !h.Contacted() || h.Contact.Channel != "" || h.Contact.BusinessMinutes != 210 {
					t.Errorf("decision %+v contact %+v", h.Decision, h.Contact)
				}
			}},
		{name: "a rejection keeps its reason and comment", r: Response{Action: Reject, Reason: "other", Comment: "déjà client", At: contactAt, By: "crm"}, recorded: true,
			check: func(t *testing.T, h *Handoff) {
				if h.Decision.Verdict != Rejected || h.Decision.Reason != "other" || h.Decision.Comment != "déjà client" || h.Decision.By != "crm" {
					t.Errorf("decision %+v", h.Decision)
				}
			}},
		{name: "the first answer stands", prepare: func(h *Handoff) { h.Decision = Decision{Verdict: Accepted, At: contactAt} },
			r: Response{Action: Reject, Reason: "no_budget", At: contactAt.Add(time.Hour)}, recorded: false,
			check: func(t *testing.T, h *Handoff) {
				if h.Decision.Verdict != Accepted {
					t.Errorf("decision %+v", h.Decision)
				}
			}},
		{name: "another rep's answer is refused", r: Response{Action: Accept, At: contactAt, RepID: "sophie-bernard"}, err: ErrNotYours},
		{name: "a late contact counts its time; the breach stays", prepare: func(h *Handoff) { h.BreachFirstContact("claire-dubois", 0, h.FirstContactDue) },
			r: Response{Action: Contacted, Channel: "meeting", At: paris(t, "2026-12-01 10:00")}, recorded: true,
			check: func(t *testing.T, h *Handoff) {
				// Monday 10:00–12:30 and 13:30–18:00 (7h) + Tuesday 9:00–10:00 (1h) = 480 minutes.
				if h.Contact.BusinessMinutes != 480 || h.ContactedWithinDeadline() || h.FirstContactBreaches != 1 {
					t.Errorf("contact %+v, breaches %d", h.Contact, h.FirstContactBreaches)
				}
			}},
		{name: "an answer confirms an email whose outcome was unknown", prepare: func(h *Handoff) { h.Mail = outbox.Mail{Status: outbox.MailSending, SendingAt: h.At} },
			r: Response{Action: Contacted, Channel: "phone", At: contactAt}, recorded: true,
			check: func(t *testing.T, h *Handoff) {
				if h.Mail.Status != outbox.MailSent || len(h.Due(contactAt.Add(time.Hour))) != 0 {
					t.Errorf("mail %+v, due %v", h.Mail, h.Due(contactAt.Add(time.Hour)))
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, h := sent(t)
			if tc.prepare != nil {
				tc.prepare(h)
			}
			before := *h
			recorded, err := h.Record(tc.r, c.Calendar)
			if !errors.Is(err, tc.err) || recorded != tc.recorded {
				t.Fatalf("Record = %v, %v; want %v, %v", recorded, err, tc.recorded, tc.err)
			}
			if !recorded && (h.Contact != before.Contact || h.Decision != before.Decision) {
				t.Error("a refused or repeated response changed the hand-off")
			}
			if tc.check != nil {
				tc.check(t, h)
			}
		})
	}
}

// TestDueWalksTheDeadlines follows an SQL nobody contacts: each step falls due at its instant, once.
func TestDueWalksTheDeadlines(t *testing.T) {
	t.Parallel()
	c, h := sent(t)
	type want struct {
		at    string
		steps string // kinds, space separated
		next  string // NextCheck after acting
	}
	walk := []want{
		{"2026-11-30 11:59", "", "2026-11-30 12:00"},
		{"2026-11-30 12:00", "reminder", "2026-11-30 14:12"},
		{"2026-11-30 14:12", "reminder", "2026-11-30 15:00"},
		{"2026-11-30 15:00", "breach.first_contact", "2026-12-01 15:00"},
		{"2026-12-01 14:59", "", "2026-12-01 15:00"},
		{"2026-12-01 15:00", "reminder.feedback", "2026-12-02 10:00"},
		{"2026-12-02 09:59", "", "2026-12-02 10:00"},
		{"2026-12-02 10:00", "breach.feedback", ""},
		{"2026-12-02 11:00", "", ""},
	}
	for _, w := range walk {
		now := paris(t, w.at)
		var kinds []string
		for _, s := range h.Due(now) {
			kinds = append(kinds, string(s.Kind))
			switch s.Kind {
			case StepReminder:
				h.Remind(s.N, now)
			case StepFirstContactBreach:
				h.BreachFirstContact("claire-dubois", 0, now)
			case StepFeedbackReminder:
				h.RemindFeedback(s.N, now)
			case StepFeedbackBreach:
				h.BreachFeedback("claire-dubois", 0, now)
			}
		}
		h.Pending = nil // the emails were sent
		if got := strings.Join(kinds, " "); got != w.steps {
			t.Errorf("at %s due %q, want %q", w.at, got, w.steps)
		}
		next := h.NextCheck(now)
		if (w.next == "" && !next.IsZero()) || (w.next != "" && !next.Equal(paris(t, w.next))) {
			t.Errorf("at %s next check %s, want %q", w.at, next.In(c.Location), w.next)
		}
	}
}

func TestDueSkipsWhatIsLate(t *testing.T) {
	t.Parallel()
	_, h := sent(t)
	// The checker was down from 11:00 to 14:30: both reminder points passed, one reminder (the latest) is due.
	steps := h.Due(paris(t, "2026-11-30 14:30"))
	if len(steps) != 1 || steps[0].Kind != StepReminder || steps[0].N != 1 {
		t.Fatalf("due = %+v", steps)
	}
	// Down until after the deadline: no reminder at all, the breach.
	_, h = sent(t)
	steps = h.Due(paris(t, "2026-11-30 16:00"))
	if len(steps) != 1 || steps[0].Kind != StepFirstContactBreach {
		t.Fatalf("due = %+v", steps)
	}
}

func TestAContactStopsTheFirstContactClockAndAnAnswerTheRest(t *testing.T) {
	t.Parallel()
	c, h := sent(t)
	if _, err := h.Record(Response{Action: Contacted, Channel: "phone", At: paris(t, "2026-11-30 11:00")}, c.Calendar); err != nil {
		t.Fatal(err)
	}
	if next := h.NextCheck(paris(t, "2026-11-30 11:00")); !next.Equal(h.FeedbackReminders[0]) {
		t.Errorf("after a contact the next check is %s, want the feedback reminder", next)
	}
	if _, err := h.Record(Response{Action: Accept, At: paris(t, "2026-11-30 11:30")}, c.Calendar); err != nil {
		t.Fatal(err)
	}
	if next := h.NextCheck(paris(t, "2026-11-30 11:30")); !next.IsZero() {
		t.Errorf("an answered SQL is still checked at %s", next)
	}
}

func TestTheDeadlinesWaitForTheSQLEmail(t *testing.T) {
	t.Parallel()
	c := example(t)
	at := paris(t, "2026-11-30 10:00")
	d, _ := DeadlinesFrom(c, at)
	h := New(Key{LeadID: "ld_1", At: at}, Assignment{RepID: "thomas-martin", At: at}, d, c.Version, at)
	if next := h.NextCheck(at); !next.Equal(at.Add(StuckAfter)) {
		t.Errorf("a claimed email is checked at %s, want %s", next, at.Add(StuckAfter))
	}
	if steps := h.Due(paris(t, "2026-11-30 16:00")); len(steps) != 1 || steps[0].Kind != StepStuckMail {
		t.Fatalf("an unconfirmed email long after the deadline: due %+v; want only the stuck mail", steps)
	}
	h.Mail.Status, h.Mail.SendingAt = outbox.MailSending, paris(t, "2026-11-30 10:01")
	resend := paris(t, "2026-11-30 10:06")
	d2, _ := DeadlinesFrom(c, resend)
	e := h.ResendStuck(d2, resend)
	if !h.Mail.PossibleDuplicate || e.Kind != EventStuckMail || h.Mail.Status != outbox.MailClaimed || h.Mail.Attempts != 1 || !h.ClockFrom.Equal(resend) {
		t.Errorf("resend: event %+v hand-off mail %+v clock %s", e, h.Mail, h.ClockFrom)
	}
	if len(h.Pending) != 1 || h.Pending[0] != "mail.stuck#0.0" || !h.NextCheck(resend).Equal(resend) {
		t.Errorf("pending %v next %s", h.Pending, h.NextCheck(resend))
	}
}

func TestAClaimedEmailNeverHandedToSESIsNotADuplicate(t *testing.T) {
	t.Parallel()
	c := example(t)
	at := paris(t, "2026-11-30 10:00")
	d, _ := DeadlinesFrom(c, at)
	h := New(Key{LeadID: "ld_1", At: at}, Assignment{RepID: "thomas-martin", At: at}, d, c.Version, at)
	e := h.ResendStuck(d, at.Add(StuckAfter))
	if h.Mail.PossibleDuplicate || e.Kind != EventStuckMail || h.Mail.Status != outbox.MailClaimed {
		t.Errorf("resend of a claimed email: event %+v mail %+v", e, h.Mail)
	}
}

// TestWhenTheSQLEmailIsLookedAtAgain: notify's SQL email left unconfirmed waits StuckAfter (its stream retries
// first); one the checker claimed (a reassignment) and never handed to SES is no step — the checker sends it
// through its gate at its next look, InterruptedAfter at most; one the checker was handing to SES is resent
// InterruptedAfter after the hand-over (nobody can still be sending it), the rep's clock unmoved; one SES
// refused waits StuckAfter after its claim, as before.
func TestWhenTheSQLEmailIsLookedAtAgain(t *testing.T) {
	t.Parallel()
	notified := func(t *testing.T) *Handoff {
		c := example(t)
		at := paris(t, "2026-11-30 10:00")
		d, _ := DeadlinesFrom(c, at)
		return New(Key{LeadID: "ld_1", At: at}, Assignment{RepID: "thomas-martin", At: at}, d, c.Version, at)
	}
	reassigned := func(t *testing.T) *Handoff { // at 15:00, Sophie's SQL email claimed
		c, h := sent(t)
		now := h.FirstContactDue
		h.BreachFirstContact("claire-dubois", 0, now)
		d, _ := DeadlinesFrom(c, now)
		h.Reassign(Assignment{RepID: "sophie-bernard", Team: "sud-ouest", At: now}, d, now)
		h.Pending = nil
		return h
	}
	for _, tc := range []struct {
		name    string
		h       func(*testing.T) *Handoff
		handed  bool // handed to SES at the claim's instant
		refused bool // and refused
		after   time.Duration
		step    StepKind // "" for none
	}{
		{name: "notify's, claimed", h: notified, after: StuckAfter, step: StepStuckMail},
		{name: "notify's, sending", h: notified, handed: true, after: StuckAfter, step: StepStuckMail},
		{name: "the checker's, never handed to SES", h: reassigned, after: InterruptedAfter},
		{name: "the checker's, sending", h: reassigned, handed: true, after: InterruptedAfter, step: StepInterruptedMail},
		{name: "the checker's, refused", h: reassigned, handed: true, refused: true, after: StuckAfter, step: StepStuckMail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := tc.h(t)
			claimed := h.Mail.ClaimedAt
			if tc.handed {
				h.Mail.Start(claimed)
			}
			if tc.refused {
				h.Mail.Refused()
			}
			if next := h.NextCheck(claimed); !next.Equal(claimed.Add(tc.after)) {
				t.Errorf("next check %s after the claim, want %s", next.Sub(claimed), tc.after)
			}
			if steps := h.Due(claimed.Add(tc.after - time.Second)); len(steps) != 0 {
				t.Errorf("due %+v before its time", steps)
			}
			steps := h.Due(claimed.Add(tc.after))
			if tc.step == "" && len(steps) != 0 || tc.step != "" && (len(steps) != 1 || steps[0].Kind != tc.step) {
				t.Errorf("due %+v, want %q", steps, tc.step)
			}
		})
	}
	t.Run("the checker's, sending, with events to deliver", func(t *testing.T) {
		t.Parallel()
		h := reassigned(t)
		h.Pending = []string{"breach.first_contact#0.0"}
		at := h.Mail.ClaimedAt
		h.Mail.Start(at)
		// The escalation waits with the SQL email in flight: one look, when nobody can still be sending it.
		if next := h.NextCheck(at.Add(time.Second)); !next.Equal(at.Add(InterruptedAfter)) {
			t.Errorf("next check %s after the gate, want %s", next.Sub(at), InterruptedAfter)
		}
		h.Mail.Sent("m", at.Add(time.Second))
		if next := h.NextCheck(at.Add(2 * time.Second)); !next.Equal(at.Add(2 * time.Second)) {
			t.Errorf("the SQL email sent, next check %s after the gate, want at once", next.Sub(at))
		}
	})
	t.Run("the checker's, resent after an interruption", func(t *testing.T) {
		t.Parallel()
		h := reassigned(t)
		from, due, reminders := h.ClockFrom, h.FirstContactDue, slices.Clone(h.Reminders)
		h.Mail.Start(from)
		now := from.Add(time.Minute)
		d, _ := DeadlinesFrom(example(t), now)
		e := h.ResendInterrupted(d, now)
		if e.Kind != EventStuckMail || e.ID() != "mail.stuck#1.0" || e.Reason != ReasonInterrupted || !e.Due.Equal(from.Add(InterruptedAfter)) ||
			e.Mail.Status != outbox.MailClaimed || !slices.Equal(h.Pending, []string{e.ID()}) {
			t.Errorf("event %+v, pending %v; want the first resend, marketing ops told", e, h.Pending)
		}
		if h.Mail.Status != outbox.MailClaimed || !h.Mail.ClaimedAt.Equal(now) || !h.Mail.PossibleDuplicate || h.Mail.Attempts != 1 || h.Resends != 1 {
			t.Errorf("mail %+v, resends %d", h.Mail, h.Resends)
		}
		if !h.ClockFrom.Equal(from) || !h.FirstContactDue.Equal(due) || !slices.Equal(h.Reminders, reminders) {
			t.Errorf("clock from %s, due %s: the reassignment's clock moved", h.ClockFrom, h.FirstContactDue)
		}
	})
}

func TestAnSQLEmailThatKeepsFailingIsAbandoned(t *testing.T) {
	t.Parallel()
	c := example(t)
	at := paris(t, "2026-11-30 10:00")
	d, _ := DeadlinesFrom(c, at)
	h := New(Key{LeadID: "ld_1", At: at}, Assignment{RepID: "thomas-martin", At: at}, d, c.Version, at)
	// Every hand-over to SES fails: refused, or (every other time) its outcome unknown.
	handOver := func(now time.Time, i int) {
		h.Mail.Start(now)
		if i%2 == 0 {
			h.Mail.Refused()
		}
	}
	now := at
	handOver(now, 0)
	var kinds []EventKind
	for i := 1; h.Mail.Status != outbox.MailAbandoned && i < 2*outbox.MaxMailAttempts; i++ {
		// notify's email (the first) and a refused one are stuck StuckAfter after their claim; one the checker
		// was sending (a resend) is interrupted InterruptedAfter after its hand-over.
		want, wait := StepStuckMail, StuckAfter
		if i > 1 && h.Mail.Status == outbox.MailSending {
			want, wait = StepInterruptedMail, InterruptedAfter
		}
		if next := h.NextCheck(now); !next.Equal(now.Add(wait)) {
			t.Fatalf("attempt %d: next check %s, want %s after the hand-over", i, next, wait)
		}
		if steps := h.Due(now.Add(wait - time.Second)); len(steps) != 0 {
			t.Fatalf("attempt %d: due %+v before its time", i, steps)
		}
		now = now.Add(wait)
		if steps := h.Due(now); len(steps) != 1 || steps[0].Kind != want {
			t.Fatalf("attempt %d: due %+v, want %s", i, steps, want)
		}
		d, _ := DeadlinesFrom(c, now)
		var e Event
		if want == StepInterruptedMail {
			e = h.ResendInterrupted(d, now)
		} else {
			e = h.ResendStuck(d, now)
		}
		kinds = append(kinds, e.Kind)
		h.Confirmed(e.ID())
		if h.Mail.Status == outbox.MailClaimed {
			handOver(now, i)
		}
	}
	if n := len(kinds); n != outbox.MaxMailAttempts || kinds[n-2] != EventStuckMail || kinds[n-1] != EventUndelivered || h.Mail.Status != outbox.MailAbandoned {
		t.Fatalf("events %v, mail %+v; want %d resends then one undelivered alert and the email abandoned", kinds, h.Mail, outbox.MaxMailAttempts-1)
	}
	if h.Resends != outbox.MaxMailAttempts-1 || h.Mail.Attempts != outbox.MaxMailAttempts {
		t.Errorf("resends %d, attempts %d", h.Resends, h.Mail.Attempts)
	}
	// Abandoned, the deadlines run from then: the breach will reach the manager.
	if next := h.NextCheck(now); !next.Equal(h.Reminders[0]) || !h.ClockFrom.Equal(now) {
		t.Errorf("next check %s, clock from %s", next, h.ClockFrom)
	}
}

func TestFeedbackRemindersAndAwayReps(t *testing.T) {
	t.Parallel()
	c, h := sent(t)
	h.FeedbackReminders = []time.Time{paris(t, "2026-12-01 15:00")}
	if _, err := h.Record(Response{Action: Contacted, Channel: "phone", At: paris(t, "2026-11-30 11:00"), RepID: h.Rep()}, c.Calendar); err != nil {
		t.Fatal(err)
	}
	if next := h.NextCheck(paris(t, "2026-11-30 11:00")); !next.Equal(h.FeedbackReminders[0]) {
		t.Errorf("after the contact, next check %s; want the feedback reminder %s", next, h.FeedbackReminders[0])
	}
	steps := h.Due(paris(t, "2026-12-01 15:00"))
	if len(steps) != 1 || steps[0].Kind != StepFeedbackReminder || steps[0].N != 0 {
		t.Fatalf("due %+v", steps)
	}
	// The rep is away at that point: the manager is told once, and no reminder is due any more.
	e, ok := h.EscalateAway(steps[0], "claire-dubois", steps[0].Due)
	if !ok || e.Kind != EventAwayEscalation || e.ManagerID != "claire-dubois" || h.FeedbackReminded != 1 {
		t.Fatalf("away: %+v %v reminded %d", e, ok, h.FeedbackReminded)
	}
	if steps := h.Due(paris(t, "2026-12-01 15:01")); len(steps) != 0 {
		t.Errorf("still due after the away escalation: %+v", steps)
	}
	if steps := h.Due(h.FeedbackDue); len(steps) != 1 || steps[0].Kind != StepFeedbackBreach {
		t.Errorf("at the feedback deadline: %+v", steps)
	}
}

func TestAnUndeliverableEventTellsOpsOnce(t *testing.T) {
	t.Parallel()
	_, h := sent(t)
	at := paris(t, "2026-11-30 12:00")
	r := h.Remind(0, at)
	u, ok := h.Undeliverable(r, "outcome unknown", at.Add(StuckAfter))
	if !ok || u.Kind != EventUndelivered || u.RepID != h.Rep() || len(h.Pending) != 1 || h.Pending[0] != u.ID() {
		t.Fatalf("undelivered %+v %v pending %v", u, ok, h.Pending)
	}
	if _, ok := h.Undeliverable(u, "outcome unknown", at.Add(2*StuckAfter)); ok || len(h.Pending) != 0 {
		t.Errorf("an alert about an alert: %v, pending %v", ok, h.Pending)
	}
}

func TestReassignmentGivesTheNextRepAFreshClock(t *testing.T) {
	t.Parallel()
	c, h := sent(t)
	breach := paris(t, "2026-11-30 15:00")
	b := h.BreachFirstContact("claire-dubois", 0, breach)
	d, _ := DeadlinesFrom(c, breach)
	r := h.Reassign(Assignment{RepID: "sophie-bernard", Team: "sud", Reason: "after a breach", At: breach}, d, breach)
	if b.ID() != "breach.first_contact#0.0" || b.RepID != "thomas-martin" || r.ID() != "reassignment#0.0" || r.ToRepID != "sophie-bernard" {
		t.Errorf("events %+v %+v", b, r)
	}
	if h.Rep() != "sophie-bernard" || h.Mail.Status != outbox.MailClaimed || h.FirstContactBreached || h.FirstContactBreaches != 1 {
		t.Errorf("after the reassignment: rep %s mail %+v breached %v breaches %d", h.Rep(), h.Mail, h.FirstContactBreached, h.FirstContactBreaches)
	}
	// 4h from Monday 15:00: 3h that day, 1h on Tuesday → Tuesday 10:00.
	if !h.FirstContactDue.Equal(paris(t, "2026-12-01 10:00")) {
		t.Errorf("the new rep's deadline is %s", h.FirstContactDue)
	}
	if _, err := h.Record(Response{Action: Contacted, Channel: "phone", At: breach, RepID: "thomas-martin"}, c.Calendar); !errors.Is(err, ErrNotYours) {
		t.Errorf("the first rep could still answer: %v", err)
	}
}

func TestKeys(t *testing.T) {
	t.Parallel()
	k := Key{LeadID: "ld_01", At: time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)}
	back, err := ParseKey(k.String())
	if err != nil || back != k || k.String() != "ld_01@2026-11-27T16:30:00.000Z" {
		t.Errorf("%s -> %+v %v", k, back, err)
	}
	for _, bad := range []string{"", "ld_01", "@2026-11-27T16:30:00.000Z", "ld_01@yesterday"} {
		if _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) accepted", bad)
		}
	}
}

// TestALateResponseBeforeTheCheckerIsStillABreach: the checker stops looking at a deadline once the SQL is
// contacted (answered): a response recorded after the deadline, before the checker's pass saw it pass, still
// leaves a breach to record — once, without a reassignment's fresh clock and without asking for the answer.
func TestALateResponseBeforeTheCheckerIsStillABreach(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		action Action
		after  func(h *Handoff) time.Time // when the response is recorded
		want   []StepKind
	}{
		{"contacted in time", Contacted, func(h *Handoff) time.Time { return h.FirstContactDue }, nil},
		{"contacted a minute late", Contacted, func(h *Handoff) time.Time { return h.FirstContactDue.Add(time.Minute) },
			[]StepKind{StepFirstContactBreach}},
		{"answered in time for both", Accept, func(h *Handoff) time.Time { return h.FirstContactDue }, nil},
		{"answered in time, so contacted late", Reject, func(h *Handoff) time.Time { return h.FeedbackDue },
			[]StepKind{StepFirstContactBreach}},
		{"answered late, and so contacted late", Accept, func(h *Handoff) time.Time { return h.FeedbackDue.Add(time.Minute) },
			[]StepKind{StepFirstContactBreach, StepFeedbackBreach}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, h := sent(t)
			at := tc.after(h)
			if _, err := h.Record(Response{Action: tc.action, Channel: "phone", Reason: "no_budget", At: at}, c.Calendar); err != nil {
				t.Fatal(err)
			}
			now := at.Add(30 * time.Second)
			var kinds []StepKind
			for _, s := range h.Due(now) {
				kinds = append(kinds, s.Kind)
			}
			if strings.Join(stepNames(kinds), ",") != strings.Join(stepNames(tc.want), ",") {
				t.Fatalf("due = %v, want %v", kinds, tc.want)
			}
			if len(tc.want) == 0 {
				if next := h.NextCheck(now); !next.IsZero() && !next.After(now) {
					t.Errorf("nothing is due, yet the next check is %s", next)
				}
				return
			}
			if next := h.NextCheck(now); next.After(now) {
				t.Errorf("a breach is due, yet the next check is %s", next)
			}
			var events []Event
			for _, s := range h.Due(now) {
				if s.Kind == StepFirstContactBreach {
					events = append(events, h.BreachFirstContact("manager", 1, now))
				} else {
					events = append(events, h.BreachFeedback("manager", 1, now))
				}
			}
			for _, e := range events {
				if e.Kind == EventFeedbackBreach && e.Mail.Status != "" {
					t.Errorf("a feedback breach of an SQL already answered asks for the answer by email")
				}
			}
			if steps := h.Due(now.Add(time.Hour)); len(steps) != 0 {
				t.Errorf("recorded once, yet due again: %+v", steps)
			}
			if h.ContactedWithinDeadline() || h.FirstContactBreaches != 1 {
				t.Errorf("within = %v, breaches = %d", h.ContactedWithinDeadline(), h.FirstContactBreaches)
			}
		})
	}
}

func stepNames(ks []StepKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// TestAWithdrawnHandoffEnds: withdrawn (the lead's latest answer no before its SQL email left), a hand-off's
// email is abandoned and nothing more is due on it — no resend, reminder or breach, past every deadline; it is
// looked at again only for its alert to marketing ops, then leaves the checker for good.
func TestAWithdrawnHandoffEnds(t *testing.T) {
	t.Parallel()
	c := example(t)
	at := paris(t, "2026-11-30 10:00")
	d, _ := DeadlinesFrom(c, at)
	h := New(Key{LeadID: "ld_1", At: at}, Assignment{RepID: "thomas-martin", At: at}, d, c.Version, at)
	h.Mail.Start(at)
	now := at.Add(time.Minute)
	e := h.Withdraw(now)
	if e.Kind != EventUndelivered || e.Reason != ReasonConsentRefused || e.About != "" || e.RepID != "thomas-martin" || !e.AboutDue.Equal(at) ||
		e.Mail.Status != outbox.MailClaimed || len(h.Pending) != 1 || h.Pending[0] != e.ID() {
		t.Fatalf("the alert %+v, pending %v", e, h.Pending)
	}
	if h.Mail.Status != outbox.MailAbandoned || !h.Withdrawn.Equal(now) || !h.Ended() || h.Undelivered != 1 {
		t.Fatalf("mail %+v, withdrawn %s, ended %v", h.Mail, h.Withdrawn, h.Ended())
	}
	if next := h.NextCheck(now); !next.Equal(now) {
		t.Errorf("next check %s, want now (its alert)", next)
	}
	h.Confirmed(e.ID())
	for _, when := range []time.Time{now, h.Reminders[0], h.FirstContactDue, h.FeedbackDue.Add(time.Hour)} {
		if steps := h.Due(when); len(steps) != 0 {
			t.Errorf("due at %s: %+v", when, steps)
		}
		if next := h.NextCheck(when); !next.IsZero() {
			t.Errorf("next check %s at %s, want none", next, when)
		}
	}
}
