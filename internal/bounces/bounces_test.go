package bounces_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/bounces"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// The samples' hand-off: the lead and instant their tags name, handed to thomas-martin, whose address the test's
// contract makes the samples' rep@example.com.
var (
	leadID    = "ld_01KBZ3T0W9Q6V2C8N4M7R5J1HD"
	handoffAt = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
)

func testContract(t *testing.T) *contract.Contract {
	t.Helper()
	data, err := os.ReadFile("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("thomas.martin@maintenia.fr"), []byte("rep@example.com"), 1)
	c, err := contract.Parse("contract.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sample is an event of events/bounces/, its tags changed by edit (name -> value; "" removes the tag).
func sample(t *testing.T, name string, edit map[string]string) bounces.Event {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "bounces", name))
	if err != nil {
		t.Fatal(err)
	}
	var ev bounces.Event
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	for k, v := range edit {
		if v == "" {
			delete(ev.Detail.Mail.Tags, k)
		} else {
			ev.Detail.Mail.Tags[k] = []string{v}
		}
	}
	return ev
}

// memHandoffs is store.Handoffs in memory: a change applied to a copy, kept unless it says ErrNoChange.
type memHandoffs struct {
	mu     sync.Mutex
	h      map[handoff.Key]handoff.Handoff
	events []handoff.Event
	fail   error
}

func (m *memHandoffs) Update(_ context.Context, k handoff.Key, _ time.Time, change handoff.Change) (handoff.Handoff, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return handoff.Handoff{}, m.fail
	}
	old, ok := m.h[handoff.Key{LeadID: k.LeadID, At: k.At.UTC()}]
	if !ok {
		return handoff.Handoff{}, handoff.ErrNotFound
	}
	h := old
	h.Bounces = append([]string(nil), old.Bounces...)
	events, err := change(&h)
	if err != nil {
		return old, err
	}
	m.h[k] = h
	m.events = append(m.events, events...)
	return h, nil
}

// memOthers is store.Bounces in memory, with the outbox record of each bounce's email to ops.
type memOthers struct {
	mu   sync.Mutex
	seen map[string]mailtag.Ref
	mail map[string]outbox.Mail
}

func newOthers() *memOthers {
	return &memOthers{seen: map[string]mailtag.Ref{}, mail: map[string]outbox.Mail{}}
}

func (m *memOthers) Record(_ context.Context, ref mailtag.Ref, _, feedbackID string, _ handoff.BounceKind, _ string, at time.Time, withMail bool) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.seen[feedbackID]; ok {
		return false, nil
	}
	m.seen[feedbackID] = ref
	if withMail {
		m.mail[feedbackID] = outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: at}
	}
	return true, nil
}

func (m *memOthers) StartMail(_ context.Context, feedbackID string, _, now time.Time) (outbox.Mail, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ml, ok := m.mail[feedbackID]
	if !ok {
		return ml, false, errors.New("no mail")
	}
	passed := ml.Start(now)
	m.mail[feedbackID] = ml
	return ml, passed, nil
}

func (m *memOthers) SettleMail(_ context.Context, feedbackID string, _, sendingAt time.Time, ml outbox.Mail) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cur := m.mail[feedbackID]; cur.Status == outbox.MailSending && cur.SendingAt.Equal(sendingAt) {
		m.mail[feedbackID] = ml
	}
	return nil
}

// sender counts what it is handed; it refuses while refuse > 0.
type sender struct {
	mu     sync.Mutex
	sent   []email.Message
	refuse int
}

func (s *sender) Send(_ context.Context, m email.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse > 0 {
		s.refuse--
		return "", fmt.Errorf("%w: SES MessageRejected", outbox.ErrRejected)
	}
	s.sent = append(s.sent, m)
	return fmt.Sprintf("ops-%d", len(s.sent)), nil
}

// sentHandoff is the samples' hand-off, its SQL email sent to thomas-martin.
func sentHandoff(t *testing.T, c *contract.Contract) handoff.Handoff {
	t.Helper()
	d, err := handoff.DeadlinesFrom(c, handoffAt)
	if err != nil {
		t.Fatal(err)
	}
	h := handoff.New(handoff.Key{LeadID: leadID, At: handoffAt}, handoff.Assignment{RepID: "thomas-martin", Team: "nord", At: handoffAt}, d, c.Version, handoffAt)
	h.Mail.Status, h.Mail.SentAt = outbox.MailSent, handoffAt
	return *h
}

