package samlocal

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
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

// poller plays a DynamoDB event source mapping: it reads a table's stream shard by shard, in order, drops the
// records the FilterCriteria reject, invokes the function with batches of at most BatchSize, and on failure
// retries, bisects or sends the batch to the on-failure destination as the template says.
type poller struct {
	name     string // Function/Event
	cfg      samtemplate.Stream
	filters  filters
	table    string
	fn       invoker
	db       *dynamodb.Client
	streams  *dynamodbstreams.Client
	log      *slog.Logger
	interval time.Duration
	failures string // file the on-failure destination's records are appended to
	backoff  func(attempt int) time.Duration

	act *activity // the stack's idle accounting (idle.go); nil counts nothing
	// offset is the stack's clock offset: the on-failure record's instants are on the clock the functions read,
	// as in AWS, where the stream's and the functions' clocks are one. nil is none.
	offset func() time.Duration

	mu        sync.Mutex
	delivered int // records handed to the function successfully (for tests and the status page)
	// What the idle check reads (idle.go): the stream, whether its shards were listed once, and each shard's
	// progress. Only the loop writes them, under mu.
	arn     string
	started bool
	shards  map[string]*shardState
}

type shardState struct {
	iterator *string
	parent   string
	lastSeq  string // the last record read, to resume after a lost iterator
	// Under poller.mu: the last record finished (delivered, filtered out, or sent to the on-failure destination)
	// and whether the shard is closed and every record of it finished. A record is finished only once the
	// batch that holds it is: whatever holds records back (a batching window, retries, bisection, concurrent
	// batches) must move doneSeq only past records that are.
	doneSeq string
	done    bool
}

func (p *poller) run(ctx context.Context) {
	err := p.loop(ctx)
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
			if parent, ok := shards[s.parent]; ok && !parent.done {
				continue // a child shard waits for its parent: order is kept per key
			}
			out, err := p.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: s.iterator, Limit: aws.Int32(1000)})
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
			p.handle(ctx, arn, id, out.Records)
			if ctx.Err() != nil {
				return nil // the page may not be finished: it is not marked so
			}
			p.mu.Lock()
			s.doneSeq, s.done = s.lastSeq, s.iterator == nil
			p.mu.Unlock()
			p.act.bump()
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
			shards[id] = &shardState{iterator: it.ShardIterator, parent: aws.ToString(sh.ParentShardId), lastSeq: latest, doneSeq: latest}
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

// handle filters and batches one GetRecords page, then delivers the batches in order.
func (p *poller) handle(ctx context.Context, arn, shard string, recs []types.Record) {
	var batch []map[string]any
	for _, r := range recs {
		ev := recordJSON(r, arn)
		if !p.filters.pass(ev) {
			continue // Lambda drops filtered records for good
		}
		batch = append(batch, ev)
		if len(batch) == p.cfg.BatchSize {
			p.deliver(ctx, shard, batch)
			batch = nil
		}
	}
	if len(batch) > 0 {
		p.deliver(ctx, shard, batch)
	}
}

// deliver runs one batch to completion: success, or retries exhausted and the rest sent to the destination.
func (p *poller) deliver(ctx context.Context, shard string, batch []map[string]any) {
	queue := [][]map[string]any{batch}
	for len(queue) > 0 && ctx.Err() == nil {
		b := queue[0]
		queue = queue[1:]
		for attempt := 0; ctx.Err() == nil; attempt++ {
			b = p.dropExpired(shard, b)
			if len(b) == 0 {
				break
			}
			rest, err := p.invoke(ctx, b)
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
