package contract

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the Lambda image has no zoneinfo we can count on

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/worktime"
)

// Load reads and validates a contract file. Every problem is reported at once in a *ValidationError.
func Load(path string) (*Contract, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read contract: %w", err)
	}
	return Parse(filepath.Base(path), data)
}

// Parse validates a contract held in memory; name is used in messages.
func Parse(name string, data []byte) (*Contract, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if errors.Is(err, io.EOF) {
			msg = "the file is empty"
		}
		line, msg := yamlError(msg)
		return nil, &ValidationError{File: name, Problems: []Problem{{Line: line, Message: msg}}}
	}
	sum := sha256.Sum256(data)
	c := &Contract{Digest: hex.EncodeToString(sum[:])}
	r := &reader{}
	var doc *yaml.Node
	if len(root.Content) > 0 {
		doc = root.Content[0]
	}
	var cal calendarSpec
	var salesNode, opsFlag, consentNode *yaml.Node
	retention := false
	r.mapping(doc, "", map[string]field{
		"version":   {true, func(n *yaml.Node, p string) { c.Version = r.text(n, p) }},
		"company":   {true, func(n *yaml.Node, p string) { c.Company = r.text(n, p) }},
		"locale":    {true, func(n *yaml.Node, p string) { c.Locale = r.locale(n, p) }},
		"time_zone": {true, func(n *yaml.Node, p string) { c.Location = r.zone(n, p) }},
		"calendar":  {true, func(n *yaml.Node, p string) { cal = r.calendar(n, p) }},
		"marketing": {true, func(n *yaml.Node, p string) { c.Marketing = r.marketing(n, p) }},
		"sales": {true, func(n *yaml.Node, p string) {
			salesNode = n
			c.Sales, opsFlag = r.sales(n, p)
		}},
		"roster":     {true, func(n *yaml.Node, p string) { c.Roster = r.roster(n, p) }},
		"recipients": {true, func(n *yaml.Node, p string) { c.Recipients = r.recipients(n, p) }},
		"sender":     {true, func(n *yaml.Node, p string) { c.Sender = r.address(n, p) }},
		"sources":    {false, func(n *yaml.Node, p string) { c.Sources = r.sources(n, p) }},
		"activity_types": {false, func(n *yaml.Node, p string) {
			c.ActivityTypes, c.ActivityLabels = r.activityTypes(n, p)
		}},
		"scoring": {false, func(n *yaml.Node, p string) {
			sc := r.scoring(n, p)
			c.Scoring = &sc
		}},
		"routing": {false, func(n *yaml.Node, p string) {
			ro := r.routing(n, p)
			c.Routing = &ro
		}},
		"notify": {false, func(n *yaml.Node, p string) { c.Notify = r.notify(n, p) }},
		// Read after the sources, whichever comes first in the file: it names them.
		"consent": {false, func(n *yaml.Node, p string) { consentNode = n }},
		"retention": {false, func(n *yaml.Node, p string) {
			c.Retention = r.retention(n, p)
			retention = true
		}},
	})
	c.Consent = r.consent(consentNode, c.Sources)
	r.consentInOnePlace(c.Consent, c.Sources)
	if !retention {
		c.Retention = DefaultRetention
	}
	if d := c.Marketing.Digest; d != nil && d.Location == nil {
		d.Location = c.Location // the digest's zone defaults to the contract's
	}
	if c.Scoring != nil {
		c.Scoring.Locale = c.Locale // numbers in text are read with it when a lead's country is unknown
	}
	r.checkTypes(c.ActivityTypes)
	r.checkLabels(c.Locale, c.ActivityTypes)
	r.checkActivityLabels(c.Locale, c.ActivityLabels)
	r.checkRepRefs(c.Roster.Reps)
	if c.Sales.EscalateToMarketingOps && len(c.Recipients.MarketingOps) == 0 && opsFlag != nil {
		r.fail(opsFlag, "sales.escalate_to_marketing_ops", "is true but recipients.marketing_ops lists nobody")
	}
	if len(c.Notify.RejectReasons) == 0 {
		c.Notify.RejectReasons = DefaultRejectReasons
	}
	if len(r.problems) == 0 {
		c.Country, c.ClosedDays, c.OpenDays = cal.country, cal.closed, cal.open
		calendar, err := worktime.New(c.Location, cal.week, newClosedDays(cal).isClosed)
		if err != nil {
			r.fail(cal.node, "calendar.business_hours", "%v", strings.TrimPrefix(err.Error(), "worktime: "))
		} else {
			r.checkHorizon(cal, c.Location, c.Sales, salesNode)
			r.checkReviewMeeting(c.Marketing.ReviewMeeting, cal.week)
		}
		c.Calendar = calendar
	}
	if len(r.problems) > 0 {
		sort.SliceStable(r.problems, func(i, j int) bool { return r.problems[i].Line < r.problems[j].Line })
		return nil, &ValidationError{File: name, Problems: r.problems}
	}
	sort.SliceStable(r.warnings, func(i, j int) bool { return r.warnings[i].Line < r.warnings[j].Line })
	c.Warnings = r.warnings
	return c, nil
}

