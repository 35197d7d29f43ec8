// Package deadlines is the deadline checker: run every minute, it reads the hand-offs due for a check (the
// due-checks index, never the whole table) and does what the contract says for each — reminders to the rep,
// first-contact and feedback breaches escalated to the manager, reassignment to the next rep, an SQL email left
// unconfirmed sent again — each exactly once, however the runs overlap, repeat or crash.
//
// Exactly once, the way notify does it: a step is recorded first (the hand-off's new state and its SLA events,
// in one conditional transaction on the hand-off's version; an event's ID can be recorded once), with its email
// claimed and the event listed as pending on the hand-off; the email then goes through the outbox (package
// outbox: a gate, claimed → sending, a conditional write whoever makes the move sends; the send; the outcome
// settled), SES's answer is recorded on the event (sent) and the event leaves the pending list. A pending event brings the hand-off back to the next run at once, which finishes
// what a crash interrupted. An email left sending (its outcome unknown) is never sent again: it is abandoned
// and marketing ops are told — the checker errs on the side of at most once for its own emails, and of at least
// once (marked as a possible duplicate) for the SQL email itself, which a rep cannot do without. The SQL email
// the checker itself sends (to the rep it reassigned the SQL to, or again when stuck) is handed to SES for at
// most outbox.SendTimeout: left sending longer, its run died, and the next run records its resend (one run
// wins the conditional write) and sends it through its gate, marked as a possible duplicate, the rep's deadlines
// unmoved.
//
// Consent: an SQL email never leaves once the lead's latest answer to the consent question is no. One to resend
// (stuck, interrupted) withdraws the hand-off instead (handoff.Withdraw: nothing more checked or sent, marketing
// ops told); one to the rep a breach would reassign the SQL to is not sent because the SQL is not reassigned (the
// rep who has it keeps it); and the SQL email's gate (handoff.SQLMailGate) withdraws the hand-off of any that a no reaches past these checks.
package deadlines

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/metrics"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// Handoffs is what the checker needs from storage (store.Handoffs).
type Handoffs interface {
	ForEachDue(ctx context.Context, before time.Time, fn func(handoff.Handoff) error) error
	UpdateFrom(ctx context.Context, h handoff.Handoff, now time.Time, change handoff.Change) (handoff.Handoff, error)
	Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error)
	TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error)
	StartEventMail(ctx context.Context, k handoff.Key, id string, now time.Time) (handoff.Event, bool, error)
	Event(ctx context.Context, k handoff.Key, id string) (handoff.Event, error)
	SettleEventMail(ctx context.Context, k handoff.Key, id string, from outbox.MailStatus, m outbox.Mail) error
}

// Sender sends an email (ses.SES).
type Sender = outbox.Sender[email.Message]

// Leads reads a lead when an email shows it — an SQL email composed again (a reassignment, a resend), or an SLA
// event's email, which names the lead and its contact details (the hand-off keeps no copy of them) — and to
// route a reassignment: store.Leads.
type Leads interface {
	Get(ctx context.Context, id string) (lead.Lead, error)
	Activities(ctx context.Context, id string) ([]lead.Activity, error)
	// RecentContent is the newest pieces of content, for the SQL email's relevant pieces.
	RecentContent(ctx context.Context, n int) ([]content.Piece, error)
}

// Checker runs the deadline checks.
type Checker struct {
	contract *contract.Contract
	handoffs Handoffs
	leads    Leads
	sender   Sender
	links    email.LinkSigner
	clock    func() time.Time
	log      *slog.Logger

	// Workers is how many hand-offs are checked at once.
	Workers int
	// Margin is how long before the invocation's deadline the run stops taking hand-offs: the ones left are
	// still due, and the next run takes them.
	Margin time.Duration
	// Wait sleeps until an instant of the clock (tests that drive the clock replace it).
	Wait func(ctx context.Context, until time.Time) error
	// Metrics counts completed runs and recorded breaches (MetricRunsCompleted, MetricSLABreaches), which the
	// template's alarms read; nil counts nothing.
	Metrics *metrics.Recorder
}

