package report

import (
	"cmp"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-analyze/charts/chartdraw/drawing"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/words"
)

// Email is a rendered report: what an email with inline images and an attachment is built from. The HTML
// refers to each Inline part as "cid:<ContentID>".
type Email struct {
	Subject     string
	HTML, Text  string
	Inline      []email.Part // the charts (PNG)
	Attachments []email.Part // the CSV of the month's SQLs
}

// Limits of the HTML (the CSV has everything).
const (
	maxCampaigns = 10
	maxComments  = 20
)

// Render writes the report in its locale: the subject, the HTML and text parts, the charts and the CSV.
func Render(r Report) (Email, error) { return RenderCopy(r, Copy{}) }

// Copy says which sending of a report an email is, when it is not the first and only one.
type Copy struct {
	// Resend is the number of this copy sent again on request (1 for the first re-send), 0 for the report's own
	// email.
	Resend int
	// PossibleDuplicate: an earlier sending may have left (it stopped between SES and its confirmation), so the
	// recipients may have this report already.
	PossibleDuplicate bool
}

// RenderCopy is Render for a given sending: a copy sent again, or possibly twice, says so at the top of both
// parts; the figures, the charts and the CSV are the same.
func RenderCopy(r Report, cp Copy) (Email, error) {
	loc, err := time.LoadLocation(r.TimeZone)
	if err != nil {
		return Email{}, fmt.Errorf("render report: time zone %q: %w", r.TimeZone, err)
	}
	if !words.Speaks(r.Locale) { // a report of record names its language: said in no other
		return Email{}, fmt.Errorf("render report: no words in language %q", r.Locale)
	}
	f := format{l: r.Locale, loc: loc}
	for _, p := range r.Discuss {
		if _, ok := f.pointWord(p.Kind, len(p.Tied) > 0, false); !ok {
			return Email{}, fmt.Errorf("render report: no words for a point of kind %q", p.Kind)
		}
	}
	// The company is one line (the contract says so); the sender strips control characters from headers anyway.
	e := Email{Subject: f.wf(f.t().Subject, r.Company, f.month(r.Month))}
	if cp.Resend > 0 { // a copy says so before it is opened: the inbox shows two emails of one subject otherwise
		e.Subject = f.wf(f.t().SubjectCopy, r.Company, f.month(r.Month), f.int(cp.Resend))
	}
	v := f.view(r, e.Subject)

	trend, err := f.trendChart(r)
	if err != nil {
		return Email{}, err
	}
	e.Inline = append(e.Inline, trend.part)
	v.Sections[0].Blocks[1].Image = trend.image() // over the trend's table
	if reps, ok, err := f.contactChart(r); err != nil {
		return Email{}, err
	} else if ok {
		e.Inline = append(e.Inline, reps.part)
		v.Sections[1].Blocks[1].Image = reps.image() // over the per-rep table
	}

	if len(r.Commitments) > 0 { // first: the judgement of every commitment (a report stored before has none)
		s, err := f.commitmentsSection(r)
		if err != nil {
			return Email{}, err
		}
		v.Sections = append([]section{s}, v.Sections...)
	}

	var notices []string
	if cp.Resend > 0 {
		notices = append(notices, f.wf(f.t().Resent, f.int(cp.Resend)))
	}
	if cp.PossibleDuplicate {
		notices = append(notices, f.t().PossibleDuplicate)
	}
	v.Notice = strings.Join(notices, " ")
	v.clean()
	if e.HTML, err = writeHTML(v); err != nil {
		return Email{}, err
	}
	e.Text = writeText(v)
	csv, err := f.csv(r)
	if err != nil {
		return Email{}, err
	}
	e.Attachments = []email.Part{{Filename: fmt.Sprintf("handoff-sla-%s-sqls.csv", r.Month), ContentType: "text/csv; charset=utf-8", Data: csv}}
	return e, nil
}

// view is the report as both parts show it: every text already in the locale.
type view struct {
	Locale, Subject, Company, Title, Month, AsOf, Judged, Recorded string
	Colon                                                          string // between a label and its value in the text part
	Summary                                                        []fact
	DiscussTitle                                                   string
	Discuss                                                        []string
	Nothing                                                        string
	Sections                                                       []section
	CSV, How, Footer                                               string
	// Notice is said first: a copy sent again, or one that may be a duplicate.
	Notice string
}

