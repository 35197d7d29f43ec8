// Package samlocal runs template.yaml's functions locally the way SAM would, without Docker: each function's
// real binary (built for this machine with -tags lambda.norpc) talks to a Lambda Runtime API served here, with
// the environment the template gives it. HttpApi events become routes on one local port, DynamoDB events
// become stream pollers against DynamoDB Local (FilterCriteria, BatchSize, MaximumBatchingWindowInSeconds,
// ParallelizationFactor, ReportBatchItemFailures, bisection, bounded retries, throttling by the function's
// ReservedConcurrentExecutions), Schedule and ScheduleV2 events become timers that can also be fired on demand.
//
// Running the real binaries rather than the handlers in-process keeps what Lambda would see: a cold start that
// parses the environment and the contract (and refuses to start when they are wrong), one process per
// execution environment, the environment variables from the template and nothing else, and crashes that stay
// inside the function.
package samlocal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// Options configure a local stack.
type Options struct {
	Root           string // the module root, where `go build` runs and layers' ContentUri are resolved
	CodeRoot       string // the folder holding functions/<name>, relative to Root; "" is Root itself
	Template       *samtemplate.Template
	Params         map[string]string // parameter overrides (Stage=local...)
	TableNames     map[string]string // table logical ID -> physical name, tables already created
	DynamoEndpoint string
	SESEndpoint    string        // "" when no function sends mail
	APIAddr        string        // host:port for the HTTP API; "127.0.0.1:0" picks a free port
	ClockOffset    time.Duration // shifts the schedules' clock, and the functions' through ClockOffsetEnv
	// ClockOffsetEnv names the variable that tells a function the clock offset (a Go duration), "" for none.
	ClockOffsetEnv string
	// BuildTags are added to lambda.norpc when the functions are built (e.g. a tag that enables local-only code).
	BuildTags      []string
	StateDir       string        // binaries and on-failure records; default Root/.local
	Logs           io.Writer     // function and stack logs; nil discards
	MaxConcurrency int           // execution environments per function; default 4
	PollInterval   time.Duration // stream polling when idle; default 200 ms
	RetryBackoff   func(attempt int) time.Duration
	// AsyncRetryDelay is the wait before retry n (0, 1) of a failed asynchronous invocation (what a schedule
	// makes); default Lambda's: one minute, then two.
	AsyncRetryDelay func(attempt int) time.Duration
	ExtraEnv        map[string]string // added to every function's environment
	// SecretsEndpoint serves SSM and Secrets Manager (moto's server, localaws.StartMoto); "" when no function
	// reads a secret.
	SecretsEndpoint string
	// Crashes kills functions' processes mid-invocation now and then (make soak); the zero value never does.
	Crashes Crashes
}

// NotEmulated lists what AWS does that the local stack does not, said once at start so nobody relies on it.
var NotEmulated = []string{
	"IAM, but for DynamoDB: SES, SSM and Secrets Manager take any caller (each function's DynamoDB requests are checked against its role's statements)",
	"SQS: on-failure destinations and dead-letter queues are files under .local/failures",
	"EventBridge Scheduler delivery retries and dead-letter queue: delivery to a local function never fails (the function's own errors follow its EventInvokeConfig, as in Lambda)",
	"account concurrency limits; reserved concurrency (ReservedConcurrentExecutions) throttles stream mappings as Lambda does, " +
		"but an HTTP, direct or asynchronous invocation beyond it waits for a running one to end (Lambda answers 429 to a synchronous one " +
		"and retries an asynchronous one with its own backoff)",
	"a stream mapping's batching window ends when the window passes or the batch reaches BatchSize, never at Lambda's 6 MB payload limit",
	"SES sending quotas, the sandbox and identity verification: SES local accepts every message",
	"SES events: only bounces and complaints to EventBridge, and only for mail to the mailbox simulator's bounce@ and complaint@simulator.amazonses.com " +
		"(or injected: POST /_local/ses/bounce); its other addresses, SES's delay before a bounce, other destinations (SNS, Firehose) and event types are not",
	"EventBridge: the default bus only, each matching rule's function invoked at once; delivery retries and dead-letter queues of rules are not",
}

// NotEmulated is the list above, with each route whose authorizer the stack does not check, and the tables whose
// TTL DynamoDB Local does not apply.
func (s *Stack) NotEmulated() []string { return NotEmulatedBy(s.opts) }

