package monthly

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// reviewReports is one month's report of record in memory, updated under a lock as the store's conditional
// write does.
type reviewReports struct {
	mu sync.Mutex
	st records.Stored
}

func (r *reviewReports) Create(context.Context, records.Stored) (records.Stored, error) {
	return records.Stored{}, errors.New("not used")
}

func (r *reviewReports) Get(context.Context, contract.Month, bool) (records.Stored, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st, nil
}

func (r *reviewReports) Update(_ context.Context, _ contract.Month, change func(*records.Stored) error) (records.Stored, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := r.st
	if err := change(&next); err != nil {
		return r.st, err
	}
	next.Version++
	r.st = next
	return r.st, nil
}

// blockingSender holds the first hand-over until released, as SES taking its time; it counts the emails.
type blockingSender struct {
	calls   atomic.Int32
	entered chan struct{}
	release chan struct{}
}

func (s *blockingSender) Send(ctx context.Context, _ email.Message) (string, error) {
	if s.calls.Add(1) == 1 {
		close(s.entered)
		<-s.release
	}
	return "ses-id", nil
}

// TestReviewSameRequestTakeoverWhileSending: Lambda may deliver one asynchronous invocation twice (the re-send path
// says so: "the invocation was delivered twice"), with the same request ID. The month's gate lets the invocation
// that passed it take the email over at once when it finds it sending under its own request ID — meant for
// Lambda's retry after the first invocation ended, but a concurrent duplicate delivery is let through too, while
// the first is still handing the email to SES: leadership get two copies though nothing crashed. Since the
// outbox bounds a hand-over (outbox.SendTimeout from the gate), the takeover could wait until SendingAt +
// SendTimeout has passed.
func TestReviewSameRequestTakeoverWhileSending(t *testing.T) {
	t.Parallel()
	m := contract.Month{Year: 2026, Month: time.November}
	now := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	reports := &reviewReports{st: records.Stored{Month: m, Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now}}}
	sender := &blockingSender{entered: make(chan struct{}), release: make(chan struct{})}
	compose := func(context.Context, outbox.Mail) (email.Message, error) { return email.Message{}, nil }
	clock := func() time.Time { return now }

	first := make(chan outbox.Result, 1)
	go func() {
		res, _ := outbox.Send(context.Background(), &monthGate{reports: reports, month: m, by: "req-1"}, sender, clock, compose)
		first <- res
	}()
	<-sender.entered // the first delivery is handing the email to SES

	// The duplicate delivery of the same invocation, a second later.
	later := func() time.Time { return now.Add(time.Second) }
	done := make(chan outbox.Result, 1)
	go func() {
		res, _ := outbox.Send(context.Background(), &monthGate{reports: reports, month: m, by: "req-1"}, sender, later, compose)
		done <- res
	}()
	var second outbox.Result
	select {
	case second = <-done:
	case <-time.After(5 * time.Second):
	}
	close(sender.release)
	<-first
	if n := sender.calls.Load(); n != 1 || second.Outcome != outbox.NotPassed {
		t.Errorf("a duplicate delivery of the invocation while the first is sending: %d emails handed to SES (outcome of the second %d), want 1 (the second in progress)", n, second.Outcome)
	}
}
