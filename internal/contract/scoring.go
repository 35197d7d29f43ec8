package contract

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Scoring is what makes a lead hot enough for sales, as the marketing–sales workshop wrote it.
type Scoring struct {
	MQL, SQL float64 // thresholds on the total score
	// MQLMinFit and SQLMinFit are the minimum fit to qualify; nil when the contract sets none (a negative fit
	// then qualifies on its total alone).
	MQLMinFit, SQLMinFit *float64
	Fit                  []FitRule
	Behaviour            []BehaviourRule
	HandRaisers          []HandRaiser
	Disqualifiers        []Disqualifier
	// Locale is the contract's: how numbers in text are read when the lead's country is unknown.
	Locale Locale
}

// FitFields are the lead fields fit rules and disqualifiers may test.
var FitFields = []string{"email", "company", "company_domain", "company_size", "country", "free_mail", "industry",
	"job_title", "region", "utm_source", "utm_medium", "utm_campaign", "postal_code"}

// Condition tests one value. Exactly one operator is set. equals, in and contains compare Fold's forms
// (surrounding spaces and case ignored, accents not); matches is as written.
type Condition struct {
	Equals   string
	In       []string
	Contains string
	Matches  *regexp.Regexp
	Between  *[2]float64 // the number or range the value states (ReadQuantity) lies within, both ends included
	// folded is Equals, In or Contains in Fold's form, computed once when the contract is read: every test
	// then folds the lead's value only. nil in a Condition built in code, whose values Check folds each time.
	folded []string
}

// keys are the condition's text values in Fold's form.
func (c Condition) keys() []string {
	if c.folded != nil {
		return c.folded
	}
	switch {
	case c.In != nil:
		return foldAll(c.In)
	case c.Contains != "":
		return []string{Fold(c.Contains)}
	}
	return []string{Fold(c.Equals)}
}

func foldAll(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = Fold(x)
	}
	return out
}

// FitRule gives points for who the lead is.
type FitRule struct {
	ID     string
	Label  Label // what sales read for the rule, by language (nil: none)
	Field  string
	When   Condition
	Points float64
}

// BehaviourRule gives points for each matching activity, optionally capped per period and decaying.
type BehaviourRule struct {
	ID           string
	Label        Label                // what sales read for the rule, by language (nil: none)
	Type         string               // activity type
	Where        map[string]Condition // activity property -> condition, all must hold
	Points       float64
	CapPoints    float64 // at most this many (undecayed) points per CapDays period; 0: no cap
	CapDays      int
	HalfLifeDays float64 // points halve every HalfLifeDays; 0: no half-life
	WindowDays   int     // points count fully for WindowDays, then not at all; 0: no window
}

// HandRaiser makes a lead an SQL at once, whatever its score: someone asked to talk to sales.
type HandRaiser struct {
	ID    string
	Label Label // what sales read for the rule, by language (nil: none)
	Type  string
	Where map[string]Condition
}

// Disqualifier keeps a lead from ever becoming an MQL or an SQL.
type Disqualifier struct {
	ID       string
	Label    Label  // what sales read for the rule, by language (nil: none)
	Field    string // a fit field, or
	When     Condition
	Activity string // an activity type whose presence disqualifies (unsubscribed)
}

// Test reports whether a value satisfies the condition, reading numbers without knowing the writer's habits
// ("1,200" and "1.200" are then ambiguous and do not match).
func (c Condition) Test(v string) bool {
	ok, _ := c.Check(v, Numbers{})
	return ok
}

// Check reports whether a value satisfies the condition. Every operator tests the value without its surrounding
// spaces; equals, in and contains compare Fold's forms of the value and of the contract's text, contains
// never ending a match inside an accented letter; a missing field is the empty string. For between, the
// value's number or range is read with the lead's habits (ReadQuantity) and must lie within both ends; note
// then says what was read ("\"1.200\": 1200"), or, when it does not match because it could not be read without
// guessing or a range is only partly within, why. A plain number ("120") needs no note.
func (c Condition) Check(v string, n Numbers) (ok bool, note string) {
	v = strings.TrimSpace(v)
	switch {
	case c.Matches != nil:
		return c.Matches.MatchString(v), ""
	case c.Between != nil:
		return c.between(v, n)
	}
	keys := c.keys()
	if c.In == nil && c.Contains != "" {
		return containsFolded(Fold(v), keys[0]), ""
	}
	// equals is in with one value.
	if ascii(v) {
		for _, k := range keys {
			if equalLowerASCII(v, k) {
				return true, ""
			}
		}
		return false, ""
	}
	folded := Fold(v)
	for _, k := range keys {
		if folded == k {
			return true, ""
		}
	}
	return false, ""
}

