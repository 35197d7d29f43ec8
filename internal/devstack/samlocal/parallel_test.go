package samlocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// The stream mapping's lanes (ParallelizationFactor), its checkpoint, its batching window and its throttling
// by reserved concurrency, played against DynamoDB Local's stream with a function in-process (laneRecorder).

// laneRecord is one record as the function received it: its item's key, its position and its value.
type laneRecord struct {
	key string
	n   int
	seq string
}

// laneRecorder is a function that records its batches; hold, when set, decides how long a batch is held (to make
// batches overlap), and throttle, when set, says whether to refuse an invocation as Lambda's throttle would.
type laneRecorder struct {
	mu       sync.Mutex
	batches  [][]laneRecord
	at       []time.Time // when each batch was invoked
	inFlight map[string]int
	running  int
	maxRun   int
	overlap  []string // keys laneRecord in two batches in flight at once
	hold     func(batch []laneRecord) <-chan struct{}
	limit    int // >0: at most that many invocations at once, the others throttled
	throttle int // invocations refused
}

func (r *laneRecorder) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev struct {
		Records []struct {
			Dynamodb struct {
				Keys           map[string]map[string]string
				NewImage       map[string]map[string]string
				SequenceNumber string
			} `json:"dynamodb"`
		}
	}
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	var batch []laneRecord
	for _, rec := range ev.Records {
		n, _ := strconv.Atoi(rec.Dynamodb.NewImage["n"]["N"])
		batch = append(batch, laneRecord{key: rec.Dynamodb.Keys["pk"]["S"], n: n, seq: rec.Dynamodb.SequenceNumber})
	}
	r.mu.Lock()
	if r.limit > 0 && r.running >= r.limit {
		r.throttle++
		r.mu.Unlock()
		return nil, ErrThrottled
	}
	r.running++
	r.maxRun = max(r.maxRun, r.running)
	keys := map[string]bool{}
	for _, s := range batch {
		keys[s.key] = true
	}
	for k := range keys {
		if r.inFlight[k] > 0 {
			r.overlap = append(r.overlap, k)
		}
		r.inFlight[k]++
	}
	r.batches = append(r.batches, batch)
	r.at = append(r.at, time.Now())
	hold := r.hold
	r.mu.Unlock()
	if hold != nil {
		select {
		case <-hold(batch):
		case <-ctx.Done():
		}
	} else {
		time.Sleep(20 * time.Millisecond)
	}
	r.mu.Lock()
	r.running--
	for k := range keys {
		r.inFlight[k]--
	}
	r.mu.Unlock()
	return []byte(`{"batchItemFailures":[]}`), nil
}

func (r *laneRecorder) records() []laneRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	var all []laneRecord
	for _, b := range r.batches {
		all = append(all, b...)
	}
	return all
}

// streamTable creates a table with a stream (partition key pk, sort key sk) and returns its name.
func streamTable(t *testing.T, db *dynamodb.Client) string {
	t.Helper()
	name := fmt.Sprintf("lanes-%s-%d", sanitizeName(t.Name()), time.Now().UnixNano())
	_, err := db.CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewImage},
	})
	if err != nil {
		t.Fatal(err)
	}
	return name
}

func sanitizeName(s string) string {
	out := []byte{}
	for _, c := range []byte(s) {
		if (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') {
			out = append(out, c)
		}
	}
	return string(out)
}

// put writes item n of key pk (sort keys differ: each write is a new record of the same partition key).
func put(t *testing.T, db *dynamodb.Client, table, pk string, n int) {
	t.Helper()
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: fmt.Sprintf("%06d", n)},
		"n": &types.AttributeValueMemberN{Value: strconv.Itoa(n)},
	}}); err != nil {
		t.Fatal(err)
	}
}

// startPoller runs a mapping of table to fn with cfg (TRIM_HORIZON, no filter) until the test ends.
func startPoller(t *testing.T, db *dynamodb.Client, table string, cfg samtemplate.Stream, fn invoker) *poller {
	t.Helper()
	cfg.StartingPosition = "TRIM_HORIZON"
	if cfg.ParallelizationFactor == 0 {
		cfg.ParallelizationFactor = 1
	}
	fs, err := compileFilters(nil)
	if err != nil {
		t.Fatal(err)
	}
	streams := dynamodbstreams.New(dynamodbstreams.Options{
		Region: localaws.Region, BaseEndpoint: aws.String(testenv.DynamoEndpoint(t)),
		Credentials: credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, ""),
	})
	p := &poller{
		name: "Test/Stream", cfg: cfg, filters: fs, table: table, fn: fn, db: db, streams: streams,
		log: slog.New(slog.NewTextHandler(io.Discard, nil)), interval: 20 * time.Millisecond,
		backoff: func(int) time.Duration { return 5 * time.Millisecond }, act: newActivity(),
		failures: t.TempDir() + "/failures.jsonl",
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return p
}

