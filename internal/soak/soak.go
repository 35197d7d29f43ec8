// Package soak is make soak: a month of leads through the whole local stack with AWS's failures injected — a share
// of the functions' DynamoDB and SES calls failing as AWS's can (package faults, in the functions' local build
// only), and stream consumers' and scheduled jobs' processes killed mid-invocation (samlocal.Crashes) — then the
// faults switched off, every record on an on-failure destination listed and redriven with the runbook's command
// (handoff replay, then an invocation per event), and the invariants checked from the tables and SES local: no
// lead or activity lost, none counted twice, one SQL email per hand-off (a resend marked as a possible duplicate
// counted apart), one reminder per reminder point, one escalation per breach, one report for the month.
//
// It drives the stack as the demo does (internal/demo's Driver: the senders' webhooks, the reps' answer page,
// the stack's clock, schedule and idle routes), with many more leads, the month's days compressed by the clock.
package soak

import (
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/demo"
	"github.com/handoff-sla/handoff/internal/devstack/faults"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/localstack"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/secrets"
)

// Config is one soak.
type Config struct {
	Root       string         // the repository root
	Leads      int            // leads over the month; default 5000
	Seed       uint64         // the people, their fates, the faults and the crashes
	FaultRate  float64        // the share of DynamoDB and SES calls failing, spread over the fault kinds; default 0.10
	CrashEvery int            // a stream consumer's or scheduled job's process killed about every n invocations; default 300
	Month      contract.Month // default demo.DefaultMonth
	Days       int            // business days with leads, spread over the month; default every one long enough
	Workers    int            // senders posting at once; default 4
	Out        io.Writer      // progress, one line per step; nil: none
	Logs       io.Writer      // the stack's logs; nil: a file under the state folder
	StateDir   string         // the stack's binaries, on-failure records and the faults' log; default Root/.local/soak
}