func (c Condition) between(v string, n Numbers) (bool, string) {
	q, err := ReadQuantity(v, n)
	switch {
	case errors.Is(err, ErrNoNumber) && v == "":
		return false, ""
	case err != nil:
		return false, fmt.Sprintf("%q: %v", v, err)
	}
	lo, hi := c.Between[0], c.Between[1]
	// An open range states one end only: that end is compared ("5000+" is 5000), since a contract's other
	// bound is often a stand-in for "no limit" (between: [1000, 1000000]).
	if math.IsInf(q.Lo, -1) || math.IsInf(q.Hi, 1) {
		end := q.Lo
		if math.IsInf(end, -1) {
			end = q.Hi
		}
		if end < lo || end > hi {
			return false, ""
		}
		return true, fmt.Sprintf("%q: %s, read as %s", v, q, format(end))
	}
	switch {
	case q.Lo >= lo && q.Hi <= hi && v == q.String():
		return true, ""
	case q.Lo >= lo && q.Hi <= hi:
		return true, fmt.Sprintf("%q: %s", v, q)
	case q.Hi < lo || q.Lo > hi:
		return false, ""
	}
	// A closed range partly outside: the lead may be on either side.
	return false, fmt.Sprintf("%q is %s, partly outside", v, q)
}

// String renders a quantity as the explanations say it: "1200", "250 to 499", "5000 or more".
func (q Quantity) String() string {
	switch {
	case q.Lo == q.Hi:
		return format(q.Lo)
	case math.IsInf(q.Hi, 1):
		return format(q.Lo) + " or more"
	case math.IsInf(q.Lo, -1):
		return "up to " + format(q.Hi)
	}
	return format(q.Lo) + " to " + format(q.Hi)
}

// String renders the condition as the contract writes it, for explanations.
func (c Condition) String() string {
	switch {
	case c.Matches != nil:
		return "matches " + c.Matches.String()
	case c.In != nil:
		return "in [" + strings.Join(c.In, ", ") + "]"
	case c.Contains != "":
		return "contains " + c.Contains
	case c.Between != nil:
		return fmt.Sprintf("between %g and %g", c.Between[0], c.Between[1])
	}
	return "equals " + c.Equals
}