// TestLanesKeepEachKeyInOrder: with a ParallelizationFactor of 4, batches of different keys run at once, while
// each key's records arrive in the order they were written and never in two batches in flight.
func TestLanesKeepEachKeyInOrder(t *testing.T) {
	t.Parallel()
	db := testenv.DynamoDB(t)
	table := streamTable(t, db)
	const keys, each = 8, 12
	for n := range each {
		for k := range keys {
			put(t, db, table, fmt.Sprintf("LEAD#%d", k), n)
		}
	}
	r := &laneRecorder{inFlight: map[string]int{}}
	r.hold = func([]laneRecord) <-chan struct{} { return after(50 * time.Millisecond) }
	p := startPoller(t, db, table, samtemplate.Stream{BatchSize: 5, ParallelizationFactor: 4, MaximumRetryAttempts: -1, MaximumRecordAgeSeconds: -1}, r)
	waitFor(t, "every record delivered", func() bool { return p.Delivered() == keys*each })

	next := map[string]int{}
	for _, s := range r.records() {
		if s.n != next[s.key] {
			t.Fatalf("%s: record %d arrived when %d was next: order per key lost", s.key, s.n, next[s.key])
		}
		next[s.key]++
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.overlap) > 0 {
		t.Errorf("keys %v were in two batches in flight at once", r.overlap)
	}
	if r.maxRun < 2 {
		t.Errorf("at most %d batch in flight with a ParallelizationFactor of 4: no concurrency", r.maxRun)
	}
	if r.maxRun > 4 {
		t.Errorf("%d batches in flight with a ParallelizationFactor of 4", r.maxRun)
	}
	if got := p.Delivered(); got != keys*each {
		t.Errorf("delivered %d, want %d", got, keys*each)
	}
}

// TestCheckpointStaysAtTheLowestUnfinishedRecord: while the first key's batch is held, later records of other
// keys are finished, but the mapping's checkpoint stays before the held record and the idle check says so;
// once it is released, the checkpoint moves to the last record.
func TestCheckpointStaysAtTheLowestUnfinishedRecord(t *testing.T) {
	t.Parallel()
	db := testenv.DynamoDB(t)
	table := streamTable(t, db)
	put(t, db, table, "LEAD#held", 0)
	for k := range 6 {
		put(t, db, table, fmt.Sprintf("LEAD#%d", k), 1)
	}
	release := make(chan struct{})
	r := &laneRecorder{inFlight: map[string]int{}}
	r.hold = func(b []laneRecord) <-chan struct{} {
		for _, s := range b {
			if s.key == "LEAD#held" {
				return release
			}
		}
		return after(time.Millisecond)
	}
	p := startPoller(t, db, table, samtemplate.Stream{BatchSize: 1, ParallelizationFactor: 4, MaximumRetryAttempts: -1, MaximumRecordAgeSeconds: -1}, r)
	// Keys that share the held key's lane wait behind it; the others are delivered.
	waitFor(t, "the stream listed", func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.started })
	laneOf := func(key string) int {
		return p.laneOf(map[string]any{"dynamodb": map[string]any{"Keys": map[string]any{"pk": map[string]any{"S": key}}}}, 4)
	}
	others := 0
	for k := range 6 {
		if laneOf(fmt.Sprintf("LEAD#%d", k)) != laneOf("LEAD#held") {
			others++
		}
	}
	if others == 0 {
		t.Fatal("every key shares the held key's lane: the test proves nothing")
	}
	waitFor(t, "the other lanes' records delivered", func() bool { return p.Delivered() == others })

	var heldSeq string
	for _, s := range r.records() {
		if s.key == "LEAD#held" {
			heldSeq = s.seq
		}
	}
	p.mu.Lock()
	var done []string
	for _, s := range p.shards {
		done = append(done, s.doneSeq)
	}
	p.mu.Unlock()
	for _, d := range done {
		if d != "" && seqAfterOrAt(d, heldSeq) {
			t.Fatalf("checkpoint %s is at or past the record still in flight (%s)", d, heldSeq)
		}
	}
	if why := p.unfinished(context.Background()); why == "" {
		t.Fatal("the mapping says it finished every record while a batch is in flight")
	}
	close(release)
	waitFor(t, "the mapping finished", func() bool { return p.unfinished(context.Background()) == "" })
	if got := p.Delivered(); got != 7 {
		t.Errorf("delivered %d, want 7", got)
	}
}

