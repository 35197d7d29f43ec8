package soak

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/handoff-sla/handoff/internal/demo"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// The leads' kinds, as the demo posts them: an SQL from the contact form (the form, then a demo request: two
// activities), an SQL from the Typeform audit (the form and three activities), and two leads that stay
// marketing's (a webinar registrant with three activities, four in all; a contact-form lead, one).
const (
	sqlContactShare = 0.15
	sqlAuditShare   = 0.10
)

type unit struct {
	source string // site-contact or typeform-audit for an SQL; "" for a marketing pair
	leads  []int  // indexes in soak.posted
}

func (s *soak) plan() []unit {
	people := demo.Crowd(s.cfg.Seed, s.cfg.Leads)
	var units []unit
	add := func(p demo.Person, activities int, sql bool) int {
		f := prompt
		if sql {
			switch r := s.rng.IntN(20); {
			case r < 12:
				f = prompt
			case r < 17:
				f = reminded
			default:
				f = late
			}
		}
		s.posted = append(s.posted, posted{p: p, activities: activities, sql: sql, fate: f})
		return len(s.posted) - 1
	}
	for i := 0; i < len(people); {
		switch r := s.rng.Float64(); {
		case r < sqlContactShare || i == len(people)-1:
			units = append(units, unit{source: "site-contact", leads: []int{add(people[i], 2, true)}})
			i++
		case r < sqlContactShare+sqlAuditShare:
			units = append(units, unit{source: "typeform-audit", leads: []int{add(people[i], 4, true)}})
			i++
		default:
			units = append(units, unit{leads: []int{add(people[i], 4, false), add(people[i+1], 1, false)}})
			i += 2
		}
	}
	return units
}

func (s *soak) month(ctx context.Context) error {
	days := s.days()
	units := s.plan()
	s.res.Days, s.res.Posted = len(days), len(s.posted)
	for _, p := range s.posted {
		if p.sql {
			s.res.SQLs++
		}
	}
	s.say("%d leads (%d to become SQLs) over %d business days of %s", len(s.posted), s.res.SQLs, len(days), s.cfg.Month)
	for i, day := range days {
		from, to := i*len(units)/len(days), (i+1)*len(units)/len(days)
		if err := s.day(ctx, day, units[from:to]); err != nil {
			return fmt.Errorf("%s: %w", day.Format("Mon 2 Jan"), err)
		}
	}
	return nil
}

// parallel runs work on each item with cfg.Workers drivers of their own.
func (s *soak) parallel(ctx context.Context, n int, work func(d *demo.Driver, i int) error) error {
	jobs := make(chan int)
	errs := make(chan error, s.cfg.Workers)
	var wg sync.WaitGroup
	var retries int
	var mu sync.Mutex
	for w := 0; w < s.cfg.Workers; w++ {
		s.forks++
		d := s.d.Fork(s.cfg.Seed+uint64(s.forks), s.forks)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { mu.Lock(); retries += d.SenderRetries(); mu.Unlock() }()
			for i := range jobs {
				if err := work(d, i); err != nil {
					errs <- err
					for range jobs { // drain
					}
					return
				}
			}
		}()
	}
	var err error
