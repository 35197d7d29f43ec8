package handoff_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// memGate is one hand-off in memory, changed as the store changes it (one writer at a time).
type memGate struct {
	mu sync.Mutex
	h  handoff.Handoff
}

func (g *memGate) Update(_ context.Context, _ handoff.Key, _ time.Time, change handoff.Change) (handoff.Handoff, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h := g.h
	if _, err := change(&h); err != nil {
		return g.h, err
	}
	g.h = h
	return h, nil
}

func (g *memGate) mail() outbox.Mail {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.h.Mail
}

type senderFunc func(context.Context, string) (string, error)

func (f senderFunc) Send(ctx context.Context, m string) (string, error) { return f(ctx, m) }

// TestSendIsBoundedFromItsGate: the SQL email through the outbox with its gate (SQLMailGate). SES is asked with a deadline no later than outbox.SendTimeout after the gate's
// instant — so an SQL email sending for longer is in flight nowhere; out of time before SES was asked, the email
// is claimed again (nothing left); and a hand-over given up meanwhile (the checker took it as interrupted and
// passed the gate again) is not settled by the late answer of the first, which would confirm the second's.
func TestSendIsBoundedFromItsGate(t *testing.T) {
	t.Parallel()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	d, err := handoff.DeadlinesFrom(c, at)
	if err != nil {
		t.Fatal(err)
	}
	claimed := func() *memGate {
		return &memGate{h: *handoff.New(handoff.Key{LeadID: "ld_bound", At: at}, handoff.Assignment{RepID: "thomas-martin", At: at}, d, c.Version, at)}
	}
	compose := func(context.Context, outbox.Mail) (string, error) { return "SQL", nil }
	send := func(ctx context.Context, g *memGate, s outbox.Sender[string], compose func(context.Context, outbox.Mail) (string, error)) error {
		_, err := outbox.Send(ctx, handoff.NewSQLMailGate(g, g.h.Key), s, time.Now, compose)
		return err
	}

	t.Run("SES asked within the bound", func(t *testing.T) {
		t.Parallel()
		g := claimed()
		var deadline time.Time
		err := send(context.Background(), g, senderFunc(func(ctx context.Context, _ string) (string, error) {
			deadline, _ = ctx.Deadline()
			return "ses-1", nil
		}), compose)
		m := g.mail()
		if err != nil || m.Status != outbox.MailSent || deadline.IsZero() || deadline.After(m.SendingAt.Add(outbox.SendTimeout)) {
			t.Errorf("err %v, mail %+v; SES asked with deadline %s, want by %s", err, m, deadline, m.SendingAt.Add(outbox.SendTimeout))
		}
	})
	t.Run("out of time before SES was asked", func(t *testing.T) {
		t.Parallel()
		g := claimed()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		asked := false
		err := send(ctx, g, senderFunc(func(context.Context, string) (string, error) { asked = true; return "x", nil }),
			// compose waits on the context it is given (Send's, bounded and derived from ctx): a parent's Done is
			// closed before its children are cancelled, so waiting on ctx itself would race Send's own check.
			func(cctx context.Context, m outbox.Mail) (string, error) { <-cctx.Done(); return compose(cctx, m) })
		if m := g.mail(); !errors.Is(err, context.DeadlineExceeded) || asked || m.Status != outbox.MailClaimed || m.Attempts != 1 {
			t.Errorf("err %v, SES asked %v, mail %+v; want claimed again, SES not asked", err, asked, m)
		}
	})
	t.Run("a hand-over given up meanwhile", func(t *testing.T) {
		t.Parallel()
		g := claimed()
		err := send(context.Background(), g, senderFunc(func(context.Context, string) (string, error) {
			// Meanwhile the checker took this hand-over as interrupted, claimed the email again and passed its
			// gate: a second hand-over, under way.
			g.mu.Lock()
			g.h.Mail = outbox.Mail{Status: outbox.MailSending, ClaimedAt: at, SendingAt: g.h.Mail.SendingAt.Add(time.Minute), PossibleDuplicate: true}
			g.mu.Unlock()
			return "ses-late", nil
		}), compose)
		if m := g.mail(); err != nil || m.Status != outbox.MailSending || m.MessageID != "" {
			t.Errorf("err %v, mail %+v; want the second hand-over left to settle itself", err, m)
		}
	})
}
