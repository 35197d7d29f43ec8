package samlocal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// invoker runs a function; *function implements it.
type invoker interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// throttling is how a stream mapping invokes a template function: throttled (ErrThrottled) beyond the
// function's reserved concurrency, as Lambda throttles an event source mapping.
type throttling struct{ f *function }

func (t throttling) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return t.f.tryInvoke(ctx, payload)
}

// poller plays a DynamoDB event source mapping: it reads a table's stream shard by shard, drops the records the
// FilterCriteria reject, and hands the others to the shard's ParallelizationFactor lanes — a record's lane
// chosen by its partition key (the item's hash key), so that the records of one key stay in order and are never
// in two batches in flight — and each lane invokes the function with batches of at most BatchSize, gathered for
// up to MaximumBatchingWindowInSeconds, one batch at a time. On failure a lane retries, bisects or sends the
// batch to the on-failure destination as the template says; a throttled invocation (reserved concurrency) is
// retried after a backoff without counting as a retry.
type poller struct {
	name     string // Function/Event
	cfg      samtemplate.Stream
	filters  filters
	table    string
	hashKey  string // the table's partition key attribute: what picks a record's lane
	fn       invoker
	db       *dynamodb.Client
	streams  *dynamodbstreams.Client
	log      *slog.Logger
	interval time.Duration
	failures string // file the on-failure destination's records are appended to
	backoff  func(attempt int) time.Duration

	act    *activity // the stack's idle accounting (idle.go); nil counts nothing
	laneWG sync.WaitGroup
	// offset is the stack's clock offset: the on-failure record's instants are on the clock the functions read,
	// as in AWS, where the stream's and the functions' clocks are one. nil is none.
	offset func() time.Duration

	mu        sync.Mutex
	delivered int // records handed to the function successfully (for tests and the status page)
	throttled int // invocations throttled by the function's reserved concurrency
	// What the idle check reads (idle.go): the stream, whether its shards were listed once, and each shard's
	// progress. Only the loop and the lanes write them, under mu.
	arn     string
	started bool
	shards  map[string]*shardState
}

type shardState struct {
	id       string // the shard's ID (the on-failure record names it)
	iterator *string
	parent   string
	lastSeq  string // the last record read, to resume after a lost iterator
	// Under poller.mu: the last record finished (delivered, filtered out, or sent to the on-failure destination)
	// and whether the shard is closed and every record of it finished. A record is finished only once the
	// batch that holds it is: whatever holds records back (a batching window, retries, bisection, concurrent
	// batches) must move doneSeq only past records that are.
	doneSeq string
	done    bool
	// Under poller.mu: the records read and not yet checkpointed, in stream order (doneSeq moves past the
	// finished ones at their head), and the lanes that process them.
	open   []*pending
	lanes  []*lane
	closed bool // the shard's last page was read (its iterator is nil)
}

// pending is one record read from a shard, finished or not.
type pending struct {
	seq      string
	finished bool
}

// lane is one of a shard's ParallelizationFactor concurrent batchers.
type lane struct {
	queue []queued      // records waiting for a batch, in stream order (under poller.mu)
	wake  chan struct{} // signalled when records are queued
}

type queued struct {
	ev   map[string]any
	rec  *pending
	read time.Time // when the poller read it: its batching window starts then
}

// maxOpen bounds the records read but not finished per shard: the poller stops reading a shard that far ahead.
const maxOpen = 1000

func (p *poller) run(ctx context.Context) {
	err := p.loop(ctx)
	p.laneWG.Wait()
	if err != nil && ctx.Err() == nil {
		p.log.Error("stream poller stopped", "mapping", p.name, "error", err.Error())
	}
}

