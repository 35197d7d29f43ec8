package handoff

import (
	"time"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// NoteAlerted sets h.AlertedAt as h changes from old (the store calls it on every write of a hand-off): old's if
// it has one (immutable), else the first assignment's SQL email's sending instant once that email is settled sent
// (in old or in h). Only the first assignment's email counts: a reassignment's or a later rep's email is not the
// alert of a new SQL. A hand-off stored before AlertedAt was kept gets it at its next write if its email stands
// sent and it was never reassigned (its email is then the first one); once reassigned, its first email's fate is
// no longer held, and it stays zero.
func (h *Handoff) NoteAlerted(old Handoff) {
	switch {
	case !old.AlertedAt.IsZero():
		h.AlertedAt = old.AlertedAt
	case !firstAlert(old).IsZero():
		h.AlertedAt = firstAlert(old)
	default:
		h.AlertedAt = firstAlert(*h)
	}
}

// firstAlert is when the first assignment's SQL email was sent, if h holds that email settled sent.
func firstAlert(h Handoff) time.Time {
	if h.Mail.Status != outbox.MailSent || len(h.Assignments) > 1 {
		return time.Time{}
	}
	return h.Mail.SentAt
}
