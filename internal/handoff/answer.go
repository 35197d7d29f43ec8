package handoff

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/worktime"
)

// Action is what a rep can say about an SQL, from the feedback page or the CRM.
type Action string

// Actions.
const (
	Contacted Action = "contacted"
	Accept    Action = "accept"
	Reject    Action = "reject"
)

// Channels a first contact can take.
var Channels = []string{"phone", "email", "meeting"}

// Other is the reject reason that needs a comment.
const Other = "other"

// MaxComment is the longest rejection comment, in characters.
const MaxComment = 1000

// Response is one answer from sales, before it is recorded.
type Response struct {
	Action  Action
	Channel string // contacted: phone, email or meeting
	Reason  string // reject: one of the contract's reasons
	Comment string // reject: required for "other"
	At      time.Time
	RepID   string // the rep answering; "" when the CRM answers for whoever holds the SQL
	By      string // "page" or the CRM source's ID
}

// ErrNotYours: the SQL is held by another rep (it was reassigned, or the link is not theirs).
var ErrNotYours = errors.New("the SQL is held by another rep")

// Validate checks a response against the contract's rules: the same rules for the page and for the CRM. The
// error is a lead.FieldErrors naming each bad field (channel, reason, comment), which both answer with a 400.
// The comment is trimmed.
func Validate(r *Response, rejectReasons []string) error {
	var errs lead.FieldErrors
	switch r.Action {
	case Contacted:
		if !slices.Contains(Channels, r.Channel) {
			errs = append(errs, lead.FieldError{Field: "channel", Message: "must be " + strings.Join(Channels, ", ")})
		}
	case Accept:
	case Reject:
		r.Comment = strings.TrimSpace(r.Comment)
		switch {
		case !slices.Contains(rejectReasons, r.Reason):
			errs = append(errs, lead.FieldError{Field: "reason", Message: "must be one of " + strings.Join(rejectReasons, ", ")})
		case r.Reason == Other && r.Comment == "":
			errs = append(errs, lead.FieldError{Field: "comment", Message: `is required when the reason is "other"`})
		}
		switch {
		case utf8.RuneCountInString(r.Comment) > MaxComment:
			errs = append(errs, lead.FieldError{Field: "comment", Message: "must be at most 1000 characters"})
		case !utf8.ValidString(r.Comment) || strings.IndexFunc(r.Comment, hidden) >= 0:
			errs = append(errs, lead.FieldError{Field: "comment", Message: "must be text without control, format (invisible or bidirectional) or line separator characters"})
		}
	default:
		errs = append(errs, lead.FieldError{Field: "action", Message: "must be contacted, accept or reject"})
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// hidden are the characters a comment may not hold: control characters but line breaks and tabs; every format
// character (Unicode category Cf: the bidirectional controls U+202A–202E, U+2066–2069, U+200E/200F and U+061C that
// would reorder what a manager reads, the zero-width U+200B–200D, U+2060, U+FEFF, the soft hyphen U+00AD, the tag
// characters U+E0000–E007F that hide text); and the line and paragraph separators U+2028/2029, which break lines
// where the text shows none.
func hidden(c rune) bool {
	return unicode.IsControl(c) && c != '\n' && c != '\r' && c != '\t' || unicode.Is(unicode.Cf, c) || c == 0x2028 || c == 0x2029
}

// Record applies a valid response. The first contact and the first answer stand: a response already recorded
// changes nothing (recorded is false). An answer implies the lead was reached. A contact or an answer stops the
// clocks it concerns; a contact after the deadline still records the time it took, and the breach stays on
// record. A response also confirms the SQL email arrived, if its confirmation was still outstanding.
func (h *Handoff) Record(r Response, cal *worktime.Calendar) (recorded bool, err error) {
	if !h.Erased.IsZero() {
		return false, ErrErased
	}
	if r.RepID != "" && r.RepID != h.Rep() {
		return false, ErrNotYours
	}
	contact := func() {
		h.Contact = Contact{At: r.At, Channel: r.Channel, RepID: h.Rep(), By: r.By, BusinessMinutes: minutes(cal.Between(h.ClockFrom, r.At))}
	}
	switch r.Action {
	case Contacted:
		if h.Contacted() {
			return false, nil
		}
		contact()
	case Accept, Reject:
		if h.Answered() {
			return false, nil
		}
		if !h.Contacted() {
			r.Channel = ""
			contact()
		}
		h.Decision = Decision{Verdict: Accepted, At: r.At, RepID: h.Rep(), By: r.By}
		if r.Action == Reject {
			h.Decision.Verdict, h.Decision.Reason, h.Decision.Comment = Rejected, r.Reason, r.Comment
		}
	default:
		return false, errors.New("unknown action " + string(r.Action))
	}
	if h.Mail.Outstanding() {
		// The rep answered from the email or knows the lead from the CRM: nobody needs it (re)sent.
		h.Mail.Status, h.Mail.SentAt = outbox.MailSent, r.At
	}
	return true, nil
}
