package handoff

import (
	"errors"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// TestRecordBounce: what each report of SES does to a hand-off whose SQL email was sent — permanent, transient,
// complaint; of the SQL email or of another; the current rep's or a copy's; after the rep acted; twice.
func TestRecordBounce(t *testing.T) {
	t.Parallel()
	bouncedAt := paris(t, "2026-11-30 10:01")
	for _, tc := range []struct {
		name    string
		prepare func(c *Handoff)
		b       Bounce
		// want: the SQL email taken from the rep (Mail bounced, StepBounced due at once), the first alert
		// bounced (the report's alertBouncedAt), the event's reason, ErrNoChange.
		takes, alertBounced bool
		reason              string
		noChange            bool
	}{
		{name: "permanent bounce of the SQL email", b: Bounce{ID: "f1", Kind: BouncePermanent, SubType: "General"},
			takes: true, alertBounced: true, reason: "permanent/General"},
		{name: "complaint of the SQL email", b: Bounce{ID: "f1", Kind: BounceComplaint, SubType: "abuse"}, takes: true, reason: "complaint/abuse"},
		{name: "transient bounce of the SQL email", b: Bounce{ID: "f1", Kind: BounceTransient, SubType: "MailboxFull"}, reason: "transient/MailboxFull"},
		// The rep had the alert: only the manager's copy bounced, which the alert commitment does not measure.
		{name: "a copy bounced (the manager)", b: Bounce{ID: "f1", Kind: BouncePermanent, Copy: true}, reason: "permanent"},
		{name: "a reminder bounced", b: Bounce{ID: "f1", Kind: BouncePermanent, About: EventReminder, N: 1}, reason: "permanent"},
		{name: "the SQL email of an earlier rep", prepare: func(h *Handoff) {
			h.Assignments = append(h.Assignments, Assignment{RepID: "julie-bernard", At: h.At})
		}, b: Bounce{ID: "f1", Kind: BouncePermanent, Assignment: 0}, alertBounced: true, reason: "permanent"},
		{name: "the rep contacted the lead already", prepare: func(h *Handoff) { h.Contact = Contact{At: h.At.Add(time.Minute), RepID: h.Rep()} },
			b: Bounce{ID: "f1", Kind: BouncePermanent}, alertBounced: true, reason: "permanent"},
		{name: "the same report again", prepare: func(h *Handoff) { h.Bounces = []string{"f1"} },
			b: Bounce{ID: "f1", Kind: BouncePermanent}, noChange: true},
		{name: "an erased person", prepare: func(h *Handoff) { h.Forget(h.At) }, b: Bounce{ID: "f1", Kind: BouncePermanent}, noChange: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, h := sent(t)
			if tc.prepare != nil {
				tc.prepare(h)
			}
			tc.b.At = bouncedAt
			before := *h
			events, err := h.RecordBounce(tc.b, bouncedAt)
			if tc.noChange {
				if !errors.Is(err, ErrNoChange) || len(events) != 0 {
					t.Fatalf("RecordBounce = %v, %v; want ErrNoChange", events, err)
				}
				return
			}
			if err != nil || len(events) != 1 {
				t.Fatalf("RecordBounce = %v, %v", events, err)
			}
			e := events[0]
			if e.Kind != EventBounced || e.Reason != tc.reason || e.Mail.Status != "" || !e.Due.Equal(bouncedAt) || e.About != tc.b.About || e.AboutN != tc.b.N {
				t.Errorf("event %+v", e)
			}
			if got := h.Mail.Status == outbox.MailBounced; got != tc.takes {
				t.Errorf("mail %s, taken from the rep %v, want %v", h.Mail.Status, got, tc.takes)
			}
			if got := !h.AlertBouncedAt.IsZero(); got != tc.alertBounced {
				t.Errorf("alertBouncedAt %v, want set %v", h.AlertBouncedAt, tc.alertBounced)
			}
			steps := h.Due(bouncedAt)
			if tc.takes {
				if len(steps) != 1 || steps[0].Kind != StepBounced || !h.NextCheck(bouncedAt).Equal(bouncedAt) {
					t.Errorf("due %v, next check %v: want the bounce at once", steps, h.NextCheck(bouncedAt))
				}
				// Its deadlines stop: nothing at the reminders or the deadline but the bounce itself.
				for _, at := range []time.Time{h.Reminders[0], h.FirstContactDue, h.FeedbackDue} {
					if s := h.Due(at); len(s) != 1 || s[0].Kind != StepBounced {
						t.Errorf("due at %s: %v", at, s)
					}
				}
			} else if !h.NextCheck(bouncedAt).Equal(before.NextCheck(bouncedAt)) {
				t.Errorf("next check moved from %v to %v", before.NextCheck(bouncedAt), h.NextCheck(bouncedAt))
			}
			if again, err := h.RecordBounce(tc.b, bouncedAt.Add(time.Minute)); !errors.Is(err, ErrNoChange) || len(again) != 0 {
				t.Errorf("the same report again: %v, %v", again, err)
			}
		})
	}
}

