package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// gate is one email's record in memory.
type gate struct {
	m         outbox.Mail
	settled   []outbox.Settlement
	settleErr error
}

func (g *gate) Pass(_ context.Context, now time.Time) (outbox.Mail, bool, error) {
	passed := g.m.Start(now)
	return g.m, passed, nil
}

func (g *gate) Settle(_ context.Context, now time.Time, s outbox.Settlement) error {
	g.settled = append(g.settled, s)
	if g.settleErr != nil {
		return g.settleErr
	}
	s.Apply(&g.m, now)
	return nil
}

type sender struct {
	calls int
	id    string
	err   error
}

func (s *sender) Send(context.Context, string) (string, error) { s.calls++; return s.id, s.err }

// TestSend: the one loop every email passes — gate, compose, send, settle — outcome by outcome: who sends, what
// is recorded, and what is an error for the caller's retry.
func TestSend(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	composed := func(context.Context, outbox.Mail) (string, error) { return "email", nil }
	for _, tc := range []struct {
		name      string
		mail      outbox.Mail
		compose   func(context.Context, outbox.Mail) (string, error)
		sender    sender
		settleErr error
		outcome   outbox.Outcome
		status    outbox.MailStatus
		attempts  int
		calls     int
		err       bool // an error for the caller's retry
		settled   int
	}{
		{name: "claimed: sent and confirmed", sender: sender{id: "ses-1"}, outcome: outbox.Sent, status: outbox.MailSent, calls: 1, settled: 1},
		{name: "sending elsewhere: not sent", mail: outbox.Mail{Status: outbox.MailSending}, outcome: outbox.NotPassed, status: outbox.MailSending},
		{name: "sent already: not sent", mail: outbox.Mail{Status: outbox.MailSent}, outcome: outbox.NotPassed, status: outbox.MailSent},
		{name: "throttled past the SDK's retries: claimed again", sender: sender{err: fmt.Errorf("%w: 429", outbox.ErrThrottled)},
			outcome: outbox.Refused, status: outbox.MailClaimed, attempts: 1, calls: 1, err: true, settled: 1},
		{name: "rejected: claimed again", sender: sender{err: fmt.Errorf("%w: MessageRejected", outbox.ErrRejected)},
			outcome: outbox.Refused, status: outbox.MailClaimed, attempts: 1, calls: 1, err: true, settled: 1},
		{name: "outcome unknown: left sending, not an error", sender: sender{err: errors.New("connection reset")},
			outcome: outbox.Unknown, status: outbox.MailSending, calls: 1},
		{name: "composing failed: claimed again, SES not asked", compose: func(context.Context, outbox.Mail) (string, error) { return "", errors.New("read failed") },
			outcome: outbox.Refused, status: outbox.MailClaimed, attempts: 1, err: true, settled: 1},
		{name: "cannot be composed: settled as unsendable, not an error",
			compose: func(context.Context, outbox.Mail) (string, error) {
				return "", fmt.Errorf("%w: nobody", outbox.ErrUnsendable)
			},
			outcome: outbox.Unsendable, status: outbox.MailAbandoned, settled: 1},
		{name: "sent, its confirmation failed: sent, unconfirmed", sender: sender{id: "ses-2"}, settleErr: errors.New("throttled write"),
			outcome: outbox.Sent, status: outbox.MailSending, calls: 1, settled: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.mail.Status == "" {
				tc.mail = outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: now}
			}
			if tc.compose == nil {
				tc.compose = composed
			}
			g := &gate{m: tc.mail, settleErr: tc.settleErr}
			res, err := outbox.Send(context.Background(), g, &tc.sender, func() time.Time { return now }, tc.compose)
			if res.Outcome != tc.outcome || g.m.Status != tc.status || g.m.Attempts != tc.attempts || tc.sender.calls != tc.calls ||
				(err != nil) != tc.err || len(g.settled) != tc.settled {
				t.Errorf("outcome %d, mail %+v, %d calls, err %v, settled %+v", res.Outcome, g.m, tc.sender.calls, err, g.settled)
			}
			if tc.outcome == outbox.Sent && (res.MessageID != tc.sender.id || (res.Unconfirmed != nil) != (tc.settleErr != nil)) {
				t.Errorf("sent: %+v", res)
			}
		})
	}
}

// TestSendIsBounded: SES is asked within outbox.SendTimeout of the gate; out of time before SES was asked,
// nothing left and the email is claimed again.
func TestSendIsBounded(t *testing.T) {
	t.Parallel()
	g := &gate{m: outbox.Mail{Status: outbox.MailClaimed}}
	var deadline time.Time
	s := senderFunc(func(ctx context.Context, _ string) (string, error) { deadline, _ = ctx.Deadline(); return "ses-1", nil })
	start := time.Now()
	if _, err := outbox.Send(context.Background(), g, s, time.Now, func(context.Context, outbox.Mail) (string, error) { return "", nil }); err != nil {
		t.Fatal(err)
	}
	if deadline.IsZero() || deadline.After(start.Add(outbox.SendTimeout).Add(time.Second)) {
		t.Errorf("SES asked with deadline %s, want by %s", deadline, start.Add(outbox.SendTimeout))
	}

	g = &gate{m: outbox.Mail{Status: outbox.MailClaimed}}
	ctx, cancel := context.WithCancel(context.Background())
	asked := false
	res, err := outbox.Send(ctx, g, senderFunc(func(context.Context, string) (string, error) { asked = true; return "", nil }), time.Now,
		func(context.Context, outbox.Mail) (string, error) { cancel(); return "", nil })
	if !errors.Is(err, context.Canceled) || asked || res.Outcome != outbox.Refused || g.m.Status != outbox.MailClaimed {
		t.Errorf("err %v, asked %v, %+v, mail %+v", err, asked, res, g.m)
	}
}

type senderFunc func(context.Context, string) (string, error)

func (f senderFunc) Send(ctx context.Context, m string) (string, error) { return f(ctx, m) }
