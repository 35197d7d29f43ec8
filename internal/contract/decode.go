package contract

import (
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/worktime"
)

// reader walks the YAML tree, collecting every problem instead of stopping at the first one: the teams fix a
// contract in one pass, not one error at a time.
type reader struct {
	problems []Problem
	warnings []Problem // likely mistakes that do not make the contract invalid
	typeRefs []typeRef // activity types named by scoring rules, checked at the end
	repRefs  []typeRef // reps named by routing, checked at the end
	// labelRefs are the scoring rules' labels, checked against the contract's language at the end.
	labelRefs []labelRef
	// activityTypeRefs are the declared custom activity types, checked for a label at the end.
	activityTypeRefs []activityTypeRef
	// reviewMeetingNode is marketing.review_meeting, checked against the business hours at the end.
	reviewMeetingNode *yaml.Node
	// consentMaps are the sources' mappings of a field to consent, by source index: checked against the consent
	// section at the end.
	consentMaps map[int]consentMapping
}

func (r *reader) fail(n *yaml.Node, path, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	r.problems = append(r.problems, Problem{Line: line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// warn records a likely mistake; the contract still loads.
func (r *reader) warn(n *yaml.Node, path, format string, args ...any) {
	r.warnings = append(r.warnings, Problem{Line: n.Line, Path: path, Message: fmt.Sprintf(format, args...)})
}

// field describes one key of a mapping.
type field struct {
	required bool
	decode   func(n *yaml.Node, path string)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// mapping decodes a mapping node key by key, reporting unknown keys (with the known ones, to catch typos) and
// missing required keys. It reports false when n is not a mapping at all.
func (r *reader) mapping(n *yaml.Node, path string, fields map[string]field) bool {
	if n == nil || n.Kind != yaml.MappingNode {
		r.fail(n, path, "must be a mapping of keys, got %s", describe(n))
		return false
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := fields[k.Value]
		if !ok {
			r.fail(k, join(path, k.Value), "unknown key (allowed here: %s)", strings.Join(sortedKeys(fields), ", "))
			continue
		}
		seen[k.Value] = true
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" && f.required {
			r.fail(v, join(path, k.Value), "must not be empty")
			continue
		}
		f.decode(v, join(path, k.Value))
	}
	for _, k := range sortedKeys(fields) {
		if fields[k].required && !seen[k] {
			r.fail(n, join(path, k), "is required")
		}
	}
	return true
}

func sortedKeys(m map[string]field) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// describe names what a node is, for "must be X, got Y" messages.
func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.Tag {
	case "!!null":
		return "nothing"
	case "!!str":
		return strconv.Quote(n.Value)
	}
	return n.Value
}

// list decodes each item of a sequence node; a null node is an empty list.
func (r *reader) list(n *yaml.Node, path string, each func(i int, item *yaml.Node, path string)) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		r.fail(n, path, "must be a list, got %s", describe(n))
		return
	}
	for i, item := range n.Content {
		each(i, item, index(path, i))
	}
}

// scalar returns the text of a plain value, rejecting lists, mappings and nulls.
func (r *reader) scalar(n *yaml.Node, path, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		r.fail(n, path, "must be %s, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// text is a non-empty single-line string.
func (r *reader) text(n *yaml.Node, path string) string {
	s, ok := r.scalar(n, path, "a text")
	if !ok {
		return ""
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		r.fail(n, path, "must not be empty")
	case strings.ContainsAny(s, "\r\n\x00"):
		r.fail(n, path, "must fit on one line")
	}
	return s
}

func (r *reader) texts(n *yaml.Node, path string) []string {
	var out []string
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		if s := r.text(item, p); s != "" {
			out = append(out, s)
		}
	})
	return out
}

var idPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// id is a stable identifier that ends up in keys and logs, so it is kept to a safe alphabet.
func (r *reader) id(n *yaml.Node, path string) string {
	s, ok := r.scalar(n, path, "an identifier")
	if !ok {
		return ""
	}
	if !idPattern.MatchString(s) {
		r.fail(n, path, "must be lower-case letters, digits, '-' or '_' (at most 64), got %q", s)
		return ""
	}
	return s
}

