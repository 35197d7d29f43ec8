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

// memReports is one month's report of record in memory, updated under a lock as the store's conditional
// write does.
type memReports struct {
	mu sync.Mutex
	st records.Stored
}

func (r *memReports) Create(context.Context, records.Stored) (records.Stored, error) {
	return records.Stored{}, errors.New("not used")
}

func (r *memReports) Get(context.Context, contract.Month, bool) (records.Stored, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.st, nil
}

func (r *memReports) Update(_ context.Context, _ contract.Month, change func(*records.Stored) error) (records.Stored, error) {
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

// TestDuplicateDeliveryWhileSendingSendsNothing: Lambda may deliver one asynchronous invocation twice, with the
// same request ID. The month's gate lets that invocation take over an email it finds sending under its own ID —
// for Lambda's retry after the first delivery died — but only once the first delivery's hand-over to SES is surely
// over (outbox.SendTimeout): a duplicate arriving while the first is sending finds it in progress, and leadership
// get one copy. (Found by an independent review: the takeover was at once.)
func TestDuplicateDeliveryWhileSendingSendsNothing(t *testing.T) {
	t.Parallel()
	m := contract.Month{Year: 2026, Month: time.November}
	now := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	reports := &memReports{st: records.Stored{Month: m, Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now}}}
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

	// Lambda's retry of the same invocation once the first hand-over is surely over (the first died before
	// confirming): it takes the email over, marked as a possible duplicate.
	reports.st.Mail = outbox.Mail{Status: outbox.MailSending, ClaimedAt: now, SendingAt: now}
	retry := func() time.Time { return now.Add(outbox.SendTimeout) }
	res, err := outbox.Send(context.Background(), &monthGate{reports: reports, month: m, by: "req-1"}, sender, retry, compose)
	if err != nil || res.Outcome != outbox.Sent || !res.Mail.PossibleDuplicate {
		t.Errorf("Lambda's retry after the hand-over's bound: outcome %d, possible duplicate %v, err %v; want sent, marked", res.Outcome, res.Mail.PossibleDuplicate, err)
	}
}
