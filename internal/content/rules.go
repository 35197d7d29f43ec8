package content

import (
	"time"
	"unicode"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// FutureSlack is how far ahead of its receipt a piece's published_at or updated_at may be: a CMS's clock, a
// piece scheduled a day ahead. Further is a mistake (9999), and so is a date older than the records are kept
// (retention.handoffs: 1970, 0001).
const FutureSlack = 48 * time.Hour

// rules are what a piece must meet under the contract, at its receipt.
type rules struct {
	oldest, newest time.Time
	// segments are the audience segments a piece may name, folded, each to the roster's segment ID: the IDs
	// themselves and their names in every language (words.ForContent(l).Segment: "grands comptes", "ETI").
	segments map[string]string
}

func rulesOf(c *contract.Contract, now time.Time) rules {
	months := c.Retention.Handoffs
	if months <= 0 {
		months = contract.DefaultRetention.Handoffs
	}
	r := rules{oldest: now.UTC().AddDate(0, -months, 0), newest: now.UTC().Add(FutureSlack), segments: map[string]string{}}
	for _, rep := range c.Roster.Reps {
		for _, id := range rep.Segments {
			r.segments[contract.Fold(id)] = id
		}
	}
	for _, rep := range c.Roster.Reps {
		for _, id := range rep.Segments {
			for _, l := range contract.Locales {
				if alias := contract.Fold(words.ForContent(l).Segment(id)); r.segments[alias] == "" {
					r.segments[alias] = id
				}
			}
		}
	}
	return r
}

// inRange reports whether t (zero: not given) is a date the piece may carry.
func (r rules) inRange(t time.Time) bool {
	return t.IsZero() || (!t.Before(r.oldest) && !t.After(r.newest))
}

// segmentIDs maps an audience's segments to the roster's IDs; ok is false, with the first unknown one, when a
// segment is neither a roster segment nor the name of one.
func (r rules) segmentIDs(segs []string) (ids []string, unknown string, ok bool) {
	seen := map[string]bool{}
	for _, s := range segs {
		id, found := r.segments[contract.Fold(s)]
		if !found {
			return nil, s, false
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, "", true
}

// invisible reports a character a title or a "why" must not hold: format characters (Unicode Cf: bidi
// overrides such as U+202E, zero-width spaces, soft hyphens), which can make an email say other than it shows,
// and the line and paragraph separators U+2028/U+2029.
func invisible(r rune) bool { return unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029' }