func (r *reader) positiveInt(n *yaml.Node, path string) int {
	s, ok := r.scalar(n, path, "a whole number")
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || n.Tag != "!!int" {
		r.fail(n, path, "must be a whole number, got %s", describe(n))
		return 0
	}
	if v <= 0 {
		r.fail(n, path, "must be positive, got %d", v)
		return 0
	}
	return v
}

// businessHours is a positive duration such as "4h" or "1h30m", counted in business time.
func (r *reader) businessHours(n *yaml.Node, path string) time.Duration {
	s, ok := r.scalar(n, path, `a duration in business hours such as "4h" or "1h30m"`)
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		r.fail(n, path, `must be a duration in business hours such as "4h" or "1h30m", got %q`, s)
	case d <= 0:
		r.fail(n, path, "must be positive, got %q", s)
	case d%worktime.Resolution != 0: // the SLA clock counts whole minutes
		r.fail(n, path, "must be a whole number of minutes (the SLA clock's resolution), got %q", s)
	case d > maxBusinessHours:
		// A deadline beyond that is a typo, and would make every deadline computation walk years of calendar.
		r.fail(n, path, "must be at most %s, got %q", fmtHours(maxBusinessHours), s)
	default:
		return d
	}
	return 0
}

// maxBusinessHours bounds any duration in the contract: about a year of office hours.
const maxBusinessHours = 2000 * time.Hour

func fmtHours(d time.Duration) string { return strconv.Itoa(int(d/time.Hour)) + "h" }

// email is a bare address ("ana@example.com"), lower-cased.
func (r *reader) email(n *yaml.Node, path string) string {
	s, ok := r.scalar(n, path, "an email address")
	if !ok {
		return ""
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndex(s, "@")+1:], ".") {
		r.fail(n, path, "must be an email address such as name@example.com, got %q", s)
		return ""
	}
	return strings.ToLower(s)
}

// address is an email address with an optional display name ("Handoff <sla@example.com>").
func (r *reader) address(n *yaml.Node, path string) *mail.Address {
	s, ok := r.scalar(n, path, "an email address")
	if !ok {
		return nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || strings.ContainsAny(s, "\r\n") {
		r.fail(n, path, `must be an address such as "Handoff <sla@example.com>", got %q`, s)
		return nil
	}
	return a
}

func (r *reader) emails(n *yaml.Node, path string) []string {
	var out []string
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		if s := r.email(item, p); s != "" {
			out = append(out, s)
		}
	})
	return out
}

func (r *reader) date(n *yaml.Node, path string) (Date, bool) {
	s, ok := r.scalar(n, path, "a date (YYYY-MM-DD)")
	if !ok {
		return Date{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		r.fail(n, path, "must be a date (YYYY-MM-DD), got %q", s)
		return Date{}, false
	}
	return DateOf(t), true
}

func (r *reader) month(n *yaml.Node, path string) (Month, bool) {
	s, ok := r.scalar(n, path, "a month (YYYY-MM)")
	if !ok {
		return Month{}, false
	}
	t, err := time.Parse("2006-01", s)
	if err != nil {
		r.fail(n, path, "must be a month (YYYY-MM), got %q", s)
		return Month{}, false
	}
	return Month{t.Year(), t.Month()}, true
}

// boolean is true or false, as YAML spells them (not "yes", not a quoted string).
func (r *reader) boolean(n *yaml.Node, path string) bool {
	v, ok := r.scalar(n, path, "true or false")
	if ok && n.Tag != "!!bool" {
		r.fail(n, path, "must be true or false, got %s", describe(n))
		return false
	}
	return v == "true"
}

// percent is "50%" (or 50) strictly between 0 and 100.
func (r *reader) percent(n *yaml.Node, path string) int {
	s, ok := r.scalar(n, path, `a percentage such as "50%"`)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if err != nil || v <= 0 || v >= 100 {
		r.fail(n, path, `must be a percentage strictly between 0%% and 100%%, such as "50%%", got %q`, s)
		return 0
	}
	return v
}

// rateTarget is a committed rate, "90%" (or 90): above 0% and at most 100% (every SQL is a valid commitment).
func (r *reader) rateTarget(n *yaml.Node, path string) int {
	s, ok := r.scalar(n, path, `a percentage such as "90%"`)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	if err != nil || v <= 0 || v > 100 {
		r.fail(n, path, `must be a whole percentage above 0%% and at most 100%%, such as "90%%", got %q`, s)
		return 0
	}
	return v
}
