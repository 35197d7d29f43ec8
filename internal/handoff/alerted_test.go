package handoff

import (
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// TestNoteAlerted: AlertedAt is the first assignment's SQL email's sending instant, set once it is settled sent
// and never changed after — not by a reassignment's email, nor a resend's; a hand-off stored without it gets it
// only while its email is still the first one.
func TestNoteAlerted(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	first, later := at.Add(time.Second), at.Add(6*time.Hour)
	one := []Assignment{{RepID: "a", At: at}}
	two := []Assignment{{RepID: "a", At: at}, {RepID: "b", At: at.Add(4 * time.Hour)}}
	sent := func(when time.Time) outbox.Mail { return outbox.Mail{Status: outbox.MailSent, SentAt: when} }
	sending := outbox.Mail{Status: outbox.MailSending, SendingAt: at}
	for _, tc := range []struct {
		name string
		old  Handoff
		h    Handoff // after the change, before NoteAlerted
		want time.Time
	}{
		{"claimed: not alerted", Handoff{}, Handoff{Assignments: one, Mail: outbox.Mail{Status: outbox.MailClaimed}}, time.Time{}},
		{"its first email settled sent", Handoff{Assignments: one, Mail: sending}, Handoff{Assignments: one, Mail: sent(first)}, first},
		{"abandoned: not alerted", Handoff{Assignments: one, Mail: sending}, Handoff{Assignments: one, Mail: outbox.Mail{Status: outbox.MailAbandoned}}, time.Time{}},
		{"reassigned: kept", Handoff{Assignments: one, Mail: sent(first), AlertedAt: first}, Handoff{Assignments: two, Mail: outbox.Mail{Status: outbox.MailClaimed}, AlertedAt: first}, first},
		{"the reassignment's email sent: unchanged", Handoff{Assignments: two, Mail: sending, AlertedAt: first}, Handoff{Assignments: two, Mail: sent(later), AlertedAt: first}, first},
		{"a change that would clear it: kept", Handoff{Assignments: one, Mail: sent(first), AlertedAt: first}, Handoff{Assignments: one, Mail: sent(later)}, first},
		{"first email never sent, the reassignment's sent: not alerted", Handoff{Assignments: two, Mail: sending}, Handoff{Assignments: two, Mail: sent(later)}, time.Time{}},
		{"stored before, never reassigned, sent: its sending instant", Handoff{Assignments: one, Mail: sent(first)}, Handoff{Assignments: one, Mail: sent(first), Contact: Contact{At: later}}, first},
		{"stored before, reassigned now: its first email's instant", Handoff{Assignments: one, Mail: sent(first)}, Handoff{Assignments: two, Mail: outbox.Mail{Status: outbox.MailClaimed}}, first},
		{"stored before, reassigned before: not known", Handoff{Assignments: two, Mail: sent(later)}, Handoff{Assignments: two, Mail: sent(later), Contact: Contact{At: later}}, time.Time{}},
	} {
		h := tc.h
		h.NoteAlerted(tc.old)
		if !h.AlertedAt.Equal(tc.want) {
			t.Errorf("%s: alerted at %s, want %s", tc.name, h.AlertedAt, tc.want)
		}
	}
}