type section struct {
	ID     string // the HTML id, when a section has one
	Title  string
	Blocks []block
}

type block struct {
	Heading string
	Facts   []fact
	Image   *picture
	Table   *table
	Items   []string
	Note    string
}

// fact is a figure: a label, its value, and a verdict with its tone ("met", "missed" or "").
type fact struct{ Label, Value, Verdict, Tone string }

type picture struct {
	ContentID     string // shown as cid:<ContentID>
	Alt           string
	Width, Height int
}

type table struct {
	Head    []string
	Numeric []bool // per column: right-aligned, never wrapped
	Rows    [][]cell
	NoWrap  bool // no cell wraps (a short table of figures)
}

// cell is a table cell; Lines, when set, are shown one under the other in HTML (Text joins them).
type cell struct {
	Text, Tone string
	Lines      []string
}

func (f format) view(r Report, subject string) view {
	m, s := r.Marketing, r.Sales
	v := view{Locale: string(f.l), Colon: f.cm().Colon, Subject: subject, Company: r.Company, Title: f.t().Title, Month: f.month(r.Month),
		AsOf: f.wf(f.t().AsOf, f.when(r.AsOf), r.TimeZone), Judged: f.wf(f.t().Judged, r.Contract),
		DiscussTitle: f.t().Discuss, Nothing: f.t().Nothing,
		CSV: f.n(f.t().CSV, len(r.SQLs)), How: f.t().How, Footer: f.wf(f.cm().Footer, r.Company)}
	if r.AsOf.IsZero() {
		v.AsOf = r.TimeZone
	}
	if len(r.Recorded) > 0 && (len(r.Recorded) > 1 || r.Recorded[0] != r.Contract) {
		v.Recorded = f.wf(f.t().Recorded, strings.Join(r.Recorded, ", "))
	}
	sqlVerdict, sqlTone := f.verdict(m.SQLGoal.Set(), m.SQLGoal.Met())
	sqlValue := f.int(m.SQLs)
	if m.SQLGoal.Set() {
		sqlValue += " / " + f.int(m.SQLGoal.Target)
		sqlVerdict += " · " + f.percentVs(m.SQLGoal.Attainment(), 100)
	}
	contactVerdict, contactTone := f.contactVerdict(s)
	if s.ContactTarget > 0 {
		contactVerdict += " · " + f.wf(f.t().Target, f.pct(float64(s.ContactTarget)))
	}
	v.Summary = []fact{
		{Label: f.t().Marketing + " — " + f.t().SQLs, Value: sqlValue, Verdict: sqlVerdict, Tone: sqlTone},
		{Label: f.t().Sales + " — " + f.wf(f.t().Contact, f.hours(s.FirstContactDeadline)), Value: f.percentVs(s.Contact, s.ContactTarget),
			Verdict: contactVerdict, Tone: contactTone},
	}
	for _, p := range r.Discuss {
		v.Discuss = append(v.Discuss, f.point(r, p))
	}
	v.Sections = []section{f.marketingSection(r), f.salesSection(r), f.funnelSection(r)}
	v.Sections[1].Blocks = append(v.Sections[1].Blocks, f.crmCareBlock(r.CRMCare))
	if r.Ideas != nil {
		v.Sections = append(v.Sections, f.ideasSection(r))
	}
	return v
}

// contactVerdict judges the contact rate: met, missed, no target, or nothing to judge yet ("—").
func (f format) contactVerdict(s Sales) (string, string) {
	if s.ContactTarget > 0 && !s.Contact.Defined() {
		return f.cm().None, ""
	}
	return f.verdict(s.ContactTarget > 0, s.ContactMet())
}

func (f format) goalFact(label string, g Goal) fact {
	value := f.int(g.Actual)
	verdict, tone := f.verdict(g.Set(), g.Met())
	if g.Set() {
		value += " / " + f.int(g.Target)
		verdict = f.percentVs(g.Attainment(), 100) + " · " + verdict
	}
	return fact{Label: label, Value: value, Verdict: verdict, Tone: tone}
}