// NotEmulatedBy is what a stack started with o says it does not emulate (Stack.NotEmulated), known before it
// starts: `make run`'s banner test reads it from the real template.
func NotEmulatedBy(o Options) []string {
	out := append([]string{}, NotEmulated...)
	if o.SecretsEndpoint != "" {
		out = append(out, localaws.MotoNotEmulated...)
	} else {
		out = append(out, "SSM and Secrets Manager: not served (a function that reads a secret refuses to start)")
	}
	// Measured on DynamoDB Local 3.3.0: expired items are deleted within seconds in a table without a global
	// secondary index, never in one with an index (whatever its projection, whether or not the item is in it).
	var ttl []string
	for _, t := range o.Template.Tables {
		if t.TTL != "" && len(t.Indexes) > 0 {
			ttl = append(ttl, t.LogicalID)
		}
	}
	if len(ttl) > 0 {
		out = append(out, fmt.Sprintf("TTL of %s: DynamoDB Local deletes no expired item of a table with a global secondary index "+
			"(AWS deletes them within days; the other tables' expired items go within seconds, their stream records as REMOVEs by dynamodb.amazonaws.com)",
			strings.Join(ttl, ", ")))
	}
	out = append(out, operations(o.Template.Resources)...)
	for _, def := range o.Template.Functions {
		for _, r := range def.Routes {
			if r.Authorizer != "" {
				out = append(out, fmt.Sprintf("the %s authorizer of %s %s: the local API answers it unauthenticated", r.Authorizer, r.Method, r.Path))
			}
		}
	}
	return out
}

// Stack is a running local stack.
type Stack struct {
	opts      Options
	clock     sync.Mutex
	offset    time.Duration // the clock offset now (Options.ClockOffset at start, SetClockOffset after)
	reclock   chan struct{} // closed and replaced when the offset changes: schedules compute their next firing again
	log       *slog.Logger
	functions map[string]*function
	pollers   []*poller
	schedules []*scheduled
	api       *http.Server
	url       string
	ses       *sesEmulator // SES's event publishing, in front of SES local (ses.go)
	dynamo    *dynamoProxy // IAM for DynamoDB, in front of DynamoDB Local (dynamoiam.go)
	act       *activity    // what keeps the stack busy, for WaitIdle (idle.go)
	counts    *counts      // DynamoDB requests and invocations per function, for make bench (counts.go)
	runCtx    context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

type scheduled struct {
	function string
	def      samtemplate.Schedule
	sched    schedule
	fn       invoker

	mu   sync.Mutex
	next time.Time
}

// Start builds the functions and starts serving. Close stops everything it started.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if o.MaxConcurrency <= 0 {
		o.MaxConcurrency = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 200 * time.Millisecond
	}
	if o.AsyncRetryDelay == nil {
		o.AsyncRetryDelay = func(attempt int) time.Duration { return time.Minute << attempt }
	}
	if o.RetryBackoff == nil {
		o.RetryBackoff = func(attempt int) time.Duration {
			return min(100*time.Millisecond<<attempt, 5*time.Second)
		}
	}
	if o.StateDir == "" {
		o.StateDir = filepath.Join(o.Root, ".local")
	}
	logs := o.Logs
	if logs == nil {
		logs = io.Discard
	}
	s := &Stack{opts: o, offset: o.ClockOffset, reclock: make(chan struct{}), functions: map[string]*function{}, act: newActivity(), counts: newCounts(), log: slog.New(slog.NewTextHandler(logs, nil))}
	addr := o.APIAddr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	// Listen first: the API's URL is part of some functions' environment (links in emails).
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	s.url = "http://" + ln.Addr().String()
	runCtx, cancel := context.WithCancel(context.Background())
	s.runCtx, s.cancel = runCtx, cancel
	if err := s.startSES(s.resolver()); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	if s.dynamo, err = s.startDynamoProxy(); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	bins, err := s.build(ctx)
	if err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	envs, err := s.environments()
	if err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	for i, def := range o.Template.Functions {
		s.functions[def.LogicalID] = newFunction(def, bins[def.LogicalID], envs[def.LogicalID], logs, o.MaxConcurrency)
		s.functions[def.LogicalID].act = s.act
		s.functions[def.LogicalID].counts = s.counts
		s.functions[def.LogicalID].crash = newCrasher(o.Crashes, def, i)
	}
	if err := s.startPollers(runCtx); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	if err := s.startSchedules(runCtx); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	s.serve(ln)
	return s, nil
}