func (r *reader) scoring(n *yaml.Node, path string) Scoring {
	var s Scoring
	ids := map[string]bool{}
	fitFields := setOf(FitFields)
	var thresholds *yaml.Node
	r.mapping(n, path, map[string]field{
		"thresholds": {true, func(n *yaml.Node, p string) {
			thresholds = n
			r.mapping(n, p, map[string]field{
				"mql":         {true, func(n *yaml.Node, p string) { s.MQL = r.number(n, p, 1) }},
				"sql":         {true, func(n *yaml.Node, p string) { s.SQL = r.number(n, p, 1) }},
				"mql_min_fit": {false, func(n *yaml.Node, p string) { s.MQLMinFit = r.minFit(n, p) }},
				"sql_min_fit": {false, func(n *yaml.Node, p string) { s.SQLMinFit = r.minFit(n, p) }},
			})
		}},
		"fit": {false, func(n *yaml.Node, p string) {
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				var f FitRule
				fields := r.conditionFields(&f.When, map[string]field{
					"id":     {true, func(n *yaml.Node, p string) { f.ID = r.uniqueID(n, p, ids) }},
					"field":  {true, func(n *yaml.Node, p string) { f.Field = r.enum(n, p, fitFields) }},
					"points": {true, func(n *yaml.Node, p string) { f.Points = r.signedNumber(n, p) }},
					"label":  {false, func(n *yaml.Node, p string) { f.Label = r.label(n, p) }},
				})
				r.mapping(item, p, fields)
				r.oneCondition(item, p)
				s.Fit = append(s.Fit, f)
			})
		}},
		"behaviour": {false, func(n *yaml.Node, p string) {
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				b := BehaviourRule{}
				r.mapping(item, p, map[string]field{
					"id":     {true, func(n *yaml.Node, p string) { b.ID = r.uniqueID(n, p, ids) }},
					"type":   {true, func(n *yaml.Node, p string) { b.Type = r.activityType(n, p) }},
					"where":  {false, func(n *yaml.Node, p string) { b.Where = r.where(n, p) }},
					"points": {true, func(n *yaml.Node, p string) { b.Points = r.signedNumber(n, p) }},
					"cap": {false, func(n *yaml.Node, p string) {
						r.mapping(n, p, map[string]field{
							"points":   {true, func(n *yaml.Node, p string) { b.CapPoints = r.number(n, p, 1) }},
							"per_days": {true, func(n *yaml.Node, p string) { b.CapDays = r.positiveInt(n, p) }},
						})
					}},
					"half_life_days": {false, func(n *yaml.Node, p string) { b.HalfLifeDays = r.number(n, p, 1) }},
					"window_days":    {false, func(n *yaml.Node, p string) { b.WindowDays = r.positiveInt(n, p) }},
					"label":          {false, func(n *yaml.Node, p string) { b.Label = r.label(n, p) }},
				})
				r.labelled(item, p, b.ID, b.Label, b.Type)
				if b.HalfLifeDays > 0 && b.WindowDays > 0 {
					r.fail(item, p, "has both half_life_days and window_days; choose one way to decay")
				}
				s.Behaviour = append(s.Behaviour, b)
			})
		}},
		"hand_raisers": {false, func(n *yaml.Node, p string) {
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				h := HandRaiser{}
				r.mapping(item, p, map[string]field{
					"id":    {true, func(n *yaml.Node, p string) { h.ID = r.uniqueID(n, p, ids) }},
					"type":  {true, func(n *yaml.Node, p string) { h.Type = r.activityType(n, p) }},
					"where": {false, func(n *yaml.Node, p string) { h.Where = r.where(n, p) }},
					"label": {false, func(n *yaml.Node, p string) { h.Label = r.label(n, p) }},
				})
				r.labelled(item, p, h.ID, h.Label, h.Type)
				s.HandRaisers = append(s.HandRaisers, h)
			})
		}},
		"disqualifiers": {false, func(n *yaml.Node, p string) {
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				var d Disqualifier
				fields := r.conditionFields(&d.When, map[string]field{
					"id":       {true, func(n *yaml.Node, p string) { d.ID = r.uniqueID(n, p, ids) }},
					"field":    {false, func(n *yaml.Node, p string) { d.Field = r.enum(n, p, fitFields) }},
					"activity": {false, func(n *yaml.Node, p string) { d.Activity = r.activityType(n, p) }},
					"label":    {false, func(n *yaml.Node, p string) { d.Label = r.label(n, p) }},
				})
				r.mapping(item, p, fields)
				r.labelled(item, p, d.ID, d.Label, d.Activity)
				switch {
				case (d.Field == "") == (d.Activity == ""):
					r.fail(item, p, "needs either field (with a condition) or activity")
				case d.Field != "":
					r.oneCondition(item, p)
				}
				s.Disqualifiers = append(s.Disqualifiers, d)
			})
		}},
	})
	if s.MQL > 0 && s.SQL > 0 && s.SQL < s.MQL {
		r.fail(thresholds, join(path, "thresholds.sql"), "(%g) must not be below mql (%g)", s.SQL, s.MQL)
	}
	return s
}

