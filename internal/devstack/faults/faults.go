// Package faults injects AWS's failures into a function's own AWS calls, for the local stack's soak (make soak):
// DynamoDB throttling, 500s and transaction conflicts, SES throttling, refusals and timeouts after SES accepted
// the message. It is an SDK middleware added to the function's aws.Config (platform.AWSFromEnv) only in the local
// stack's build (platform.LocalBuildTag): package platform imports this package from a file with that build tag
// alone, so a production build cannot contain it (a test checks it with go list -deps).
//
// A fault looks like AWS's own: the HTTP answer AWS sends (status, X-Amzn-Errortype, JSON body), parsed by the
// SDK's own deserializer into the typed error a handler sees, so the SDK's retryer retries what it would retry in
// AWS. A timeout after acceptance is the request really sent (SES local stores the email) and an i/o timeout
// returned instead of the answer. The configuration is one variable (Env), set by the local stack for every
// function: rates per fault kind and a seed; the faults of one execution environment follow from the seed, the
// function's name and its environment's log stream name. Each injected fault and each retry is appended as one
// JSON line to the file the configuration names, for the soak's counts.
package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Env is the variable the local stack sets to switch faults on, e.g.
// "seed=7,ddb.throttle=0.03,ddb.5xx=0.03,ddb.conflict=0.05,ses.throttle=0.03,ses.reject=0.02,ses.timeout=0.03,log=/tmp/faults.jsonl".
const Env = "HANDOFF_FAULTS"

// The fault kinds, as Config's keys name them.
const (
	DynamoThrottle  = "ddb.throttle" // ProvisionedThroughputExceededException or ThrottlingException, 400
	DynamoServer    = "ddb.5xx"      // InternalServerError, 500
	DynamoConflict  = "ddb.conflict" // TransactWriteItems: TransactionCanceledException, a TransactionConflict reason
	SESThrottle     = "ses.throttle" // TooManyRequestsException, 429
	SESReject       = "ses.reject"   // MessageRejected, 400
	SESTimeoutAfter = "ses.timeout"  // the message sent and accepted, then an i/o timeout instead of the answer
)

// Kinds lists every fault kind.
var Kinds = []string{DynamoThrottle, DynamoServer, DynamoConflict, SESThrottle, SESReject, SESTimeoutAfter}

// Config is a fault plan: the share of calls (0 to 1) failing with each kind, a seed, and where the injected
// faults are recorded ("" records nothing).
type Config struct {
	Seed  uint64
	Rates map[string]float64
	Log   string
}

// Parse reads a Config from Env's value ("" is no fault). Unknown keys and rates outside 0-1 are errors: a typo
// must not run a soak without its faults.
func Parse(s string) (Config, error) {
	c := Config{Rates: map[string]float64{}}
	var problems []string
	for _, kv := range strings.Split(s, ",") {
		kv = strings.TrimSpace(kv)
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%q: want key=value", kv))
		case k == "seed":
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				problems = append(problems, fmt.Sprintf("seed: a whole number, got %q", v))
			}
			c.Seed = n
		case k == "log":
			c.Log = v
		case isKind(k):
			r, err := strconv.ParseFloat(v, 64)
			if err != nil || r < 0 || r > 1 {
				problems = append(problems, fmt.Sprintf("%s: a share from 0 to 1, got %q", k, v))
			}
			c.Rates[k] = r
		default:
			problems = append(problems, fmt.Sprintf("unknown key %q (seed, log, %s)", k, strings.Join(Kinds, ", ")))
		}
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("%s: %s", Env, strings.Join(problems, "; "))
	}
	return c, nil
}

func isKind(k string) bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// String is the Config as Env's value.
func (c Config) String() string {
	parts := []string{"seed=" + strconv.FormatUint(c.Seed, 10)}
	keys := make([]string, 0, len(c.Rates))
	for k := range c.Rates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		parts = append(parts, k+"="+strconv.FormatFloat(c.Rates[k], 'g', -1, 64))
	}
	if c.Log != "" {
		parts = append(parts, "log="+c.Log)
	}
	return strings.Join(parts, ",")
}

