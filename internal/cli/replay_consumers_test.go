package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/rescore"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// readLeads stands for the store in front of a consumer: it records the leads the consumer reads, and has none
// (so the consumer stops there, as with an erased lead).
type readLeads struct {
	mu   sync.Mutex
	read []string
}

func (r *readLeads) note(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.read = append(r.read, id)
}

func (r *readLeads) Get(_ context.Context, id string) (lead.Lead, error) {
	r.note(id)
	return lead.Lead{}, lead.ErrNotFound
}
func (r *readLeads) Activities(context.Context, string) ([]lead.Activity, error)          { return nil, nil }
func (r *readLeads) RecentContent(context.Context, int) ([]content.Piece, error)          { return nil, nil }
func (r *readLeads) ForEachDecayDue(context.Context, time.Time, func(string) error) error { return nil }
func (r *readLeads) RescoreFrom(_ context.Context, id string, _ scoring.Reading, _ func(lead.Lead, []lead.Activity) *scoring.Change) (*scoring.Change, error) {
	r.note(id)
	return nil, lead.ErrNotFound
}

// TestTheReplayedEventsAreWhatTheConsumersActOn: the events handoff replay prints, given to notify's and score's
// own stream handlers, make each read every lead named, once — the filter the event source mapping applies is
// skipped by a direct invocation, so the handlers' own reading of a record is what counts.
func TestTheReplayedEventsAreWhatTheConsumersActOn(t *testing.T) {
	t.Parallel()
	c, err := contract.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	ids := []string{"ld_a", "ld_b", "ld_c"}
	for _, consumer := range []string{"notify", "score"} {
		t.Run(consumer, func(t *testing.T) {
			args := []string{"replay", "--function", consumer}
			for _, id := range ids {
				args = append(args, "--lead", id)
			}
			var out, errOut bytes.Buffer
			if code := Run(args, &out, &errOut, fixedNow); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			var ev events.DynamoDBEvent
			if err := json.Unmarshal(out.Bytes(), &ev); err != nil {
				t.Fatal(err)
			}
			leads := &readLeads{}
			var resp events.DynamoDBEventResponse
			switch consumer {
			case "notify":
				n, err := notify.New(c, leads, nil, nil, email.LinkSigner{Key: []byte(strings.Repeat("k", 32))}, fixedNow, log)
				if err != nil {
					t.Fatal(err)
				}
				resp, err = n.HandleStream(context.Background(), ev)
				if err != nil {
					t.Fatal(err)
				}
			case "score":
				s, err := rescore.New(c, leads, fixedNow, log)
				if err != nil {
					t.Fatal(err)
				}
				resp, err = s.HandleStream(context.Background(), ev)
				if err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(leads.read, ids) || len(resp.BatchItemFailures) != 0 {
				t.Errorf("%s read %v (failures %v), want %v", consumer, leads.read, resp.BatchItemFailures, ids)
			}
		})
	}
}
