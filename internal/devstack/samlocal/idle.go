package samlocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

// The stack's idle signal: what a test or a demo waits on before asserting that nothing more arrives (exactly one
// email, no second reminder) or before moving the clock. The stack is idle when, at one moment,
//   - no function invocation is in flight (HTTP, stream, schedule, EventBridge rule, direct), counted where every
//     invocation passes (function.invoke);
//   - no asynchronous work is pending: a schedule's firing with its flexible window and Lambda's retries of it,
//     an SES event published to EventBridge rules with Lambda's retries (its EventInvokeConfig);
//   - no schedule is due: no enabled schedule's next firing is at or before the stack's clock (moved or not);
//   - every stream mapping has finished every record of its table's stream: each shard is read again after the
//     last sequence number the mapping finished (delivered, dropped by its filters, or sent to its on-failure
//     destination), so a record written but not yet read by the poller counts, as do records being retried or
//     bisected, and TTL deletions once DynamoDB has written them to the stream;
// and nothing of the above started or ended while it was checked (an epoch counter: a function that ended
// between two checks could have written a record the stream check read too early).
//
// Not counted: items whose TTL has passed but that DynamoDB has not deleted yet (AWS deletes them within days,
// so no test can wait for them), and requests from outside the stack (a test's own DynamoDB writes show up once
// they are in a stream).

// activity counts what keeps the stack busy, by reason, and an epoch that every change moves.
type activity struct {
	mu      sync.Mutex
	epoch   uint64
	busy    map[string]int
	changed chan struct{} // closed and replaced on every change, to wake a waiter
}

func newActivity() *activity { return &activity{busy: map[string]int{}, changed: make(chan struct{})} }

// begin counts one more of what, until the returned function is called (once). A nil activity counts nothing,
// for functions and pollers built without a stack.
func (a *activity) begin(what string) func() {
	if a == nil {
		return func() {}
	}
	a.mu.Lock()
	a.busy[what]++
	a.bumpLocked()
	a.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			a.mu.Lock()
			if a.busy[what]--; a.busy[what] <= 0 {
				delete(a.busy, what)
			}
			a.bumpLocked()
			a.mu.Unlock()
		})
	}
}

// bump records a change that is not a count (a stream mapping finishing records).
func (a *activity) bump() {
	if a == nil {
		return
	}
	a.mu.Lock()
	a.bumpLocked()
	a.mu.Unlock()
}

func (a *activity) bumpLocked() {
	a.epoch++
	close(a.changed)
	a.changed = make(chan struct{})
}

// snapshot is the epoch, what is busy now ("what ×n") and a channel closed at the next change.
func (a *activity) snapshot() (uint64, []string, <-chan struct{}) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var busy []string
	for what, n := range a.busy {
		if n > 1 {
			what = fmt.Sprintf("%s (×%d)", what, n)
		}
		busy = append(busy, what)
	}
	sort.Strings(busy)
	return a.epoch, busy, a.changed
}

// BusyError is WaitIdle's answer when its context ends first: what was still going on at the last check.
type BusyError struct {
	Busy  []string
	Cause error
}

func (e *BusyError) Error() string {
	return fmt.Sprintf("the local stack is still busy (%v): %s", e.Cause, strings.Join(e.Busy, "; "))
}

func (e *BusyError) Unwrap() error { return e.Cause }

// Busy says what keeps the stack from being idle now; empty when it is idle (see the top of idle.go).
func (s *Stack) Busy(ctx context.Context) []string {
	before, busy, _ := s.act.snapshot()
	busy = append(busy, s.dueSchedules()...)
	for _, p := range s.pollers {
		if why := p.unfinished(ctx); why != "" {
			busy = append(busy, "stream mapping "+p.name+": "+why)
		}
	}
	if after, _, _ := s.act.snapshot(); len(busy) == 0 && after != before {
		busy = append(busy, "the stack changed while it was checked")
	}
	return busy
}

// dueSchedules names the enabled schedules whose next firing is at or before the stack's clock: about to fire.
// (A firing under way is counted as activity before the schedule's next firing moves on.)
func (s *Stack) dueSchedules() []string {
	var due []string
	now := s.now()
	for _, sc := range s.schedules {
		sc.mu.Lock()
		if !sc.next.IsZero() && !sc.next.After(now) {
			due = append(due, fmt.Sprintf("schedule %s/%s due at %s", sc.function, sc.def.Event, sc.next.UTC().Format(time.RFC3339)))
		}
		sc.mu.Unlock()
	}
	return due
}

