// Package score keeps every lead's score and stage current: the score function re-scores a lead each time an
// activity of it arrives on the activities stream, and the daily decay job re-scores the leads whose
// behaviour points fade with time. Both recompute from the lead's whole history, so a redelivered record or a
// second run changes nothing, and both write under a version condition, so concurrent consumers lose nothing.
package score

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// Lead is a lead as scoring reads it.
type Lead struct {
	ID          string
	Stage       lead.Stage
	Version     int64
	Profile     scoring.Profile
	Total       float64    // the stored score (rounded to the cent, as shown)
	Qualifies   lead.Stage // the stored qualifiesFor: the stage the exact score reached
	Explanation string     // the stored explanation (JSON)
	BelowSQL    bool
	DecayAt     string // the stored decayAt ("" when not in the decay index)
}

// Update is a new score for a lead, written only if the lead is still at Version.
type Update struct {
	LeadID          string
	Version         int64
	Result          scoring.Result
	Stage           lead.Stage
	Move            *scoring.Move // nil when the stage does not change
	BelowSQL        bool
	At              time.Time
	Month           string    // the report month of At, in the contract's zone
	DecayAt         time.Time // when to re-score for decay; zero removes the lead from the decay index
	ContractVersion string
}

// Errors of the store.
var (
	ErrNoLead          = errors.New("no such lead")
	ErrVersionConflict = errors.New("the lead changed meanwhile")
)

// Store is what scoring needs from storage.
type Store interface {
	LoadForScoring(ctx context.Context, leadID string) (Lead, []lead.Activity, error)
	SaveScore(ctx context.Context, u Update) error
	// DueForDecay returns a page of lead IDs of one bucket whose decay time has passed, and where to go on.
	DueForDecay(ctx context.Context, bucket int, before time.Time, after map[string]string) ([]string, map[string]string, error)
}

// Scorer re-scores leads.
type Scorer struct {
	contract *contract.Contract
	store    Store
	now      func() time.Time
	log      *slog.Logger
	buckets  int
}

// New builds a Scorer; the contract must have a scoring section.
func New(c *contract.Contract, st Store, now func() time.Time, log *slog.Logger, decayBuckets int) (*Scorer, error) {
	if c.Scoring == nil {
		return nil, errors.New("the contract has no scoring section")
	}
	return &Scorer{contract: c, store: st, now: now, log: log, buckets: decayBuckets}, nil
}

// maxAttempts bounds retries when another consumer changed the lead between read and write.
const maxAttempts = 10

// Outcome is what re-scoring a lead did.
type Outcome struct {
	Changed bool
	Move    *scoring.Move
	Result  scoring.Result
}

// Rescore recomputes a lead's score and stage from its whole history and saves them if they changed.
func (s *Scorer) Rescore(ctx context.Context, leadID string) (Outcome, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		ld, acts, err := s.store.LoadForScoring(ctx, leadID)
		if err != nil {
			return Outcome{}, err
		}
		now := s.now()
		r := scoring.Score(s.contract.Scoring, ld.Profile, acts, scoringInstant(now, acts))
		stage, move, moved := scoring.Next(ld.Stage, r, acts)
		u := Update{LeadID: leadID, Version: ld.Version, Result: r, Stage: stage, BelowSQL: scoring.BelowSQL(stage, r),
			At: now, Month: contract.MonthOf(now.In(s.contract.Location)).String(), ContractVersion: s.contract.Version}
		if moved {
			u.Move = &move
		}
		if r.Decays {
			u.DecayAt = now.Add(24 * time.Hour)
		}
		if !moved && unchanged(ld, u, now) {
			return Outcome{Result: r}, nil
		}
		err = s.store.SaveScore(ctx, u)
		if errors.Is(err, ErrVersionConflict) {
			select {
			case <-ctx.Done():
				return Outcome{}, ctx.Err()
			case <-time.After(time.Duration(attempt+1) * 3 * time.Millisecond):
			}
			continue
		}
		if err != nil {
			return Outcome{}, err
		}
		return Outcome{Changed: true, Move: u.Move, Result: r}, nil
	}
	return Outcome{}, fmt.Errorf("rescore %s: still conflicting after %d attempts", leadID, maxAttempts)
}

// aheadAccepted is how far ahead of its clock ingest accepts an activity's occurredAt (a sender whose clock
// runs fast; lead's clock skew).
const aheadAccepted = 5 * time.Minute