func (f format) marketingSection(r Report) section {
	m := r.Marketing
	facts := []fact{
		f.goalFact(f.t().SQLs, m.SQLGoal),
		f.goalFact(f.t().MQLs, m.MQLGoal),
		{Label: f.t().Leads, Value: f.int(m.Leads)},
		{Label: f.t().LeadMQL, Value: f.percent(m.LeadToMQL), Verdict: f.ratio(m.LeadToMQL)},
		{Label: f.t().MQLSQL, Value: f.percent(m.MQLToSQL), Verdict: f.ratio(m.MQLToSQL)},
		{Label: f.t().Below, Value: f.int(m.BelowThreshold)},
	}
	if m.Again > 0 {
		facts = append(facts, fact{Label: f.t().Again, Value: f.int(m.Again)})
	}
	if m.Held() > 0 {
		// Shown when there is one, as "again" is: a report computed before holds existed renders as it did.
		var why []string
		if m.HeldRefused > 0 {
			why = append(why, fmt.Sprintf(f.t().HeldRefused, f.int(m.HeldRefused)))
		}
		if m.HeldMissing > 0 {
			why = append(why, fmt.Sprintf(f.t().HeldMissing, f.int(m.HeldMissing)))
		}
		facts = append(facts, fact{Label: f.t().Held, Value: f.int(m.Held()), Verdict: strings.Join(why, ", ")})
	}
	trend := &table{Head: []string{f.t().Month, f.t().SQLs, f.t().TargetCol, f.t().Attainment, f.t().Result},
		Numeric: []bool{false, true, true, true, false}}
	for _, t := range m.Trend {
		verdict, tone := f.verdict(t.Set(), t.Met())
		target, attained := f.cm().None, f.cm().None
		if t.Set() {
			target, attained = f.int(t.Target), f.percentVs(t.Attainment(), 100)
		}
		trend.Rows = append(trend.Rows, []cell{{Text: f.month(t.Month)}, {Text: f.int(t.Actual)}, {Text: target},
			{Text: attained}, {Text: verdict, Tone: tone}})
	}
	return section{Title: f.t().Marketing, Blocks: []block{
		{Facts: facts},
		{Heading: f.t().Trend, Table: trend},
		{Heading: f.t().BySource, Table: f.breakdown(f.t().Source, m.BySource, f.t().NoSource, 0)},
		{Heading: f.t().ByCampaign, Table: f.breakdown(f.t().Campaign, m.ByCampaign, f.t().NoCampaign, maxCampaigns)},
	}}
}

// ratio is "35/40", the counts behind a rate.
func (f format) ratio(r Ratio) string {
	if !r.Defined() {
		return ""
	}
	return f.int(r.N) + "/" + f.int(r.D)
}

// repContact is a rep's contact rate with its counts ("50 % (1/2)"): they need not be the SQLs the rep holds (an
// SQL taken from them on breach counts as missed for them).
func (f format) repContact(r Ratio, target int) string {
	if !r.Defined() {
		return f.cm().None
	}
	return f.percentVs(r, target) + " (" + f.ratio(r) + ")"
}

// breakdown is a table of leads, MQLs and SQLs per key; beyond limit rows (0: none), the rest is one row.
func (f format) breakdown(title string, bs []Breakdown, none string, limit int) *table {
	t := &table{Head: []string{title, f.t().ColLeads, f.t().MQLs, f.t().ColSQLs}, Numeric: []bool{false, true, true, true}}
	var rest Breakdown
	for i, b := range bs {
		if limit > 0 && i >= limit {
			rest.Leads, rest.MQLs, rest.SQLs = rest.Leads+b.Leads, rest.MQLs+b.MQLs, rest.SQLs+b.SQLs
			continue
		}
		key := b.Key
		if key == "" {
			key = none
		}
		t.Rows = append(t.Rows, []cell{{Text: key}, {Text: f.int(b.Leads)}, {Text: f.int(b.MQLs)}, {Text: f.int(b.SQLs)}})
	}
	if limit > 0 && len(bs) > limit {
		t.Rows = append(t.Rows, []cell{{Text: f.wf(f.t().Others, f.int(len(bs)-limit))}, {Text: f.int(rest.Leads)},
			{Text: f.int(rest.MQLs)}, {Text: f.int(rest.SQLs)}})
	}
	return t
}

