package email

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/words"
)

// explanation turns the stored explanation (scoring's JSON) into the email's "why this score" lines, in the
// contract's language: what the lead is ("Fonction : Directeur industriel", +20) and what it did ("A consulté
// la page tarifs (3 fois)", +30), by the rule's label when it has one in that language, else by the words for
// its field or activity type with the lead's own value. Never the rule's condition: sales read no regular
// expressions. A rule's activities are one line, their points summed (the lines still add up to the fit and
// behaviour shown). Lines stored before explanations were data (an English note, no field) are phrased from the
// contract's rule of the same ID; their note is never shown.
func explanation(c *contract.Contract, raw string) []Line {
	var cs []scoring.Contribution
	if json.Unmarshal([]byte(raw), &cs) != nil {
		return nil
	}
	sw, cm := words.ForScore(c.Locale), words.ForCommon(c.Locale)
	rules := rulesOf(c)
	type group struct {
		line   int // its line in out
		n      int
		points float64
	}
	groups := map[string]*group{}
	out := make([]Line, 0, len(cs))
	for _, x := range cs {
		r := rules[x.Rule]
		field, typ := x.Field, x.ActivityType
		if x.Kind == "fit" || x.Kind == "disqualifier" && typ == "" {
			field = cmp(field, r.field)
		}
		if typ == "" {
			typ = r.typ
		}
		label := r.label.In(c.Locale)
		switch x.Kind {
		case "fit":
			value := Points(x.Points)
			if x.Unread {
				value = sw.NotCounted // the value could not be read without guessing: no points
			}
			out = append(out, Line{Label: is(sw, cm, label, field, x.Value, x.Rule), Value: value})
		case "disqualifier":
			what := is(sw, cm, label, field, x.Value, x.Rule)
			if field == "" {
				what = did(sw, cm, label, typ, "", x.Rule) + dated(sw, cm, x.At, zone(c))
			}
			value := sw.Disqualified
			if x.Unread {
				value = sw.NotApplied
			}
			out = append(out, Line{Label: what, Value: value})
		case "hand_raiser":
			what := did(sw, cm, label, typ, x.Value, x.Rule) + dated(sw, cm, x.At, zone(c))
			out = append(out, Line{Label: fmt.Sprintf(sw.HandRaised, what), Value: sw.HandRaisedSQL})
		default: // behaviour: one line per rule (and value, when no label says it), its activities counted
			key := x.Rule
			if label == "" {
				key += "\x00" + x.Value
			}
			g, seen := groups[key]
			if !seen {
				g = &group{line: len(out)}
				groups[key] = g
				out = append(out, Line{Label: did(sw, cm, label, typ, x.Value, x.Rule)})
			}
			g.n++
			g.points += x.Points
			out[g.line].Value = Points(g.points)
			if g.n > 1 {
				out[g.line].Label = did(sw, cm, label, typ, x.Value, x.Rule) + fmt.Sprintf(sw.Times, g.n)
			}
		}
	}
	return out
}

// is phrases what the lead is: the rule's label, else the field's name, then the lead's value.
func is(sw *words.Score, cm *words.Common, label, field, value, rule string) string {
	name := label
	if name == "" {
		var ok bool
		if name, ok = sw.Field(field); !ok {
			name = rule // a rule the contract no longer has, stored without its field: its ID is all there is
		}
	}
	if value == "" {
		return name
	}
	return name + cm.Colon + sw.Value(value)
}

// did phrases what the lead did: the rule's label, else the activity's words and the activity's value.
func did(sw *words.Score, cm *words.Common, label, typ, value, rule string) string {
	if label != "" {
		return label
	}
	name, ok := sw.Activity(typ)
	if !ok {
		name = rule // a custom type's rule has a label (contract.Parse requires it) unless the contract dropped it
	}
	if value == "" {
		return name
	}
	return name + cm.Colon + value
}

// dated is " le 27/11" for an activity's instant in zone loc, nothing for none.
func dated(sw *words.Score, cm *words.Common, at time.Time, loc *time.Location) string {
	if at.IsZero() {
		return ""
	}
	return fmt.Sprintf(sw.On, cm.Date(at.In(loc)))
}

// rule is what the email needs of a contract's scoring rule to phrase lines stored without it.
type rule struct {
	label      contract.Label
	field, typ string
}

// rulesOf indexes the contract's scoring rules by ID.
func rulesOf(c *contract.Contract) map[string]rule {
	out := map[string]rule{}
	s := c.Scoring
	if s == nil {
		return out
	}
	for _, f := range s.Fit {
		out[f.ID] = rule{label: f.Label, field: f.Field}
	}
	for _, b := range s.Behaviour {
		out[b.ID] = rule{label: b.Label, typ: b.Type}
	}
	for _, h := range s.HandRaisers {
		out[h.ID] = rule{label: h.Label, typ: h.Type}
	}
	for _, d := range s.Disqualifiers {
		out[d.ID] = rule{label: d.Label, field: d.Field, typ: d.Activity}
	}
	return out
}

func cmp(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// activityName is what the lead did, for the recent activities: the words for a built-in type, else the label
// activity_types gives the custom type, else the label (in the contract's language) of the first rule on that
// type — the contract is refused when a declared custom type has none of these — else the type as recorded (one
// the contract no longer declares).
func activityName(c *contract.Contract, sw *words.Score, typ string) string {
	if w, ok := sw.Activity(typ); ok {
		return w
	}
	if l := c.ActivityLabels[typ].In(c.Locale); l != "" {
		return l
	}
	if s := c.Scoring; s != nil {
		for _, b := range s.Behaviour {
			if b.Type == typ && b.Label.In(c.Locale) != "" {
				return b.Label.In(c.Locale)
			}
		}
		for _, h := range s.HandRaisers {
			if h.Type == typ && h.Label.In(c.Locale) != "" {
				return h.Label.In(c.Locale)
			}
		}
		for _, d := range s.Disqualifiers {
			if d.Activity == typ && d.Label.In(c.Locale) != "" {
				return d.Label.In(c.Locale)
			}
		}
	}
	return typ
}

// recent lists the latest activities, newest first, dated in the contract's zone as its language writes dates.
func recent(c *contract.Contract, acts []lead.Activity, n int) []Line {
	sw, cm := words.ForScore(c.Locale), words.ForCommon(c.Locale)
	sorted := append([]lead.Activity(nil), acts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].OccurredAt.After(sorted[j].OccurredAt) })
	if len(sorted) > n {
		sorted = sorted[:n]
	}
	out := make([]Line, 0, len(sorted))
	for _, a := range sorted {
		var detail []string
		for _, k := range []string{"url", "content", "webinar", "campaign"} {
			if v := a.Properties[k]; v != "" {
				detail = append(detail, v)
			}
		}
		label := activityName(c, sw, a.Type)
		if len(detail) > 0 {
			label += cm.Colon + strings.Join(detail, " ")
		}
		out = append(out, Line{Label: label, Value: cm.DateTime(a.OccurredAt.In(zone(c)))})
	}
	return out
}

// zone is the contract's time zone (UTC for a contract built in a test without one).
func zone(c *contract.Contract) *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}