var yamlLine = regexp.MustCompile(`^line (\d+): `)

// yamlError splits the parser's "line 5: did not find…" into the line and the message.
func yamlError(msg string) (int, string) {
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		return 0, msg
	}
	n, _ := strconv.Atoi(m[1])
	return n, msg[len(m[0]):]
}

func (r *reader) locale(n *yaml.Node, path string) Locale {
	s, ok := r.scalar(n, path, `"fr" or "en"`)
	if !ok {
		return ""
	}
	if l := Locale(s); slices.Contains(Locales, l) {
		return l
	}
	r.fail(n, path, `must be "fr" or "en", got %q`, s)
	return ""
}

func (r *reader) zone(n *yaml.Node, path string) *time.Location {
	s, ok := r.scalar(n, path, `an IANA time zone such as "Europe/Paris"`)
	if !ok {
		return nil
	}
	// LoadLocation accepts "" and "UTC"/"Local" forms; a contract must name a real zone.
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" || s == "Local" || !strings.Contains(s, "/") && s != "UTC" {
		r.fail(n, path, `must be an IANA time zone such as "Europe/Paris", got %q`, s)
		return nil
	}
	return loc
}

// calendarSpec is the calendar section before it becomes a worktime.Calendar.
type calendarSpec struct {
	node         *yaml.Node
	country      string
	week         worktime.Week
	closed, open []Date
}

var weekdays = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
}

func (r *reader) calendar(n *yaml.Node, path string) calendarSpec {
	spec := calendarSpec{node: n}
	r.mapping(n, path, map[string]field{
		"holidays": {true, func(n *yaml.Node, p string) { spec.country = r.country(n, p) }},
		"business_hours": {true, func(n *yaml.Node, p string) {
			days := map[string]field{}
			for name, wd := range weekdays {
				days[name] = field{false, func(n *yaml.Node, p string) { spec.week[wd] = r.spans(n, p) }}
			}
			r.mapping(n, p, days)
		}},
		"closed_days": {false, func(n *yaml.Node, p string) { spec.closed = r.dates(n, p) }},
		"open_days":   {false, func(n *yaml.Node, p string) { spec.open = r.dates(n, p) }},
	})
	return spec
}

func (r *reader) country(n *yaml.Node, path string) string {
	s, ok := r.scalar(n, path, "a country code")
	if !ok {
		return ""
	}
	if _, known := publicHolidays[s]; !known {
		r.fail(n, path, "must be a supported country code (%s), got %q", strings.Join(countryCodes(), ", "), s)
		return ""
	}
	return s
}

var spanPattern = regexp.MustCompile(`^(\d{2}):(\d{2})-(\d{2}):(\d{2})$`)