// after is a channel closed after d.
func after(d time.Duration) <-chan struct{} {
	c := make(chan struct{})
	time.AfterFunc(d, func() { close(c) })
	return c
}

// seqAfterOrAt compares two stream sequence numbers (decimal strings of any length).
func seqAfterOrAt(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a >= b
}

// TestThrottledBatchesWaitAndRetry: a function whose reserved concurrency is 1 throttles the second of four
// lanes' batches; the mapping retries them without counting a retry (MaximumRetryAttempts 0 sends nothing to
// the on-failure destination) and never runs two at once.
func TestThrottledBatchesWaitAndRetry(t *testing.T) {
	t.Parallel()
	db := testenv.DynamoDB(t)
	table := streamTable(t, db)
	for k := range 8 {
		put(t, db, table, fmt.Sprintf("LEAD#%d", k), 0)
	}
	r := &laneRecorder{inFlight: map[string]int{}, limit: 1}
	r.hold = func([]laneRecord) <-chan struct{} { return after(30 * time.Millisecond) }
	p := startPoller(t, db, table, samtemplate.Stream{BatchSize: 1, ParallelizationFactor: 4, MaximumRetryAttempts: 0, MaximumRecordAgeSeconds: -1}, r)
	waitFor(t, "every record delivered", func() bool { return p.Delivered() == 8 })
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.maxRun != 1 {
		t.Errorf("%d invocations at once with a reserved concurrency of 1", r.maxRun)
	}
	if r.throttle == 0 {
		t.Error("no invocation was throttled: the test proves nothing")
	}
	p.mu.Lock()
	throttled := p.throttled
	p.mu.Unlock()
	if throttled != r.throttle {
		t.Errorf("the mapping counted %d throttles, the function refused %d", throttled, r.throttle)
	}
}

// TestReservedConcurrencyCapsInvocations: beyond its ReservedConcurrentExecutions, a function throttles what a
// stream mapping invokes (ErrThrottled) and makes any other invocation wait for a slot.
func TestReservedConcurrencyCapsInvocations(t *testing.T) {
	t.Parallel()
	f := newFunction(samtemplate.Function{LogicalID: "CappedFunction", ReservedConcurrency: 1, Timeout: 3}, "/nonexistent", nil, io.Discard, 4)
	f.slots <- struct{}{} // one invocation running
	if _, err := f.tryInvoke(context.Background(), []byte(`{}`)); !errors.Is(err, ErrThrottled) {
		t.Fatalf("a stream mapping's invocation beyond the reserved concurrency: %v, want ErrThrottled", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := f.invoke(ctx, newID(), []byte(`{}`)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("another invocation beyond the reserved concurrency: %v, want it to wait until its deadline", err)
	}
	free := newFunction(samtemplate.Function{LogicalID: "FreeFunction", Timeout: 3}, "/nonexistent", nil, io.Discard, 4)
	if free.slots != nil {
		t.Fatal("a function without reserved concurrency is capped")
	}
}

// TestBatchingWindow: with a window, a batch that is not full waits for the window from its oldest record and
// takes what arrived meanwhile; a full batch does not wait.
func TestBatchingWindow(t *testing.T) {
	t.Parallel()
	db := testenv.DynamoDB(t)
	for _, tc := range []struct {
		name      string
		batchSize int
		records   int
		minWait   time.Duration
		maxWait   time.Duration
		batches   int
	}{
		{"not full: waits for the window", 100, 3, 900 * time.Millisecond, 10 * time.Second, 1},
		{"full: at once", 3, 3, 0, 900 * time.Millisecond, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			table := streamTable(t, db)
			r := &laneRecorder{inFlight: map[string]int{}}
			p := startPoller(t, db, table, samtemplate.Stream{BatchSize: tc.batchSize, MaximumBatchingWindowSeconds: 1, MaximumRetryAttempts: -1, MaximumRecordAgeSeconds: -1}, r)
			waitFor(t, "the stream listed", func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.started })
			first := time.Now()
			for n := range tc.records {
				put(t, db, table, "LEAD#w", n)
			}
			waitFor(t, "every record delivered", func() bool { return p.Delivered() == tc.records })
			r.mu.Lock()
			defer r.mu.Unlock()
			if len(r.batches) != tc.batches {
				t.Fatalf("%d batches, want %d", len(r.batches), tc.batches)
			}
			if wait := r.at[0].Sub(first); wait < tc.minWait || wait > tc.maxWait {
				t.Errorf("invoked %s after the first write, want between %s and %s", wait, tc.minWait, tc.maxWait)
			}
		})
	}
}