// TestProcess: what each SES event does, through the handler, to the hand-off its tags name (or the record of
// the other emails): the samples of events/bounces/ as SES sends them, and variations.
func TestProcess(t *testing.T) {
	t.Parallel()
	c := testContract(t)
	for _, tc := range []struct {
		name   string
		event  string
		edit   map[string]string
		tweak  func(*bounces.Event)
		before func(*handoff.Handoff)
		want   bounces.Outcome
		// mail: the SQL email's status after; other: recorded among the other emails' bounces.
		mail  outbox.MailStatus
		other bool
		err   bool
	}{
		{name: "permanent bounce of the SQL email", event: "bounce-permanent-sql.json", want: bounces.SQLBounce, mail: outbox.MailBounced},
		{name: "complaint of the SQL email", event: "complaint-sql.json", want: bounces.SQLBounce, mail: outbox.MailBounced},
		{name: "transient bounce of a reminder", event: "bounce-transient-reminder.json", want: bounces.Recorded, mail: outbox.MailSent},
		{name: "transient bounce of the SQL email", event: "bounce-transient-reminder.json",
			edit: map[string]string{"kind": "sql", "event": "", "n": ""}, want: bounces.Recorded, mail: outbox.MailSent},
		{name: "permanent bounce of a reminder", event: "bounce-permanent-sql.json",
			edit: map[string]string{"kind": "event", "event": "reminder", "n": "0"}, want: bounces.Recorded, mail: outbox.MailSent},
		{name: "only the manager in copy bounced", event: "bounce-permanent-sql.json", tweak: func(ev *bounces.Event) {
			ev.Detail.Bounce.BouncedRecipients[0].EmailAddress = "marc.lefevre@maintenia.fr"
		}, want: bounces.Recorded, mail: outbox.MailSent},
		{name: "the rep's address in another case", event: "bounce-permanent-sql.json", tweak: func(ev *bounces.Event) {
			ev.Detail.Bounce.BouncedRecipients[0].EmailAddress = "Rep@Example.com"
		}, want: bounces.SQLBounce, mail: outbox.MailBounced},
		{name: "the rep answered already", event: "bounce-permanent-sql.json", before: func(h *handoff.Handoff) {
			h.Decision = handoff.Decision{Verdict: handoff.Accepted, At: handoffAt.Add(time.Minute), RepID: h.Rep()}
		}, want: bounces.Recorded, mail: outbox.MailSent},
		{name: "the same event twice", event: "bounce-permanent-sql.json", before: func(h *handoff.Handoff) {
			h.Bounces = []string{"0100019ac44f053b-61b59c11-9236-11e6-8f96-7be8aexample-000000"}
		}, want: bounces.Duplicate, mail: outbox.MailSent},
		{name: "a hand-off that is gone", event: "bounce-permanent-sql.json", edit: map[string]string{"lead": "ld_GONE"}, want: bounces.Dropped, mail: outbox.MailSent},
		{name: "an email without Handoff's tags", event: "bounce-permanent-sql.json", edit: map[string]string{"kind": ""}, want: bounces.Dropped, mail: outbox.MailSent},
		{name: "tags that name no hand-off", event: "bounce-permanent-sql.json", edit: map[string]string{"handoff": "yesterday"}, want: bounces.Dropped, mail: outbox.MailSent},
		{name: "a delivery, not a bounce", event: "bounce-permanent-sql.json", tweak: func(ev *bounces.Event) { ev.DetailType = "Email Delivered" },
			want: bounces.Dropped, mail: outbox.MailSent},
		{name: "a bounce without its bounce object", event: "bounce-permanent-sql.json", tweak: func(ev *bounces.Event) { ev.Detail.Bounce = nil },
			want: bounces.Dropped, mail: outbox.MailSent},
		{name: "the monthly report bounced", event: "bounce-permanent-report.json", want: bounces.Recorded, mail: outbox.MailSent, other: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := sentHandoff(t, c)
			if tc.before != nil {
				tc.before(&h)
			}
			store := &memHandoffs{h: map[handoff.Key]handoff.Handoff{h.Key: h}}
			others, out := newOthers(), &sender{}
			var logs bytes.Buffer
			hd := bounces.New(c, store, others, out, func() time.Time { return handoffAt.Add(time.Hour) }, slog.New(slog.NewJSONHandler(&logs, nil)))
			ev := sample(t, tc.event, tc.edit)
			if tc.tweak != nil {
				tc.tweak(&ev)
			}
			got, err := hd.Process(context.Background(), ev)
			if err != nil || got != tc.want {
				t.Fatalf("Process = %q, %v; want %q", got, err, tc.want)
			}
			if after := store.h[h.Key]; after.Mail.Status != tc.mail {
				t.Errorf("SQL email %s, want %s", after.Mail.Status, tc.mail)
			}
			if tc.other != (len(others.seen) == 1) {
				t.Errorf("other emails' bounces recorded: %v", others.seen)
			}
			// Only the report's bounce tells marketing ops (by email); a hand-off's does it through the checker.
			if tells := tc.event == "bounce-permanent-report.json"; tells != (len(out.sent) == 1) ||
				tells && (out.sent[0].To[0].Address != "marketing-ops@maintenia.fr" || !strings.Contains(out.sent[0].Subject, "novembre 2026")) {
				t.Errorf("emails to ops: %+v", out.sent)
			}
			if (got == bounces.Recorded || got == bounces.SQLBounce) && !tc.other && (len(store.events) != 1 || store.events[0].Kind != handoff.EventBounced) {
				t.Errorf("events %+v, want one %s", store.events, handoff.EventBounced)
			}
			// The same event again changes nothing.
			if got == bounces.Recorded || got == bounces.SQLBounce {
				again, err := hd.Process(context.Background(), ev)
				if err != nil || again != bounces.Duplicate || len(store.events) > 1 || len(others.seen) > 1 || len(out.sent) > 1 {
					t.Errorf("again: %q, %v; events %d, others %d", again, err, len(store.events), len(others.seen))
				}
			}
			// No address in the logs: not the rep's, not the sender's.
			for _, addr := range []string{"rep@example.com", "sla@example.com", "boss@example.com", "marc.lefevre"} {
				if strings.Contains(strings.ToLower(logs.String()), addr) {
					t.Errorf("the logs name %s:\n%s", addr, logs.String())
				}
			}
		})
	}
}

