package bench

// Speed to lead (Order 10): how long an SQL waits for its rep's email, on the whole local stack
// (localstack.Start, as make run and make demo start it), driven only through the HTTP API as the senders drive
// it (demo.Client: each post signed as its source signs it).
//
// Each SQL is a lead that becomes one at once: a contact-form lead posted beforehand (not timed), then its demo
// request from the site's tracking (a hand-raiser: straight to sales). The demo requests are posted open loop at
// 1, 20, 50 and 100 SQLs/s sustained, 500 at each rate (-quick: 50), after 5 SQLs of warm-up (cold starts) that
// are not counted. An SQL's time is from the start of its demo request's POST to the instant SES local accepted
// its SQL email — when SES local answered the notify function's SendEmail, as the stack's SES proxy saw it
// (samlocal.Stack.Sent: SES local's own store says the second only). Lost (no SQL email once the stack is idle)
// and doubled (more than one) SQLs are counted: both must be 0.
//
// It also counts, per SQL over the whole run (warm-up included; the form post, its scoring and the deadline
// checker's runs meanwhile are part of an SQL's life), each function's DynamoDB requests (through the stack's
// per-function DynamoDB proxy, dynamoiam.go), invocations, and GB-seconds (billed durations, each rounded up to
// the millisecond, × the template's MemorySize; measured on DynamoDB Local, much slower than DynamoDB, so an upper
// bound). It shares them with the cost suite (Env.Share), <Function> being the template's logical ID
// (NotifyFunction, ScoreFunction, IngestFunction, …; only functions that ran):
//
//	speed.dynamo_requests_per_sql.<Function>  DynamoDB requests per SQL
//	speed.invocations_per_sql.<Function>      invocations per SQL
//	speed.gbs_per_sql.<Function>              GB-seconds per SQL
//
// A full run lasts about 13 minutes on the loaded 2 cores: the 1 SQL/s rate alone is 500 s, the rest is posting
// the leads and draining each rate.

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/handoff-sla/handoff/internal/demo"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

func init() {
	Register(Suite{Name: "speed", Order: 10, Run: runSpeed})
}

// speedGoal is the goal for speed to lead, up to speedGoalRate SQLs/s.
const (
	speedGoal     = time.Second
	speedGoalRate = 50
)

// speedRun is one rate's outcome.
type speedRun struct {
	rate             int
	took             []time.Duration // per SQL emailed
	lost, doubled    int
	postFailed       int
	posting          time.Duration // how long the posts took to send, first to last
	throttledBatches int           // notify's batches throttled by its reserved concurrency
	// notify's DynamoDB requests and transactions per SQL during the timed phase (claims retried after a
	// conflict cost a transaction each)
	notifyRequests, notifyTransactions float64
}

func runSpeed(ctx context.Context, env *Env) ([]Row, error) {
	local, err := startStack(ctx, env, "speed")
	if err != nil {
		return nil, err
	}
	defer local.Close()
	tpl := local.Template
	sp := &speed{env: env, stack: local.Stack, cl: demo.NewClient(local.Stack.URL(), local.SES.Endpoint, local.Contract, local.Secrets)}

	per := 500
	if env.Quick {
		per = 50
	}
	if _, err := sp.run(ctx, "w", 10, 5); err != nil { // warm-up: cold starts, not counted
		return nil, fmt.Errorf("warm-up: %w", err)
	}
	var runs []speedRun
	for _, rate := range []int{1, 20, 50, 100} {
		r, err := sp.run(ctx, fmt.Sprint(rate), rate, per)
		if err != nil {
			return nil, fmt.Errorf("%d SQLs/s: %w", rate, err)
		}
		runs = append(runs, r)
	}

	usage := sp.usageRows(tpl)
	var rows []Row
	for _, r := range runs {
		rows = append(rows, sp.row(r))
	}
	return append(rows, usage...), nil
}

type speed struct {
	env   *Env
	stack *samlocal.Stack
	cl    *demo.Client
	sqls  int // SQLs posted, warm-up included
	// requestsPerSQL is every function's DynamoDB requests per SQL (usageRows sums them).
	requestsPerSQL float64
}

// company names an SQL of a run: fixed width, so that no name is the start of another in a subject.
func company(run string, i int) string { return fmt.Sprintf("Vitesse %s-%04d", run, i) }

