package report

import (
	"time"
)

// A hand-off is read as it stands now; the report judges it as it stood at AsOf. Everything that decides a
// figure carries its instant — each assignment, each set of deadlines (Clocks), the contact, the answer, each
// SLA event, each change of stage — so what was recorded after AsOf is left out, and computing a month again
// later, after the deadline checker went on, gives the figures of the report of record.

// sqlView is one hand-off of the month as it stood at AsOf.
type sqlView struct {
	h *Handoff
	// assignments made by AsOf: the last one held the SQL then.
	assignments []Assignment
	// dues is each of those assignments' first-contact deadline as it stood at AsOf; feedbackDue the feedback
	// deadline then.
	dues        []time.Time
	feedbackDue time.Time
	// contacted and answered by AsOf.
	contacted, answered bool
	// events of this hand-off recorded by AsOf.
	events []*Event
}

// view is h as it stood at AsOf.
func (k *computer) view(h *Handoff) sqlView {
	v := sqlView{h: h, contacted: k.happened(h.ContactedAt), answered: h.Answer != "" && k.happened(h.AnsweredAt)}
	for i, a := range h.Assignments {
		if i == 0 || k.happened(a.At) {
			v.assignments = append(v.assignments, a)
		}
	}
	if len(v.assignments) == 0 { // a record with no assignment: the store refuses it; the current rep stands
		v.assignments = []Assignment{{RepID: h.RepID, At: h.At}}
	}
	n := len(v.assignments)
	v.dues = make([]time.Time, n)
	for i, c := range h.Clocks {
		// The hand-off's own clock is in force from the hand-off, whatever instant it was computed from.
		if c.Assignment < n && (i == 0 || k.happened(c.From)) {
			v.dues[c.Assignment], v.feedbackDue = c.FirstContactDue, c.FeedbackDue
		}
	}
	// Records without clocks: the current deadlines are the last assignment's; an earlier assignment's is the
	// instant it was reassigned (a reassignment happens at the breach).
	for i := range v.dues {
		switch {
		case !v.dues[i].IsZero():
		case i+1 < len(h.Assignments):
			v.dues[i] = h.Assignments[i+1].At
		default:
			v.dues[i] = h.FirstContactDue
		}
	}
	if v.feedbackDue.IsZero() {
		v.feedbackDue = h.FeedbackDue
	}
	for _, e := range k.events[handoffKey{h.LeadID, h.At.UnixMilli()}] {
		if k.happened(e.At) {
			v.events = append(v.events, e)
		}
	}
	return v
}

// holder is the rep who held the SQL at AsOf.
func (v sqlView) holder() string { return v.assignments[len(v.assignments)-1].RepID }

// contact is where the SQL's first contact stood at AsOf: within the deadline only when its first rep made it
// in time (a reassigned SQL was late for the lead); missed once a deadline passed without one.
func (v sqlView) contact(k *computer) Status {
	last := len(v.assignments) - 1
	switch {
	case v.contacted && last == 0 && !v.h.ContactedAt.After(v.dues[0]):
		return Within
	case v.contacted:
		return Late
	case last > 0 || k.happened(v.dues[last]):
		return Missed
	}
	return Pending
}

// repStatus is where assignment i stood at AsOf, on its rep's own clock: taken from them (on breach), it was
// missed; held at AsOf, it is judged against the deadline that started at their assignment.
func (v sqlView) repStatus(k *computer, i int) Status {
	due := v.dues[i]
	switch {
	case i < len(v.assignments)-1:
		return Missed
	case v.contacted && !v.h.ContactedAt.After(due):
		return Within
	case v.contacted:
		return Late
	case k.happened(due):
		return Missed
	}
	return Pending
}

// feedback is where the answer stood at AsOf, against the feedback deadline then in force.
func (v sqlView) feedback(k *computer) Status {
	switch {
	case v.answered && !v.h.AnsweredAt.After(v.feedbackDue):
		return Within
	case v.answered:
		return Late
	case k.happened(v.feedbackDue):
		return Missed
	}
	return Pending
}

// clockStart is when rep's own first-contact clock started: their latest assignment before the contact, else
// the hand-off.
func (v sqlView) clockStart(rep string) time.Time {
	start := v.h.At
	for _, a := range v.assignments {
		if a.RepID == rep && !a.At.After(v.h.ContactedAt) && !a.At.Before(start) {
			start = a.At
		}
	}
	return start
}

// handoffKey names a hand-off: its lead and instant (in milliseconds, as stored).
type handoffKey struct {
	lead string
	at   int64
}

// handoffOf is the hand-off of the window event e happened to (nil: one before the window): the one it names,
// else the lead's latest before it.
func (k *computer) handoffOf(e *Event) *Handoff {
	if !e.HandoffAt.IsZero() {
		for _, h := range k.byLead[e.LeadID] {
			if h.At.Equal(e.HandoffAt) {
				return h
			}
		}
		return nil
	}
	return latestBefore(k.byLead[e.LeadID], e.At)
}

// indexEvents files every event under the hand-off it happened to.
func (k *computer) indexEvents() {
	k.events = map[handoffKey][]*Event{}
	for i := range k.in.Events {
		e := &k.in.Events[i]
		if h := k.handoffOf(e); h != nil {
			key := handoffKey{h.LeadID, h.At.UnixMilli()}
			k.events[key] = append(k.events[key], e)
		}
	}
}

// stage is the lead's stage at AsOf: the last change of stage recorded by then (the lead's present stage for
// records that hold none).
func (k *computer) stage(leadID string) Stage {
	var at time.Time
	var stage Stage
	for _, t := range k.transitions[leadID] {
		if k.happened(t.At) && !t.At.Before(at) {
			at, stage = t.At, t.To
		}
	}
	if stage == "" {
		return k.in.Current[leadID].Stage
	}
	return stage
}

// below reports an SQL whose score fell below the SQL threshold after hand-off h (and before the lead's next
// hand-off), by AsOf.
func (k *computer) below(h *Handoff) bool {
	cur := k.in.Current[h.LeadID]
	if len(cur.BelowSQLAts) == 0 {
		// A lead recorded before the instants were kept: only its present state is known, its latest hand-off's.
		hs := k.byLead[h.LeadID]
		return cur.BelowSQLThreshold && hs[len(hs)-1] == h
	}
	for _, at := range cur.BelowSQLAts {
		if k.happened(at) && latestBefore(k.byLead[h.LeadID], at) == h {
			return true
		}
	}
	return false
}
