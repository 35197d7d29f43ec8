// Package mailtag names what a Handoff email is about in SES message tags (SendEmail's EmailTags), so that the
// bounce and complaint events SES publishes for it, which carry the tags back, lead to the record the email was
// sent for. Tags hold IDs only — a lead's ID, a hand-off's instant, an event's kind and number, a month — never
// an address or a name: SES publishes them to the configuration set's event destination.
//
// SES allows in a tag's name and value ASCII letters, digits, '_' and '-' only (256 characters at most): the
// hand-off's instant is written as Unix milliseconds, an event kind with its dots as dashes.
package mailtag

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tag is one SES message tag.
type Tag struct {
	Name, Value string
}

// Kinds of email.
const (
	KindSQL    = "sql"    // the SQL email of a hand-off's assignment
	KindEvent  = "event"  // an SLA event's email (a reminder, an escalation, an alert to ops)
	KindReport = "report" // the monthly report
	KindDigest = "digest" // a rep's weekly content digest
	KindIdea   = "idea"   // a rep's idea or field feedback, to marketing ops
	KindOps    = "ops"    // marketing ops told of a bounced report (package bounces): its own bounce tells nobody
)

// Ref is what an email is about.
type Ref struct {
	Kind string
	// LeadID, HandoffAt and Assignment name a hand-off and the assignment the email was for (KindSQL,
	// KindEvent); Event and N the event (KindEvent: a handoff.EventKind).
	LeadID     string
	HandoffAt  time.Time
	Assignment int
	Event      string
	N          int
	// Month is the report's month (yyyy-mm); Week the digest's ISO week, RepID its rep.
	Month, Week, RepID string
}

// Tag names.
const (
	nameKind       = "kind"
	nameLead       = "lead"
	nameHandoff    = "handoff"
	nameAssignment = "assignment"
	nameEvent      = "event"
	nameN          = "n"
	nameMonth      = "month"
	nameWeek       = "week"
	nameRep        = "rep"
)

// SQL is the reference of the SQL email of a hand-off's assignment.
func SQL(leadID string, handoffAt time.Time, assignment int) Ref {
	return Ref{Kind: KindSQL, LeadID: leadID, HandoffAt: handoffAt, Assignment: assignment}
}

// Event is the reference of an SLA event's email.
func Event(leadID string, handoffAt time.Time, kind string, assignment, n int) Ref {
	return Ref{Kind: KindEvent, LeadID: leadID, HandoffAt: handoffAt, Event: kind, Assignment: assignment, N: n}
}

// Tags are r's tags; a value SES would refuse (a character outside its set) is left out, so that the email goes
// all the same (its bounce then names less).
func (r Ref) Tags() []Tag {
	var out []Tag
	add := func(name, value string) {
		if value != "" && valid(value) {
			out = append(out, Tag{Name: name, Value: value})
		}
	}
	add(nameKind, r.Kind)
	switch r.Kind {
	case KindSQL, KindEvent:
		add(nameLead, r.LeadID)
		add(nameHandoff, strconv.FormatInt(r.HandoffAt.UnixMilli(), 10))
		add(nameAssignment, strconv.Itoa(r.Assignment))
		if r.Kind == KindEvent {
			add(nameEvent, strings.ReplaceAll(r.Event, ".", "-"))
			add(nameN, strconv.Itoa(r.N))
		}
	case KindReport, KindOps:
		add(nameMonth, r.Month)
	case KindDigest:
		add(nameWeek, r.Week)
		add(nameRep, r.RepID)
	}
	return out
}

// valid reports a value SES accepts as a tag's.
func valid(v string) bool {
	if len(v) > 256 {
		return false
	}
	for _, c := range v {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// ErrUntagged: the tags name no Handoff email (an email sent without them, or by something else through the
// same configuration set).
var ErrUntagged = errors.New("the email carries no Handoff tags")

// Parse reads what Tags wrote, from the tags as SES's events give them (each name with its values; SES adds its
// own, ses:*, which are ignored).
func Parse(tags map[string][]string) (Ref, error) {
	get := func(name string) string {
		if v := tags[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	r := Ref{Kind: get(nameKind)}
	integer := func(name string) (int, error) {
		n, err := strconv.Atoi(get(name))
		if err != nil || n < 0 {
			return 0, fmt.Errorf("tag %s: not a count: %q", name, get(name))
		}
		return n, nil
	}
	var err error
	switch r.Kind {
	case "":
		return r, ErrUntagged
	case KindSQL, KindEvent:
		r.LeadID = get(nameLead)
		ms, perr := strconv.ParseInt(get(nameHandoff), 10, 64)
		if r.LeadID == "" || perr != nil || ms <= 0 {
			return r, fmt.Errorf("tags lead %q, handoff %q: not a hand-off", r.LeadID, get(nameHandoff))
		}
		r.HandoffAt = time.UnixMilli(ms).UTC()
		if r.Assignment, err = integer(nameAssignment); err != nil {
			return r, err
		}
		if r.Kind == KindEvent {
			r.Event = strings.ReplaceAll(get(nameEvent), "-", ".")
			if r.Event == "" {
				return r, fmt.Errorf("tag %s: missing", nameEvent)
			}
			if r.N, err = integer(nameN); err != nil {
				return r, err
			}
		}
	case KindReport, KindOps:
		r.Month = get(nameMonth)
	case KindDigest:
		r.Week, r.RepID = get(nameWeek), get(nameRep)
	case KindIdea:
	default:
		return r, fmt.Errorf("tag %s: unknown kind %q", nameKind, r.Kind)
	}
	return r, nil
}
