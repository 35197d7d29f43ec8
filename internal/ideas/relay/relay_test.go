package relay_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/ideas/relay"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

var at = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

type fixture struct {
	t     *testing.T
	c     *contract.Contract
	store *store.Ideas
	table string       // the SLA table's name
	sent  atomic.Int32 // emails SES accepted from this fixture's relay
}

func newFixture(t *testing.T, locale string) *fixture {
	t.Helper()
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c.Locale = contract.Locale(locale)
	names := testenv.Tables(t)
	return &fixture{t: t, c: c, table: names["SlaTable"], store: store.NewIdeas(testenv.DynamoDB(t), store.Tables{SLA: names["SlaTable"], Zone: c.Location})}
}

// sender counts what SES local accepted, or plays a failure.
type sender struct {
	f    *fixture
	next outbox.Sender[email.Message]
	fail error
}

func (s *sender) Send(ctx context.Context, m email.Message) (string, error) {
	if s.fail != nil {
		return "", s.fail
	}
	id, err := s.next.Send(ctx, m)
	if err == nil {
		s.f.sent.Add(1)
	}
	return id, err
}

func (f *fixture) relay(fail error, now time.Time) *relay.Relay {
	return relay.New(f.c, f.store, &sender{f: f, next: ses.New(ses.NewClient(testenv.SESConfig(f.t))), fail: fail},
		func() time.Time { return now }, testenv.Logger(f.t))
}

func (f *fixture) record(kind ideas.Kind, category, text string) ideas.Submission {
	f.t.Helper()
	s := ideas.Submission{ID: ideas.NewSubmissionID(), RepID: "thomas-martin", Kind: kind, Category: category, Text: text, At: at}
	if ok, err := f.store.Record(context.Background(), s); !ok || err != nil {
		f.t.Fatal(ok, err)
	}
	return s
}

func (f *fixture) pending() int {
	f.t.Helper()
	p, err := f.store.Pending(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return len(p)
}

// Each submission reaches marketing ops once, HTML escaped and plain text, however often the relay runs.
func TestRelaySendsEachOnce(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ locale, kind, category string }{{"fr", "Un retour terrain", "Moment du transfert"}, {"en", "Field feedback", "Hand-off timing"}} {
		t.Run(tc.locale, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.locale)
			marker := fmt.Sprintf("relay-%s-%d", tc.locale, time.Now().UnixNano())
			f.record(ideas.Feedback, "timing", marker+" <script>alert(1)</script>\nligne 2")
			f.record(ideas.Idea, "", marker+" un cas client")
			for range 3 {
				if _, err := f.relay(nil, at.Add(time.Minute)).Run(testenv.AsFunction(context.Background(), "DeadlinesFunction")); err != nil {
					t.Fatal(err)
				}
			}
			if n := f.sent.Load(); n != 2 {
				t.Fatalf("sent %d emails, want 2", n)
			}
			if f.pending() != 0 {
				t.Fatal("emails still pending after sending")
			}
			mails := testenv.Mails(t, marker)
			if len(mails) != 2 {
				t.Fatalf("SES local holds %d emails, want 2", len(mails))
			}
			for _, m := range mails {
				if len(m.Destination.To) != 1 || !strings.Contains(m.Destination.To[0], "marketing-ops@maintenia.fr") || !strings.Contains(m.Subject, "Thomas Martin") {
					t.Errorf("email to %v, subject %q", m.Destination.To, m.Subject)
				}
				if strings.Contains(m.Body.HTML, "<script>") {
					t.Errorf("the rep's text is not escaped in the HTML:\n%s", m.Body.HTML)
				}
				if !strings.Contains(m.Body.Text, "<script>") {
					continue // the idea
				}
				if !strings.Contains(m.Subject, tc.category) || !strings.Contains(m.Body.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") {
					t.Errorf("the feedback's email: subject %q (want its category %q), HTML:\n%s", m.Subject, tc.category, m.Body.HTML)
				}
			}
		})
	}
}