func (p *poller) loop(ctx context.Context) error {
	desc, err := p.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(p.table)})
	if err != nil {
		return fmt.Errorf("describe %s: %w", p.table, err)
	}
	arn := aws.ToString(desc.Table.LatestStreamArn)
	if arn == "" {
		return fmt.Errorf("table %s has no stream", p.table)
	}
	if p.hashKey == "" {
		for _, k := range desc.Table.KeySchema {
			if k.KeyType == "HASH" {
				p.hashKey = aws.ToString(k.AttributeName)
			}
		}
	}
	shards := map[string]*shardState{}
	p.mu.Lock()
	p.arn, p.shards = arn, shards
	p.mu.Unlock()
	first := true
	var lastDiscovery time.Time
	for ctx.Err() == nil {
		if time.Since(lastDiscovery) > time.Second {
			if err := p.discover(ctx, arn, shards, first); err != nil {
				return err
			}
			if first {
				p.mu.Lock()
				p.started = true
				p.mu.Unlock()
			}
			first, lastDiscovery = false, time.Now()
		}
		got := 0
		for id, s := range shards {
			if s.iterator == nil {
				continue
			}
			if parent, ok := shards[s.parent]; ok && !p.shardDone(parent) {
				continue // a child shard waits for its parent: order is kept per key
			}
			p.mu.Lock()
			full := len(s.open) >= maxOpen
			p.mu.Unlock()
			if full {
				continue // its lanes are that far behind: read on once they catch up
			}
			out, err := p.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: s.iterator, Limit: aws.Int32(maxOpen)})
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				// DynamoDB Local answers TrimmedDataAccess on a new, still empty stream, and iterators expire:
				// start again after the last record read. Other errors are retried: a poller never gives up.
				if err := p.reposition(ctx, arn, id, s); err != nil {
					p.log.Warn("stream read failed; retrying", "mapping", p.name, "shard", id, "error", err.Error())
					select {
					case <-ctx.Done():
					case <-time.After(time.Second):
					}
				}
				continue
			}
			if n := len(out.Records); n > 0 {
				s.lastSeq = aws.ToString(out.Records[n-1].Dynamodb.SequenceNumber)
			}
			s.iterator = out.NextShardIterator
			got += len(out.Records)
			p.enqueue(ctx, arn, s, out.Records, s.iterator == nil)
		}
		if got == 0 {
			select {
			case <-ctx.Done():
			case <-time.After(p.interval):
			}
		}
	}
	return nil
}

func (p *poller) shardDone(s *shardState) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return s.done
}

// enqueue hands one GetRecords page to the shard's lanes: a filtered-out record is finished at once, the others
// wait in their key's lane.
func (p *poller) enqueue(ctx context.Context, arn string, s *shardState, recs []types.Record, closed bool) {
	p.mu.Lock()
	s.closed = closed
	if s.lanes == nil {
		s.lanes = make([]*lane, max(1, p.cfg.ParallelizationFactor))
		for i := range s.lanes {
			l := &lane{wake: make(chan struct{}, 1)}
			s.lanes[i] = l
			p.laneWG.Add(1)
			go func() {
				defer p.laneWG.Done()
				p.runLane(ctx, s, l)
			}()
		}
	}
	now := time.Now()
	for _, r := range recs {
		ev := recordJSON(r, arn)
		rec := &pending{seq: aws.ToString(r.Dynamodb.SequenceNumber)}
		s.open = append(s.open, rec)
		if !p.filters.pass(ev) {
			rec.finished = true // Lambda drops filtered records for good
			continue
		}
		l := s.lanes[p.laneOf(ev, len(s.lanes))]
		l.queue = append(l.queue, queued{ev: ev, rec: rec, read: now})
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
	changed := p.checkpointLocked(s)
	p.mu.Unlock()
	if changed {
		p.act.bump()
	}
}

// laneOf picks a record's lane from its partition key, as Lambda does with a ParallelizationFactor.
func (p *poller) laneOf(ev map[string]any, n int) int {
	if n == 1 {
		return 0
	}
	key, _ := json.Marshal(ev["dynamodb"].(map[string]any)["Keys"].(map[string]any)[p.hashKey])
	h := fnv.New32a()
	_, _ = h.Write(key)
	return int(h.Sum32() % uint32(n))
}

// checkpointLocked moves doneSeq past the finished records at the head of the shard's open records, and marks
// the shard done once it is closed and all of them are; it says whether anything moved.
func (p *poller) checkpointLocked(s *shardState) bool {
	i := 0
	for i < len(s.open) && s.open[i].finished {
		i++
	}
	moved := i > 0
	if moved {
		s.doneSeq = s.open[i-1].seq
		s.open = s.open[i:]
	}
	if done := s.closed && len(s.open) == 0; done != s.done {
		s.done, moved = done, true
	}
	return moved
}

// runLane processes one lane's records, one batch at a time: a batch is at most BatchSize records, invoked as
// soon as it is full or the batching window since its oldest record has passed.
func (p *poller) runLane(ctx context.Context, s *shardState, l *lane) {
	window := time.Duration(p.cfg.MaximumBatchingWindowSeconds) * time.Second
	for ctx.Err() == nil {
		p.mu.Lock()
		n := len(l.queue)
		var since time.Time
		if n > 0 {
			since = l.queue[0].read
		}
		p.mu.Unlock()
		if n == 0 {
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
			}
			continue
		}
		if wait := window - time.Since(since); n < p.cfg.BatchSize && wait > 0 {
			select {
			case <-ctx.Done():
				return
			case <-l.wake: // more records: the batch may be full
			case <-time.After(wait):
			}
			if time.Since(since) < window {
				continue
			}
		}
		p.mu.Lock()
		take := min(len(l.queue), p.cfg.BatchSize)
		batch := l.queue[:take:take]
		l.queue = l.queue[take:]
		p.mu.Unlock()
		evs := make([]map[string]any, len(batch))
		for i, q := range batch {
			evs[i] = q.ev
		}
		p.deliver(ctx, s.id, evs)
		if ctx.Err() != nil {
			return // the batch may not be finished: it is not marked so
		}
		p.mu.Lock()
		for _, q := range batch {
			q.rec.finished = true
		}
		changed := p.checkpointLocked(s)
		p.mu.Unlock()
		if changed {
			p.act.bump()
		}
	}
}