// run posts n leads (untimed), then their demo requests at rate per second, waits until the stack is idle and
// measures each SQL's time to its email.
func (sp *speed) run(ctx context.Context, run string, rate, n int) (speedRun, error) {
	out := speedRun{rate: rate}
	env := sp.env
	env.Logf("speed: %s: %d leads from the contact form", run, n)
	// The leads, 8 posts at a time, then idle: their form activities scored, nothing else pending.
	if err := parallel(ctx, n, 8, func(i int) error {
		_, err := sp.cl.Send(ctx, "site-contact", map[string]any{
			"E-mail professionnel": fmt.Sprintf("contact.%s.%d@vitesse-%s-%d.fr", run, i, run, i), "Prénom": "Claire", "Nom": "Dubois",
			"Société": company(run, i), "Fonction": "Directrice technique", "Effectif": "250-499", "Pays": "France",
			"Code postal": "59000", "J'accepte d'être recontacté": "oui",
		})
		return err
	}); err != nil {
		return out, err
	}
	if err := sp.settle(ctx); err != nil {
		return out, err
	}
	throttledBefore := sp.stack.Throttled("NotifyFunction", "SQLs")
	notifyBefore := sp.stack.Usage()["NotifyFunction"]

	env.Logf("speed: %s: %d demo requests at %d/s", run, n, rate)
	posted := make([]time.Time, n)
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	interval := time.Second / time.Duration(rate)
	for i := range n {
		at := start.Add(time.Duration(i) * interval)
		if d := time.Until(at); d > 0 {
			select {
			case <-ctx.Done():
				return out, ctx.Err()
			case <-time.After(d):
			}
		}
		wg.Add(1)
		go func() { // open loop: a slow answer does not slow the rate
			defer wg.Done()
			posted[i] = time.Now()
			if _, err := sp.cl.Send(ctx, "tracking", map[string]any{
				"email": fmt.Sprintf("contact.%s.%d@vitesse-%s-%d.fr", run, i, run, i), "type": "demo_request",
			}); err != nil {
				failed.Add(1)
				env.Logf("speed: %s: demo request %d: %v", run, i, err)
			}
		}()
	}
	wg.Wait()
	out.posting = time.Since(start)
	out.postFailed = int(failed.Load())
	sp.sqls += n
	if err := sp.settle(ctx); err != nil {
		return out, err
	}
	out.throttledBatches = sp.stack.Throttled("NotifyFunction", "SQLs") - throttledBefore
	notifyAfter := sp.stack.Usage()["NotifyFunction"]
	out.notifyRequests = float64(notifyAfter.DynamoDBRequests-notifyBefore.DynamoDBRequests) / float64(n)
	out.notifyTransactions = float64(notifyAfter.DynamoDBOperations["TransactWriteItems"]-notifyBefore.DynamoDBOperations["TransactWriteItems"]) / float64(n)

	// Each SQL email, by its subject's company, and when SES local accepted it.
	mails, err := sp.cl.Mails(ctx)
	if err != nil {
		return out, err
	}
	subject := map[string]string{}
	for _, m := range mails {
		subject[m.MessageID] = m.Subject
	}
	accepted := map[string][]time.Time{}
	prefix := "Vitesse " + run + "-"
	for _, m := range sp.stack.Sent() {
		s := subject[m.MessageID]
		i := strings.Index(s, prefix)
		if i < 0 || !strings.Contains(s, "SQL") {
			continue
		}
		name := s[i : i+len(prefix)+4]
		accepted[name] = append(accepted[name], m.Accepted)
	}
	for i := range n {
		at := accepted[company(run, i)]
		switch {
		case len(at) == 0:
			out.lost++
		case len(at) > 1:
			out.doubled++
		}
		if len(at) > 0 && !posted[i].IsZero() {
			out.took = append(out.took, slices.MinFunc(at, func(a, b time.Time) int { return a.Compare(b) }).Sub(posted[i]))
		}
	}
	env.Logf("speed: %s: p50 %s p95 %s p99 %s, %d lost, %d doubled, %d posts failed, %d notify batches throttled",
		run, Percentile(out.took, 50).Round(time.Millisecond), Percentile(out.took, 95).Round(time.Millisecond),
		Percentile(out.took, 99).Round(time.Millisecond), out.lost, out.doubled, out.postFailed, out.throttledBatches)
	return out, nil
}

// settle waits until the stack is idle, 5 minutes at most.
func (sp *speed) settle(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	return sp.cl.Settle(ctx)
}

