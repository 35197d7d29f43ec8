package samlocal

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/platform"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type fixture struct {
	stack  *Stack
	tables map[string]string
	db     *dynamodb.Client
	logs   *testenv.SyncBuffer
	state  string
}

// start creates the test template's tables, lets seed write to them before the stream pollers start (so a
// whole scenario arrives in one page of records), then starts the stack.
func start(t *testing.T, opts Options, seed func(db *dynamodb.Client, tables map[string]string)) *fixture {
	t.Helper()
	tpl, err := samtemplate.Load("testdata/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	db := testenv.DynamoDB(t)
	prefix := strings.ReplaceAll(t.Name(), "/", "_") + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	tables, err := localaws.CreateTables(context.Background(), db, tpl.Tables, func(tbl samtemplate.Table) (string, error) {
		return prefix + "-" + tbl.LogicalID, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seed != nil {
		seed(db, tables)
	}
	logs := &testenv.SyncBuffer{}
	opts.Root = testenv.Root()
	opts.CodeRoot = "internal/devstack/samlocal/testdata"
	opts.Template = tpl
	opts.TableNames = tables
	opts.DynamoEndpoint = testenv.DynamoEndpoint(t)
	opts.StateDir = t.TempDir()
	opts.Logs = logs
	if opts.PollInterval == 0 {
		opts.PollInterval = 50 * time.Millisecond
	}
	if opts.RetryBackoff == nil {
		opts.RetryBackoff = func(int) time.Duration { return 10 * time.Millisecond }
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return &fixture{stack: s, tables: tables, db: db, logs: logs, state: opts.StateDir}
}

func TestHTTPRoutes(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, nil)
	type echoed struct {
		Event events.APIGatewayV2HTTPRequest
		Stage string
		Seen  string
	}
	call := func(method, path, contentType, body string, cookie string) (*http.Response, echoed) {
		t.Helper()
		req, _ := http.NewRequest(method, f.stack.URL()+path, strings.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var e echoed
		raw, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(raw, &e)
		return resp, e
	}

	resp, e := call("GET", "/echo/42?x=1&x=2&y=%C3%A9", "", "", "a=1; b=2")
	if resp.StatusCode != 201 || resp.Header.Get("X-Echo") != "yes" || !strings.Contains(resp.Header.Get("Set-Cookie"), "session=abc") {
		t.Errorf("response %d, headers %v", resp.StatusCode, resp.Header)
	}
	ev := e.Event
	if ev.Version != "2.0" || ev.RouteKey != "GET /echo/{id}" || ev.PathParameters["id"] != "42" || ev.RawPath != "/echo/42" {
		t.Errorf("event route = %q %v %q", ev.RouteKey, ev.PathParameters, ev.RawPath)
	}
	if ev.QueryStringParameters["x"] != "1,2" || ev.QueryStringParameters["y"] != "é" || ev.RawQueryString != "x=1&x=2&y=%C3%A9" {
		t.Errorf("query = %v %q", ev.QueryStringParameters, ev.RawQueryString)
	}
	if strings.Join(ev.Cookies, "|") != "a=1|b=2" || ev.Headers["cookie"] != "" {
		t.Errorf("cookies = %v, cookie header %q", ev.Cookies, ev.Headers["cookie"])
	}
	if ev.RequestContext.HTTP.Method != "GET" || ev.RequestContext.HTTP.SourceIP != "127.0.0.1" || ev.RequestContext.RequestID == "" {
		t.Errorf("request context = %+v", ev.RequestContext)
	}
	if e.Stage != "stage-test" || !strings.HasSuffix(e.Seen, "-SeenTable") {
		t.Errorf("environment from the template: STAGE=%q SEEN_TABLE=%q", e.Stage, e.Seen)
	}

	// A literal route wins over a parameter.
	if _, e := call("GET", "/echo/exact", "", "", ""); e.Event.RouteKey != "GET /echo/exact" {
		t.Errorf("/echo/exact matched %q", e.Event.RouteKey)
	}
	// Greedy path parameter and a form post, which HTTP APIs hand over base64-encoded.
	_, e = call("POST", "/echo/a/b/c", "application/x-www-form-urlencoded", "email=ana%40example.com&name=Ana", "")
	if e.Event.PathParameters["proxy"] != "a/b/c" || !e.Event.IsBase64Encoded {
		t.Errorf("form post: proxy %q, base64 %v", e.Event.PathParameters["proxy"], e.Event.IsBase64Encoded)
	}
	if body, _ := base64.StdEncoding.DecodeString(e.Event.Body); string(body) != "email=ana%40example.com&name=Ana" {
		t.Errorf("form body = %q", body)
	}
	_, e = call("POST", "/echo/x", "application/json; charset=utf-8", `{"a":1}`, "")
	if e.Event.IsBase64Encoded || e.Event.Body != `{"a":1}` {
		t.Errorf("json body = %q base64 %v", e.Event.Body, e.Event.IsBase64Encoded)
	}
	for path, want := range map[string]int{"/nope": 404, "/echo": 404, "/echo/1/2": 404} {
		if resp, _ := call("GET", path, "", "", ""); resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	if resp, _ := call("POST", "/echo/x", "application/octet-stream", strings.Repeat("x", maxPayload+1), ""); resp.StatusCode != 413 {
		t.Errorf("11 MB body = %d, want 413", resp.StatusCode)
	}
	// Counted for make bench: the four requests that reached a function, not the 404s nor the 413.
	n, took := 0, time.Duration(0)
	for _, inv := range f.stack.Invocations() {
		n, took = n+inv.Count, took+inv.Took
	}
	if n != 4 || took <= 0 {
		t.Errorf("invocations counted: %d in %s, want 4", n, took)
	}
}

// TestClockMoveLetsAnInvocationFinish: moving the clock while an invocation runs lets it answer (on the old
// clock) — AWS has no such move, so failing it would be the local stack's own fault — and the next invocation
// gets an environment with the new clock.
func TestClockMoveLetsAnInvocationFinish(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, nil)
	get := func(path string) int {
		resp, err := http.Get(f.stack.URL() + path)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get("/echo/1"); code != 201 {
		t.Fatalf("warm-up: %d", code)
	}
	napped := make(chan int, 1)
	go func() { napped <- get("/echo/nap") }() // a second's invocation
	time.Sleep(300 * time.Millisecond)
	if err := f.stack.SetClockOffset(time.Hour); err != nil {
		t.Fatal(err)
	}
	if code := <-napped; code != 201 {
		t.Errorf("the invocation in flight when the clock moved answered %d, want 201", code)
	}
	if code := get("/echo/2"); code != 201 {
		t.Errorf("after the move: %d", code)
	}
}

// Moves of the clock while invocations keep coming (make soak moves it thousands of times under load): an
// environment retired by a move never takes an invocation it would then be stopped in, nor does one stopped
// while it starts fail the invocation waiting for it — each is answered by a fresh environment, as Lambda
// answers every invocation whatever its configuration updates.
func TestClockMovesUnderLoadFailNoInvocation(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failed []string
	done := make(chan struct{})
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-done:
					return
				default:
				}
				resp, err := http.Get(fmt.Sprintf("%s/echo/%d", f.stack.URL(), i))
				mu.Lock()
				switch {
				case err != nil:
					failed = append(failed, err.Error())
				case resp.StatusCode != 201:
					body, _ := io.ReadAll(resp.Body)
					failed = append(failed, resp.Status+": "+string(body))
				}
				mu.Unlock()
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	for i := 1; i <= 40; i++ {
		time.Sleep(time.Duration(10+i%4*15) * time.Millisecond)
		if err := f.stack.SetClockOffset(time.Duration(i) * time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if len(failed) > 0 {
		t.Errorf("%d invocations failed while the clock moved, e.g. %s\n%s", len(failed), failed[0], errorLines(f.logs.String()))
	}
}

// errorLines are the log lines that report an error.
func errorLines(logs string) string {
	var out []string
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(strings.ToLower(l), "error") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestTimeoutAndInitFailure(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, nil)
	begin := time.Now()
	resp, err := http.Get(f.stack.URL() + "/sleep")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("a function past its 2 s timeout answered %d, want 503", resp.StatusCode)
	}
	if d := time.Since(begin); d > 4*time.Second {
		t.Errorf("the timeout took %s", d)
	}
	// The timed-out environment was discarded; the next request gets a fresh one that works.
	resp, err = http.Get(f.stack.URL() + "/echo/1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Errorf("after a timeout: %d", resp.StatusCode)
	}

	resp, err = http.Get(f.stack.URL() + "/broken")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Errorf("a function that cannot start answered %d, want 500", resp.StatusCode)
	}
	_, err = f.stack.Invoke(context.Background(), "BrokenFunction", []byte(`{}`))
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Type != "Runtime.InitError" || !strings.Contains(fe.Message, "missing environment variables: HANDOFF_TEST_NOT_SET") {
		t.Errorf("Invoke(BrokenFunction) = %v; want an init error naming the variable", err)
	}
	if !strings.Contains(f.logs.String(), `"message":"cold start failed: refusing to serve"`) {
		t.Errorf("the function's own log line is not in the stack's logs:\n%s", f.logs.String())
	}
}

func putItems(t *testing.T, db *dynamodb.Client, table string, items ...map[string]types.AttributeValue) {
	t.Helper()
	for _, it := range items {
		if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
}

func item(pk, kind string, fail bool) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: pk}, "kind": &types.AttributeValueMemberS{Value: kind},
		"fail": &types.AttributeValueMemberBOOL{Value: fail},
	}
}

func seen(t *testing.T, f *fixture, pk string) int {
	t.Helper()
	out, err := f.db.GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(f.tables["SeenTable"]), Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	n, ok := out.Item["seen"].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	v, _ := strconv.Atoi(n.Value)
	return v
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestStreamItemFailuresFiltersAndDestination(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, func(db *dynamodb.Client, tables map[string]string) {
		putItems(t, db, tables["SourceTable"], item("a", "keep", false), item("b", "skip", false),
			item("c", "keep", true), item("d", "keep", false))
		// A MODIFY of a kept item: the filter only lets INSERTs through.
		putItems(t, db, tables["SourceTable"], item("a", "keep", false))
	})
	failures := filepath.Join(f.state, "failures", "RecorderFunction-Items.jsonl")
	waitFor(t, "the failure record", func() bool { _, err := os.Stat(failures); return err == nil })
	// [a c d]: c fails -> retry from c: [c d] twice more (MaximumRetryAttempts: 2) -> [c d] to the destination.
	want := map[string]int{"a": 1, "b": 0, "c": 3, "d": 3}
	for pk, n := range want {
		if got := seen(t, f, pk); got != n {
			t.Errorf("record %s handed over %d times, want %d", pk, got, n)
		}
	}
	raw, err := os.ReadFile(failures)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		RequestContext     struct{ ApproximateInvokeCount int }
		DDBStreamBatchInfo struct {
			BatchSize   int
			ShardID     string    `json:"shardId"`
			First       time.Time `json:"approximateArrivalOfFirstRecord"`
			Last        time.Time `json:"approximateArrivalOfLastRecord"`
			StartSeq    string    `json:"startSequenceNumber"`
			EndSequence string    `json:"endSequenceNumber"`
		}
	}
	if err := json.Unmarshal(bytes.TrimSpace(raw), &rec); err != nil || rec.DDBStreamBatchInfo.BatchSize != 2 || rec.RequestContext.ApproximateInvokeCount != 3 {
		t.Errorf("failure record = %s (%v)", raw, err)
	}
	// What handoff replay --from-failure reads of it, as in AWS's record: the shard, the range, the arrivals
	// (a stream record's creation time is rounded down to the minute: up to two minutes before now).
	if b := rec.DDBStreamBatchInfo; b.ShardID == "" || b.StartSeq == "" || b.EndSequence == "" || b.First.IsZero() || b.Last.Before(b.First) ||
		time.Since(b.First) > 2*time.Minute {
		t.Errorf("failure record without its shard, range or arrivals: %s", raw)
	}
	if got := f.stack.Delivered("RecorderFunction", "Items"); got != 1 {
		t.Errorf("delivered = %d, want 1 (a)", got)
	}
}

func TestStreamBisectOnFunctionError(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, func(db *dynamodb.Client, tables map[string]string) {
		putItems(t, db, tables["BisectTable"], item("a", "x", false), item("c", "x", true), item("d", "x", false))
	})
	failures := filepath.Join(f.state, "failures", "RecorderFunction-Bisect.jsonl")
	waitFor(t, "the failure record", func() bool { _, err := os.Stat(failures); return err == nil })
	waitFor(t, "d delivered", func() bool { return f.stack.Delivered("RecorderFunction", "Bisect") == 2 })
	// [a c d] fails -> [a] ok, [c d] fails -> [c] fails 3 times (to the destination), [d] ok.
	for pk, n := range map[string]int{"a": 2, "c": 5, "d": 3} {
		if got := seen(t, f, pk); got != n {
			t.Errorf("record %s handed over %d times, want %d", pk, got, n)
		}
	}
}