func (f format) salesSection(r Report) section {
	s := r.Sales
	contactVerdict, contactTone := f.contactVerdict(s)
	if s.ContactTarget > 0 {
		contactVerdict = f.wf(f.t().Target, f.pct(float64(s.ContactTarget))) + " · " + contactVerdict
	} else {
		contactVerdict, contactTone = f.ratio(s.Contact), ""
	}
	median, p90, contacts := f.cm().None, f.cm().None, ""
	if t := s.TimeToContact; t.Count > 0 {
		median, p90, contacts = f.duration(t.Median), f.duration(t.P90), f.n(f.t().Contacts, t.Count)
	}
	facts := []fact{
		{Label: f.t().Handed, Value: f.int(s.SQLs)},
		{Label: f.wf(f.t().Contact, f.hours(s.FirstContactDeadline)), Value: f.percentVs(s.Contact, s.ContactTarget),
			Verdict: contactVerdict, Tone: contactTone},
		{Label: f.t().TTCMedian, Value: median, Verdict: contacts},
		{Label: f.t().TTCP90, Value: p90},
		{Label: f.wf(f.t().Feedback, f.hours(s.FeedbackDeadline)), Value: f.percent(s.Feedback), Verdict: f.ratio(s.Feedback)},
		{Label: f.t().Acceptance, Value: f.percent(s.Acceptance), Verdict: f.ratio(s.Acceptance)},
	}
	if s.ContactPending > 0 || s.FeedbackPend > 0 {
		facts = append(facts, fact{Label: f.t().PendingBoth, Value: f.int(s.ContactPending) + " / " + f.int(s.FeedbackPend)})
	}
	reps := &table{Head: []string{f.t().Rep, f.t().ColAssigned, f.t().ColTaken, f.t().ColContact, f.t().ColMedian, f.t().ColP90,
		f.t().ColBreaches, f.t().ColReminders, f.t().ColEscalations},
		Numeric: []bool{false, true, true, true, true, true, true, true, true}}
	var total RepLine
	for _, rep := range s.Reps {
		tone := ""
		if s.ContactTarget > 0 && rep.Contact.Defined() {
			_, tone = f.verdict(true, rep.Contact.AtLeast(s.ContactTarget))
		}
		median, p90 := f.cm().None, f.cm().None
		if rep.TimeToContact.Count > 0 {
			median, p90 = f.duration(rep.TimeToContact.Median), f.duration(rep.TimeToContact.P90)
		}
		reps.Rows = append(reps.Rows, []cell{{Text: f.rep(rep)}, {Text: f.int(rep.Assigned)}, {Text: f.int(rep.Taken)},
			{Text: f.repContact(rep.Contact, s.ContactTarget), Tone: tone}, {Text: median}, {Text: p90},
			{Text: f.int(rep.FirstContactBreaches) + " / " + f.int(rep.FeedbackBreaches)},
			{Text: f.int(rep.Reminders)}, {Text: f.int(rep.Escalations)}})
		total = total.plus(rep)
	}
	if len(s.Reps) > 1 {
		reps.Rows = append(reps.Rows, []cell{{Text: f.t().Total}, {Text: f.int(total.Assigned)}, {Text: f.int(total.Taken)},
			{}, {}, {}, {Text: f.int(total.FirstContactBreaches) + " / " + f.int(total.FeedbackBreaches)},
			{Text: f.int(total.Reminders)}, {Text: f.int(total.Escalations)}})
	}
	blocks := []block{{Facts: facts}, {Heading: f.t().PerRep, Table: reps, Note: f.t().PerRepNote}}
	if len(s.Earlier) > 0 {
		earlier := &table{Head: []string{f.t().Rep, f.t().ColBreaches, f.t().ColReminders, f.t().ColEscalations, f.t().ColReassign},
			Numeric: []bool{false, true, true, true, true}}
		for _, rep := range s.Earlier {
			earlier.Rows = append(earlier.Rows, []cell{{Text: f.rep(rep)}, {Text: f.int(rep.FirstContactBreaches) + " / " + f.int(rep.FeedbackBreaches)},
				{Text: f.int(rep.Reminders)}, {Text: f.int(rep.Escalations)}, {Text: f.int(rep.Taken)}})
		}
		blocks = append(blocks, block{Heading: f.wf(f.t().Earlier, f.when(s.Since)), Table: earlier, Note: f.t().EarlierNote})
	}
	if len(s.Rejections) > 0 {
		rj := &table{Head: []string{f.t().Reason, f.t().Count}, Numeric: []bool{false, true}}
		var comments []string
		total := 0
		for _, x := range s.Rejections {
			rj.Rows = append(rj.Rows, []cell{{Text: f.reason(x.Reason)}, {Text: f.int(x.Count)}})
			for _, c := range x.Comments {
				total++
				if len(comments) < maxComments {
					comments = append(comments, f.wf(f.t().Comment, c.LeadID, oneLine(c.Text)))
				}
			}
		}
		blocks = append(blocks, block{Heading: f.t().Rejections, Table: rj})
		if total > 0 {
			b := block{Heading: f.t().Comments, Items: comments}
			if total > len(comments) {
				b.Note = f.n(f.t().More, total-len(comments))
			}
			blocks = append(blocks, b)
		}
	}
	return section{Title: f.t().Sales, Blocks: blocks}
}