// spans reads a weekday's opening hours: a list of "HH:MM-HH:MM", sorted and non-overlapping; empty is closed.
func (r *reader) spans(n *yaml.Node, path string) []worktime.Span {
	var out []worktime.Span
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		s, ok := r.scalar(item, p, `opening hours such as "09:00-12:30"`)
		if !ok {
			return
		}
		m := spanPattern.FindStringSubmatch(strings.ReplaceAll(s, " ", ""))
		var h1, m1, h2, m2 int
		if m != nil {
			// Atoi, not Sscan: Sscan reads "09" as a (bad) octal number.
			h1, _ = strconv.Atoi(m[1])
			m1, _ = strconv.Atoi(m[2])
			h2, _ = strconv.Atoi(m[3])
			m2, _ = strconv.Atoi(m[4])
		}
		start, end := h1*60+m1, h2*60+m2
		switch {
		case m == nil || h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || end > worktime.MinutesPerDay:
			r.fail(item, p, `must be opening hours such as "09:00-12:30", got %q`, s)
		case start >= end:
			r.fail(item, p, "must end after it starts, got %q", s)
		case len(out) > 0 && start < out[len(out)-1].End:
			r.fail(item, p, "%q overlaps or comes before %q", s, out[len(out)-1].String())
		default:
			out = append(out, worktime.Span{Start: start, End: end})
		}
	})
	return out
}

func (r *reader) dates(n *yaml.Node, path string) []Date {
	var out []Date
	seen := map[Date]bool{}
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		d, ok := r.date(item, p)
		if !ok {
			return
		}
		if seen[d] {
			r.fail(item, p, "%s is listed twice", d)
			return
		}
		seen[d] = true
		out = append(out, d)
	})
	return out
}

func (r *reader) marketing(n *yaml.Node, path string) Marketing {
	var m Marketing
	r.mapping(n, path, map[string]field{
		"targets":        {true, func(n *yaml.Node, p string) { m.Targets = r.targets(n, p) }},
		"review_meeting": {false, func(n *yaml.Node, p string) { m.ReviewMeeting = r.reviewMeeting(n, p) }},
		"digest":         {false, func(n *yaml.Node, p string) { m.Digest = r.digest(n, p) }},
	})
	return m
}

// targets reads the effective-dated monthly targets: in order, each starting the month after the previous one
// ends, only the last open-ended, so every month from the first has exactly one target.
func (r *reader) targets(n *yaml.Node, path string) []Target {
	var out []Target
	var nodes []*yaml.Node
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		var t Target
		var fromOK bool
		r.mapping(item, p, map[string]field{
			"from": {true, func(n *yaml.Node, p string) { t.From, fromOK = r.month(n, p) }},
			"to":   {false, func(n *yaml.Node, p string) { t.To, _ = r.month(n, p) }},
			"sqls": {true, func(n *yaml.Node, p string) { t.SQLs = r.positiveInt(n, p) }},
			"mqls": {false, func(n *yaml.Node, p string) { t.MQLs = r.positiveInt(n, p) }},
		})
		if !fromOK {
			return
		}
		if !t.To.IsZero() && t.To.Before(t.From) {
			r.fail(item, join(p, "to"), "%s is before from (%s)", t.To, t.From)
			return
		}
		out = append(out, t)
		nodes = append(nodes, item)
	})
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		r.fail(n, path, "must list at least one target")
	}
	for i := 1; i < len(out); i++ {
		prev, cur := out[i-1], out[i]
		p := index(path, i)
		switch {
		case prev.To.IsZero():
			r.fail(nodes[i-1], index(path, i-1), "has no end (to) but is followed by another target; only the last may be open-ended")
		case !prev.To.Before(cur.From):
			r.fail(nodes[i], p, "overlaps the previous target: from %s is not after %s", cur.From, prev.To)
		case prev.To.Next() != cur.From:
			r.fail(nodes[i], p, "leaves a gap: nothing covers %s to %s", prev.To.Next(), cur.From.Prev())
		}
	}
	return out
}