func TestSchedules(t *testing.T) {
	t.Parallel()
	offset := 48 * time.Hour
	f := start(t, Options{ClockOffset: offset, ClockOffsetEnv: "TICK_CLOCK_OFFSET"}, nil)
	resp, err := http.Post(f.stack.URL()+"/_local/schedules/TickFunction/Nightly", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Event map[string]any
		Now   time.Time
	}
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || out.Event["job"] != "nightly" {
		t.Fatalf("fired Nightly: %v, %+v", err, out)
	}
	if d := time.Until(out.Now) - offset; d < -time.Minute || d > time.Minute {
		t.Errorf("the function's clock is off by %s from the stack's offset", d)
	}
	// Moved while running (the warm environment is replaced: the clock is read at cold start).
	if resp, err := http.Post(f.stack.URL()+"/_local/clock?offset=-24h", "", nil); err != nil || resp.StatusCode != 200 {
		t.Fatalf("move the clock: %v %v", err, resp)
	}
	raw, err := f.stack.FireSchedule(context.Background(), "TickFunction", "Nightly")
	if err != nil || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("fired Nightly after moving the clock: %v", err)
	}
	if d := time.Until(out.Now) + 24*time.Hour; d < -time.Minute || d > time.Minute {
		t.Errorf("after moving the clock to -24h the function's clock is off by %s", d)
	}
	if resp, err := http.Post(f.stack.URL()+"/_local/clock?offset=soon", "", nil); err != nil || resp.StatusCode != 400 {
		t.Errorf("a bad offset: %v %v", err, resp)
	}
	if err := f.stack.SetClockOffset(offset); err != nil {
		t.Fatal(err)
	}
	out.Event = nil
	raw, err = f.stack.FireSchedule(context.Background(), "TickFunction", "Monthly")
	if err != nil || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("fired Monthly: %v", err)
	}
	if out.Event["detail-type"] != "Scheduled Event" || out.Event["source"] != "aws.events" {
		t.Errorf("Monthly sent %v", out.Event)
	}
	// EventBridge Scheduler's context attributes in an input are replaced, the scheduled time in UTC.
	out.Event = nil
	raw, err = f.stack.FireSchedule(context.Background(), "TickFunction", "Scheduled")
	if err != nil || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("fired Scheduled: %v", err)
	}
	at, err := time.Parse(time.RFC3339, fmt.Sprint(out.Event["at"]))
	if err != nil || at.Location() != time.UTC || time.Until(at)-offset > time.Minute || time.Until(at)-offset < -time.Minute ||
		!strings.HasPrefix(fmt.Sprint(out.Event["arn"]), "arn:aws:scheduler:") || out.Event["try"] != "1" || len(fmt.Sprint(out.Event["run"])) != 16 {
		t.Errorf("Scheduled sent %v (%v)", out.Event, err)
	}
	// Invoked with a payload over HTTP, as `aws lambda invoke --payload` does; a schedule refuses one.
	resp, err = http.Post(f.stack.URL()+"/_local/invoke/TickFunction", "application/json", strings.NewReader(`{"job": "by hand"}`))
	if err != nil {
		t.Fatal(err)
	}
	out.Event = nil
	err = json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || out.Event["job"] != "by hand" {
		t.Errorf("invoke: %d %v %+v", resp.StatusCode, err, out.Event)
	}
	for path, body := range map[string]string{"/_local/invoke/TickFunction": "not json", "/_local/schedules/TickFunction/Nightly": `{"job": "x"}`,
		"/_local/invoke/NoFunction": "{}"} {
		resp, err := http.Post(f.stack.URL()+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Errorf("POST %s %q: %d %s, want a refusal", path, body, resp.StatusCode, msg)
		}
	}
	if _, err := f.stack.FireSchedule(context.Background(), "TickFunction", "Nope"); err == nil {
		t.Error("firing an unknown schedule succeeded")
	}

	var desc struct {
		Schedules []struct {
			Event string
			Next  time.Time
		}
	}
	resp, err = http.Get(f.stack.URL() + "/_local/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&desc); err != nil {
		t.Fatal(err)
	}
	for _, s := range desc.Schedules {
		// Shifted by the offset: the next firing is at least a day and a half away.
		if s.Next.Before(time.Now().Add(offset - 24*time.Hour)) {
			t.Errorf("%s next fires at %s, which ignores the clock offset", s.Event, s.Next)
		}
	}
}

