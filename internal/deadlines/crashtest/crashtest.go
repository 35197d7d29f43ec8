// Package crashtest is for tests only: it stands for the deadline checker's process dying at a named point of a
// check, from outside the checker, through the ports it is built with (its store and its sender). The checker
// itself has no crash hook: production code cannot be made to stop by a test switch.
//
// A process that dies does nothing more: from the crash point on, every call it makes to DynamoDB or SES fails
// (ErrDead) and changes nothing, until the next run starts (a run's first call, ForEachDue, is a new process:
// the next Lambda invocation). So nothing the checker does after the point — an error path, a deferred settlement, another check of
// the same run — records anything, as after a real crash; the run returns (with the failures the dead calls
// caused), which is the test's signal that the dead process touches nothing more.
package crashtest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/routing"
)

// Crash points of a check.
const (
	// AfterRecord: the steps due (events, a reassignment, a resend) are recorded; no email has gone.
	AfterRecord = "after-record"
	// AfterGate: an SLA event's email passed its gate (sending); SES was not asked.
	AfterGate = "after-gate"
	// AfterSend: SES accepted an SLA event's email; its confirmation is not recorded.
	AfterSend = "after-send"
	// AfterSQLGate: the SQL email the checker sends passed its gate; SES was not asked.
	AfterSQLGate = "after-sql-gate"
	// AfterSQLSend: SES accepted the SQL email the checker sends; its confirmation is not recorded.
	AfterSQLSend = "after-sql-send"
)

// ErrDead is every call of a dead process.
var ErrDead = errors.New("crashtest: the process is dead")

// Process is the checker's process: wrap its store and sender with Handoffs and Sender.
type Process struct {
	mu       sync.Mutex
	point    string // armed crash point ("" none)
	dead     bool
	died     bool
	sends    int
	sendsCap int    // dies at the send after this many (-1: never)
	lastGate string // "sql" or "event": what the next send is
}

// New is a process alive, with no crash armed.
func New() *Process { return &Process{sendsCap: -1} }

// CrashAt makes the process die once at point (one of the constants).
func (p *Process) CrashAt(point string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.point = point
}

// DieAfterSends makes the process die as it hands SES its email number n+1 (kill -9 during a run): the first n
// go; that one gets no answer (its email stays sending, its outcome unknown).
func (p *Process) DieAfterSends(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sendsCap = n
}

// Died reports whether the process died since it was made (a later run does not make it forget).
func (p *Process) Died() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.died
}

func (p *Process) alive() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.dead
}

// reached dies if point is the armed crash point.
func (p *Process) reached(point string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead || p.point != point {
		return p.dead
	}
	p.point, p.dead, p.died = "", true, true
	return true
}

func (p *Process) gate(kind string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lastGate = kind
}

// Handoffs is the checker's store, in this process.
func (p *Process) Handoffs(next deadlines.Handoffs) deadlines.Handoffs {
	return &handoffs{next: next, p: p}
}

// Sender is the checker's sender, in this process.
func (p *Process) Sender(next deadlines.Sender) deadlines.Sender { return &sender{next: next, p: p} }

type handoffs struct {
	next deadlines.Handoffs
	p    *Process
}

// ForEachDue starts a run: a new process, alive (an armed crash point not reached yet stays armed).
func (s *handoffs) ForEachDue(ctx context.Context, before time.Time, fn func(handoff.Handoff) error) error {
	s.p.mu.Lock()
	s.p.dead = false
	s.p.mu.Unlock()
	return s.next.ForEachDue(ctx, before, fn)
}

// UpdateFrom dies after a recording of steps (not after a settlement: an event taken off the pending list, or
// an alert that an email was given up).
func (s *handoffs) UpdateFrom(ctx context.Context, h handoff.Handoff, now time.Time, change handoff.Change) (handoff.Handoff, error) {
	if !s.p.alive() {
		return h, ErrDead
	}
	steps := false
	out, err := s.next.UpdateFrom(ctx, h, now, func(h *handoff.Handoff) ([]handoff.Event, error) {
		withdrawn := !h.Withdrawn.IsZero()
		events, err := change(h)
		steps = !withdrawn && !h.Withdrawn.IsZero() || slices.ContainsFunc(events, func(e handoff.Event) bool { return e.Kind != handoff.EventUndelivered })
		return events, err
	})
	if err == nil && steps && s.p.reached(AfterRecord) {
		return out, ErrDead
	}
	return out, err
}

// Update dies after the SQL email's gate (claimed → sending).
func (s *handoffs) Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error) {
	if !s.p.alive() {
		return handoff.Handoff{}, ErrDead
	}
	gated := false
	out, err := s.next.Update(ctx, k, now, func(h *handoff.Handoff) ([]handoff.Event, error) {
		before := h.Mail.Status
		events, err := change(h)
		gated = before == outbox.MailClaimed && h.Mail.Status == outbox.MailSending
		return events, err
	})
	if err == nil && gated {
		s.p.gate("sql")
		if s.p.reached(AfterSQLGate) {
			return out, ErrDead
		}
	}
	return out, err
}

func (s *handoffs) TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error) {
	if !s.p.alive() {
		return nil, ErrDead
	}
	return s.next.TeamLoads(ctx, team)
}

// StartEventMail dies after an SLA event's gate.
func (s *handoffs) StartEventMail(ctx context.Context, k handoff.Key, id string, now time.Time) (handoff.Event, bool, error) {
	if !s.p.alive() {
		return handoff.Event{}, false, ErrDead
	}
	e, mine, err := s.next.StartEventMail(ctx, k, id, now)
	if err == nil && mine {
		s.p.gate("event")
		if s.p.reached(AfterGate) {
			return e, false, ErrDead
		}
	}
	return e, mine, err
}

func (s *handoffs) Event(ctx context.Context, k handoff.Key, id string) (handoff.Event, error) {
	if !s.p.alive() {
		return handoff.Event{}, ErrDead
	}
	return s.next.Event(ctx, k, id)
}

func (s *handoffs) SettleEventMail(ctx context.Context, k handoff.Key, id string, from outbox.MailStatus, m outbox.Mail) error {
	if !s.p.alive() {
		return ErrDead
	}
	return s.next.SettleEventMail(ctx, k, id, from, m)
}

type sender struct {
	next deadlines.Sender
	p    *Process
}

// Send dies after SES accepted an email (AfterSend, AfterSQLSend, by the gate it passed), or, past
// DieAfterSends, instead of handing it over.
func (s *sender) Send(ctx context.Context, m email.Message) (string, error) {
	p := s.p
	p.mu.Lock()
	if !p.dead && p.sendsCap >= 0 && p.sends >= p.sendsCap {
		p.dead, p.died = true, true
	}
	dead, kind := p.dead, p.lastGate
	p.sends++
	p.mu.Unlock()
	if dead {
		return "", ErrDead
	}
	id, err := s.next.Send(ctx, m)
	point := AfterSend
	if kind == "sql" {
		point = AfterSQLSend
	}
	if err == nil && p.reached(point) {
		return "", ErrDead
	}
	return id, err
}