// TestHandleBounce: the checker's step tells ops (one alert with its email) and reassigns the SQL to the next rep
// with a fresh clock, or holds it: no step, ever, and no deadline against anyone.
func TestHandleBounce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		kind   BounceKind
		next   bool
		reason string
	}{
		{"reassigned after a bounce", BouncePermanent, true, ReasonBounced},
		{"held after a bounce", BouncePermanent, false, ReasonBounced},
		{"reassigned after a complaint", BounceComplaint, true, ReasonComplained},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, h := sent(t)
			at := paris(t, "2026-11-30 10:01")
			if _, err := h.RecordBounce(Bounce{ID: "f1", Kind: tc.kind, At: at}, at); err != nil {
				t.Fatal(err)
			}
			now := at.Add(time.Minute)
			var next *Assignment
			d, err := DeadlinesFrom(c, now)
			if err != nil {
				t.Fatal(err)
			}
			if tc.next {
				next = &Assignment{RepID: "julie-bernard", Team: "nord", Reason: "r", At: now}
			}
			events := h.HandleBounce(next, d, now)
			alert := events[0]
			if alert.Kind != EventUndelivered || alert.Reason != tc.reason || alert.Mail.Status != outbox.MailClaimed || alert.RepID != "thomas-martin" ||
				len(h.Pending) != 1 || h.Pending[0] != alert.ID() || h.Undelivered != 1 {
				t.Fatalf("alert %+v, pending %v", alert, h.Pending)
			}
			if tc.next {
				if len(events) != 2 || events[1].Kind != EventReassignment || alert.ToRepID != "julie-bernard" || h.Rep() != "julie-bernard" ||
					h.Mail.Status != outbox.MailClaimed || !h.FirstContactDue.Equal(d.FirstContact) || h.Held() {
					t.Fatalf("reassignment: %+v, rep %s, mail %s", events, h.Rep(), h.Mail.Status)
				}
				// The new rep's SQL email may bounce too, once sent: a new report takes it as the first did.
				if h.TakesSQL(Bounce{ID: "f2", Kind: BouncePermanent, Assignment: 1}) {
					t.Error("a bounce of an email not sent yet would be taken")
				}
				h.Mail.Status = outbox.MailSent
				if !h.TakesSQL(Bounce{ID: "f2", Kind: BouncePermanent, Assignment: 1}) {
					t.Error("the new rep's bounce would not be taken")
				}
				return
			}
			if len(events) != 1 || !h.Held() || h.Rep() != "thomas-martin" || alert.ToRepID != "" {
				t.Fatalf("hold: %+v, held %v", events, h.Held())
			}
			h.Confirmed(alert.ID())
			for _, at := range []time.Time{now, h.Reminders[1], h.FirstContactDue, h.FeedbackDue.Add(time.Hour)} {
				if s := h.Due(at); len(s) != 0 || !h.NextCheck(at).IsZero() {
					t.Errorf("held, at %s: due %v, next check %v", at, s, h.NextCheck(at))
				}
			}
		})
	}
}