// A scheduled invocation is asynchronous: Lambda (not the scheduler) retries a function error as the
// function's EventInvokeConfig says, then sends the event to its on-failure destination.
func TestScheduledInvocationRetriedLikeLambda(t *testing.T) {
	t.Parallel()
	f := start(t, Options{AsyncRetryDelay: func(int) time.Duration { return 10 * time.Millisecond }}, nil)
	var sc *scheduled
	for _, x := range f.stack.schedules {
		if x.function == "FlakyFunction" {
			sc = x
		}
	}
	if sc == nil || !sc.def.DeliveryRetries || !sc.def.DeliveryDLQ {
		t.Fatalf("FlakyFunction's schedule = %+v", sc)
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	f.stack.fireAsync(context.Background(), sc, at)
	out, err := f.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(f.tables["SeenTable"]),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "flaky"}}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	if n := testenv.Attr(out.Item, "seen"); n != "2" {
		t.Errorf("FlakyFunction ran %s times; want 2 (MaximumRetryAttempts: 1)", n)
	}
	// Lambda retries an asynchronous invocation under the same request ID (handlers rely on it: internal/monthly).
	if ids, ok := out.Item["ids"].(*types.AttributeValueMemberSS); !ok || len(ids.Value) != 1 || ids.Value[0] == "" {
		t.Errorf("FlakyFunction's request IDs = %#v; want one, the same on the retry", out.Item["ids"])
	}
	raw, err := os.ReadFile(filepath.Join(f.state, "failures", "FlakyFunction-async.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		RequestContext struct {
			Condition              string
			ApproximateInvokeCount int
		}
		RequestPayload struct {
			Time   time.Time
			Source string
		}
	}
	if err := json.Unmarshal(raw, &rec); err != nil || rec.RequestContext.Condition != "RetriesExhausted" ||
		rec.RequestContext.ApproximateInvokeCount != 2 || !rec.RequestPayload.Time.Equal(at) || rec.RequestPayload.Source != "aws.scheduler" {
		t.Errorf("on-failure record = %s (%v)", raw, err)
	}
}

