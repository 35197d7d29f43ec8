// Package rescore keeps every lead's score and stage current: the score function re-scores a lead each time an
// activity of it arrives on the activities stream, and the daily decay job re-scores the leads whose behaviour
// points fade with time. Both recompute the score as the lead's whole history gives it (scoring.Rescore), so a
// redelivered record or a second run changes nothing, and the store writes under a version condition, so
// concurrent consumers lose nothing. They read only the activities of the contract's scoring horizon, and the
// landmarks kept on the lead for the older ones (scoring.Reading): an activity that arrives late, dated before
// the horizon, widens the read of the re-score it brings.
package rescore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// Store is what re-scoring needs from storage (store.Leads).
type Store interface {
	// RescoreFrom reads a lead and what rd says the score needs of its activities, asks decide for the change,
	// and saves it unless the lead changed meanwhile, in which case it reads and asks again; lead.ErrNotFound
	// when there is no such lead.
	RescoreFrom(ctx context.Context, leadID string, rd scoring.Reading, decide func(lead.Lead, []lead.Activity) *scoring.Change) (*scoring.Change, error)
	// ForEachDecayDue calls fn with each lead whose decay time has passed.
	ForEachDecayDue(ctx context.Context, before time.Time, fn func(leadID string) error) error
}

// Scorer re-scores leads.
type Scorer struct {
	contract *contract.Contract
	store    Store
	now      func() time.Time
	log      *slog.Logger
}

// New builds a Scorer; the contract must have a scoring section.
func New(c *contract.Contract, st Store, now func() time.Time, log *slog.Logger) (*Scorer, error) {
	if c.Scoring == nil {
		return nil, errors.New("the contract has no scoring section")
	}
	return &Scorer{contract: c, store: st, now: now, log: log}, nil
}

// Outcome is what re-scoring a lead did.
type Outcome struct {
	Changed bool
	Move    *scoring.Move
	Result  scoring.Result
	// Held is why the lead was kept from sales when this re-score started a hold ("" otherwise).
	Held lead.HoldReason
}

// Rescore recomputes a lead's score and stage and saves them if they changed (a decay run's re-score).
func (s *Scorer) Rescore(ctx context.Context, leadID string) (Outcome, error) {
	return s.rescore(ctx, leadID, arrival{})
}

// RescoreArrived is Rescore brought by new activities, the earliest of which occurred at arrived: one dated
// before the scoring horizon (a late arrival) widens the read to its instant.
func (s *Scorer) RescoreArrived(ctx context.Context, leadID string, arrived time.Time) (Outcome, error) {
	return s.rescore(ctx, leadID, arrival{at: arrived})
}

// arrival is what a stream batch says of a lead's new activities: the earliest instant, or that one could not
// be read (then the whole history is read rather than miss it).
type arrival struct {
	at      time.Time
	unknown bool
}

func (s *Scorer) rescore(ctx context.Context, leadID string, a arrival) (Outcome, error) {
	var out Outcome
	now := s.now()
	rd := scoring.Reading{Contract: s.contract, Now: now, Arrived: a.at, Whole: a.unknown}
	ch, err := s.store.RescoreFrom(ctx, leadID, rd, func(l lead.Lead, acts []lead.Activity) *scoring.Change {
		ch, r := scoring.Rescore(s.contract, l, acts, now)
		out.Result = r
		return ch
	})
	if err != nil {
		return Outcome{}, err
	}
	if ch != nil {
		out = Outcome{Changed: true, Move: ch.Move, Result: ch.Result}
		if ch.HoldStarts && ch.Held != nil {
			out.Held = ch.Held.Reason
		}
	}
	return out, nil
}