func (r *reader) sales(n *yaml.Node, path string) (Sales, *yaml.Node) {
	var s Sales
	var feedback, opsFlag *yaml.Node
	r.mapping(n, path, map[string]field{
		"first_contact_deadline": {true, func(n *yaml.Node, p string) { s.FirstContact = r.businessHours(n, p) }},
		"feedback_deadline": {true, func(n *yaml.Node, p string) {
			feedback = n
			s.Feedback = r.businessHours(n, p)
		}},
		"reminders":          {false, func(n *yaml.Node, p string) { s.Reminders = r.reminders(n, p) }},
		"feedback_reminders": {false, func(n *yaml.Node, p string) { s.FeedbackReminders = r.reminders(n, p) }},
		"on_breach": {false, func(n *yaml.Node, p string) {
			s.OnBreach = BreachAction(r.enum(n, p, map[string]bool{string(Escalate): true, string(Reassign): true}))
		}},
		"on_bounce": {false, func(n *yaml.Node, p string) {
			s.OnBounce = BounceAction(r.enum(n, p, map[string]bool{string(BounceReassign): true, string(BounceHold): true}))
		}},
		"escalate_to_marketing_ops": {false, func(n *yaml.Node, p string) {
			s.EscalateToMarketingOps = r.boolean(n, p)
			opsFlag = n
		}},
		"contact_rate_target": {false, func(n *yaml.Node, p string) { s.ContactRateTarget = r.rateTarget(n, p) }},
		"outcome_within":      {false, func(n *yaml.Node, p string) { s.OutcomeWithin = r.outcomeDays(n, p) }},
		"feedback_categories": {false, func(n *yaml.Node, p string) { s.FeedbackCategories = r.feedbackCategories(n, p) }},
		"feedback_per_month":  {false, func(n *yaml.Node, p string) { s.FeedbackPerMonth = r.positiveInt(n, p) }},
		"ideas_per_quarter":   {false, func(n *yaml.Node, p string) { s.IdeasPerQuarter = r.positiveInt(n, p) }},
	})
	if len(s.FeedbackCategories) == 0 {
		s.FeedbackCategories = DefaultFeedbackCategories()
	}
	if s.OnBreach == "" {
		s.OnBreach = Escalate
	}
	if s.OnBounce == "" {
		s.OnBounce = BounceReassign
	}
	if s.FirstContact > 0 && s.Feedback > 0 && s.Feedback < s.FirstContact {
		r.fail(feedback, join(path, "feedback_deadline"), "(%s) must not be shorter than first_contact_deadline (%s)",
			s.Feedback, s.FirstContact)
	}
	return s, opsFlag
}

// reminders are percentages of a deadline, increasing.
func (r *reader) reminders(n *yaml.Node, path string) []int {
	var out []int
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		v := r.percent(item, p)
		if v == 0 {
			return
		}
		if k := len(out); k > 0 && v <= out[k-1] {
			r.fail(item, p, "must be greater than the reminder before (%d%%)", out[k-1])
			return
		}
		out = append(out, v)
	})
	return out
}