// WaitIdle returns once the stack is idle: every stream drained, no invocation in flight or pending, no schedule
// due (see the top of idle.go). When ctx ends first it returns a *BusyError naming what was still busy.
// Waiting for idle, then asserting, is how a test proves that nothing more arrives: a duplicate sent late
// keeps the stack busy until it is sent.
func (s *Stack) WaitIdle(ctx context.Context) error {
	recheck := min(s.opts.PollInterval, 50*time.Millisecond)
	for {
		_, busy, changed := s.act.snapshot()
		busy = append(busy, s.dueSchedules()...)
		if len(busy) == 0 {
			// Only then are the streams read again (a few requests per shard): not while a function runs.
			if busy = s.Busy(ctx); len(busy) == 0 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			// Say everything that is busy, streams included, as a last check.
			last, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if all := s.Busy(last); len(all) > 0 {
				busy = all
			} else if last.Err() == nil {
				return nil
			}
			return &BusyError{Busy: busy, Cause: ctx.Err()}
		case <-changed:
		case <-time.After(recheck):
		}
	}
}

// maxIdleWait bounds GET /_local/idle?wait=.
const maxIdleWait = 10 * time.Minute

// serveIdle is GET /_local/idle[?wait=30s]: 200 {"idle": true} once the stack is idle, or after wait (default:
// none, one check) 503 {"idle": false, "busy": [...]}.
func (s *Stack) serveIdle(w http.ResponseWriter, r *http.Request) {
	wait := time.Duration(0)
	if v := r.URL.Query().Get("wait"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > maxIdleWait {
			jsonMessage(w, http.StatusBadRequest, fmt.Sprintf("wait: a Go duration from 0s to %s, such as 30s, got %q", maxIdleWait, v))
			return
		}
		wait = d
	}
	ctx, cancel := context.WithTimeout(r.Context(), wait)
	defer cancel()
	err := s.WaitIdle(ctx)
	out, status := map[string]any{"idle": true}, http.StatusOK
	var busy *BusyError
	switch {
	case err == nil:
	case errors.As(err, &busy):
		out, status = map[string]any{"idle": false, "busy": busy.Busy}, http.StatusServiceUnavailable
	default:
		jsonMessage(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(out)
}

// unfinished says why the mapping has not finished every record of its stream ("" when it has): records after
// the last one it finished, in a shard it has not finished. The shards are read again, not taken from the
// poller's own reads, so that a record the poller has not read yet counts.
func (p *poller) unfinished(ctx context.Context) string {
	p.mu.Lock()
	arn, started := p.arn, p.started
	finished := map[string]string{} // shard -> last sequence number finished
	closed := map[string]bool{}
	for id, s := range p.shards {
		finished[id] = s.doneSeq
		closed[id] = s.done
	}
	p.mu.Unlock()
	if !started {
		return "not started reading its stream yet"
	}
	var start *string
	for {
		out, err := p.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), ExclusiveStartShardId: start})
		if err != nil {
			return "describe stream: " + err.Error()
		}
		for _, sh := range out.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if closed[id] {
				continue
			}
			seq := finished[id]
			in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
			if seq != "" {
				in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(seq)
			}
			it, err := p.streams.GetShardIterator(ctx, in)
			if err != nil {
				return fmt.Sprintf("shard %s: %v", id, err)
			}
			recs, err := p.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator, Limit: aws.Int32(1)})
			var trimmed *types.TrimmedDataAccessException
			if errors.As(err, &trimmed) && seq == "" {
				continue // DynamoDB Local's answer for a shard with no record yet
			}
			if err != nil {
				return fmt.Sprintf("shard %s: %v", id, err)
			}
			if len(recs.Records) > 0 {
				after := "from its start"
				if seq != "" {
					after = "after " + seq
				}
				return fmt.Sprintf("shard %s has records %s not finished (next %s)", id, after, aws.ToString(recs.Records[0].Dynamodb.SequenceNumber))
			}
		}
		if start = out.StreamDescription.LastEvaluatedShardId; start == nil {
			return ""
		}
	}
}