feed:
	for i := 0; i < n; i++ {
		select {
		case jobs <- i:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	s.res.SenderRetries += retries
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// day is one business day: the leads posted from 09:00, then the reps' answers by fate around the deadline
// checker's runs at each reminder point and at the deadline.
func (s *soak) day(ctx context.Context, day time.Time, units []unit) error {
	if err := s.d.SetClock(ctx, day); err != nil {
		return err
	}
	began := time.Now().Add(-time.Second)
	err := s.parallel(ctx, len(units), func(d *demo.Driver, i int) error {
		u := units[i]
		if u.source != "" {
			return d.PostSQL(ctx, s.posted[u.leads[0]].p, u.source)
		}
		return d.PostMarketing(ctx, s.posted[u.leads[0]].p, s.posted[u.leads[1]].p)
	})
	if err != nil {
		return err
	}
	if err := s.settle(ctx); err != nil {
		return err
	}
	var sqls []int
	for _, u := range units {
		if u.source != "" {
			sqls = append(sqls, u.leads[0])
		}
	}
	// The day's reminder points and deadlines are read from the hand-offs once their SQL emails are confirmed (a
	// stuck one's resend restarts its rep's clock): the scenario answers around the latest of them.
	clk, err := s.confirmMails(ctx, sqls)
	if err != nil {
		return err
	}
	emails, err := s.sqlEmails(ctx, began)
	if err != nil {
		return err
	}
	s.say("%d units posted, %d SQLs, %d SQL emails so far", len(units), len(sqls), len(emails))
	first := map[string]bool{}
	for n := range emails {
		first[n] = true
	}
	answer := func(f fate, emails map[string]string) error {
		var todo []int
		for _, i := range sqls {
			if s.posted[i].fate == f {
				todo = append(todo, i)
			}
		}
		return s.parallel(ctx, len(todo), func(d *demo.Driver, k int) error {
			p := s.posted[todo[k]].p
			text, ok := emails[numberOf(p.Company)]
			if !ok {
				return nil // no SQL email (yet): the invariants will say whether it came
			}
			var err error
			for attempt := 0; attempt < 5; attempt++ {
				if err = d.Answer(ctx, p.Company, text); err == nil {
					s.mu.Lock()
					s.posted[todo[k]].answers += 2
					// On its day as planned when its email was there at the day's first look (a late SQL's second
					// email is the reassignment's).
					s.posted[todo[k]].onTime = first[numberOf(p.Company)]
					s.mu.Unlock()
					return nil
				}
				time.Sleep(time.Duration(200<<attempt) * time.Millisecond)
				// The SQL may have gone to another rep meanwhile (a breach, an absence): answer from its latest email.
				if latest, err := s.sqlEmails(ctx, began); err == nil && latest[numberOf(p.Company)] != "" {
					text = latest[numberOf(p.Company)]
				}
			}
			s.mu.Lock()
			s.res.Unanswered = append(s.res.Unanswered, fmt.Sprintf("%s: %v", p.Company, err))
			s.mu.Unlock()
			return nil
		})
	}
	if err := s.moveTo(ctx, s.d.Now().Add(10*time.Minute)); err != nil {
		return err
	}
	if err := answer(prompt, emails); err != nil {
		return err
	}
	for _, at := range clk.reminders {
		if err := s.moveTo(ctx, at.Add(time.Minute)); err != nil {
			return err
		}
		if err := s.checkDeadlines(ctx); err != nil {
			return err
		}
	}
	if err := s.settle(ctx); err != nil {
		return err
	}
	if !s.d.Now().Before(clk.earliestDue) && !clk.earliestDue.IsZero() {
		s.say("the last reminder point passed at the earliest deadline: the reminded SQLs are answered late")
	}
	if err := answer(reminded, emails); err != nil {
		return err
	}
	if err := s.moveTo(ctx, clk.latestDue.Add(time.Minute)); err != nil {
		return err
	}
	if err := s.checkDeadlines(ctx); err != nil {
		return err
	}
	// The late SQLs were reassigned: the next rep answers from the latest SQL email, once it is confirmed (SES may
	// have refused the reassignment's: the stuck path resends it a few minutes later).
	if _, err := s.confirmMails(ctx, sqls); err != nil {
		return err
	}
	if emails, err = s.sqlEmails(ctx, began); err != nil {
		return err
	}
	if err := s.moveTo(ctx, clk.latestDue.Add(21*time.Minute)); err != nil {
		return err
	}
	if err := answer(late, emails); err != nil {
		return err
	}
	return s.settle(ctx)
}

// confirmMails runs the minute's schedule as it runs in AWS, a few minutes at a time, until the SQL emails of the
// given SQLs' hand-offs are all confirmed or given up: one still unconfirmed handoff.StuckAfter after its claim
// is resent (handoff.ResendStuck, which restarts its rep's clock). It returns the hand-offs' clocks.
func (s *soak) confirmMails(ctx context.Context, sqls []int) (clocks, error) {
	for round := 0; ; round++ {
		if err := s.moveTo(ctx, s.d.Now().Add(handoff.StuckAfter+time.Minute)); err != nil {
			return clocks{}, err
		}
		if err := s.checkDeadlines(ctx); err != nil {
			return clocks{}, err
		}
		clk, err := s.clocksOf(ctx, sqls)
		if err != nil || clk.outstanding == 0 || round == outbox.MaxMailAttempts {
			return clk, err
		}
	}
}

// number is the number that ends each company's name (demo.Crowd), found in a subject.
var number = regexp.MustCompile(`\b\d{5}\b`)

// numberOf is the company number a subject or a name holds ("" for none).
func numberOf(s string) string { return number.FindString(s) }

// sqlEmails is the latest SQL email's text of each company (by its number), among those SES local received since.
func (s *soak) sqlEmails(ctx context.Context, since time.Time) (map[string]string, error) {
	all, err := s.d.MailsSince(ctx, since)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, m := range all {
		if !strings.HasPrefix(m.Subject, s.d.SQLSubject()) {
			continue
		}
		if n := numberOf(m.Subject); n != "" {
			out[n] = m.Body.Text
		}
	}
	return out, nil
}

// moveTo moves the clock once the stack is idle, never backwards.
func (s *soak) moveTo(ctx context.Context, at time.Time) error {
	if err := s.settle(ctx); err != nil {
		return err
	}
	if now := s.d.Now(); at.Before(now) {
		at = now
	}
	return s.d.SetClock(ctx, at)
}

// checkDeadlines fires the deadline checker as its schedule would, again while it fails (a crash, a fault: the
// schedule fires every minute anyway), then waits for the stack to be idle.
func (s *soak) checkDeadlines(ctx context.Context) error {
	var err error
	for attempt := 0; attempt < 20; attempt++ {
		if err = s.d.Fire(ctx, "DeadlinesFunction", "EveryMinute"); err == nil {
			return s.settle(ctx)
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("the deadline checker failed 20 times in a row: %w", err)
}

// afterMonth, with the faults off and the failures redriven: the checker once stuck emails may be resent
// (handoff.StuckAfter), then the report on the 1st, its first run crashed.
func (s *soak) afterMonth(ctx context.Context) error {
	if err := s.moveTo(ctx, s.d.Now().Add(handoff.StuckAfter+time.Minute)); err != nil {
		return err
	}
	if err := s.checkDeadlines(ctx); err != nil {
		return err
	}
	next := s.cfg.Month.Next()
	if err := s.moveTo(ctx, time.Date(next.Year, next.Month, 1, 8, 0, 10, 0, s.c.Location)); err != nil {
		return err
	}
	// The report runs once a month: its first run is killed mid-way (the calm's only crash), and the schedule's
	// retry must send one report all the same.
	if err := s.local.Stack.CrashNext("ReportFunction"); err != nil {
		return err
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.d.Fire(ctx, "ReportFunction", "Monthly"); err == nil {
			break
		}
		time.Sleep(time.Second)
	}
	if err != nil {
		return fmt.Errorf("the monthly report: %w", err)
	}
	s.say("monthly report fired")
	return s.settle(ctx)
}
