// Package demo is `make demo`: a month of Handoff on the local stack, driven only as its users drive it — leads
// posted by the contract's senders (signed as they sign), reps answering on the page their SQL email links to, the
// CRM sending an outcome — with the stack's clock moved and its schedules fired from the local stack's routes,
// then the monthly report on the 1st, read back from SES local. Everything it does is decided by the seed.
package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/words"
)

// DefaultSeed is the seed of `make demo`.
const DefaultSeed = 1

// DefaultMonth is the month the demo lives through: a fixed one, so that a seed gives the same month whatever
// the day it runs (business days, deadlines, the report's targets).
var DefaultMonth = contract.Month{Year: 2027, Month: time.February}

// Config is what a run needs.
type Config struct {
	Stack    string // the local stack's API, e.g. http://127.0.0.1:3000
	Mail     string // SES local (its mail viewer; /store lists what it received)
	Contract *contract.Contract
	Secrets  map[string]string // the demo secrets, by reference as the contract writes them
	Seed     uint64
	Month    contract.Month // default DefaultMonth
	Days     int            // business days with new leads; default 6
	Out      io.Writer      // one line per step; nil: none
	// Wait bounds each wait for the stack (an email to arrive); default 60 s.
	Wait time.Duration
}

// Fate is what becomes of an SQL.
type Fate string

// The fates of the demo's SQLs.
const (
	Prompt   Fate = "prompt"   // contacted within the hour, then answered
	Reminded Fate = "reminded" // contacted after both reminders, still within the deadline, then answered
	Late     Fate = "late"     // not contacted by the deadline: the manager is told, the SQL reassigned; the next rep contacts it
)

// SQL is one SQL of the demo and what it did with it.
type SQL struct {
	Lead     person
	Source   string
	Fate     Fate
	Reject   string // the reject reason; "" when accepted
	Won      bool   // the CRM sent a won deal for it
	HandedAt time.Time
}

// Record is what the scenario did: what the report should say.
type Record struct {
	Month         contract.Month
	Leads         int // leads created (people posted by a form)
	SQLs          []SQL
	Reassignments int
}

// Count is the number of the record's SQLs for which keep is true.
func (r Record) Count(keep func(SQL) bool) int {
	n := 0
	for _, s := range r.SQLs {
		if keep(s) {
			n++
		}
	}
	return n
}

// InTime counts the SQLs contacted within the first rep's deadline.
func (r Record) InTime() int { return r.Count(func(s SQL) bool { return s.Fate != Late }) }

// Rejected counts the rejected SQLs.
func (r Record) Rejected() int { return r.Count(func(s SQL) bool { return s.Reject != "" }) }

// Won counts the SQLs won.
func (r Record) Won() int { return r.Count(func(s SQL) bool { return s.Won }) }

// Result is a run: what it did, and the report's figures as SES local received them.
type Result struct {
	Record   Record
	Headline Headline
	Emails   int // every email SES local holds at the end
}