// reposition gets a fresh iterator for a shard: after the last record read, or from its start.
func (p *poller) reposition(ctx context.Context, arn, shard string, s *shardState) error {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
	if s.lastSeq != "" {
		in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(s.lastSeq)
	}
	it, err := p.streams.GetShardIterator(ctx, in)
	if err != nil {
		return fmt.Errorf("shard iterator %s: %w", shard, err)
	}
	s.iterator = it.ShardIterator
	select {
	case <-ctx.Done():
	case <-time.After(p.interval):
	}
	return nil
}

func (p *poller) discover(ctx context.Context, arn string, shards map[string]*shardState, first bool) error {
	var start *string
	for {
		out, err := p.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn), ExclusiveStartShardId: start})
		if err != nil {
			return fmt.Errorf("describe stream: %w", err)
		}
		for _, sh := range out.StreamDescription.Shards {
			id := aws.ToString(sh.ShardId)
			if _, known := shards[id]; known {
				continue
			}
			// Shards present at start begin where the template says; shards born later are read whole.
			in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
			var latest string
			if first && p.cfg.StartingPosition == "LATEST" {
				// LATEST, as the sequence number of the shard's last record: the idle check (idle.go) must know
				// which records the mapping skipped, which an iterator of type LATEST does not say.
				if latest, err = p.lastSequence(ctx, arn, sh.ShardId); err != nil {
					return err
				}
				if latest != "" {
					in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(latest)
				}
			}
			it, err := p.streams.GetShardIterator(ctx, in)
			if err != nil {
				return fmt.Errorf("shard iterator %s: %w", id, err)
			}
			p.mu.Lock()
			shards[id] = &shardState{id: id, iterator: it.ShardIterator, parent: aws.ToString(sh.ParentShardId), lastSeq: latest, doneSeq: latest}
			p.mu.Unlock()
		}
		start = out.StreamDescription.LastEvaluatedShardId
		if start == nil {
			return nil
		}
	}
}

// lastSequence reads a shard to its end and returns the sequence number of its last record ("" when it has none).
func (p *poller) lastSequence(ctx context.Context, arn string, shard *string) (string, error) {
	it, err := p.streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(arn), ShardId: shard, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		return "", fmt.Errorf("shard iterator %s: %w", aws.ToString(shard), err)
	}
	last, iter := "", it.ShardIterator
	for iter != nil {
		out, err := p.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(1000)})
		var trimmed *types.TrimmedDataAccessException
		if errors.As(err, &trimmed) && last == "" {
			return "", nil // DynamoDB Local's answer for a shard with no record yet
		}
		if err != nil {
			return "", fmt.Errorf("read shard %s: %w", aws.ToString(shard), err)
		}
		if len(out.Records) == 0 {
			break
		}
		last, iter = aws.ToString(out.Records[len(out.Records)-1].Dynamodb.SequenceNumber), out.NextShardIterator
	}
	return last, nil
}