// build compiles every function for this machine in one `go build` (shared work, parallel) into a folder every
// stack of this checkout shares, then copies the binaries into the stack's own: go relinks only what changed, where
// linking them all took ~7 s of two cores at each start (the tests start dozens of stacks), and a stack's copies
// are never rewritten under it while it runs.
func (s *Stack) build(ctx context.Context) (map[string]string, error) {
	dir := filepath.Join(s.opts.StateDir, "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	bins := map[string]string{}
	var pkgs []string
	for _, f := range s.opts.Template.Functions {
		pkg := "./" + filepath.ToSlash(filepath.Join(s.opts.CodeRoot, f.Package))
		pkgs = append(pkgs, pkg)
		bins[f.LogicalID] = filepath.Join(dir, filepath.Base(f.Package))
	}
	if len(pkgs) == 0 {
		return bins, nil
	}
	tags := strings.Join(append([]string{"lambda.norpc"}, s.opts.BuildTags...), ",")
	key := sha256.Sum256([]byte(tags + "\x00" + strings.Join(pkgs, "\x00")))
	shared := filepath.Join(s.opts.Root, ".local", "functions", hex.EncodeToString(key[:8]))
	if err := os.MkdirAll(shared, 0o755); err != nil {
		return nil, err
	}
	unlock, err := lockFolder(shared)
	if err != nil {
		return nil, err
	}
	defer unlock()
	cmd := exec.CommandContext(ctx, "go", append([]string{"build", "-tags", tags, "-o", shared + string(filepath.Separator)}, pkgs...)...)
	cmd.Dir = s.opts.Root
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build functions: %v\n%s", err, out)
	}
	for _, bin := range bins {
		if err := copyFile(filepath.Join(shared, filepath.Base(bin)), bin); err != nil {
			return nil, fmt.Errorf("build functions: %w", err)
		}
	}
	return bins, nil
}