func (c *Config) defaults() {
	if c.Leads <= 0 {
		c.Leads = 5000
	}
	if c.FaultRate < 0 {
		c.FaultRate = 0
	}
	if c.CrashEvery < 0 {
		c.CrashEvery = 0
	}
	if c.Month.IsZero() {
		c.Month = demo.DefaultMonth
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.Out == nil {
		c.Out = io.Discard
	}
	if c.StateDir == "" {
		c.StateDir = filepath.Join(c.Root, ".local", "soak")
	}
}

// Rates spreads a total share of failing calls over the fault kinds: DynamoDB's throttling, 500s and (on
// transactions) conflicts, SES's throttling, refusals and timeouts after acceptance.
func Rates(total float64) map[string]float64 {
	share := func(f float64) float64 { return math.Round(total*f*1e6) / 1e6 }
	return map[string]float64{
		faults.DynamoThrottle: share(0.5), faults.DynamoServer: share(0.3), faults.DynamoConflict: share(0.2),
		faults.SESThrottle: share(0.4), faults.SESReject: share(0.3), faults.SESTimeoutAfter: share(0.3),
	}
}

// Result is what a soak did and found.
type Result struct {
	Config        Config
	Began         time.Time
	Took          time.Duration
	Cores         int
	Posted        int // leads posted
	SQLs          int // leads posted to become SQLs
	Days          int
	Faults        map[string]int // injected, by kind
	Retried       map[string]int // SDK retries, by service
	Crashes       map[string]int // by function
	SenderRetries int
	Unanswered    []string  // SQLs whose rep's answer the page refused (after retries), and why
	Failures      []Failure // what reached an on-failure destination, and its redrive
	Invariants    []Invariant
}

// Passed reports every invariant holding.
func (r Result) Passed() bool {
	for _, i := range r.Invariants {
		if !i.OK {
			return false
		}
	}
	return len(r.Invariants) > 0
}

// Run starts a local stack with the faults on, lives through the month, redrives the failures and checks.
func Run(ctx context.Context, cfg Config) (Result, error) {
	cfg.defaults()
	res := Result{Config: cfg, Began: time.Now().UTC(), Cores: runtime.NumCPU()}
	if err := os.RemoveAll(cfg.StateDir); err != nil {
		return res, err
	}
	if err := os.MkdirAll(cfg.StateDir, 0o755); err != nil {
		return res, err
	}
	c, err := contract.Load(filepath.Join(cfg.Root, "infra", "contract", "contract.yaml"))
	if err != nil {
		return res, err
	}
	seed, err := secrets.ReadSeedFile(filepath.Join(cfg.Root, "infra", "local", "secrets.seed"))
	if err != nil {
		return res, err
	}
	tpl, err := samtemplate.Load(filepath.Join(cfg.Root, "template.yaml"))
	if err != nil {
		return res, err
	}
	logs := cfg.Logs
	if logs == nil {
		f, err := os.Create(filepath.Join(cfg.StateDir, "stack.log"))
		if err != nil {
			return res, err
		}
		defer f.Close()
		logs = f
	}
	faultLog := filepath.Join(cfg.StateDir, "faults.jsonl")
	fc := faults.Config{Seed: cfg.Seed, Rates: Rates(cfg.FaultRate), Log: faultLog}
	crashes := samlocal.Crashes{Every: cfg.CrashEvery, Seed: cfg.Seed, Of: func(f samtemplate.Function) bool {
		return len(f.Streams) > 0 || len(f.Schedules) > 0 // the stream consumers and the scheduled jobs
	}}
	fmt.Fprintf(cfg.Out, "starting the local stack with faults (%s) and a crash about every %d invocations...\n", fc.String(), cfg.CrashEvery)
	local, err := localstack.Start(ctx, localstack.Options{Root: cfg.Root, Template: tpl, Stage: "dev", APIAddr: "127.0.0.1:0", Logs: logs,
		Faults: fc, Crashes: crashes, StateDir: cfg.StateDir})
	if err != nil {
		return res, err
	}
	defer local.Close()
	s := &soak{cfg: cfg, c: c, local: local, db: localaws.DynamoDB(local.DynamoDB.Endpoint), res: &res, rng: rand.New(rand.NewPCG(cfg.Seed, 0x736f616b)),
		d: demo.NewDriver(local.Stack.URL(), local.SES.Endpoint, c, seed, cfg.Seed, nil)}
	if err := s.month(ctx); err != nil {
		return res, err
	}
	res.Faults, res.Retried, err = faultCounts(faultLog)
	if err != nil {
		return res, err
	}
	// Calm: no more faults or crashes, then what the retries could not do is redriven.
	local.Stack.StopCrashes()
	if err := local.Stack.SetEnv(faults.Env, ""); err != nil {
		return res, err
	}
	if err := s.settle(ctx); err != nil {
		return res, err
	}
	if res.Failures, err = s.redrive(ctx); err != nil {
		return res, err
	}
	if err := s.afterMonth(ctx); err != nil {
		return res, err
	}
	res.Crashes = local.Stack.Crashes()
	st, err := s.state(ctx)
	if err != nil {
		return res, err
	}
	res.Invariants = Check(st)
	res.Took = time.Since(res.Began)
	return res, nil
}

type soak struct {
	cfg   Config
	c     *contract.Contract
	local *localstack.Local
	db    *dynamodb.Client // the checker's reads of the tables, straight to DynamoDB Local (never a function's)
	d     *demo.Driver
	res   *Result
	rng   *rand.Rand

	mu     sync.Mutex
	posted []posted
	forks  int
}

// posted is a lead the soak posted, and the activities it posted for it (the form's submission counts one).
type posted struct {
	p          demo.Person
	activities int
	answers    int  // the rep's answers recorded (contacted, then accepted: two activities)
	onTime     bool // its rep answered on its day, as its fate planned
	sql        bool
	fate       fate
}

type fate int

const (
	prompt   fate = iota // contacted and accepted before any reminder point
	reminded             // after every reminder point, before the deadline
	late                 // after the deadline: escalated, reassigned, then contacted by the next rep
)

func (s *soak) say(format string, args ...any) {
	fmt.Fprintf(s.cfg.Out, "[%s] %s\n", s.d.Now().In(s.c.Location).Format("Mon 02 Jan 15:04"), fmt.Sprintf(format, args...))
}

// settle waits for the stack to be idle, within ten minutes.
func (s *soak) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	return s.d.Settle(ctx)
}

// days are the month's business days long enough for a whole first-contact deadline from 09:00.
func (s *soak) days() []time.Time {
	var open []time.Time
	m := s.cfg.Month
	for t := time.Date(m.Year, m.Month, 1, 9, 0, 0, 0, s.c.Location); t.Month() == m.Month; t = t.AddDate(0, 0, 1) {
		due, err := s.c.Calendar.Add(t, s.c.Sales.FirstContact)
		if err == nil && s.c.Calendar.IsOpen(t) && due.YearDay() == t.YearDay() && due.Before(t.Add(10*time.Hour)) {
			open = append(open, t)
		}
	}
	if s.cfg.Days <= 0 || s.cfg.Days >= len(open) {
		return open
	}
	out := make([]time.Time, s.cfg.Days)
	for i := range out {
		out[i] = open[i*len(open)/s.cfg.Days]
	}
	return out
}