// deliver runs one batch to completion: success, or retries exhausted and the rest sent to the destination.
func (p *poller) deliver(ctx context.Context, shard string, batch []map[string]any) {
	queue := [][]map[string]any{batch}
	for len(queue) > 0 && ctx.Err() == nil {
		b := queue[0]
		queue = queue[1:]
		throttles := 0
		for attempt := 0; ctx.Err() == nil; attempt++ {
			b = p.dropExpired(shard, b)
			if len(b) == 0 {
				break
			}
			rest, err := p.invoke(ctx, b)
			if errors.Is(err, ErrThrottled) {
				// Lambda waits and retries a throttled batch; it is not a failure of the function (no retry
				// counted, no bisection).
				p.mu.Lock()
				p.throttled++
				p.mu.Unlock()
				throttles++
				attempt--
				select {
				case <-ctx.Done():
				case <-time.After(p.backoff(min(throttles-1, 3))):
				}
				continue
			}
			throttles = 0
			if err == nil && len(rest) == 0 {
				p.mu.Lock()
				p.delivered += len(b)
				p.mu.Unlock()
				break
			}
			if err != nil && p.cfg.BisectOnError && len(b) > 1 {
				// Splitting does not count as a retry; the halves are tried in order.
				half := len(b) / 2
				queue = append([][]map[string]any{b[:half], b[half:]}, queue...)
				p.log.Warn("stream batch failed; bisecting", "mapping", p.name, "records", len(b), "error", err.Error())
				break
			}
			if err == nil {
				// Partial failure: everything before the first failed record is done; retry from it.
				p.mu.Lock()
				p.delivered += len(b) - len(rest)
				p.mu.Unlock()
				b = rest
			}
			if p.cfg.MaximumRetryAttempts >= 0 && attempt >= p.cfg.MaximumRetryAttempts {
				p.sendToDestination(shard, b, err, attempt+1)
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(p.backoff(attempt)):
			}
		}
	}
}

// invoke calls the function and returns the records still to process (nil when all succeeded).
func (p *poller) invoke(ctx context.Context, b []map[string]any) ([]map[string]any, error) {
	payload, err := json.Marshal(map[string]any{"Records": b})
	if err != nil {
		return nil, err
	}
	resp, err := p.fn.Invoke(ctx, payload)
	if err != nil {
		return b, err
	}
	if !p.cfg.ReportItemFailures {
		return nil, nil
	}
	var r struct {
		BatchItemFailures []struct {
			ItemIdentifier *string `json:"itemIdentifier"`
		} `json:"batchItemFailures"`
	}
	if len(resp) == 0 || string(resp) == "null" {
		return nil, nil
	}
	if err := json.Unmarshal(resp, &r); err != nil {
		return b, fmt.Errorf("the response is not a batch item failure report: %w", err)
	}
	first := len(b)
	for _, f := range r.BatchItemFailures {
		i := indexOfSequence(b, f.ItemIdentifier)
		if i < 0 {
			// Lambda treats an empty or unknown identifier as a failure of the whole batch.
			return b, errors.New("batchItemFailures names a record that is not in the batch")
		}
		first = min(first, i)
	}
	return b[first:], nil
}

func indexOfSequence(b []map[string]any, id *string) int {
	if id == nil || *id == "" {
		return -1
	}
	for i, r := range b {
		if r["dynamodb"].(map[string]any)["SequenceNumber"] == *id {
			return i
		}
	}
	return -1
}

func (p *poller) dropExpired(shard string, b []map[string]any) []map[string]any {
	if p.cfg.MaximumRecordAgeSeconds < 0 {
		return b
	}
	limit := time.Duration(p.cfg.MaximumRecordAgeSeconds) * time.Second
	var keep, expired []map[string]any
	for _, r := range b {
		created := time.Unix(int64(r["dynamodb"].(map[string]any)["ApproximateCreationDateTime"].(float64)), 0)
		if time.Since(created) > limit {
			expired = append(expired, r)
		} else {
			keep = append(keep, r)
		}
	}
	if len(expired) > 0 {
		p.sendToDestination(shard, expired, errors.New("records older than MaximumRecordAgeInSeconds"), 0)
	}
	return keep
}