// A crash after the gate (the email left sending, its outcome unknown) sends nothing again: abandoned once past
// handoff.InterruptedAfter. A refusal is retried by the next run. No marketing ops: abandoned, nothing sent.
func TestRelayFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("interrupted after the gate", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, "fr")
		s := f.record(ideas.Idea, "", "x")
		k := ideas.Key{Month: ideas.MonthOf(at, f.c.Location), RepID: s.RepID, ID: s.ID}
		if _, passed, err := f.store.StartMail(ctx, k, at); !passed || err != nil { // the sender died here
			t.Fatal(passed, err)
		}
		if _, err := f.relay(nil, at.Add(handoff.InterruptedAfter)).Run(testenv.AsFunction(ctx, "DeadlinesFunction")); err != nil {
			t.Fatal(err)
		}
		if f.pending() != 1 {
			t.Fatal("an email still in its sender's hands was given up")
		}
		if _, err := f.relay(nil, at.Add(handoff.InterruptedAfter+time.Second)).Run(testenv.AsFunction(ctx, "DeadlinesFunction")); err != nil {
			t.Fatal(err)
		}
		r, _ := f.store.Get(ctx, k)
		if f.sent.Load() != 0 || f.pending() != 0 || r.Mail.Status != outbox.MailAbandoned {
			t.Fatalf("sent %d, pending %d, status %s; want nothing sent, abandoned", f.sent.Load(), f.pending(), r.Mail.Status)
		}
	})
	t.Run("refused then sent", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, "fr")
		f.record(ideas.Idea, "", "y")
		if _, err := f.relay(fmt.Errorf("send: %w", outbox.ErrThrottled), at).Run(testenv.AsFunction(ctx, "DeadlinesFunction")); err == nil {
			t.Fatal("a refusal is not reported")
		}
		if f.pending() != 1 {
			t.Fatal("a refused email left the pending list")
		}
		if _, err := f.relay(nil, at.Add(time.Minute)).Run(testenv.AsFunction(ctx, "DeadlinesFunction")); err != nil {
			t.Fatal(err)
		}
		if f.sent.Load() != 1 || f.pending() != 0 {
			t.Fatalf("sent %d, pending %d", f.sent.Load(), f.pending())
		}
	})
	t.Run("unknown outcome", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, "fr")
		f.record(ideas.Idea, "", "z")
		res, err := f.relay(errors.New("connection reset"), at).Run(testenv.AsFunction(ctx, "DeadlinesFunction"))
		if err != nil || res.Sent != 0 {
			t.Fatal(res, err)
		}
		if _, err := f.relay(nil, at.Add(time.Minute)).Run(testenv.AsFunction(ctx, "DeadlinesFunction")); err != nil {
			t.Fatal(err)
		}
		if f.sent.Load() != 0 || f.pending() != 0 {
			t.Fatalf("an email whose outcome is unknown was sent again (%d) or kept (%d)", f.sent.Load(), f.pending())
		}
	})
	t.Run("no marketing ops", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, "en")
		f.c.Recipients.MarketingOps = nil
		f.record(ideas.Idea, "", "w")
		res, err := f.relay(nil, at).Run(testenv.AsFunction(ctx, "DeadlinesFunction"))
		if err != nil || res.Abandoned != 1 || f.sent.Load() != 0 || f.pending() != 0 {
			t.Fatalf("%+v, %v, sent %d, pending %d", res, err, f.sent.Load(), f.pending())
		}
	})
}

// A submission deleted by hand (an erasure) while its email was pending: nothing sent, off the list, no error.
func TestRelayRecordGone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, "fr")
	s := f.record(ideas.Idea, "", "Marc Roux de chez ACME veut un cas client")
	if _, err := testenv.DynamoDB(t).DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &f.table, Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "IDEAS#" + ideas.MonthOf(at, f.c.Location).String()},
		"sk": &types.AttributeValueMemberS{Value: "REP#" + s.RepID + "#" + s.ID}}}); err != nil {
		t.Fatal(err)
	}
	res, err := f.relay(nil, at).Run(testenv.AsFunction(ctx, "DeadlinesFunction"))
	if err != nil || res != (relay.Result{}) || f.sent.Load() != 0 || f.pending() != 0 {
		t.Fatalf("%+v, %v, sent %d, pending %d", res, err, f.sent.Load(), f.pending())
	}
}