// conditionFields adds the condition operators to a rule's fields.
func (r *reader) conditionFields(c *Condition, fields map[string]field) map[string]field {
	// The contract's text is folded here, once (a rule with two operators is refused, so one is set).
	fields["equals"] = field{false, func(n *yaml.Node, p string) {
		c.Equals, _ = r.scalar(n, p, "a value")
		c.folded = []string{Fold(c.Equals)}
	}}
	fields["contains"] = field{false, func(n *yaml.Node, p string) {
		c.Contains = r.text(n, p)
		c.folded = []string{Fold(c.Contains)}
	}}
	fields["in"] = field{false, func(n *yaml.Node, p string) {
		c.In = r.texts(n, p)
		if c.In == nil {
			c.In = []string{}
		}
		c.folded = foldAll(c.In)
	}}
	fields["matches"] = field{false, func(n *yaml.Node, p string) {
		v, ok := r.scalar(n, p, "a regular expression")
		if !ok {
			return
		}
		re, err := regexp.Compile(v)
		if err != nil {
			r.fail(n, p, "is not a valid regular expression: %v", strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			return
		}
		c.Matches = re
		if w := shortUnboundedWarning(v); w != "" {
			r.warn(n, p, "%s", w)
		}
	}}
	fields["between"] = field{false, func(n *yaml.Node, p string) {
		if n.Kind != yaml.SequenceNode || len(n.Content) != 2 {
			r.fail(n, p, "must be [min, max], got %s", describe(n))
			return
		}
		lo, hi := r.signedNumber(n.Content[0], index(p, 0)), r.signedNumber(n.Content[1], index(p, 1))
		if hi < lo {
			r.fail(n, p, "max (%g) is below min (%g)", hi, lo)
			return
		}
		c.Between = &[2]float64{lo, hi}
	}}
	return fields
}

// oneCondition checks a rule sets exactly one operator.
func (r *reader) oneCondition(item *yaml.Node, path string) {
	set := 0
	for _, k := range []string{"equals", "in", "contains", "matches", "between"} {
		for i := 0; i+1 < len(item.Content); i += 2 {
			if item.Content[i].Value == k {
				set++
			}
		}
	}
	if set != 1 {
		r.fail(item, path, "needs exactly one of equals, in, contains, matches, between (has %d)", set)
	}
}

// where reads activity property conditions: {url: {contains: /tarifs}}.
func (r *reader) where(n *yaml.Node, path string) map[string]Condition {
	if n.Kind != yaml.MappingNode {
		r.fail(n, path, "must map activity properties to conditions, got %s", describe(n))
		return nil
	}
	out := map[string]Condition{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		var c Condition
		r.mapping(v, p, r.conditionFields(&c, map[string]field{}))
		if v.Kind == yaml.MappingNode {
			r.oneCondition(v, p)
		}
		out[k.Value] = c
	}
	return out
}

// activityType reads a type and remembers where, to check it against the declared types once all is read.
func (r *reader) activityType(n *yaml.Node, path string) string {
	t := r.text(n, path)
	if t != "" {
		r.typeRefs = append(r.typeRefs, typeRef{n, path, t})
	}
	return t
}

type typeRef struct {
	node *yaml.Node
	path string
	typ  string
}

// checkTypes reports scoring rules naming an activity type nobody can send.
func (r *reader) checkTypes(custom []string) {
	known := setOf(append(append(append([]string{}, BuiltinActivityTypes...), custom...),
		"form_submit", "opportunity_created", "deal_won", "deal_lost"))
	for _, ref := range r.typeRefs {
		if !known[ref.typ] {
			r.fail(ref.node, ref.path, "unknown activity type %q (built-in: %s; declare custom ones in activity_types)",
				ref.typ, strings.Join(BuiltinActivityTypes, ", "))
		}
	}
}

// minFit reads an optional minimum fit; any number (a workshop may accept a slightly negative fit).
func (r *reader) minFit(n *yaml.Node, path string) *float64 {
	v := r.signedNumber(n, path)
	return &v
}

// number is a number at least min.
func (r *reader) number(n *yaml.Node, path string, min float64) float64 {
	v := r.signedNumber(n, path)
	if v < min {
		r.fail(n, path, "must be at least %g, got %g", min, v)
		return 0
	}
	return v
}

func (r *reader) signedNumber(n *yaml.Node, path string) float64 {
	s, ok := r.scalar(n, path, "a number")
	if !ok {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || (n.Tag != "!!int" && n.Tag != "!!float") {
		r.fail(n, path, "must be a number, got %s", describe(n))
		return 0
	}
	return v
}