// sendToDestination records what Lambda would send to the on-failure destination: which records of which
// shard could not be processed (not the records themselves), and logs it.
func (p *poller) sendToDestination(shard string, b []map[string]any, cause error, attempts int) {
	seq := func(r map[string]any) any { return r["dynamodb"].(map[string]any)["SequenceNumber"] }
	var offset time.Duration
	if p.offset != nil {
		offset = p.offset()
	}
	arrival := func(r map[string]any) string {
		at := time.Unix(int64(r["dynamodb"].(map[string]any)["ApproximateCreationDateTime"].(float64)), 0)
		return at.Add(offset).UTC().Format(time.RFC3339Nano)
	}
	reason := "unknown"
	if cause != nil {
		reason = cause.Error()
	}
	p.log.Error("stream records sent to the on-failure destination", "mapping", p.name, "records", len(b),
		"firstSequenceNumber", seq(b[0]), "lastSequenceNumber", seq(b[len(b)-1]), "attempts", attempts,
		"destination", p.cfg.OnFailure, "reason", reason)
	if p.failures == "" {
		return
	}
	rec, _ := json.Marshal(map[string]any{
		"requestContext":  map[string]any{"condition": "RetryAttemptsExhausted", "approximateInvokeCount": attempts, "functionArn": p.name},
		"responseContext": map[string]any{"functionError": reason},
		"version":         "1.0",
		"timestamp":       time.Now().Add(offset).UTC().Format(time.RFC3339Nano),
		"DDBStreamBatchInfo": map[string]any{
			"shardId": shard, "startSequenceNumber": seq(b[0]), "endSequenceNumber": seq(b[len(b)-1]), "batchSize": len(b),
			"approximateArrivalOfFirstRecord": arrival(b[0]), "approximateArrivalOfLastRecord": arrival(b[len(b)-1]),
			"streamArn": b[0]["eventSourceARN"],
		},
	})
	appendLine(p.failures, rec)
}

// appendLine appends one JSON line to a file of the state folder (the local stand-in for an SQS queue).
func appendLine(file string, line []byte) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err == nil {
		if f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			_, _ = f.Write(append(line, '\n'))
			_ = f.Close()
		}
	}
}

// Delivered counts the records the function processed successfully.
func (p *poller) Delivered() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.delivered
}

// EventRecord is a stream record as Lambda hands it to a function (one element of a DynamoDB event's Records,
// JSON): for tests that play an event source mapping in-process, with FilterMatches.
func EventRecord(r types.Record, streamARN string) ([]byte, error) {
	return json.Marshal(recordJSON(r, streamARN))
}

// recordJSON turns a stream record into the JSON Lambda sends (and filters on).
func recordJSON(r types.Record, arn string) map[string]any {
	d := r.Dynamodb
	ddb := map[string]any{
		"ApproximateCreationDateTime": float64(aws.ToTime(d.ApproximateCreationDateTime).Unix()),
		"Keys":                        imageJSON(d.Keys),
		"SequenceNumber":              aws.ToString(d.SequenceNumber),
		"SizeBytes":                   float64(aws.ToInt64(d.SizeBytes)),
		"StreamViewType":              string(d.StreamViewType),
	}
	if d.NewImage != nil {
		ddb["NewImage"] = imageJSON(d.NewImage)
	}
	if d.OldImage != nil {
		ddb["OldImage"] = imageJSON(d.OldImage)
	}
	name := string(r.EventName)
	out := map[string]any{
		"eventID":        aws.ToString(r.EventID),
		"eventName":      name,
		"eventVersion":   "1.1",
		"eventSource":    "aws:dynamodb",
		"awsRegion":      localaws.Region,
		"dynamodb":       ddb,
		"eventSourceARN": arn,
	}
	// DynamoDB Local reports TTL deletions with an event name the SDK does not know; AWS sends a REMOVE made by
	// the DynamoDB service principal.
	if r.UserIdentity != nil || (name != "INSERT" && name != "MODIFY" && name != "REMOVE") {
		out["eventName"] = "REMOVE"
		out["userIdentity"] = map[string]any{"type": "Service", "principalId": "dynamodb.amazonaws.com"}
	}
	return out
}

func imageJSON(m map[string]types.AttributeValue) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = attributeJSON(v)
	}
	return out
}

func attributeJSON(v types.AttributeValue) map[string]any {
	switch a := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]any{"S": a.Value}
	case *types.AttributeValueMemberN:
		return map[string]any{"N": a.Value}
	case *types.AttributeValueMemberB:
		return map[string]any{"B": base64.StdEncoding.EncodeToString(a.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]any{"BOOL": a.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]any{"NULL": true}
	case *types.AttributeValueMemberSS:
		return map[string]any{"SS": toAny(a.Value)}
	case *types.AttributeValueMemberNS:
		return map[string]any{"NS": toAny(a.Value)}
	case *types.AttributeValueMemberBS:
		l := make([]any, len(a.Value))
		for i, b := range a.Value {
			l[i] = base64.StdEncoding.EncodeToString(b)
		}
		return map[string]any{"BS": l}
	case *types.AttributeValueMemberL:
		l := make([]any, len(a.Value))
		for i, x := range a.Value {
			l[i] = attributeJSON(x)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": imageJSON(a.Value)}
	}
	return map[string]any{"NULL": true}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