// Active reports a Config that injects something.
func (c Config) Active() bool {
	for _, r := range c.Rates {
		if r > 0 {
			return true
		}
	}
	return false
}

// Injector decides and injects the faults of one execution environment.
type Injector struct {
	cfg      Config
	function string
	mu       sync.Mutex
	rng      *rand.Rand
	log      io.Writer
}

// New is the injector of one execution environment: its faults follow from the seed and instance (the function's
// name and its environment's log stream, which differ between environments). log receives the records (nil:
// none).
func New(c Config, function, instance string, log io.Writer) *Injector {
	h := fnv.New64a()
	_, _ = h.Write([]byte(function + "\x00" + instance))
	return &Injector{cfg: c, function: function, rng: rand.New(rand.NewPCG(c.Seed, h.Sum64())), log: log}
}

// FromEnv is the injector Env configures for the running function, and its APIOptions; nil when Env is unset or
// injects nothing.
func FromEnv(lookup func(string) (string, bool)) ([]func(*middleware.Stack) error, error) {
	v, _ := lookup(Env)
	c, err := Parse(v)
	if err != nil || !c.Active() {
		return nil, err
	}
	var log io.Writer
	if c.Log != "" {
		log = &appender{path: c.Log}
	}
	fn, _ := lookup("AWS_LAMBDA_FUNCTION_NAME")
	stream, _ := lookup("AWS_LAMBDA_LOG_STREAM_NAME")
	return New(c, fn, stream, log).APIOptions(), nil
}

// appender appends each record to a file, opened for each (the processes of every function share it; one small
// O_APPEND write is not interleaved with another's).
type appender struct{ path string }