func (sp *speed) row(r speedRun) Row {
	n := len(r.took) + r.lost
	p50, p95, p99 := Percentile(r.took, 50), Percentile(r.took, 95), Percentile(r.took, 99)
	figure := fmt.Sprintf("p50 %.2f s · p95 %.2f s · p99 %.2f s (%d SQLs, %d lost, %d doubled)", p50.Seconds(), p95.Seconds(), p99.Seconds(), n, r.lost, r.doubled)
	name := fmt.Sprintf("speed to lead at %d SQLs/s", r.rate)
	detail := fmt.Sprintf("posted over %.1f s; notify: %.1f DynamoDB requests and %.1f transactions per SQL, %d batches throttled by its reserved concurrency (retried)",
		r.posting.Seconds(), r.notifyRequests, r.notifyTransactions, r.throttledBatches)
	if r.postFailed > 0 {
		detail += fmt.Sprintf("; %d posts failed", r.postFailed)
	}
	if r.rate > speedGoalRate {
		row := Row{Name: name, Figure: figure, Verdict: Info, Why: detail}
		row.Relative = sp.env.Relative(p95)
		return row
	}
	ok := p95 <= speedGoal && r.lost == 0 && r.doubled == 0 && r.postFailed == 0
	why := detail
	if !ok {
		why = fmt.Sprintf("p95 %.2f s over %.0f s, or SQLs lost, doubled or refused: %s", p95.Seconds(), speedGoal.Seconds(), detail)
		if need, most := float64(r.rate)*sp.requestsPerSQL, sp.env.Baseline.PutItemsPerSecond; most > 0 && need > most/2 {
			// Reads and transactions cost DynamoDB Local more than a PutItem: past half its PutItem rate the
			// emulator, shared by every function on the same cores, is what the SQLs wait on.
			why += fmt.Sprintf("; at this rate the pipeline asks DynamoDB Local for about %.0f requests/s (%.1f per SQL), and it served at most %.0f PutItems/s in this run's baseline",
				need, sp.requestsPerSQL, most)
		}
	}
	row := Goal(name, figure, "p95 ≤ 1 s", ok, why)
	row.Relative = sp.env.Relative(p95)
	return row
}

// usageRows is the DynamoDB requests per hand-off by function, and what the cost suite reads (see the top).
func (sp *speed) usageRows(tpl *samtemplate.Template) []Row {
	usage := sp.stack.Usage()
	ids := make([]string, 0, len(usage))
	for id, u := range usage {
		if u.Invocations > 0 || u.DynamoDBRequests > 0 {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	sqls := float64(sp.sqls)
	var parts, inv, split []string
	total := 0.0
	for _, id := range ids {
		u := usage[id]
		req, calls := float64(u.DynamoDBRequests)/sqls, float64(u.Invocations)/sqls
		gbs := u.Billed.Seconds() * float64(u.MemorySize) / 1024 / sqls
		sp.env.Share("speed.dynamo_requests_per_sql."+id, req)
		sp.env.Share("speed.invocations_per_sql."+id, calls)
		sp.env.Share("speed.gbs_per_sql."+id, gbs)
		total += req
		sp.requestsPerSQL += req
		parts = append(parts, fmt.Sprintf("%s %.1f", strings.TrimSuffix(id, "Function"), req))
		var ops []string
		for op, k := range u.DynamoDBOperations {
			ops = append(ops, fmt.Sprintf("%s %.1f", op, float64(k)/sqls))
		}
		sort.Strings(ops)
		if len(ops) > 0 {
			split = append(split, strings.TrimSuffix(id, "Function")+": "+strings.Join(ops, ", "))
		}
		inv = append(inv, fmt.Sprintf("%s %.2f (%.5f GB-s)", strings.TrimSuffix(id, "Function"), calls, gbs))
	}
	return []Row{
		{Name: "DynamoDB requests per hand-off", Figure: fmt.Sprintf("%.1f: %s", total, strings.Join(parts, " · ")), Verdict: Info,
			Why: fmt.Sprintf("per SQL over %d SQLs, from the form post to the SQL email, counted at the stack's per-function DynamoDB proxy (%s)",
				sp.sqls, strings.Join(split, "; "))},
		{Name: "invocations per hand-off", Figure: strings.Join(inv, " · "), Verdict: Info,
			Why: "GB-seconds from billed durations on DynamoDB Local (slower than DynamoDB: an upper bound) × MemorySize"},
	}
}