func TestProjectStatusFunction(t *testing.T) {
	t.Parallel()
	names := testenv.Tables(t)
	run := func(extra map[string]string, tags ...string) *Stack {
		s, err := Start(context.Background(), Options{
			Root: testenv.Root(), Template: testenv.Template(), TableNames: names, ExtraEnv: extra,
			DynamoEndpoint: testenv.DynamoEndpoint(t), StateDir: t.TempDir(),
			ClockOffset: 72 * time.Hour, ClockOffsetEnv: platform.ClockOffsetEnv, BuildTags: tags,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	// The clock offset reaches a function's SLA clock only in the local build; the status route says what its
	// clock reads. A build without the tag (what sam build makes) ignores it.
	for _, tc := range []struct {
		tags    []string
		shifted bool
	}{{nil, false}, {[]string{platform.LocalBuildTag}, true}} {
		s := run(nil, tc.tags...)
		resp, err := http.Get(s.URL() + "/v1/status")
		if err != nil {
			t.Fatal(err)
		}
		var status struct{ Now time.Time }
		err = json.NewDecoder(resp.Body).Decode(&status)
		resp.Body.Close()
		ahead := time.Until(status.Now)
		if err != nil || (tc.shifted && (ahead < 71*time.Hour || ahead > 73*time.Hour)) || (!tc.shifted && (ahead > time.Minute || ahead < -time.Minute)) {
			t.Errorf("tags %v: status clock is %s ahead (%v); shifted by the offset: %v", tc.tags, ahead, err, tc.shifted)
		}
	}
	s := run(nil)
	resp, err := http.Get(s.URL() + "/v1/status")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Contract struct{ Version, Company string }
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || body.Contract.Version != "2026.12-1" || body.Contract.Company != "Maintenia SAS" {
		t.Fatalf("GET /v1/status = %d %+v %v", resp.StatusCode, body, err)
	}

	// The same function with an invalid contract refuses to start and says why.
	bad := filepath.Join(t.TempDir(), "contract.yaml")
	data, _ := os.ReadFile(filepath.Join(testenv.Root(), "infra/contract/contract.yaml"))
	if err := os.WriteFile(bad, bytes.Replace(data, []byte("locale: fr"), []byte("locale: de"), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	s = run(map[string]string{"HANDOFF_CONTRACT": bad})
	_, err = s.Invoke(context.Background(), "StatusFunction", []byte(`{}`))
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Type != "Runtime.InitError" || !strings.Contains(fe.Message, `locale: must be \"fr\" or \"en\", got \"de\"`) {
		t.Errorf("status with a bad contract: %v", err)
	}
}

func TestCloseLeavesNoFunctionProcess(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, nil)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ { // concurrent requests start several execution environments
		wg.Add(1)
		go func() {
			defer wg.Done()
			if resp, err := http.Get(f.stack.URL() + "/echo/1"); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	fn := f.stack.functions["EchoFunction"]
	fn.mu.Lock()
	var pids []int
	for p := range fn.procs {
		pids = append(pids, p.cmd.Process.Pid)
	}
	fn.mu.Unlock()
	if len(pids) == 0 {
		t.Fatal("no execution environment was started")
	}
	f.stack.Close()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("function process %d still exists after Close (kill -0: %v)", pid, err)
		}
	}
}

// TestStreamStartedEmpty is the usual `make run` case: the tables are new and empty when the pollers start,
// and items arrive later.
func TestStreamStartedEmpty(t *testing.T) {
	t.Parallel()
	f := start(t, Options{}, nil)
	time.Sleep(300 * time.Millisecond) // let the poller meet the empty stream first
	putItems(t, f.db, f.tables["SourceTable"], item("late1", "keep", false))
	waitFor(t, "the first late record", func() bool { return seen(t, f, "late1") == 1 })
	putItems(t, f.db, f.tables["SourceTable"], item("late2", "keep", false), item("late3", "keep", false))
	waitFor(t, "the next ones", func() bool { return seen(t, f, "late2") == 1 && seen(t, f, "late3") == 1 })
	time.Sleep(300 * time.Millisecond)
	if seen(t, f, "late1") != 1 {
		t.Error("a record was delivered twice after repositioning")
	}
}