// Run lives through the month on the stack and returns what it did and what the report says.
func Run(ctx context.Context, cfg Config) (Result, error) {
	if cfg.Month.IsZero() {
		cfg.Month = DefaultMonth
	}
	if cfg.Days <= 0 {
		cfg.Days = 6
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Wait <= 0 {
		cfg.Wait = 60 * time.Second
	}
	d := &run{cfg: cfg, c: cfg.Contract, rng: rand.New(rand.NewPCG(cfg.Seed, 0x68616e646f6666)),
		cl:    newClient(cfg.Stack, cfg.Mail, cfg.Contract, cfg.Secrets),
		email: words.ForEmail(cfg.Contract.Locale)}
	d.rec.Month = cfg.Month
	// A stack that lived this month already (a running one, --stack) has its leads and its report: the demo's
	// emails could not be told from the earlier ones.
	all, err := d.cl.mails(ctx)
	if err != nil {
		return Result{}, err
	}
	for _, m := range all {
		if strings.HasPrefix(m.Subject, d.reportSubject()) {
			return Result{}, fmt.Errorf("this stack already sent the report of %s (%q): give another month, or start a fresh stack", cfg.Month, m.Subject)
		}
	}
	if err := d.month(ctx); err != nil {
		return Result{Record: d.rec}, err
	}
	h, err := d.report(ctx)
	res := Result{Record: d.rec, Headline: h}
	if all, err := d.cl.mails(ctx); err == nil {
		res.Emails = len(all)
	}
	return res, err
}

type run struct {
	cfg   Config
	c     *contract.Contract
	rng   *rand.Rand
	cl    *client
	email *words.Email
	rec   Record
	step  int
}

// say prints one step.
func (d *run) say(format string, args ...any) {
	d.step++
	at := d.cl.now().In(d.c.Location).Format("Mon 02 Jan 15:04")
	fmt.Fprintf(d.cfg.Out, "%3d  [%s]  %s\n", d.step, at, fmt.Sprintf(format, args...))
}

// days are the month's business days with new leads: cfg.Days of them, spread over the month, each open at 09:00
// and long enough for a whole first-contact deadline that same day.
func (d *run) days() ([]time.Time, error) {
	var open []time.Time
	for t := time.Date(d.cfg.Month.Year, d.cfg.Month.Month, 1, 9, 0, 0, 0, d.c.Location); t.Month() == d.cfg.Month.Month; t = t.AddDate(0, 0, 1) {
		due, err := d.c.Calendar.Add(t, d.c.Sales.FirstContact)
		if err == nil && d.c.Calendar.IsOpen(t) && due.YearDay() == t.YearDay() && due.Before(t.Add(10*time.Hour)) {
			open = append(open, t)
		}
	}
	if len(open) < d.cfg.Days {
		return nil, fmt.Errorf("%s has %d business days long enough for a first-contact deadline, the demo needs %d", d.cfg.Month, len(open), d.cfg.Days)
	}
	out := make([]time.Time, d.cfg.Days)
	for i := range out {
		out[i] = open[i*len(open)/d.cfg.Days]
	}
	return out, nil
}

func (d *run) month(ctx context.Context) error {
	days, err := d.days()
	if err != nil {
		return err
	}
	// Three SQLs a day, each from another source, and two leads that stay marketing's: an MQL from the webinar
	// with no fit, and a contact-form lead without a demo request.
	perDay := 5
	folks := people(d.rng, perDay*len(days))
	fates := d.fates(3 * len(days))
	won := -1 // the index in d.rec.SQLs of the SQL the CRM wins
	for i, day := range days {
		ps := folks[i*perDay : (i+1)*perDay]
		sqls := []SQL{
			{Lead: ps[0], Source: "site-contact", Fate: fates[3*i]},
			{Lead: ps[1], Source: "typeform-audit", Fate: fates[3*i+1]},
			{Lead: ps[2], Source: "site-contact", Fate: fates[3*i+2]},
		}
		for j := range sqls {
			if d.rng.IntN(3) == 0 {
				sqls[j].Reject = d.c.Notify.RejectReasons[d.rng.IntN(len(d.c.Notify.RejectReasons))]
			}
		}
		if i == 0 { // the first day always shows a rejection; the month's won deal is an SQL accepted that day
			sqls[0].Reject, sqls[1].Reject = d.c.Notify.RejectReasons[0], ""
		}
		if err := d.day(ctx, day, sqls, ps[3], ps[4]); err != nil {
			return err
		}
		if i == 0 {
			won = len(d.rec.SQLs) + 1
		}
		d.rec.SQLs = append(d.rec.SQLs, sqls...)
		// The CRM follows the accepted SQL of the first day: an opportunity two days later, a won deal later on.
		if i == 1 {
			if _, err := d.cl.send(ctx, "crm", map[string]any{"email": d.rec.SQLs[won].Lead.Email, "type": "opportunity_created", "crm_id": "OPP-DEMO-1"}); err != nil {
				return err
			}
			d.say("CRM: opportunity created for %s", d.rec.SQLs[won].Lead.Company)
		}
		if i == len(days)-1 {
			if _, err := d.cl.send(ctx, "crm", map[string]any{"email": d.rec.SQLs[won].Lead.Email, "type": "deal_won", "crm_id": "OPP-DEMO-1",
				"amount": fmt.Sprint(12000 + 500*d.rng.IntN(20)), "currency": "EUR"}); err != nil {
				return err
			}
			d.rec.SQLs[won].Won = true
			d.say("CRM: deal won with %s", d.rec.SQLs[won].Lead.Company)
		}
	}
	return nil
}

// fates gives n SQLs their fate: at least one late and one reminded, the rest mostly prompt.
func (d *run) fates(n int) []Fate {
	out := make([]Fate, n)
	for i := range out {
		switch r := d.rng.IntN(10); {
		case r < 6:
			out[i] = Prompt
		case r < 8:
			out[i] = Reminded
		default:
			out[i] = Late
		}
	}
	out[0], out[2] = Prompt, Late // the first day shows each fate
	if n > 1 {
		out[1] = Reminded
	}
	return out
}

// day is one business day: leads in the morning at 09:00, the reps' answers, the reminders, the breach.
func (d *run) day(ctx context.Context, day time.Time, sqls []SQL, mql, nurture person) error {
	if err := d.cl.setClock(ctx, day); err != nil {
		return err
	}
	d.say("clock moved to %s", day.Format("Monday 2 January 2006, 15:04"))
	for i := range sqls {
		if err := d.post(ctx, &sqls[i]); err != nil {
			return err
		}
	}
	if err := d.marketingLeads(ctx, mql, nurture); err != nil {
		return err
	}
	d.rec.Leads += len(sqls) + 2
	links := map[string]string{} // company -> its latest SQL email's text
	for i := range sqls {
		m, err := d.waitSQLEmail(ctx, sqls[i].Lead.Company, 1)
		if err != nil {
			return err
		}
		links[sqls[i].Lead.Company] = m.Body.Text
		sqls[i].HandedAt = d.cl.now()
		d.say("SQL email: %s (%s) -> %s", sqls[i].Lead.Company, sqls[i].Source, strings.Join(m.Destination.To, ", "))
	}
	if err := d.cl.settle(ctx); err != nil {
		return err
	}

	// The day's deadlines run from each hand-off; the last SQL email seen is after the last hand-off, so a share of
	// the deadline counted from it (and a minute) is past for every SQL of the day, however slow the machine.
	handed := day
	for _, s := range sqls {
		if s.HandedAt.After(handed) {
			handed = s.HandedAt
		}
	}
	at := func(frac float64) time.Time { // the instant a share of the first-contact deadline is past, and a minute
		t, _ := d.c.Calendar.Add(handed, time.Duration(frac*float64(d.c.Sales.FirstContact)))
		return t.Add(time.Minute)
	}
	act := func(fate Fate) error {
		for _, s := range sqls {
			if s.Fate == fate {
				if err := d.contactAndAnswer(ctx, s, links[s.Lead.Company]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := d.moveTo(ctx, day.Add(20*time.Minute)); err != nil {
		return err
	}
	if err := act(Prompt); err != nil {
		return err
	}
	// The deadline checker at each reminder point: the reps who have not called yet are reminded.
	for n, r := range d.c.Sales.Reminders {
		if err := d.moveTo(ctx, at(float64(r)/100)); err != nil {
			return err
		}
		if err := d.checkDeadlines(ctx); err != nil {
			return err
		}
		var waiting []string
		for _, s := range sqls {
			if s.Fate != Prompt {
				if err := d.waitMail(ctx, "reminder to contact "+s.Lead.Company, s.Lead.Company, d.email.ReminderSubject, n+1); err != nil {
					return err
				}
				waiting = append(waiting, s.Lead.Company)
			}
		}
		if len(waiting) == 0 {
			d.say("deadline checker at %d %% of the deadline: every SQL of the day contacted, no reminder", r)
		} else {
			d.say("deadline checker at %d %% of the deadline: reminder to contact %s", r, strings.Join(waiting, ", "))
		}
	}
	if err := act(Reminded); err != nil {
		return err
	}
	// Past the deadline: the manager is told and the SQL goes to the next rep, who contacts the lead.
	if err := d.moveTo(ctx, at(1)); err != nil {
		return err
	}
	if err := d.checkDeadlines(ctx); err != nil {
		return err
	}
	for _, s := range sqls {
		if s.Fate != Late {
			continue
		}
		if err := d.waitMail(ctx, "the breach of "+s.Lead.Company, s.Lead.Company, d.email.BreachSubject, 1); err != nil {
			return err
		}
		m, err := d.waitSQLEmail(ctx, s.Lead.Company, 2)
		if err != nil {
			return err
		}
		links[s.Lead.Company] = m.Body.Text
		d.rec.Reassignments++
		d.say("deadline missed for %s: manager told, SQL reassigned to %s", s.Lead.Company, strings.Join(m.Destination.To, ", "))
	}
	if err := d.cl.settle(ctx); err != nil {
		return err
	}
	if err := d.moveTo(ctx, at(1).Add(20*time.Minute)); err != nil {
		return err
	}
	return act(Late)
}

// moveTo moves the clock once the stack has settled.
func (d *run) moveTo(ctx context.Context, at time.Time) error {
	if err := d.cl.settle(ctx); err != nil {
		return err
	}
	return d.cl.setClock(ctx, at)
}

func (d *run) checkDeadlines(ctx context.Context) error {
	return d.cl.fire(ctx, "DeadlinesFunction", "EveryMinute")
}

// contactAndAnswer is the rep's day with an SQL: the contact recorded from the email's first button, then the
// verdict from the second or the third (a rejection with its reason).
func (d *run) contactAndAnswer(ctx context.Context, s SQL, text string) error {
	channel := handoff.Channels[d.rng.IntN(len(handoff.Channels))]
	link, err := d.link(text, d.email.Contacted)
	if err != nil {
		return err
	}
	if err := d.cl.answer(ctx, link, url.Values{"channel": {channel}}); err != nil {
		return fmt.Errorf("%s contacted: %w", s.Lead.Company, err)
	}
	verdict, form := d.email.Accept, url.Values{}
	if s.Reject != "" {
		verdict, form = d.email.Reject, url.Values{"reason": {s.Reject}}
		if s.Reject == "other" {
			form.Set("comment", "Projet reporté à l'an prochain")
		}
	}
	if link, err = d.link(text, verdict); err != nil {
		return err
	}
	if err := d.cl.answer(ctx, link, form); err != nil {
		return fmt.Errorf("%s answered: %w", s.Lead.Company, err)
	}
	what := "accepted"
	if s.Reject != "" {
		what = "rejected (" + s.Reject + ")"
	}
	d.say("%s contacted (%s) and %s on the answer page", s.Lead.Company, channel, what)
	return nil
}

// link is the address of a button of an SQL email, from its text part.
func (d *run) link(text, button string) (string, error) {
	for _, line := range strings.Split(text, "\n") {
		if i := strings.Index(line, d.cl.stack+"/v1/feedback/"); i >= 0 && strings.Contains(line, button) {
			return strings.TrimSpace(line[i:]), nil
		}
	}
	return "", fmt.Errorf("no %q link in the SQL email", button)
}