// HandleStream consumes a batch of the activities stream. Each lead is re-scored once per batch, however many
// of its activities the batch holds; a lead that fails reports its records as batch item failures (by
// SequenceNumber) and the others are kept.
func (s *Scorer) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	order := []string{}
	seqs := map[string][]string{}
	arrived := map[string]arrival{} // by lead: the earliest instant of its activities in the batch
	for _, rec := range ev.Records {
		id := rec.Change.NewImage["leadId"]
		if rec.EventName != "INSERT" || id.DataType() != events.DataTypeString || id.String() == "" {
			s.log.WarnContext(ctx, "ignored stream record", "event", rec.EventName, "sequenceNumber", rec.Change.SequenceNumber)
			continue
		}
		leadID := id.String()
		if _, seen := seqs[leadID]; !seen {
			order = append(order, leadID)
		}
		seqs[leadID] = append(seqs[leadID], rec.Change.SequenceNumber)
		a := arrived[leadID]
		if at, ok := occurredAt(rec.Change.NewImage); !ok {
			a.unknown = true
		} else if a.at.IsZero() || at.Before(a.at) {
			a.at = at
		}
		arrived[leadID] = a
	}
	for _, leadID := range order {
		out, err := s.rescore(ctx, leadID, arrived[leadID])
		switch {
		case errors.Is(err, lead.ErrNotFound):
			// An activity of a lead that no longer exists (erased): nothing to score, nothing to retry.
			s.log.WarnContext(ctx, "activity of an unknown lead", "leadId", leadID)
		case err != nil:
			s.log.ErrorContext(ctx, "rescore failed", "leadId", leadID, "records", len(seqs[leadID]), "error", err.Error())
			for _, seq := range seqs[leadID] {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
			}
		default:
			s.logOutcome(ctx, leadID, "activity", out)
		}
	}
	return resp, nil
}

// occurredAt is the instant of the activity a stream record brings: its occurredAt, or the instant its sort key
// starts with (<occurredAt>#<activityId>).
func occurredAt(image map[string]events.DynamoDBAttributeValue) (time.Time, bool) {
	for _, k := range []string{"occurredAt", "sk"} {
		if v, ok := image[k]; ok && v.DataType() == events.DataTypeString {
			text, _, _ := strings.Cut(v.String(), "#")
			if t, err := time.Parse(time.RFC3339Nano, text); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func (s *Scorer) logOutcome(ctx context.Context, leadID, trigger string, out Outcome) {
	attrs := []any{"leadId", leadID, "trigger", trigger, "changed", out.Changed, "score", out.Result.Total,
		"fit", out.Result.Fit, "behaviour", out.Result.Behaviour}
	if out.Move != nil {
		attrs = append(attrs, "from", out.Move.From, "to", out.Move.To, "cause", out.Move.Cause)
	}
	if out.Held != "" {
		attrs = append(attrs, "held", out.Held) // qualified for sales, kept from them: why (no personal data)
	}
	s.log.InfoContext(ctx, "scored", attrs...)
}

// DecaySummary is what a decay run did.
type DecaySummary struct {
	Rescored int  `json:"rescored"`
	Moved    int  `json:"moved"`
	Failed   int  `json:"failed"`
	Complete bool `json:"complete"` // false when the run stopped before its deadline; the next one goes on
}

// margin is kept before the invocation's deadline to stop cleanly.
const margin = 10 * time.Second

// errStop ends a decay walk before the invocation's deadline.
var errStop = errors.New("stopped before the deadline")

// HandleDecay re-scores the leads whose behaviour points can have changed since their last score (the sparse
// decay-due index). Each re-score moves the lead's decay time to tomorrow (or out of the index), so a run that
// stops early, or a second run, neither repeats nor skips anyone.
func (s *Scorer) HandleDecay(ctx context.Context, _ json.RawMessage) (DecaySummary, error) {
	var sum DecaySummary
	deadline, hasDeadline := ctx.Deadline()
	err := s.store.ForEachDecayDue(ctx, s.now(), func(id string) error {
		if hasDeadline && time.Until(deadline) < margin {
			return errStop
		}
		out, err := s.Rescore(ctx, id)
		if err != nil && !errors.Is(err, lead.ErrNotFound) {
			sum.Failed++
			s.log.ErrorContext(ctx, "decay rescore failed", "leadId", id, "error", err.Error())
			return nil
		}
		sum.Rescored++
		if out.Move != nil {
			sum.Moved++
		}
		s.logOutcome(ctx, id, "decay", out)
		return nil
	})
	switch {
	case errors.Is(err, errStop):
		s.log.WarnContext(ctx, "decay stopped before the deadline; the next run goes on", "rescored", sum.Rescored)
		return sum, nil
	case err != nil:
		return sum, err
	}
	sum.Complete = true
	s.log.InfoContext(ctx, "decay done", "rescored", sum.Rescored, "moved", sum.Moved, "failed", sum.Failed)
	if sum.Failed > 0 {
		// A failed invocation is retried by Lambda (the function's EventInvokeConfig), then described on its
		// on-failure destination: someone sees it.
		return sum, fmt.Errorf("decay: %d leads failed", sum.Failed)
	}
	return sum, nil
}