// scoringInstant is now, or the latest activity ingest accepted ahead of the clock: scoring ignores what
// happens after its instant, and such an activity (a demo request) would otherwise wait for the next activity
// or the next day's decay run to count.
func scoringInstant(now time.Time, acts []lead.Activity) time.Time {
	at := now
	for _, a := range acts {
		if a.OccurredAt.After(at) && !a.OccurredAt.After(now.Add(aheadAccepted)) {
			at = a.OccurredAt
		}
	}
	return at
}

// unchanged reports a re-score that would write what is already stored (a redelivered record): no write, so
// no stream event and no version bump. A lead due for decay is always written, to move it out of today's run.
//
// Only rounded values are stored (score, fitScore, behaviourScore and the explanation's lines, in cents), so a
// redelivery seconds later is still a no-op however the exact score decayed meanwhile; the stage the exact score
// reaches is compared too, since rounding can hide a crossing (69.996 and 70.001 both show as 70).
func unchanged(ld Lead, u Update, now time.Time) bool {
	exp, _ := json.Marshal(u.Result.Explanation)
	due := ld.DecayAt != "" && ld.DecayAt <= now.UTC().Format("2006-01-02T15:04:05.000Z")
	inIndex := ld.DecayAt != ""
	return ld.Stage == u.Stage && ld.Total == u.Result.Total && ld.Qualifies == u.Result.Qualifies &&
		ld.Explanation == string(exp) && ld.BelowSQL == u.BelowSQL && !due && inIndex == !u.DecayAt.IsZero()
}

// HandleStream consumes a batch of the activities stream. Each lead is re-scored once per batch, however many
// of its activities the batch holds; a lead that fails reports its records as batch item failures (by
// SequenceNumber) and the others are kept.
func (s *Scorer) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	order := []string{}
	seqs := map[string][]string{}
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
	}
	for _, leadID := range order {
		out, err := s.Rescore(ctx, leadID)
		switch {
		case errors.Is(err, ErrNoLead):
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

func (s *Scorer) logOutcome(ctx context.Context, leadID, trigger string, out Outcome) {
	attrs := []any{"leadId", leadID, "trigger", trigger, "changed", out.Changed, "score", out.Result.Total,
		"fit", out.Result.Fit, "behaviour", out.Result.Behaviour}
	if out.Move != nil {
		attrs = append(attrs, "from", out.Move.From, "to", out.Move.To, "cause", out.Move.Cause)
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

// HandleDecay re-scores the leads whose behaviour points can have changed since their last score (the sparse
// decay-due index), bucket by bucket. Each re-score moves the lead's decay time to tomorrow (or out of the
// index), so a run that stops early, or a second run, neither repeats nor skips anyone.
func (s *Scorer) HandleDecay(ctx context.Context, _ json.RawMessage) (DecaySummary, error) {
	var sum DecaySummary
	deadline, hasDeadline := ctx.Deadline()
	now := s.now()
	for b := 0; b < s.buckets; b++ {
		var after map[string]string
		for {
			if hasDeadline && time.Until(deadline) < margin {
				s.log.WarnContext(ctx, "decay stopped before the deadline", "rescored", sum.Rescored, "bucket", b)
				return sum, nil
			}
			ids, next, err := s.store.DueForDecay(ctx, b, now, after)
			if err != nil {
				return sum, err
			}
			for _, id := range ids {
				out, err := s.Rescore(ctx, id)
				if err != nil && !errors.Is(err, ErrNoLead) {
					sum.Failed++
					s.log.ErrorContext(ctx, "decay rescore failed", "leadId", id, "error", err.Error())
					continue
				}
				sum.Rescored++
				if out.Move != nil {
					sum.Moved++
				}
				s.logOutcome(ctx, id, "decay", out)
			}
			if next == nil {
				break
			}
			after = next
		}
	}
	sum.Complete = true
	s.log.InfoContext(ctx, "decay done", "rescored", sum.Rescored, "moved", sum.Moved, "failed", sum.Failed)
	if sum.Failed > 0 {
		// Failing the invocation lets the schedule's retry policy (and then its dead-letter queue) see it.
		return sum, fmt.Errorf("decay: %d leads failed", sum.Failed)
	}
	return sum, nil
}
