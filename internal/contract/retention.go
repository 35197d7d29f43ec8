package contract

import (
	"regexp"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// Retention is how long Handoff keeps what it stores about people, in calendar months: every item holding
// personal data carries the instant it expires (a DynamoDB TTL), computed from these when the item is written.
// Changing them applies to the items written from then on (an update rewrites the instant); `handoff retention
// backfill` applies them to the items already stored.
type Retention struct {
	// Leads: a lead's profile and the claim of its email, from the last thing heard of the lead (its creation,
	// its latest submission or activity): an active lead stays.
	Leads int
	// Activities: each activity, from its instant; and the marker of the delivery that brought it.
	Activities int
	// Handoffs: the SLA's records — hand-offs and their SLA events (from the hand-off's instant), creations and
	// stage changes (from theirs) — and each month's report of record (from the month's end).
	Handoffs int
}

// DefaultRetention applies when the contract has no retention key, and to each of its keys left out.
var DefaultRetention = Retention{Leads: 36, Activities: 24, Handoffs: 36}

// maxRetentionMonths bounds each period: beyond ten years, a value is a typo (and DynamoDB's TTL ignores an
// instant more than five years past, so a period is no place for "forever").
const maxRetentionMonths = 120

// AddMonths is t plus n calendar months, in UTC (31 January plus one month is 3 March, as time.AddDate has it).
func AddMonths(t time.Time, n int) time.Time { return t.UTC().AddDate(0, n, 0) }

var monthsPattern = regexp.MustCompile(`^\s*(\d{1,4})\s*(months?|years?)\s*$`)

// retention decodes the retention mapping: each key a whole number of months ("36 months") or years ("3
// years"); absent keys keep their default.
func (r *reader) retention(n *yaml.Node, path string) Retention {
	ret := DefaultRetention
	period := func(out *int) func(n *yaml.Node, p string) {
		return func(n *yaml.Node, p string) {
			if v := r.months(n, p); v > 0 {
				*out = v
			}
		}
	}
	var leads, activities *yaml.Node
	r.mapping(n, path, map[string]field{
		"leads": {false, func(n *yaml.Node, p string) {
			leads = n
			period(&ret.Leads)(n, p)
		}},
		"activities": {false, func(n *yaml.Node, p string) {
			activities = n
			period(&ret.Activities)(n, p)
		}},
		"handoffs": {false, period(&ret.Handoffs)},
	})
	if ret.Activities > ret.Leads && (leads != nil || activities != nil) {
		at, key := activities, "activities"
		if at == nil {
			at, key = leads, "leads"
		}
		r.warn(at, join(path, key), "activities are kept %d months and leads %d: a lead's activities would outlive its profile",
			ret.Activities, ret.Leads)
	}
	return ret
}

// months is a retention period: "36 months", "1 month", "3 years"; from 1 month to 10 years.
func (r *reader) months(n *yaml.Node, path string) int {
	s, ok := r.scalar(n, path, `a number of months such as "36 months"`)
	if !ok {
		return 0
	}
	m := monthsPattern.FindStringSubmatch(s)
	if m == nil {
		r.fail(n, path, `must be a number of months such as "36 months" (or years: "3 years"), got %q`, s)
		return 0
	}
	v, _ := strconv.Atoi(m[1])
	if m[2][0] == 'y' {
		v *= 12
	}
	switch {
	case v < 1:
		r.fail(n, path, "must be at least 1 month, got %q", s)
	case v > maxRetentionMonths:
		r.fail(n, path, "must be at most %d months (10 years), got %q", maxRetentionMonths, s)
	default:
		return v
	}
	return 0
}