// oneLine keeps a comment on one line of the text part, and bounded.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 300 {
		s = string([]rune(s)[:300]) + "…"
	}
	return s
}

func (f format) funnelSection(r Report) section {
	t := &table{Head: []string{f.t().Cohort, f.t().ColSQLs, f.t().Accepted, f.t().Opps, f.t().Customers,
		f.t().Revenue, f.t().State}, Numeric: []bool{false, true, true, true, true, true, false}, NoWrap: true}
	for _, c := range r.Funnel {
		var revenue []string
		for _, m := range c.Revenue {
			revenue = append(revenue, f.money(m))
		}
		if c.Unpriced > 0 {
			revenue = append(revenue, f.wf(f.t().Unpriced, f.int(c.Unpriced)))
		}
		state := f.t().Closed
		if c.Open() {
			state = f.wf(f.t().Open, f.int(c.InProgress))
		}
		t.Rows = append(t.Rows, []cell{{Text: f.month(c.Month)}, {Text: f.int(c.SQLs)},
			{Text: f.count(c.Accepted, c.SQLs)}, {Text: f.count(c.Opportunities, c.SQLs)},
			{Text: f.count(c.Customers, c.SQLs)}, {Text: cmp.Or(strings.Join(revenue, " · "), f.cm().None), Lines: revenue},
			{Text: state}})
	}
	return section{Title: f.t().Funnel, Blocks: []block{{Table: t, Note: f.t().FunnelNote}}}
}

// count is "12 (40 %)": a stage's count and its share of the cohort.
func (f format) count(n, of int) string {
	if of == 0 {
		return f.int(n)
	}
	return f.int(n) + " (" + f.percent(Ratio{n, of}) + ")"
}

// columns lays a table out in plain text, each column as wide as its widest cell.
func columns(t *table) string {
	widths := make([]int, len(t.Head))
	rows := append([][]cell{headCells(t.Head)}, t.Rows...)
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.Text))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		b.WriteString(" ")
		for i, c := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.Text))
			b.WriteString(" ")
			if t.Numeric[i] {
				b.WriteString(pad + c.Text)
			} else {
				b.WriteString(c.Text + pad)
			}
			b.WriteString(" ")
		}
		b.WriteString("\n")
	}
	return strings.ReplaceAll(b.String(), " \n", "\n")
}

func headCells(head []string) []cell {
	out := make([]cell, len(head))
	for i, h := range head {
		out[i] = cell{Text: h}
	}
	return out
}

// chartPart is a drawn chart and how the HTML shows it.
type chartPart struct {
	part email.Part
	alt  string
}

func (c chartPart) image() *picture {
	return &picture{ContentID: c.part.ContentID, Alt: c.alt, Width: ShownWidth,
		Height: ShownWidth * chartHeight / chartWidth}
}