// lockFolder holds an exclusive lock on a folder's .lock file until the returned function is called: one build
// at a time into it, from this process or another (go test runs packages side by side).
func lockFolder(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// resolver evaluates the template's intrinsic functions as the local stack deploys it: parameters, tables,
// the API, layers and configuration sets (by their Name).
func (s *Stack) resolver() *samtemplate.Resolver {
	params := map[string]string{}
	for k, v := range s.opts.Template.Parameters {
		params[k] = v
	}
	for k, v := range s.opts.Params {
		params[k] = v
	}
	resources := map[string]string{}
	for k, v := range s.opts.TableNames {
		resources[k] = v
	}
	for id, typ := range s.opts.Template.Resources {
		if typ == "AWS::Serverless::HttpApi" || typ == "AWS::ApiGatewayV2::Api" {
			resources[id] = localAPIMarker
		}
	}
	for _, l := range s.opts.Template.Layers {
		resources[l.LogicalID] = fmt.Sprintf("arn:aws:lambda:%s:%s:layer:%s:1", localaws.Region, localaws.Account, l.LogicalID)
	}
	r := &samtemplate.Resolver{Params: params, Resources: resources, Region: localaws.Region, Account: localaws.Account, StackName: "handoff-local"}
	for _, cs := range s.opts.Template.SESConfigurationSets {
		if name, err := r.Resolve(cs.Name); cs.Name != nil && err == nil {
			resources[cs.LogicalID] = name // what Ref returns; a Name that does not resolve stops startSES
		}
	}
	return r
}

// environments resolves each function's variables from the template, as Lambda would see them.
func (s *Stack) environments() (map[string][]string, error) {
	r := s.resolver()
	layers := map[string]string{}
	for _, l := range s.opts.Template.Layers {
		layers[l.LogicalID] = filepath.Join(s.opts.Root, l.ContentURI)
	}
	out := map[string][]string{}
	var problems []string
	for _, f := range s.opts.Template.Functions {
		env := map[string]string{
			"AWS_LAMBDA_FUNCTION_NAME":        f.LogicalID,
			"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": fmt.Sprint(f.MemorySize),
			"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
			"AWS_REGION":                      localaws.Region,
			"AWS_DEFAULT_REGION":              localaws.Region,
			"AWS_ACCESS_KEY_ID":               localaws.AccessKey,
			"AWS_SECRET_ACCESS_KEY":           localaws.SecretKey,
			"AWS_EC2_METADATA_DISABLED":       "true",
			"AWS_ENDPOINT_URL_DYNAMODB":       s.dynamo.endpoint(s.opts.DynamoEndpoint, f.LogicalID), // IAM checked there
			"TZ":                              ":UTC",
			"_HANDLER":                        "bootstrap",
		}
		if ep := s.ses.endpoint(); ep != "" {
			env["AWS_ENDPOINT_URL_SESV2"] = ep // SES local, through the stack's emulation of SES's events
		}
		if s.opts.SecretsEndpoint != "" {
			env["AWS_ENDPOINT_URL_SSM"] = s.opts.SecretsEndpoint
			env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = s.opts.SecretsEndpoint
		}
		if offset := s.clockOffset(); offset != 0 && s.opts.ClockOffsetEnv != "" {
			env[s.opts.ClockOffsetEnv] = offset.String()
		}
		// What Lambda derives from LoggingConfig; aws-lambda-go's log handler reads them.
		env["AWS_LAMBDA_LOG_FORMAT"] = f.Logging.Format
		if f.Logging.AppLevel != "" {
			env["AWS_LAMBDA_LOG_LEVEL"] = f.Logging.AppLevel
		}
		env["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/" + f.LogicalID
		for k, n := range f.Environment {
			v, err := r.Resolve(n)
			if err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s: %v", f.LogicalID, k, err))
				continue
			}
			env[k] = s.localAPI(optPath(v, f.Layers, layers))
		}
		for k, v := range s.extraEnv() {
			env[k] = v
		}
		list := make([]string, 0, len(env))
		for k, v := range env {
			list = append(list, k+"="+v)
		}
		sort.Strings(list)
		out[f.LogicalID] = list
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return out, nil
}

// localAPIMarker stands for an HTTP API's ID while resolving; localAPI turns the API's AWS URL into the local one.
const localAPIMarker = "local-http-api"

func (s *Stack) localAPI(v string) string {
	if i := strings.Index(v, "https://"+localAPIMarker+".execute-api."); i >= 0 {
		rest := v[i+len("https://"+localAPIMarker+".execute-api."):]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			return v[:i] + s.url + rest[j:]
		}
		return v[:i] + s.url
	}
	return v
}

// optPath maps a path under /opt (where Lambda extracts layers) to the layer's folder in the repository.
func optPath(v string, fnLayers []string, layers map[string]string) string {
	rest, ok := strings.CutPrefix(v, "/opt/")
	if !ok {
		return v
	}
	for _, l := range fnLayers {
		if dir, ok := layers[l]; ok {
			if p := filepath.Join(dir, rest); fileExists(p) {
				return p
			}
		}
	}
	return v
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func (s *Stack) startPollers(ctx context.Context) error {
	streams := dynamodbstreams.New(dynamodbstreams.Options{
		Region:       localaws.Region,
		BaseEndpoint: aws.String(s.opts.DynamoEndpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, ""),
	})
	db := localaws.DynamoDB(s.opts.DynamoEndpoint)
	for _, def := range s.opts.Template.Functions {
		for _, st := range def.Streams {
			if !st.Enabled {
				continue
			}
			fs, err := compileFilters(st.Filters)
			if err != nil {
				return fmt.Errorf("%s/%s: %w", def.LogicalID, st.Event, err)
			}
			table, ok := s.opts.TableNames[st.Table]
			if !ok {
				return fmt.Errorf("%s/%s: no table %s", def.LogicalID, st.Event, st.Table)
			}
			hashKey := ""
			for _, t := range s.opts.Template.Tables {
				for _, k := range t.Keys {
					if t.LogicalID == st.Table && k.Type == "HASH" {
						hashKey = k.Attribute
					}
				}
			}
			p := &poller{
				name: def.LogicalID + "/" + st.Event, cfg: st, filters: fs, table: table, hashKey: hashKey, fn: throttling{s.functions[def.LogicalID]},
				db: db, streams: streams, log: s.log, interval: s.opts.PollInterval, backoff: s.opts.RetryBackoff, act: s.act, offset: s.clockOffset,
				failures: filepath.Join(s.opts.StateDir, "failures", def.LogicalID+"-"+st.Event+".jsonl"),
			}
			s.pollers = append(s.pollers, p)
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				p.run(ctx)
			}()
		}
	}
	return nil
}

func (s *Stack) now() time.Time { return time.Now().Add(s.clockOffset()) }

func (s *Stack) clockOffset() time.Duration {
	s.clock.Lock()
	defer s.clock.Unlock()
	return s.offset
}

// SetClockOffset moves the clock of the schedules and of every function (through Options.ClockOffsetEnv) while
// the stack runs, to walk a demo or a test through days of deadlines. A function's clock is read at its cold
// start, so every execution environment is retired: an idle one stops at once, one running an invocation once
// that is answered (on the old clock); the next invocations cold-start with the new clock.
func (s *Stack) SetClockOffset(offset time.Duration) error {
	s.clock.Lock()
	s.offset = offset
	close(s.reclock)
	s.reclock = make(chan struct{})
	s.clock.Unlock()
	if err := s.restartAll(); err != nil {
		return err
	}
	s.log.Info("clock moved", "offset", offset.String(), "now", s.now().UTC().Format(time.RFC3339))
	return nil
}

func (s *Stack) extraEnv() map[string]string {
	s.clock.Lock()
	defer s.clock.Unlock()
	out := make(map[string]string, len(s.opts.ExtraEnv))
	for k, v := range s.opts.ExtraEnv {
		out[k] = v
	}
	return out
}

// SetEnv sets (or, with "", removes) a variable of every function's environment while the stack runs, as
// Options.ExtraEnv would have: every execution environment is restarted, as SetClockOffset does (make soak turns
// its faults off so).
func (s *Stack) SetEnv(key, value string) error {
	s.clock.Lock()
	env := make(map[string]string, len(s.opts.ExtraEnv)+1)
	for k, v := range s.opts.ExtraEnv {
		env[k] = v
	}
	if value == "" {
		delete(env, key)
	} else {
		env[key] = value
	}
	s.opts.ExtraEnv = env
	s.clock.Unlock()
	return s.restartAll()
}

// restartAll retires every function's execution environments (function.restart), the next ones started with
// the environment the stack gives now (its clock, its extra variables).
func (s *Stack) restartAll() error {
	envs, err := s.environments()
	if err != nil {
		return err
	}
	for id, f := range s.functions {
		f.restart(envs[id])
	}
	return nil
}

// CrashNext kills the function's next invocation mid-way (after a delay drawn up to Crashes.Within; one that
// answers before is not killed), even after StopCrashes: make soak crashes the month's report so, which runs once.
func (s *Stack) CrashNext(function string) error {
	f, ok := s.functions[function]
	switch {
	case !ok:
		return fmt.Errorf("no function %s", function)
	case f.crash == nil:
		return fmt.Errorf("%s is not among the functions Options.Crashes kills", function)
	}
	f.crash.next()
	return nil
}

// StopCrashes ends Options.Crashes: no process is killed any more (those counted stay counted).
func (s *Stack) StopCrashes() {
	for _, f := range s.functions {
		f.crash.stop()
	}
}

func (s *Stack) reclocked() <-chan struct{} {
	s.clock.Lock()
	defer s.clock.Unlock()
	return s.reclock
}

func (s *Stack) startSchedules(ctx context.Context) error {
	for _, def := range s.opts.Template.Functions {
		for _, sd := range def.Schedules {
			sched, err := parseSchedule(sd.Expression, sd.TimeZone)
			if err == nil {
				err = checkContextAttributes(sd)
			}
			if err != nil {
				return fmt.Errorf("%s/%s: %w", def.LogicalID, sd.Event, err)
			}
			sc := &scheduled{function: def.LogicalID, def: sd, sched: sched, fn: s.functions[def.LogicalID]}
			s.schedules = append(s.schedules, sc)
			if !sd.Enabled {
				continue
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				s.runSchedule(ctx, sc)
			}()
		}
	}
	return nil
}

func (s *Stack) runSchedule(ctx context.Context, sc *scheduled) {
	for {
		// The clock's move signal is taken before the clock is read: a move in between closes it, where taking
		// it after would wait on the next move's, with the next firing of the old clock (a lost wake-up: idle at
		// a due instant that never fires).
		reclocked := s.reclocked()
		now := s.now()
		next := sc.sched.next(now)
		sc.mu.Lock()
		sc.next = next
		sc.mu.Unlock()
		if next.IsZero() {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-reclocked:
			continue
		case <-time.After(next.Sub(now)):
		}
		// Counted before sc.next moves on, so that the idle check sees the firing either due or pending.
		done := s.act.begin("schedule " + sc.function + "/" + sc.def.Event + " firing (with Lambda's retries)")
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer done()
			s.fireAsync(ctx, sc, next)
		}()
	}
}

