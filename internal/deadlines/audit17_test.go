package deadlines_test

// Independent audit of the GDPR work (issue 17): the deadline checker and an erasure, judged against README.md's
// "Erasure" ("the hand-off is ended (no more checks, reminders or answers …)") and "Consent" ("To stop all
// contact, erase the person … nothing more is sent about them").

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/forget"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/store"
)

// erasingHandoffs is the checker's store, with an erasure of the person completing right after the checker
// read their hand-off from due-checks and before it acts on it: what a `handoff forget` run at that instant does.
type erasingHandoffs struct {
	*store.Handoffs
	erase func()
}

func (e erasingHandoffs) ForEachDue(ctx context.Context, before time.Time, fn func(handoff.Handoff) error) error {
	return e.Handoffs.ForEachDue(ctx, before, func(h handoff.Handoff) error {
		e.erase()
		return fn(h)
	})
}

// TestAudit17NothingIsSentAboutAnErasedPerson: after an erasure nothing more is sent about the person — the
// reminder whose first sending SES refused (still pending on the hand-off) included. Twice: the erasure before
// the checker's run; the erasure while the run holds the hand-off it read from the index.
func TestAudit17NothingIsSentAboutAnErasedPerson(t *testing.T) {
	for _, race := range []bool{false, true} {
		name := map[bool]string{false: "erased before the run", true: "erased while the run holds the hand-off"}[race]
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			h := f.sql("FR-IDF", paris(t, "2026-11-30 09:00"))
			l, err := f.leads.Get(ctx, h.LeadID)
			if err != nil {
				t.Fatal(err)
			}
			// The first reminder falls due; SES refuses its email: it stays pending for the next run.
			f.sender.FailNext(email.ErrRejected)
			if _, err := f.runErr(h.Reminders[0]); err == nil {
				t.Fatal("the refused reminder did not fail the run")
			}
			if h = f.get(h.Key); len(h.Pending) != 1 {
				t.Fatalf("the refused reminder is not pending: %+v", h.Pending)
			}
			before := len(f.mails())
			var logs testenv.SyncBuffer
			log := slog.New(slog.NewJSONHandler(&logs, nil))
			people := store.NewPeople(f.db, f.tables)
			erase := func() {
				if r, err := forget.Person(ctx, people, l.Contact.Email, f.clock.Now()); err != nil || r.Status != forget.StatusErased && !race {
					t.Errorf("forget: %+v %v", r, err)
				}
			}
			var hs deadlines.Handoffs = f.handoffs
			if race {
				hs = erasingHandoffs{Handoffs: f.handoffs, erase: erase}
			} else {
				erase()
			}
			checker, err := deadlines.New(f.c, hs, f.leads, f.sender, email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"}, f.clock.Now, log)
			if err != nil {
				t.Fatal(err)
			}
			checker.Wait = f.checker.Wait
			f.clock.Set(h.Reminders[0].Add(time.Minute))
			if _, err := checker.Run(ctx, 0); err != nil {
				t.Logf("run: %v", err)
			}
			for _, m := range f.mails()[before:] {
				t.Errorf("sent after the erasure, to %v: %q", m.Destination.To, m.Subject)
			}
			for _, v := range []string{l.Contact.Email, l.Contact.LastName, "472000000"} {
				if strings.Contains(logs.String(), v) {
					t.Errorf("the checker's logs name %q", v)
				}
			}
		})
	}
}