func (f format) trendChart(r Report) (chartPart, error) {
	trend := r.Marketing.Trend
	c := barChart{title: f.t().ChartTrend, line: math.NaN(), tick: func(v float64) string { return f.int(int(v)) }}
	var alt []string
	for _, t := range trend {
		c.labels = append(c.labels, f.shortMonth(t.Month))
		c.bars = append(c.bars, []float64{float64(t.Actual)})
		ref := math.NaN()
		if t.Set() {
			ref = float64(t.Target)
			alt = append(alt, f.shortMonth(t.Month)+" "+f.int(t.Actual)+"/"+f.int(t.Target))
		} else {
			alt = append(alt, f.shortMonth(t.Month)+" "+f.int(t.Actual))
		}
		c.refs = append(c.refs, ref)
	}
	c.colour = func(slot, _ int) drawing.Color {
		switch t := trend[slot]; {
		case !t.Set():
			return colourNeutral
		case t.Met():
			return colourMet
		}
		return colourMissed
	}
	c.barLabel = func(slot, _ int) string { return f.int(trend[slot].Actual) }
	var met, missed, unset bool
	for _, t := range trend {
		met, missed, unset = met || t.Met(), missed || t.Set() && !t.Met(), unset || !t.Set()
	}
	for _, it := range []struct {
		shown bool
		item  legendItem
	}{
		{met, legendItem{text: f.t().LegendSQLs + " (" + f.t().Met + ")", colour: colourMet}},
		{missed, legendItem{text: f.t().LegendSQLs + " (" + f.t().Missed + ")", colour: colourMissed}},
		{unset, legendItem{text: f.t().LegendSQLs + " (" + f.t().NoTarget + ")", colour: colourNeutral}},
		{met || missed, legendItem{text: f.t().LegendTarget, colour: colourTarget, dash: true}},
	} {
		if it.shown {
			c.legend = append(c.legend, it.item)
		}
	}
	data, err := c.png()
	if err != nil {
		return chartPart{}, err
	}
	return chartPart{part: email.Part{Filename: fmt.Sprintf("sqls-%s.png", r.Month), ContentType: "image/png",
		ContentID: fmt.Sprintf("sqls-%s@handoff", r.Month), Data: data}, alt: f.wf(f.t().AltTrend, strings.Join(alt, ", "))}, nil
}

// contactChart draws each rep's median and 90th percentile time to first contact, against the deadline; ok is
// false when nobody was contacted.
func (f format) contactChart(r Report) (chartPart, bool, error) {
	var reps []RepLine
	for _, rep := range r.Sales.Reps {
		if rep.TimeToContact.Count > 0 {
			reps = append(reps, rep)
		}
	}
	if len(reps) == 0 {
		return chartPart{}, false, nil
	}
	hours := func(d time.Duration) float64 { return d.Hours() }
	c := barChart{title: f.t().ChartTTC, line: hours(r.Sales.FirstContactDeadline),
		tick: func(v float64) string { return f.hours(time.Duration(v) * time.Hour) }}
	var alt []string
	for _, rep := range reps {
		label := shortName(rep.Name, len(reps))
		if rep.Left { // as the tables and the review list mark them
			label = f.wf(f.t().LeftShort, label)
		}
		c.labels = append(c.labels, label)
		c.bars = append(c.bars, []float64{hours(rep.TimeToContact.Median), hours(rep.TimeToContact.P90)})
		c.refs = append(c.refs, math.NaN())
		alt = append(alt, fmt.Sprintf("%s %s / %s", f.rep(rep), f.duration(rep.TimeToContact.Median), f.duration(rep.TimeToContact.P90)))
	}
	c.colour = func(_, i int) drawing.Color {
		if i == 0 {
			return colourNeutral
		}
		return colourLight
	}
	c.barLabel = func(slot, i int) string {
		t := reps[slot].TimeToContact
		if i == 0 {
			return f.duration(t.Median)
		}
		return f.duration(t.P90)
	}
	c.legend = []legendItem{{text: f.t().LegendMedian, colour: colourNeutral}, {text: f.t().LegendP90, colour: colourLight},
		{text: f.t().LegendLimit + " (" + f.hours(r.Sales.FirstContactDeadline) + ")", colour: colourMissed, dash: true}}
	data, err := c.png()
	if err != nil {
		return chartPart{}, false, err
	}
	return chartPart{part: email.Part{Filename: fmt.Sprintf("first-contact-%s.png", r.Month), ContentType: "image/png",
		ContentID: fmt.Sprintf("first-contact-%s@handoff", r.Month), Data: data}, alt: f.wf(f.t().AltTTC, strings.Join(alt, ", "))}, true, nil
}

// shortName keeps labels from overlapping when many reps share the axis: "Thomas M." beyond four reps.
func shortName(name string, reps int) string {
	if reps <= 4 {
		return name
	}
	parts := strings.Fields(name)
	if len(parts) < 2 {
		return name
	}
	last, _ := utf8.DecodeRuneInString(parts[len(parts)-1])
	return parts[0] + " " + string(last) + "."
}