func (a *appender) Write(p []byte) (int, error) {
	f, err := os.OpenFile(a.path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return f.Write(p)
}

// Record is one line of the log: an injected fault (Fault set) or an operation the SDK retried (Retries set).
type Record struct {
	Function  string `json:"function"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	Fault     string `json:"fault,omitempty"`
	Retries   int    `json:"retries,omitempty"`
}

func (i *Injector) record(r Record) {
	if i.log == nil {
		return
	}
	r.Function = i.function
	b, _ := json.Marshal(r)
	i.mu.Lock()
	defer i.mu.Unlock()
	_, _ = i.log.Write(append(b, '\n'))
}

// choose draws the fault of one attempt of op ("" for none).
func (i *Injector) choose(service, op string) string {
	var kinds []string
	switch {
	case service == "DynamoDB":
		kinds = []string{DynamoThrottle, DynamoServer}
		if op == "TransactWriteItems" {
			kinds = append(kinds, DynamoConflict)
		}
	case service == "SESv2" && op == "SendEmail":
		kinds = []string{SESThrottle, SESReject, SESTimeoutAfter}
	default:
		return ""
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	x := i.rng.Float64()
	for _, k := range kinds {
		if x < i.cfg.Rates[k] {
			return k
		}
		x -= i.cfg.Rates[k]
	}
	return ""
}

type attemptsKey struct{}
type itemsKey struct{}

// APIOptions are the middlewares to add to a client's stack (aws.Config.APIOptions): one in Initialize, which
// counts the attempts of an operation (its retries) and notes a transaction's size, and one at the end of
// Deserialize, just before the HTTP round trip, where each attempt's fault is drawn and answered.
func (i *Injector) APIOptions() []func(*middleware.Stack) error {
	return []func(*middleware.Stack) error{func(s *middleware.Stack) error {
		if err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("faultsCount", i.count), middleware.Before); err != nil {
			return err
		}
		return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("faultsInject", i.inject), middleware.After)
	}}
}

func (i *Injector) count(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
	attempts := new(int)
	ctx = middleware.WithStackValue(ctx, attemptsKey{}, attempts)
	if t, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok {
		ctx = middleware.WithStackValue(ctx, itemsKey{}, len(t.TransactItems))
	}
	out, md, err := next.HandleInitialize(ctx, in)
	if *attempts > 1 {
		i.record(Record{Service: awsmiddleware.GetServiceID(ctx), Operation: awsmiddleware.GetOperationName(ctx), Retries: *attempts - 1})
	}
	return out, md, err
}

func (i *Injector) inject(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
	if n, ok := middleware.GetStackValue(ctx, attemptsKey{}).(*int); ok {
		*n++
	}
	service, op := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
	kind := i.choose(service, op)
	if kind == "" {
		return next.HandleDeserialize(ctx, in)
	}
	i.record(Record{Service: service, Operation: op, Fault: kind})
	if kind == SESTimeoutAfter {
		out, md, err := next.HandleDeserialize(ctx, in)
		if err != nil {
			return out, md, err // not accepted after all: the real error
		}
		return out, md, TimeoutAfterSend()
	}
	items, _ := middleware.GetStackValue(ctx, itemsKey{}).(int)
	status, typ, body := Answer(kind, items, i.pick)
	return middleware.DeserializeOutput{RawResponse: Response(status, typ, body, service)}, middleware.Metadata{}, nil
}

func (i *Injector) pick(n int) int {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.rng.IntN(n)
}

// Answer is AWS's answer for a fault kind: its HTTP status, error type and JSON body. items is a transaction's
// number of items (its cancellation reasons, one per item); pick(n) chooses among n variants.
func Answer(kind string, items int, pick func(int) int) (int, string, []byte) {
	const ddb = "com.amazonaws.dynamodb.v20120810#"
	j := func(v any) []byte { b, _ := json.Marshal(v); return b }
	switch kind {
	case DynamoThrottle:
		if pick(2) == 0 {
			return 400, "ProvisionedThroughputExceededException", j(map[string]string{"__type": ddb + "ProvisionedThroughputExceededException",
				"message": "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."})
		}
		return 400, "ThrottlingException", j(map[string]string{"__type": ddb + "ThrottlingException", "message": "Throughput exceeds the current capacity of your table or index."})
	case DynamoServer:
		return 500, "InternalServerError", j(map[string]string{"__type": ddb + "InternalServerError", "message": "Internal server error"})
	case DynamoConflict:
		items = max(items, 1)
		reasons := make([]map[string]string, items)
		conflict := pick(items)
		for k := range reasons {
			reasons[k] = map[string]string{"Code": "None"}
		}
		reasons[conflict] = map[string]string{"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
		codes := make([]string, items)
		for k, r := range reasons {
			codes[k] = r["Code"]
		}
		return 400, "TransactionCanceledException", j(map[string]any{"__type": ddb + "TransactionCanceledException",
			"Message":             "Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]",
			"CancellationReasons": reasons})
	case SESThrottle:
		return 429, "TooManyRequestsException", j(map[string]string{"message": "Maximum sending rate exceeded."})
	case SESReject:
		return 400, "MessageRejected", j(map[string]string{"message": "Email address is not verified. The following identities failed the check in region EU-WEST-3: noreply@example.com"})
	}
	return 500, "InternalFailure", j(map[string]string{"message": "unknown fault " + kind})
}

// Response is the HTTP answer the SDK reads for a fault: DynamoDB's JSON 1.0 protocol, SES v2's REST JSON.
func Response(status int, typ string, body []byte, service string) *smithyhttp.Response {
	h := http.Header{}
	h.Set("X-Amzn-Errortype", typ)
	h.Set("X-Amzn-Requestid", "FAULT"+strconv.Itoa(status)+typ[:3])
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if service == "DynamoDB" {
		h.Set("Content-Type", "application/x-amz-json-1.0")
	} else {
		h.Set("Content-Type", "application/json")
	}
	return &smithyhttp.Response{Response: &http.Response{StatusCode: status, Status: strconv.Itoa(status) + " " + http.StatusText(status),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}}
}

// TimeoutAfterSend is what the SDK returns when the answer does not come in time after the request was written:
// a send error around a read timeout (not a dial: the connection was made, the server may have acted).
func TimeoutAfterSend() error {
	return &smithyhttp.RequestSendError{Err: &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}}
}