// The checker's metrics (embedded metric format, package metrics): template.yaml's DeadlineCheckerStalledAlarm
// and SlaBreachesAlarm read them under these names.
const (
	// MetricRunsCompleted is 1 per run that ended without error (every due hand-off checked, or left to the next
	// run before the deadline): none for minutes means the deadlines are not being enforced.
	MetricRunsCompleted = "CheckerRunsCompleted"
	// MetricSLABreaches is 1 per first-contact or feedback breach recorded, counted at most once: when the
	// transaction that records its event has committed (an event is recorded once; a run that loses the race to
	// another records nothing and counts nothing; a process that dies between the commit and the line loses that
	// count, where counting again later could count twice).
	MetricSLABreaches = "SLABreaches"
)

// New builds a Checker.
func New(c *contract.Contract, handoffs Handoffs, leads Leads, sender Sender, links email.LinkSigner, clock func() time.Time, log *slog.Logger) (*Checker, error) {
	if c.Routing == nil {
		return nil, errors.New("the contract has no routing section")
	}
	if len(links.Key) < 16 {
		return nil, errors.New("the feedback link key is shorter than 16 bytes")
	}
	ch := &Checker{contract: c, handoffs: handoffs, leads: leads, sender: sender, links: links, clock: clock, log: log,
		Workers: 16, Margin: 10 * time.Second}
	ch.Wait = func(ctx context.Context, until time.Time) error {
		t := time.NewTimer(until.Sub(ch.clock()))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	return ch, nil
}

// Input is the schedule's payload.
type Input struct {
	// Window is how far ahead a run looks: it takes the hand-offs due before now+Window and handles each at its
	// instant, so that with a schedule of the same period a step is handled within seconds of falling due, not
	// up to a period late. "1m" with rate(1 minute); "0s" (or absent) handles only what is due at the start.
	Window string `json:"window"`
}

// Result sums up a run (its answer, for `aws lambda invoke` and tests).
type Result struct {
	Checked int `json:"checked"` // hand-offs checked
	Failed  int `json:"failed"`  // checks that failed (retried by the next run)
	Left    int `json:"left"`    // due hand-offs left to the next run (the run stopped before its deadline)
}

// MaxWindow bounds Input.Window: a run that waits longer than a Lambda can run would only be cut off.
const MaxWindow = 10 * time.Minute

// Handle is one run of the schedule.
func (c *Checker) Handle(ctx context.Context, raw json.RawMessage) (Result, error) {
	var in Input
	if len(raw) > 0 && string(raw) != "null" {
		if err := json.Unmarshal(raw, &in); err != nil {
			return Result{}, fmt.Errorf("the schedule's input: %w", err)
		}
	}
	var window time.Duration
	if in.Window != "" {
		w, err := time.ParseDuration(in.Window)
		if err != nil || w < 0 || w > MaxWindow {
			return Result{}, fmt.Errorf("the schedule's input: window must be a duration from 0s to %s, got %q", MaxWindow, in.Window)
		}
		window = w
	}
	return c.Run(ctx, window)
}

// Run checks every hand-off due before now+window, each at its instant, until the invocation's deadline less
// Margin; what is left stays due for the next run.
func (c *Checker) Run(ctx context.Context, window time.Duration) (Result, error) {
	// How long the run took is the machine's monotonic clock's: the injected one dates the checks (it may be a
	// test's fixed instant, or the local stack's clock moved while the run went).
	began := time.Now()
	start := c.clock()
	stopBy := time.Time{}
	if d, ok := ctx.Deadline(); ok {
		// The deadline is on the real clock; the checker's clock may be shifted (local demos).
		stopBy = start.Add(time.Until(d) - c.Margin)
	}
	var (
		res   Result
		mu    sync.Mutex
		later []handoff.Handoff
		work  = make(chan handoff.Handoff)
		wg    sync.WaitGroup
		fails []error
	)
	for i := 0; i < max(c.Workers, 1); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range work {
				err := c.check(ctx, h)
				mu.Lock()
				res.Checked++
				if err != nil {
					res.Failed++
					fails = append(fails, err)
				}
				mu.Unlock()
				if err != nil {
					c.log.ErrorContext(ctx, "deadline check failed; the next run retries it", "leadId", h.LeadID, "error", err.Error())
				}
			}
		}()
	}
	timeUp := func() bool { return !stopBy.IsZero() && !c.clock().Before(stopBy) }
	err := c.handoffs.ForEachDue(ctx, start.Add(window), func(h handoff.Handoff) error {
		if timeUp() {
			mu.Lock()
			res.Left++
			mu.Unlock()
			return nil
		}
		if due := h.NextCheck(start); due.After(start) {
			later = append(later, h)
			return nil
		}
		select {
		case work <- h:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	sort.SliceStable(later, func(i, j int) bool { return later[i].NextCheck(start).Before(later[j].NextCheck(start)) })
	for i, h := range later {
		if err != nil {
			break
		}
		due := h.NextCheck(start)
		if !stopBy.IsZero() && due.After(stopBy) || timeUp() {
			mu.Lock()
			res.Left += len(later) - i
			mu.Unlock()
			break
		}
		if err = c.Wait(ctx, due); err != nil {
			break
		}
		select {
		case work <- h:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	close(work)
	wg.Wait()
	c.log.InfoContext(ctx, "deadline checks done", "checked", res.Checked, "failed", res.Failed, "left", res.Left,
		"windowSeconds", int(window.Seconds()), "tookMs", time.Since(began).Milliseconds())
	if err != nil {
		return res, fmt.Errorf("deadline checks: %w", err)
	}
	if res.Failed > 0 {
		return res, fmt.Errorf("%d of %d deadline checks failed (retried by the next run): %w", res.Failed, res.Checked, errors.Join(fails...))
	}
	c.count(ctx, MetricRunsCompleted, 1)
	return res, nil
}

// count adds n to a metric; a metric that cannot be written is logged, never a reason to fail what it counts.
func (c *Checker) count(ctx context.Context, name string, n int) {
	if err := c.Metrics.Count(name, n); err != nil {
		c.log.WarnContext(ctx, "metric not written", "metric", name, "error", err.Error())
	}
}

// check does what is due on one hand-off: first the emails of events already recorded (a crash, an overlap),
// then the steps due now, then their emails.
func (c *Checker) check(ctx context.Context, h handoff.Handoff) error {
	var errs []error
	if h.CheckerMailToSend() {
		// An SQL email the checker claimed (a reassignment, a resend) that a crash kept from leaving — never handed
		// to SES since: it goes now, first as it would have, through its gate, rather than once it looks stuck
		// (the rep would wait five more minutes, and ops were told it was sent). A refused one waits for the
		// stuck path, which counts the attempts; notify's own claim is notify's, retried by its stream. One the
		// checker left sending is a step (handoff.StepInterruptedMail), recorded before it is sent again.
		if err := c.sendSQL(ctx, h.Key); err != nil {
			errs = append(errs, err)
		}
	}
	for _, id := range slices.Clone(h.Pending) {
		next, err := c.deliver(ctx, h, id)
		if err != nil {
			errs = append(errs, err)
		}
		h = next
	}
	now := c.clock()
	steps := h.Due(now)
	if len(steps) == 0 {
		return errors.Join(errs...)
	}
	reassign, err := c.nextRep(ctx, h, steps, now)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	withdraw, err := c.withdraws(ctx, h, steps)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	inTime, err := c.outcomeInTime(ctx, h, steps)
	if err != nil {
		return errors.Join(append(errs, err)...)
	}
	pendingBefore := slices.Clone(h.Pending)
	mailBefore := h.Mail
	// The events of the last attempt are the ones its committed transaction recorded: the store calls the change
	// again on a fresh hand-off when another writer got there first, and an event is recorded once.
	var recorded []handoff.Event
	updated, err := c.handoffs.UpdateFrom(ctx, h, now, func(h *handoff.Handoff) ([]handoff.Event, error) {
		events, err := c.apply(h, reassign, withdraw, inTime, c.clock())
		recorded = events
		return events, err
	})
	if errors.Is(err, handoff.ErrNoChange) {
		return errors.Join(errs...)
	}
	if err != nil {
		return errors.Join(append(errs, fmt.Errorf("record the steps of %s: %w", h.Key, err))...)
	}
	if n := breaches(recorded); n > 0 {
		c.count(ctx, MetricSLABreaches, n)
	}
	if updated.Mail.Status == outbox.MailClaimed && (mailBefore.Status != outbox.MailClaimed || !updated.Mail.ClaimedAt.Equal(mailBefore.ClaimedAt)) {
		// A reassignment or a resend claimed the SQL email: it goes first (the rep needs it; the events' emails
		// say it was sent), through its gate.
		if err := c.sendSQL(ctx, updated.Key); err != nil {
			errs = append(errs, err)
		}
	}
	for _, id := range updated.Pending {
		if slices.Contains(pendingBefore, id) {
			continue
		}
		next, err := c.deliver(ctx, updated, id)
		if err != nil {
			errs = append(errs, err)
		}
		updated = next
	}
	return errors.Join(errs...)
}

// withdraws reports, before the change, a hand-off whose SQL email is to go again (stuck, or interrupted) for a
// lead whose latest answer to the consent question is no: it is withdrawn instead (handoff.Withdraw), rather than
// recorded as resent — ops would be told it was — and then kept in by the SQL email's gate, which would
// withdraw it all the same (SQLMessage is never composed for such a lead: the guard for a no recorded after this read).
func (c *Checker) withdraws(ctx context.Context, h handoff.Handoff, steps []handoff.Step) (bool, error) {
	if !slices.ContainsFunc(steps, func(s handoff.Step) bool {
		return s.Kind == handoff.StepStuckMail || s.Kind == handoff.StepInterruptedMail
	}) {
		return false, nil
	}
	l, err := c.leads.Get(ctx, h.LeadID)
	switch {
	case errors.Is(err, lead.ErrNotFound):
		return false, nil // gone: its email names it by its ID (an erased person's hand-off is ended already)
	case err != nil:
		return false, fmt.Errorf("the lead of %s: %w", h.Key, err)
	}
	return l.Consent.Refused(), nil
}

// nextRep chooses, before the change, the rep a first-contact breach would reassign the SQL to (when the
// contract reassigns): the routing rules, every rep who held the SQL excluded. Nil when there is nobody else.
func (c *Checker) nextRep(ctx context.Context, h handoff.Handoff, steps []handoff.Step, now time.Time) (*handoff.Assignment, error) {
	has := func(k handoff.StepKind) bool {
		return slices.ContainsFunc(steps, func(s handoff.Step) bool { return s.Kind == k })
	}
	breach := c.contract.Sales.OnBreach == contract.Reassign && !h.Contacted() && has(handoff.StepFirstContactBreach)
	// A bounced SQL email (bounce.go): the rep never had it, so it goes to the next rep unless the contract holds it.
	bounced := c.contract.Sales.OnBounce == contract.BounceReassign && has(handoff.StepBounced)
	if !breach && !bounced {
		return nil, nil
	}
	l, err := c.leads.Get(ctx, h.LeadID)
	if errors.Is(err, lead.ErrNotFound) {
		return nil, nil // erased: nobody to reassign it to, the breach is still recorded and escalated
	}
	if err != nil {
		return nil, fmt.Errorf("the lead of %s: %w", h.Key, err)
	}
	if l.Consent.Refused() {
		// A no after the hand-off: the rep who has the SQL email keeps it, but no other rep is given the details.
		return nil, nil
	}
	holders := make([]string, 0, len(h.Assignments))
	for _, a := range h.Assignments {
		holders = append(holders, a.RepID)
	}
	ch, _, err := routing.Choose(ctx, c.contract, c.handoffs, scoring.ProfileIn(l, c.contract.Country), holders, now)
	a := handoff.Assignment{RepID: ch.Rep.ID, Team: ch.Team, Reason: ch.Reason, At: now}
	if err != nil {
		return nil, fmt.Errorf("choose the next rep of %s: %w", h.Key, err)
	}
	if slices.Contains(holders, a.RepID) {
		return nil, nil // the fallback held it already: nobody else to take it
	}
	if rep, ok := c.contract.Rep(a.RepID); ok && rep.Away(now, c.contract.Location) {
		return nil, nil // the fallback is out of office: a fresh deadline with them would only be escalated again
	}
	if bounced {
		a.Reason = routing.BounceReassignedReason(c.contract, h.Rep(), a.Reason)
	} else {
		a.Reason = routing.ReassignedReason(c.contract, h.Rep(), a.Reason)
	}
	return &a, nil
}

// apply records the steps due on h at now (called again on the fresh hand-off when another writer got there
// first: what is due is decided anew each time). withdraw withdraws a hand-off whose SQL email would go again;
// outcomeInTime is what the lead's outcomes said of its outcome deadline (outcomeInTime).
func (c *Checker) apply(h *handoff.Handoff, reassign *handoff.Assignment, withdraw, outcomeInTime bool, now time.Time) ([]handoff.Event, error) {
	var events []handoff.Event
	for _, s := range h.Due(now) {
		rep, known := c.contract.Rep(h.Rep())
		switch s.Kind {
		case handoff.StepStuckMail, handoff.StepInterruptedMail:
			if withdraw {
				events = append(events, h.Withdraw(now))
				continue
			}
			d, err := handoff.DeadlinesFrom(c.contract, now)
			if err != nil {
				return nil, err
			}
			if s.Kind == handoff.StepInterruptedMail {
				events = append(events, h.ResendInterrupted(d, now))
			} else {
				events = append(events, h.ResendStuck(d, now))
			}
		case handoff.StepReminder, handoff.StepFeedbackReminder:
			switch {
			case known && rep.Away(s.Due, c.contract.Location):
				if e, ok := h.EscalateAway(s, rep.Manager, now); ok {
					events = append(events, e)
				}
			case s.Kind == handoff.StepReminder:
				events = append(events, h.Remind(s.N, now))
			default:
				events = append(events, h.RemindFeedback(s.N, now))
			}
		case handoff.StepFirstContactBreach:
			late := now
			if h.Contacted() { // contacted late: as late as the contact was
				late = h.Contact.At
			}
			events = append(events, h.BreachFirstContact(rep.Manager, c.lateness(s.Due, late), now))
			if reassign != nil && !h.Contacted() { // a contact may have come in since nextRep chose
				a := *reassign
				a.At = now
				d, err := handoff.DeadlinesFrom(c.contract, now)
				if err != nil {
					return nil, err
				}
				events = append(events, h.Reassign(a, d, now))
			}
		case handoff.StepFeedbackBreach:
			late := now
			if h.Answered() { // answered late: as late as the answer was
				late = h.Decision.At
			}
			events = append(events, h.BreachFeedback(rep.Manager, c.lateness(s.Due, late), now))
		case handoff.StepOutcome:
			events = append(events, h.CheckOutcome(outcomeInTime, now))
		case handoff.StepBounced:
			var next *handoff.Assignment
			var d handoff.Deadlines
			if reassign != nil {
				a := *reassign
				a.At, next = now, &a
				var err error
				if d, err = handoff.DeadlinesFrom(c.contract, now); err != nil {
					return nil, err
				}
			}
			events = append(events, h.HandleBounce(next, d, now)...)
		}
	}
	if len(events) == 0 {
		return nil, handoff.ErrNoChange
	}
	return events, nil
}

// breaches counts the SLA breaches among recorded events.
func breaches(events []handoff.Event) int {
	n := 0
	for _, e := range events {
		if e.Kind == handoff.EventFirstContactBreach || e.Kind == handoff.EventFeedbackBreach {
			n++
		}
	}
	return n
}

// lateness is the business time between a deadline and now, in whole minutes.
func (c *Checker) lateness(due, now time.Time) int {
	return int(c.contract.Calendar.Between(due, now) / time.Minute)
}
