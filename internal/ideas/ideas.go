// Package ideas is sales' side of the exchange with marketing: a rep proposes a content idea, or gives field
// feedback on the leads received (in a category of the contract's sales.feedback_categories), on a page a signed
// link opens (Link); marketing ops receive each by email, exactly once; the monthly report lists them and counts
// them per rep against sales.feedback_per_month and sales.ideas_per_quarter.
//
// A submission is recorded once: the page's form carries a submission ID it drew when shown (NewSubmissionID),
// and the store records a submission ID once (a conditional write), so a double click, a retry or a replayed
// form records nothing more.
//
// The free text is the rep's, and may name a lead: it is kept like the hand-offs (retention.handoffs from its
// instant, the item's TTL), never logged, and escaped wherever it is shown.
package ideas

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Kind is what a submission is.
type Kind string

// Kinds.
const (
	Idea     Kind = "idea"     // a content idea for marketing
	Feedback Kind = "feedback" // field feedback on the leads received, in a category
)

// MaxText bounds a submission's text, in characters: a few paragraphs, what an email carries whole.
const MaxText = 2000

// Submission is one idea or one field feedback of a rep.
type Submission struct {
	ID       string // drawn when the form was shown: the same form posted twice is one submission
	RepID    string
	Kind     Kind
	Category string // a feedback's, one of the contract's; "" for an idea
	Text     string
	At       time.Time
}

// Record is a submission as stored: with the month it counts in and the email that tells marketing ops.
type Record struct {
	Submission
	Month contract.Month // in the contract's zone
	Mail  outbox.Mail
}

// ErrNotFound: no such submission (it expired, or was deleted by hand).
var ErrNotFound = errors.New("ideas: no such submission")

// FieldError names the form's field that is wrong: kind, category, text or submission.
type FieldError struct{ Field string }

func (e *FieldError) Error() string { return "ideas: invalid " + e.Field }

var submissionID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// NewSubmissionID draws a submission's ID (128 random bits).
func NewSubmissionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24)
	return hex.EncodeToString(b[:])
}

// New validates a rep's form — kind, category (a feedback's, one of the contract's; none for an idea), text
// (1 to MaxText characters once trimmed, line breaks as "\n", no control or bidirectional character) and the submission ID —
// and returns the submission, or a *FieldError naming the first field wrong.
func New(s contract.Sales, id, repID, kind, category, text string, at time.Time) (Submission, error) {
	sub := Submission{ID: id, RepID: repID, Kind: Kind(kind), At: at.UTC()}
	if !submissionID.MatchString(id) {
		return sub, &FieldError{"submission"}
	}
	switch sub.Kind {
	case Idea:
		if category != "" {
			return sub, &FieldError{"category"}
		}
	case Feedback:
		if _, ok := s.FeedbackCategory(category); !ok {
			return sub, &FieldError{"category"}
		}
		sub.Category = category
	default:
		return sub, &FieldError{"kind"}
	}
	t, ok := cleanText(text)
	if !ok {
		return sub, &FieldError{"text"}
	}
	sub.Text = t
	return sub, nil
}

// cleanText is a form's text with its line breaks as "\n" and trimmed; false when it is empty, too long, not
// UTF-8 or holds a character handoff.Hidden refuses (control characters but line breaks and tabs, format
// characters, U+2028/2029).
func cleanText(s string) (string, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n"))
	if s == "" || !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxText {
		return "", false
	}
	if strings.IndexFunc(s, handoff.Hidden) >= 0 {
		return "", false
	}
	return s, true
}

// MonthOf is the month an instant counts in, in the contract's zone.
func MonthOf(at time.Time, zone *time.Location) contract.Month {
	t := at.In(zone)
	return contract.Month{Year: t.Year(), Month: t.Month()}
}

// QuarterMonths are the months of m's quarter up to m: what "ideas in the quarter to date" counts.
func QuarterMonths(m contract.Month) []contract.Month {
	first := (m.Month-1)/3*3 + 1
	var out []contract.Month
	for mo := first; mo <= m.Month; mo++ {
		out = append(out, contract.Month{Year: m.Year, Month: mo})
	}
	return out
}

// Counts are one rep's figures for the commitments: field feedback given in the month, content ideas proposed in
// the quarter to date.
type Counts struct {
	FeedbackInMonth int
	IdeasInQuarter  int
}

// Tally counts, per rep, the feedback recorded in month m and the ideas recorded in m's quarter up to m, of
// records (those of the quarter to date; others are ignored). Every rep of the roster has an entry, zero when
// silent; a rep no longer in the roster has one when they submitted.
func Tally(records []Record, m contract.Month, reps []contract.Rep) map[string]Counts {
	out := make(map[string]Counts, len(reps))
	for _, r := range reps {
		out[r.ID] = Counts{}
	}
	quarter := QuarterMonths(m)
	for _, r := range records {
		c := out[r.RepID]
		switch {
		case r.Kind == Feedback && r.Month == m:
			c.FeedbackInMonth++
		case r.Kind == Idea && r.Month.Year == m.Year && r.Month.Month >= quarter[0].Month && r.Month.Month <= m.Month:
			c.IdeasInQuarter++
		default:
			continue
		}
		out[r.RepID] = c
	}
	return out
}

// String names a submission in logs and errors: its rep and ID, never its text.
func (s Submission) String() string { return fmt.Sprintf("%s of %s (%s)", s.Kind, s.RepID, s.ID) }

// Key names a record: its month, its rep and its submission.
type Key struct {
	Month contract.Month
	RepID string
	ID    string
}

// Key is the record's key.
func (r Record) Key() Key { return Key{Month: r.Month, RepID: r.RepID, ID: r.ID} }
