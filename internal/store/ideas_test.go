package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
)

func newIdeas(t *testing.T) (*store.Ideas, store.Tables) {
	t.Helper()
	names := testenv.Tables(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	tables := store.Tables{SLA: names["SlaTable"], Zone: paris}
	return store.NewIdeas(testenv.DynamoDB(t), tables), tables
}

// A submission is recorded once, however often and in whatever month it is posted again; the month is the
// contract zone's; its email is pending until settled sent, and then no longer.
func TestIdeasRecordedOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newIdeas(t)
	// 30 November 23:30 UTC is already December in Paris.
	at := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)
	sub := ideas.Submission{ID: ideas.NewSubmissionID(), RepID: "thomas-martin", Kind: ideas.Feedback, Category: "timing", Text: "Trop tard le vendredi", At: at}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		recorded int
	)
	for i := range 5 { // a double click, retries, a replay the next month: at most one records
		wg.Add(1)
		go func() {
			defer wg.Done()
			again := sub
			again.At = at.Add(time.Duration(i) * 24 * time.Hour)
			ok, err := s.Record(ctx, again)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				recorded++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if recorded != 1 {
		t.Fatalf("recorded %d times, want 1", recorded)
	}
	dec := contract.Month{Year: 2026, Month: 12}
	all := map[contract.Month]int{}
	for _, m := range []contract.Month{{Year: 2026, Month: 11}, dec, {Year: 2027, Month: 1}} {
		rs, err := s.Month(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		all[m] = len(rs)
	}
	if all[dec] != 1 || all[contract.Month{Year: 2026, Month: 11}] != 0 || all[contract.Month{Year: 2027, Month: 1}] != 0 {
		t.Fatalf("records by month = %v, want one, in December (Paris)", all)
	}
	rs, _ := s.Month(ctx, dec)
	if r := rs[0]; r.Text != sub.Text || r.Category != "timing" || r.Kind != ideas.Feedback || r.Mail.Status != outbox.MailClaimed {
		t.Fatalf("record = %+v", r)
	}

	// The email: pending; the gate lets one try through; settled sent, it leaves the pending list.
	pending, err := s.Pending(ctx)
	if err != nil || len(pending) != 1 || pending[0] != rs[0].Key() {
		t.Fatalf("pending = %v, %v", pending, err)
	}
	k := pending[0]
	now := at.Add(time.Minute)
	r, passed, err := s.StartMail(ctx, k, now)
	if err != nil || !passed || r.Mail.Status != outbox.MailSending {
		t.Fatalf("StartMail = %+v, %v, %v", r.Mail, passed, err)
	}
	if _, again, err := s.StartMail(ctx, k, now); err != nil || again {
		t.Fatalf("second StartMail passed = %v, %v", again, err)
	}
	// A settlement of another hand-over (another gate instant) writes nothing.
	stale := r.Mail
	stale.Sent("old", now)
	if err := s.SettleMail(ctx, k, now.Add(-time.Hour), stale); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(ctx, k); got.Mail.Status != outbox.MailSending {
		t.Fatalf("after a stale settlement: %s", got.Mail.Status)
	}
	m := r.Mail
	m.Sent("msg-1", now)
	if err := s.SettleMail(ctx, k, r.Mail.SendingAt, m); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, k)
	if err != nil || got.Mail.Status != outbox.MailSent || got.Mail.MessageID != "msg-1" {
		t.Fatalf("after settling: %+v, %v", got.Mail, err)
	}
	if pending, err := s.Pending(ctx); err != nil || len(pending) != 0 {
		t.Fatalf("pending after sent = %v, %v", pending, err)
	}
	if _, _, err := s.StartMail(ctx, ideas.Key{Month: dec, RepID: "x", ID: "y"}, now); !errors.Is(err, store.ErrIdeaNotFound) {
		t.Fatalf("StartMail of nothing = %v", err)
	}
}

// A refused email stays pending (claimed again); an abandoned one leaves.
func TestIdeasMailRefusedThenAbandoned(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := newIdeas(t)
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	sub := ideas.Submission{ID: ideas.NewSubmissionID(), RepID: "r", Kind: ideas.Idea, Text: "x", At: at}
	if ok, err := s.Record(ctx, sub); !ok || err != nil {
		t.Fatal(ok, err)
	}
	k := ideas.Key{Month: contract.Month{Year: 2026, Month: 12}, RepID: "r", ID: sub.ID}
	r, _, _ := s.StartMail(ctx, k, at)
	m := r.Mail
	m.Refused()
	if err := s.SettleMail(ctx, k, r.Mail.SendingAt, m); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != 1 {
		t.Fatalf("refused: pending %v", p)
	}
	r, passed, err := s.StartMail(ctx, k, at.Add(time.Minute))
	if !passed || err != nil || r.Mail.Attempts != 1 {
		t.Fatalf("retry: %+v %v %v", r.Mail, passed, err)
	}
	if err := s.Abandon(ctx, r); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Pending(ctx); len(p) != 0 {
		t.Fatalf("abandoned: pending %v", p)
	}
	if got, _ := s.Get(ctx, k); got.Mail.Status != outbox.MailAbandoned {
		t.Fatalf("status %s", got.Mail.Status)
	}
}

// The report's reader takes the ideas of the month's quarter up to the month, recorded by its as-of instant.
func TestMonthsReadTheQuartersIdeas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	names := testenv.Tables(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: paris}
	s := store.NewIdeas(testenv.DynamoDB(t), tables)
	asOf := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for i, at := range []time.Time{
		time.Date(2026, 9, 30, 9, 0, 0, 0, time.UTC),   // the quarter before
		time.Date(2026, 10, 2, 9, 0, 0, 0, time.UTC),   // in
		time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC), // in
		time.Date(2026, 12, 1, 0, 30, 0, 0, time.UTC),  // after asOf
	} {
		if ok, err := s.Record(ctx, ideas.Submission{ID: ideas.NewSubmissionID(), RepID: "r", Kind: ideas.Idea, Text: fmt.Sprint(i), At: at}); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	in, err := store.NewMonths(testenv.DynamoDB(t), tables).Read(ctx, contract.Month{Year: 2026, Month: 11}, asOf)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range in.Ideas {
		got = append(got, r.Text)
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"1", "2"}) {
		t.Fatalf("ideas read = %v, want 1 and 2", got)
	}
}
