package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestABouncedSQLEmailOnDynamoDB: a bounce recorded on a hand-off in DynamoDB Local reads back whole (the email
// bounced, the instant, the kind, the feedback ID, the alert's bounce for the report, its SLA event); the same
// report again writes nothing; the hand-off is due at once while the bounce is not dealt with; held, it leaves the
// checks, stays listed as open, and no longer counts in the rep's open SQLs; the report reads the alert's bounce.
func TestABouncedSQLEmailOnDynamoDB(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed(fmt.Sprintf("bounce%d@forges.fr", time.Now().UnixNano()), "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, h, &routing.Count{Team: "nord", RepID: "thomas-martin"}, at); err != nil {
		t.Fatal(err)
	}
	sentAt := at.Add(time.Second)
	if _, err := f.handoffs.Update(ctx, h.Key, sentAt, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(sentAt)
		h.Mail.Sent("m-1", sentAt)
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	open := f.loads("nord")["thomas-martin"].Open
	bouncedAt := at.Add(time.Minute)
	b := handoff.Bounce{ID: "feedback-1", Kind: handoff.BouncePermanent, SubType: "General", At: bouncedAt}
	record := func(h *handoff.Handoff) ([]handoff.Event, error) { return h.RecordBounce(b, bouncedAt) }
	if _, err := f.handoffs.Update(ctx, h.Key, bouncedAt, record); err != nil {
		t.Fatal(err)
	}
	got, err := f.handoffs.Get(ctx, h.Key)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mail.Status != outbox.MailBounced || !got.BouncedAt.Equal(bouncedAt) || got.BounceKind != handoff.BouncePermanent ||
		len(got.Bounces) != 1 || got.Bounces[0] != "feedback-1" || !got.AlertBouncedAt.Equal(bouncedAt) || !got.AlertedAt.Equal(sentAt) || got.BounceHandled {
		t.Fatalf("read back: %+v", got)
	}
	e, err := f.handoffs.Event(ctx, h.Key, "mail.bounced#0.0")
	if err != nil || e.Reason != "permanent/General" || !e.Due.Equal(bouncedAt) || e.RepID != "thomas-martin" {
		t.Fatalf("event: %+v, %v", e, err)
	}
	if _, err := f.handoffs.Update(ctx, h.Key, bouncedAt, record); !errors.Is(err, handoff.ErrNoChange) {
		t.Fatalf("the same report again: %v", err)
	}
	due := func(before time.Time) bool {
		found := false
		if err := f.handoffs.ForEachDue(ctx, before, func(d handoff.Handoff) error {
			found = found || d.Key == got.Key
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return found
	}
	if !due(bouncedAt) {
		t.Error("a bounce not dealt with is not due at once")
	}
	// Held: the alert claimed, then settled; nothing due any more, ever; the rep's open SQLs one fewer.
	held, err := f.handoffs.Update(ctx, h.Key, bouncedAt, func(h *handoff.Handoff) ([]handoff.Event, error) {
		return h.HandleBounce(nil, handoff.Deadlines{}, bouncedAt), nil
	})
	if err != nil || !held.Held() {
		t.Fatalf("hold: %+v, %v", held, err)
	}
	if _, err := f.handoffs.Update(ctx, h.Key, bouncedAt, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Confirmed(held.Pending[0])
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if due(at.AddDate(1, 0, 0)) {
		t.Error("a held SQL is still due for a check")
	}
	if l := f.loads("nord")["thomas-martin"]; l.Open != open-1 {
		t.Errorf("thomas-martin's open SQLs %d, want %d", l.Open, open-1)
	}
	held2 := false
	if err := f.handoffs.ForEachOpen(ctx, func(o handoff.Handoff) error { held2 = held2 || o.Key == h.Key; return nil }); err != nil || !held2 {
		t.Errorf("a held SQL is not listed as open (%v)", err)
	}
	// Erased then: the rep's load is not released twice.
	if _, err := f.handoffs.Update(ctx, h.Key, bouncedAt.Add(time.Hour), func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Forget(bouncedAt.Add(time.Hour))
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	if l := f.loads("nord")["thomas-martin"]; l.Open != open-1 {
		t.Errorf("after the erasure of a held SQL, thomas-martin's open SQLs %d, want %d", l.Open, open-1)
	}
	listed := false
	if err := f.handoffs.ForEachOpen(ctx, func(o handoff.Handoff) error { listed = listed || o.Key == h.Key; return nil }); err != nil || listed {
		t.Errorf("an erased SQL is listed as open (%v)", err)
	}
	in, err := store.NewMonths(f.db, f.tables).Read(ctx, contract.MonthOf(at.In(f.c.Location)), bouncedAt.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	read := false
	for _, rh := range in.Handoffs {
		if rh.LeadID != h.LeadID {
			continue
		}
		read = true
		if !rh.AlertBouncedAt.Equal(bouncedAt) || !rh.AlertedAt.Equal(sentAt) {
			t.Errorf("the report reads alerted %v, bounced %v", rh.AlertedAt, rh.AlertBouncedAt)
		}
	}
	if !read {
		t.Error("the report did not read the hand-off")
	}
}

// TestOtherEmailsBounces: the bounce of an email that is no hand-off's is recorded once; the report's claims the
// email to marketing ops with it, whose gate lets one hand-over through and whose settlement is that hand-over's.
func TestOtherEmailsBounces(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := testenv.AsFunction(context.Background(), "BouncesFunction") // refused as IAM would refuse it
	b := store.NewBounces(f.db, f.tables)
	ref := mailtag.Ref{Kind: mailtag.KindReport, Month: "2026-11"}
	id := fmt.Sprintf("feedback-%d", time.Now().UnixNano())
	for i, want := range []bool{true, false} {
		got, err := b.Record(ctx, ref, "m-1", id, handoff.BouncePermanent, "NoEmail", at, true)
		if err != nil || got != want {
			t.Errorf("record %d: %v, %v; want %v", i+1, got, err, want)
		}
	}
	now := at.Add(time.Minute)
	m, passed, err := b.StartMail(ctx, id, at, now)
	if err != nil || !passed || m.Status != outbox.MailSending || !m.SendingAt.Equal(now) {
		t.Fatalf("the gate: %+v, %v, %v", m, passed, err)
	}
	if again, passed, err := b.StartMail(ctx, id, at, now.Add(time.Second)); err != nil || passed || again.Status != outbox.MailSending {
		t.Fatalf("the gate again: %+v, %v, %v", again, passed, err)
	}
	stale := m
	stale.Sent("ops-0", now)
	if err := b.SettleMail(ctx, id, at, now.Add(-time.Second), stale); err != nil { // another hand-over's: nothing
		t.Fatal(err)
	}
	m.Sent("ops-1", now)
	if err := b.SettleMail(ctx, id, at, now, m); err != nil {
		t.Fatal(err)
	}
	if got, passed, err := b.StartMail(ctx, id, at, now.Add(time.Minute)); err != nil || passed || got.Status != outbox.MailSent || got.MessageID != "ops-1" {
		t.Errorf("settled: %+v, %v, %v", got, passed, err)
	}
	if _, _, err := b.StartMail(ctx, "nope", at, now); !errors.Is(err, store.ErrBounceNotFound) {
		t.Errorf("no such bounce: %v", err)
	}
	// A digest's bounce carries no email to ops.
	other := fmt.Sprintf("feedback-d-%d", time.Now().UnixNano())
	if ok, err := b.Record(ctx, mailtag.Ref{Kind: mailtag.KindDigest, Week: "2026-W48", RepID: "thomas-martin"}, "m-2", other, handoff.BounceTransient, "", at, false); err != nil || !ok {
		t.Fatalf("record a digest's: %v, %v", ok, err)
	}
	if _, _, err := b.StartMail(ctx, other, at, now); err == nil {
		t.Error("a digest's bounce has an email to ops")
	}
}
