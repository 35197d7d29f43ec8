// Package emailtest holds a sender for tests: SES local behind fault injection.
package emailtest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
)

// Sender sends through SES local, counting its calls, after failing the next ones with the errors it is given:
// fault injection in front of the real server (a refusal, throttling, an unknown outcome).
type Sender struct {
	ses.SES
	mu    sync.Mutex
	fails []error
	// Calls counts every Send, failed or not.
	Calls atomic.Int64
}

// NewSender is a Sender to SES local.
func NewSender(t testing.TB) *Sender {
	return &Sender{SES: ses.New(ses.NewClient(testenv.SESConfig(t)))}
}

// Send fails with the next injected error, if any, else sends.
func (s *Sender) Send(ctx context.Context, m email.Message) (string, error) {
	s.Calls.Add(1)
	s.mu.Lock()
	if len(s.fails) > 0 {
		err := s.fails[0]
		s.fails = s.fails[1:]
		s.mu.Unlock()
		return "", err
	}
	s.mu.Unlock()
	return s.SES.Send(ctx, m)
}

// FailNext makes the next sends fail with errs, in order.
func (s *Sender) FailNext(errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, errs...)
}