// TestAFailedWriteIsRetried: a write that failed is the invocation's error (Lambda retries it); nothing else is.
func TestAFailedWriteIsRetried(t *testing.T) {
	t.Parallel()
	c := testContract(t)
	h := sentHandoff(t, c)
	store := &memHandoffs{h: map[handoff.Key]handoff.Handoff{h.Key: h}, fail: errors.New("throttled")}
	hd := bounces.New(c, store, newOthers(), &sender{}, time.Now, slog.New(slog.DiscardHandler))
	if err := hd.Handle(context.Background(), sample(t, "bounce-permanent-sql.json", nil)); err == nil {
		t.Fatal("a failed write was not an error")
	}
}

// TestTheReportsBounceTellsOpsOnce: SES refusing the email to ops makes the invocation fail (Lambda retries it);
// the retry, a duplicate of the event, sends what was left claimed — once, however many more deliveries come.
func TestTheReportsBounceTellsOpsOnce(t *testing.T) {
	t.Parallel()
	c := testContract(t)
	others, out := newOthers(), &sender{refuse: 1}
	hd := bounces.New(c, &memHandoffs{h: map[handoff.Key]handoff.Handoff{}}, others, out, time.Now, slog.New(slog.DiscardHandler))
	ev := sample(t, "bounce-permanent-report.json", nil)
	if err := hd.Handle(context.Background(), ev); err == nil || len(out.sent) != 0 {
		t.Fatalf("refused: %v, %d sent", err, len(out.sent))
	}
	for i := 0; i < 3; i++ {
		if got, err := hd.Process(context.Background(), ev); err != nil || got != bounces.Duplicate {
			t.Fatalf("retry %d: %q, %v", i+1, got, err)
		}
	}
	if len(out.sent) != 1 {
		t.Fatalf("%d emails to ops, want 1", len(out.sent))
	}
	for _, ml := range others.mail {
		if ml.Status != outbox.MailSent || ml.Attempts != 1 {
			t.Errorf("its record: %+v", ml)
		}
	}
}