// fireAsync is what EventBridge Scheduler does at a scheduled instant: an asynchronous invocation, at some
// instant of the flexible time window if there is one. Lambda, not the scheduler, retries a function error:
// up to the function's EventInvokeConfig.MaximumRetryAttempts (default 2, one minute then two apart) while the
// event is younger than MaximumEventAgeInSeconds; then the event goes to its on-failure destination, or is
// dropped.
func (s *Stack) fireAsync(ctx context.Context, sc *scheduled, at time.Time) {
	if w := sc.def.FlexibleWindowMinutes; w > 0 {
		select {
		case <-ctx.Done():
			return
		case <-time.After(rand.N(time.Duration(w) * time.Minute)):
		}
	}
	payload := s.schedulePayload(sc, at)
	async := sc.fn.(*function).def.Async
	started, id := time.Now(), newID() // Lambda retries an asynchronous invocation under its request ID
	for attempt := 0; ; attempt++ {
		_, err := s.invokeScheduled(ctx, sc, at, payload, id)
		if err == nil || ctx.Err() != nil {
			return
		}
		delay := s.opts.AsyncRetryDelay(attempt)
		if attempt >= async.MaximumRetryAttempts || time.Since(started)+delay > time.Duration(async.MaximumEventAgeSeconds)*time.Second {
			s.asyncFailure(sc, payload, err, attempt+1)
			return
		}
		s.log.Warn("scheduled invocation failed; Lambda retries it", "function", sc.function, "event", sc.def.Event,
			"attempt", attempt+1, "retryIn", delay.String(), "error", err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

// asyncFailure records what Lambda sends to an asynchronous invocation's on-failure destination.
func (s *Stack) asyncFailure(sc *scheduled, payload []byte, cause error, attempts int) {
	fn := sc.fn.(*function).def
	s.log.Error("scheduled invocation failed after Lambda's retries", "function", sc.function, "event", sc.def.Event,
		"attempts", attempts, "destination", fn.Async.OnFailure, "error", cause.Error())
	if fn.Async.OnFailure == "" {
		return
	}
	rec, _ := json.Marshal(map[string]any{
		"version": "1.0", "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"requestContext": map[string]any{"condition": "RetriesExhausted", "approximateInvokeCount": attempts,
			"functionArn": fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s:$LATEST", localaws.Region, localaws.Account, sc.function)},
		"requestPayload":  json.RawMessage(payload),
		"responseContext": map[string]any{"statusCode": 200, "functionError": "Unhandled"},
		"responsePayload": map[string]any{"errorMessage": cause.Error()},
	})
	appendLine(filepath.Join(s.opts.StateDir, "failures", sc.function+"-async.jsonl"), rec)
}

// fire invokes a schedule's function synchronously with what EventBridge would send at instant at.
func (s *Stack) fire(ctx context.Context, sc *scheduled, at time.Time) ([]byte, error) {
	return s.invokeScheduled(ctx, sc, at, s.schedulePayload(sc, at), newID())
}

func (s *Stack) invokeScheduled(ctx context.Context, sc *scheduled, at time.Time, payload []byte, id string) ([]byte, error) {
	s.log.Info("schedule fired", "function", sc.function, "event", sc.def.Event, "at", at.UTC().Format(time.RFC3339))
	return sc.fn.(*function).invoke(ctx, id, payload)
}

// schedulePayload is the schedule's Input (EventBridge Scheduler's context attributes in it replaced), or the
// notification EventBridge sends when there is none.
func (s *Stack) schedulePayload(sc *scheduled, at time.Time) []byte {
	payload := []byte(sc.def.Input)
	if sc.def.V2 && len(payload) > 0 {
		payload = []byte(strings.NewReplacer(
			"<aws.scheduler.scheduled-time>", at.UTC().Truncate(time.Second).Format(time.RFC3339),
			"<aws.scheduler.schedule-arn>", fmt.Sprintf("arn:aws:scheduler:%s:%s:schedule/default/%s-%s", localaws.Region, localaws.Account, sc.function, sc.def.Event),
			"<aws.scheduler.execution-id>", newID()[:16],
			"<aws.scheduler.attempt-number>", "1", // the scheduler's own retries are not emulated
		).Replace(sc.def.Input))
	}
	if len(payload) == 0 {
		source, kind := "aws.events", "rule"
		if sc.def.V2 {
			source, kind = "aws.scheduler", "schedule/default"
		}
		payload, _ = json.Marshal(map[string]any{
			"version": "0", "id": newID(), "detail-type": "Scheduled Event", "source": source,
			"account": localaws.Account, "time": at.UTC().Truncate(time.Second).Format(time.RFC3339), "region": localaws.Region,
			"resources": []string{fmt.Sprintf("arn:aws:events:%s:%s:%s/%s-%s", localaws.Region, localaws.Account, kind, sc.function, sc.def.Event)},
			"detail":    map[string]any{},
		})
	}
	return payload
}

// FireSchedule fires a schedule now (for demos and tests), whatever its expression says, as a synchronous
// invocation (like `aws lambda invoke`): its answer or error is returned, and nothing is retried.
func (s *Stack) FireSchedule(ctx context.Context, function, event string) ([]byte, error) {
	for _, sc := range s.schedules {
		if sc.function == function && sc.def.Event == event {
			return s.fire(ctx, sc, s.now())
		}
	}
	return nil, fmt.Errorf("no schedule %s/%s", function, event)
}

// Invoke runs a function directly, like `sam local invoke -e event.json`.
func (s *Stack) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	f, ok := s.functions[function]
	if !ok {
		return nil, fmt.Errorf("no function %s", function)
	}
	return f.Invoke(ctx, payload)
}

// Usage is what one function of the stack did since it started: what a bench reads to count requests and
// cost per operation.
type Usage struct {
	Invocations int           // invocations that ran (Lambda bills no throttled one)
	Billed      time.Duration // their durations summed, each rounded up to the millisecond as Lambda bills them
	// DynamoDBRequests are the requests it sent to DynamoDB (through the IAM proxy, dynamoiam.go; 0 when the
	// template models no IAM and the functions reach DynamoDB Local directly).
	DynamoDBRequests int
	// DynamoDBOperations splits DynamoDBRequests by operation (GetItem, Query, TransactWriteItems, …).
	DynamoDBOperations map[string]int
	MemorySize         int // MB, from the template: GB-seconds are Billed × MemorySize / 1024
}

// Usage is each function's usage so far (or since ResetCounts), by logical ID, from the stack's counts
// (counts.go).
func (s *Stack) Usage() map[string]Usage {
	out := map[string]Usage{}
	invs, reqs := s.Invocations(), s.DynamoRequests()
	for id, f := range s.functions {
		u := Usage{Invocations: invs[id].Count, Billed: invs[id].Billed, MemorySize: f.def.MemorySize, DynamoDBOperations: reqs[id]}
		for _, n := range reqs[id] {
			u.DynamoDBRequests += n
		}
		out[id] = u
	}
	return out
}

// Crashes counts the crashes Options.Crashes made, by function (those with none are left out).
func (s *Stack) Crashes() map[string]int {
	out := map[string]int{}
	for id, f := range s.functions {
		if n := f.crash.crashes(); n > 0 {
			out[id] = n
		}
	}
	return out
}

// SentMail is a message SES local accepted through the stack: its ID and the instant SES local answered.
type SentMail struct {
	MessageID string
	Subject   string // "" for a raw MIME message
	Accepted  time.Time
}

// Sent lists every message SES local accepted through the stack.
func (s *Stack) Sent() []SentMail {
	e := s.ses
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]SentMail, 0, len(e.sent))
	for _, m := range e.sent {
		out = append(out, SentMail{MessageID: m.MessageID, Subject: m.Subject, Accepted: m.At})
	}
	return out
}