func (r *reader) roster(n *yaml.Node, path string) Roster {
	var ro Roster
	managerIDs := map[string]bool{}
	type ref struct {
		node *yaml.Node
		path string
		id   string
	}
	var refs []ref
	r.mapping(n, path, map[string]field{
		"managers": {true, func(n *yaml.Node, p string) {
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				var m Manager
				r.mapping(item, p, map[string]field{
					"id":    {true, func(n *yaml.Node, p string) { m.ID = r.uniqueID(n, p, managerIDs) }},
					"name":  {true, func(n *yaml.Node, p string) { m.Name = r.text(n, p) }},
					"email": {true, func(n *yaml.Node, p string) { m.Email = r.email(n, p) }},
				})
				ro.Managers = append(ro.Managers, m)
			})
		}},
		"reps": {true, func(n *yaml.Node, p string) {
			repIDs := map[string]bool{}
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				rep := Rep{Weight: 1}
				r.mapping(item, p, map[string]field{
					"weight":        {false, func(n *yaml.Node, p string) { rep.Weight = r.positiveInt(n, p) }},
					"max_open_sqls": {false, func(n *yaml.Node, p string) { rep.MaxOpenSQLs = r.positiveInt(n, p) }},
					"id":            {true, func(n *yaml.Node, p string) { rep.ID = r.uniqueID(n, p, repIDs) }},
					"name":          {true, func(n *yaml.Node, p string) { rep.Name = r.text(n, p) }},
					"email":         {true, func(n *yaml.Node, p string) { rep.Email = r.email(n, p) }},
					"manager": {true, func(n *yaml.Node, p string) {
						rep.Manager = r.id(n, p)
						refs = append(refs, ref{n, p, rep.Manager})
					}},
					"territories":   {false, func(n *yaml.Node, p string) { rep.Territories = r.territories(n, p) }},
					"segments":      {false, func(n *yaml.Node, p string) { rep.Segments = r.texts(n, p) }},
					"out_of_office": {false, func(n *yaml.Node, p string) { rep.OutOfOffice = r.absences(n, p) }},
				})
				ro.Reps = append(ro.Reps, rep)
			})
			if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
				r.fail(n, p, "must list at least one rep")
			}
		}},
	})
	known := make([]string, 0, len(managerIDs))
	for id := range managerIDs {
		known = append(known, id)
	}
	sort.Strings(known)
	for _, ref := range refs {
		if ref.id != "" && !managerIDs[ref.id] {
			r.fail(ref.node, ref.path, "unknown manager %q (roster.managers has: %s)", ref.id, strings.Join(known, ", "))
		}
	}
	return ro
}

func (r *reader) uniqueID(n *yaml.Node, path string, seen map[string]bool) string {
	id := r.id(n, path)
	if id == "" {
		return ""
	}
	if seen[id] {
		r.fail(n, path, "%q is used twice", id)
		return id
	}
	seen[id] = true
	return id
}

// absences reads out-of-office periods; they must not overlap, so "is away" has one answer.
func (r *reader) absences(n *yaml.Node, path string) []Absence {
	var out []Absence
	var nodes []*yaml.Node
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		var a Absence
		var okFrom, okTo bool
		r.mapping(item, p, map[string]field{
			"from": {true, func(n *yaml.Node, p string) { a.From, okFrom = r.date(n, p) }},
			"to":   {true, func(n *yaml.Node, p string) { a.To, okTo = r.date(n, p) }},
		})
		if !okFrom || !okTo {
			return
		}
		if a.To.Before(a.From) {
			r.fail(item, join(p, "to"), "%s is before from (%s)", a.To, a.From)
			return
		}
		for i, b := range out {
			if !a.To.Before(b.From) && !b.To.Before(a.From) {
				r.fail(item, p, "%s to %s overlaps %s to %s (line %d)", a.From, a.To, b.From, b.To, nodes[i].Line)
				return
			}
		}
		out = append(out, a)
		nodes = append(nodes, item)
	})
	sort.Slice(out, func(i, j int) bool { return out[i].From.Before(out[j].From) })
	return out
}

func (r *reader) recipients(n *yaml.Node, path string) Recipients {
	var rc Recipients
	r.mapping(n, path, map[string]field{
		"leadership": {true, func(n *yaml.Node, p string) {
			rc.Leadership = r.emails(n, p)
			if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
				r.fail(n, p, "must list at least one address: someone has to receive the monthly report")
			}
		}},
		"marketing_ops": {false, func(n *yaml.Node, p string) { rc.MarketingOps = r.emails(n, p) }},
	})
	return rc
}