// Throttled counts the invocations of a function's stream mapping that its reserved concurrency throttled.
func (s *Stack) Throttled(function, event string) int {
	for _, p := range s.pollers {
		if p.name == function+"/"+event {
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.throttled
		}
	}
	return 0
}

// FailureFiles are the files standing for the on-failure destinations (SQS queues): a stream mapping's
// (<Function>-<Event>.jsonl) and an asynchronous invocation's (<Function>-async.jsonl), one JSON record a line.
func (s *Stack) FailureFiles() string { return filepath.Join(s.opts.StateDir, "failures") }

// Delivered counts the stream records a function's mapping processed successfully.
func (s *Stack) Delivered(function, event string) int {
	for _, p := range s.pollers {
		if p.name == function+"/"+event {
			return p.Delivered()
		}
	}
	return 0
}

func (s *Stack) serve(ln net.Listener) {
	g := &gateway{log: s.log}
	for _, def := range s.opts.Template.Functions {
		for _, r := range def.Routes {
			g.routes = append(g.routes, newRoute(r.Method, r.Path, def.LogicalID, s.functions[def.LogicalID]))
		}
	}
	g.sortRoutes()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_local/{$}", s.describe)
	mux.HandleFunc("POST /_local/clock", func(w http.ResponseWriter, r *http.Request) {
		offset, err := time.ParseDuration(r.URL.Query().Get("offset"))
		if err != nil {
			jsonMessage(w, http.StatusBadRequest, "offset: a Go duration such as 72h or -30m, got "+strconv.Quote(r.URL.Query().Get("offset")))
			return
		}
		if err := s.SetClockOffset(offset); err != nil {
			jsonMessage(w, http.StatusInternalServerError, err.Error())
			return
		}
		s.describe(w, r)
	})
	mux.HandleFunc("POST /_local/schedules/{function}/{event}", func(w http.ResponseWriter, r *http.Request) {
		if n, _ := r.Body.Read(make([]byte, 1)); n > 0 {
			// A schedule sends its own input: a payload here would be dropped without a word.
			jsonMessage(w, http.StatusBadRequest, "a schedule fires with its own input; to invoke the function with a payload: POST "+s.url+"/_local/invoke/"+r.PathValue("function"))
			return
		}
		out, err := s.FireSchedule(r.Context(), r.PathValue("function"), r.PathValue("event"))
		if err != nil {
			jsonMessage(w, http.StatusBadGateway, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	})
	mux.HandleFunc("POST /_local/ses/bounce", s.ses.injectBounce)
	mux.HandleFunc("GET /_local/idle", s.serveIdle)
	mux.HandleFunc("POST /_local/invoke/{function}", func(w http.ResponseWriter, r *http.Request) {
		// `aws lambda invoke --payload` (a synchronous invocation, which Lambda caps at 6 MB of payload).
		payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 6<<20))
		if err != nil {
			jsonMessage(w, http.StatusRequestEntityTooLarge, "the payload: "+err.Error())
			return
		}
		if !json.Valid(payload) {
			jsonMessage(w, http.StatusBadRequest, "the payload must be JSON, as Lambda's invoke requires")
			return
		}
		out, err := s.Invoke(r.Context(), r.PathValue("function"), payload)
		if err != nil {
			jsonMessage(w, http.StatusBadGateway, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	})
	mux.Handle("/", g)
	s.api = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.api.Serve(ln) }()
}

// describe lists what the stack runs: routes, stream mappings, schedules and their next firing.
func (s *Stack) describe(w http.ResponseWriter, _ *http.Request) {
	type sched struct {
		Function, Event, Expression, TimeZone string
		Enabled                               bool
		Next                                  *time.Time `json:",omitempty"`
		FireNow                               string
	}
	var out struct {
		API         string
		Mail        string `json:",omitempty"`
		Clock       time.Time
		ClockOffset string `json:",omitempty"`
		MoveClock   string
		Invoke      string
		Bounce      string
		Idle        string
		Routes      []string
		Mappings    map[string]int // records delivered per mapping
		Schedules   []sched
		NotEmulated []string
	}
	out.API, out.Clock, out.Mappings, out.NotEmulated = s.url, s.now(), map[string]int{}, s.NotEmulated()
	out.MoveClock = "POST " + s.url + "/_local/clock?offset=<duration from the real clock, e.g. 72h>"
	out.Invoke = "POST " + s.url + "/_local/invoke/<function> with the payload as body (aws lambda invoke --payload)"
	out.Bounce = "POST " + s.url + `/_local/ses/bounce {"messageId": "<SES message ID>", "type": "permanent" | "transient" | "complaint"}`
	out.Idle = "GET " + s.url + "/_local/idle?wait=30s: 200 once idle (every stream drained, nothing running, no schedule due), 503 naming what is busy"
	if o := s.clockOffset(); o != 0 {
		out.ClockOffset = o.String()
	}
	if s.opts.SESEndpoint != "" {
		out.Mail = s.opts.SESEndpoint
	}
	for _, def := range s.opts.Template.Functions {
		for _, r := range def.Routes {
			out.Routes = append(out.Routes, r.Method+" "+r.Path+" -> "+def.LogicalID)
		}
	}
	for _, p := range s.pollers {
		out.Mappings[p.name] = p.Delivered()
	}
	for _, sc := range s.schedules {
		sc.mu.Lock()
		item := sched{Function: sc.function, Event: sc.def.Event, Expression: sc.def.Expression, TimeZone: sc.def.TimeZone,
			Enabled: sc.def.Enabled, FireNow: "POST " + s.url + "/_local/schedules/" + sc.function + "/" + sc.def.Event}
		if !sc.next.IsZero() {
			n := sc.next
			item.Next = &n
		}
		sc.mu.Unlock()
		out.Schedules = append(out.Schedules, item)
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out)
}

// URL is the HTTP API's base URL.
func (s *Stack) URL() string { return s.url }

// Close stops the API, the pollers, the schedules and every function process.
func (s *Stack) Close() {
	if s.api != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_ = s.api.Shutdown(ctx)
		cancel()
	}
	if s.cancel != nil {
		s.cancel()
	}
	s.wg.Wait()
	s.ses.close()
	s.dynamo.close()
	for _, f := range s.functions {
		f.close()
	}
}
