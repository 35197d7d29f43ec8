package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/demo"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// The cost of 1,000 leads a month, modelled from what the suites before counted (DynamoDB requests, invocations
// and their time, emails) and AWS's prices (infra/bench/prices.yaml, dated, with their sources), apart from the
// fixed monthly floor the schedules cost with no lead at all.
func init() {
	Register(Suite{Name: "cost", Order: 90, Run: runCost})
}

// PricesFile is the prices' file, under the repository root.
const PricesFile = "infra/bench/prices.yaml"

// Prices are AWS's prices (USD) and the model's assumptions.
type Prices struct {
	Date, Region                  string
	LambdaGBSecond, LambdaRequest float64
	DynamoRead, DynamoWrite       float64 // per request unit
	SESEmail                      float64
	SchedulerInvocation           float64
	HTTPAPIRequest                float64
	LogsGB                        float64
	WriteIndexFactor              float64 // write units per item written (the item and its index entries)
	LogBytesPerInvocation         float64
	LeadsPerSQL                   float64           // the funnel the model assumes
	Sources                       map[string]string // price name -> where it was read
}

// LoadPrices reads the prices' file; every price, the date and the assumptions are required.
func LoadPrices(path string) (Prices, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Prices{}, err
	}
	return ParsePrices(b)
}

// ParsePrices parses a prices' file.
func ParsePrices(b []byte) (Prices, error) {
	var doc struct {
		Date   string `yaml:"date"`
		Region string `yaml:"region"`
		Prices map[string]struct {
			USD    *float64 `yaml:"usd"`
			Source string   `yaml:"source"`
		} `yaml:"prices"`
		Assumptions map[string]float64 `yaml:"assumptions"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return Prices{}, fmt.Errorf("prices: %w", err)
	}
	var problems []string
	if _, err := time.Parse("2006-01-02", doc.Date); err != nil {
		problems = append(problems, fmt.Sprintf("date: the day the prices were read, YYYY-MM-DD (got %q)", doc.Date))
	}
	if doc.Region == "" {
		problems = append(problems, "region: required")
	}
	p := Prices{Date: doc.Date, Region: doc.Region, Sources: map[string]string{}}
	for name, dst := range map[string]*float64{
		"lambda_arm64_gb_second": &p.LambdaGBSecond, "lambda_request": &p.LambdaRequest,
		"dynamodb_read_request_unit": &p.DynamoRead, "dynamodb_write_request_unit": &p.DynamoWrite,
		"ses_email": &p.SESEmail, "scheduler_invocation": &p.SchedulerInvocation, "http_api_request": &p.HTTPAPIRequest,
		"logs_ingested_gb": &p.LogsGB,
	} {
		v, ok := doc.Prices[name]
		switch {
		case !ok || v.USD == nil:
			problems = append(problems, "prices."+name+": required")
		case *v.USD < 0:
			problems = append(problems, "prices."+name+": negative")
		case v.Source == "":
			problems = append(problems, "prices."+name+": its source is required")
		default:
			*dst, p.Sources[name] = *v.USD, v.Source
		}
	}
	for name := range doc.Prices {
		if _, ok := p.Sources[name]; !ok && !strings.Contains(strings.Join(problems, "\n"), "prices."+name+":") {
			problems = append(problems, "prices."+name+": not a price the model knows")
		}
	}
	for name, dst := range map[string]*float64{"write_index_factor": &p.WriteIndexFactor, "log_bytes_per_invocation": &p.LogBytesPerInvocation, "leads_per_sql": &p.LeadsPerSQL} {
		v, ok := doc.Assumptions[name]
		if !ok || v <= 0 {
			problems = append(problems, "assumptions."+name+": required, above 0")
		}
		*dst = v
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return Prices{}, errors.New("prices: " + strings.Join(problems, "; "))
	}
	return p, nil
}

// Usage is what some work uses of each billed thing.
type Usage struct {
	Invocations, GBSeconds             float64 // Lambda
	ReadUnits, WriteUnits              float64 // DynamoDB request units (index writes included)
	Emails, APIRequests, SchedulerRuns float64
	LogBytes                           float64
}

// Add returns u and v together.
func (u Usage) Add(v Usage) Usage {
	return Usage{u.Invocations + v.Invocations, u.GBSeconds + v.GBSeconds, u.ReadUnits + v.ReadUnits, u.WriteUnits + v.WriteUnits,
		u.Emails + v.Emails, u.APIRequests + v.APIRequests, u.SchedulerRuns + v.SchedulerRuns, u.LogBytes + v.LogBytes}
}

// Scale returns u times k.
func (u Usage) Scale(k float64) Usage {
	return Usage{u.Invocations * k, u.GBSeconds * k, u.ReadUnits * k, u.WriteUnits * k, u.Emails * k, u.APIRequests * k, u.SchedulerRuns * k, u.LogBytes * k}
}

// Bill is a usage's cost, by service, in USD.
type Bill struct {
	Lambda, DynamoDB, SES, Scheduler, API, Logs float64
}

// Total is the bill's sum.
func (b Bill) Total() float64 { return b.Lambda + b.DynamoDB + b.SES + b.Scheduler + b.API + b.Logs }

func (b Bill) String() string {
	return fmt.Sprintf("Lambda $%.4f · DynamoDB $%.4f · SES $%.4f · Scheduler $%.4f · HTTP API $%.4f · Logs $%.4f",
		b.Lambda, b.DynamoDB, b.SES, b.Scheduler, b.API, b.Logs)
}

// Cost prices a usage.
func Cost(u Usage, p Prices) Bill {
	return Bill{
		Lambda:    u.Invocations*p.LambdaRequest + u.GBSeconds*p.LambdaGBSecond,
		DynamoDB:  u.ReadUnits*p.DynamoRead + u.WriteUnits*p.DynamoWrite,
		SES:       u.Emails * p.SESEmail,
		Scheduler: u.SchedulerRuns * p.SchedulerInvocation,
		API:       u.APIRequests * p.HTTPAPIRequest,
		Logs:      u.LogBytes / 1e9 * p.LogsGB,
	}
}

// The schedules that run whatever the leads (template.yaml): runs a month of 30 days.
var scheduledRuns = map[string]float64{
	"DeadlinesFunction": 30 * 24 * 60, // rate(1 minute): 43,200
	"DigestFunction":    30 * 24 * 4,  // rate(15 minutes): 2,880
	"DecayFunction":     30,           // nightly
	"ReportFunction":    1,            // monthly
}

// perLeadFunctions do a lead's work (its submission, its activities, its score); the others' work in the scenario
// is an SQL's (its email, its deadlines, its answer, its bounce, the ops list of open SQLs), but the schedules'
// (scheduledRuns) that run whatever the leads.
var perLeadFunctions = map[string]bool{"IngestFunction": true, "ScoreFunction": true}

// onDemandFunctions run when a person asks (the ops list, the status page, an erasure) or SES reports a bounce:
// neither a lead's work nor an SQL's, they are left out of the cost of 1,000 leads and named in its note.
var onDemandFunctions = map[string]bool{"OpsFunction": true, "StatusFunction": true, "ForgetFunction": true, "BouncesFunction": true}

// sqlEmailKinds are the emails an SQL causes (internal/mailtag's kinds): its email, its reminders, escalations
// and alerts. The monthly report and the weekly digest are the floor's; an idea or an ops alert is a person's.
var sqlEmailKinds = []string{"sql", "event"}

// weeksPerMonth turns the weekly digest into the month's.
const weeksPerMonth = 52.0 / 12

func runCost(ctx context.Context, env *Env) ([]Row, error) {
	p, err := LoadPrices(filepath.Join(env.Root, PricesFile))
	if err != nil {
		return nil, err
	}
	tpl, err := samtemplate.Load(filepath.Join(env.Root, "template.yaml"))
	if err != nil {
		return nil, err
	}
	variable, floor, sources, err := model(env, tpl.Functions, p)
	if err != nil {
		return nil, err
	}
	get := func(key string) float64 { v, _ := env.Shared(key); return v }
	leads, sqls := get("requests.leads"), get("requests.sqls")
	vb, fb := Cost(variable, p), Cost(floor, p)
	total := vb.Total()
	model := fmt.Sprintf("Model: %.0f leads per SQL (prices.yaml's assumption: %.0f SQLs per 1,000 leads); per lead, the work of make demo's scenario (seed %d) per lead "+
		"(%.1f ingest calls, each one activity, per lead); per SQL, its work per SQL (%.1f emails per SQL: its email, reminders, escalations, alerts; the report and the weekly digest are in the floor). "+
		"Prices of %s (%s, %s; on-demand, no free tier). Lambda duration is the invocations' time on this machine against DynamoDB Local "+
		"(slower than in AWS: an upper bound) at each function's MemorySize; DynamoDB units: one per item read (4 KB), one per item written (1 KB) times %.0f for its index, "+
		"a transaction's items twice; %.0f bytes of logs per invocation. Sources: %s.",
		p.LeadsPerSQL, 1000/p.LeadsPerSQL, demo.DefaultSeed, get("requests.invocations.IngestFunction")/leads, sqlEmails(env)/sqls,
		p.Date, p.Region, PricesFile, p.WriteIndexFactor, p.LogBytesPerInvocation, strings.Join(sources, "; "))
	return []Row{
		Goal("cost per 1,000 leads a month (beyond the floor)", fmt.Sprintf("$%.4f (%s)", total, vb), "≤ $0.03 per 1,000 leads", total <= 0.03,
			whyIf(total > 0.03, fmt.Sprintf("above the goal: %s is the largest part, under the model's cautious assumptions "+
				"(every item written counted again for an index, a transaction's items twice, durations on DynamoDB Local)", largest(vb)))+model),
		{Name: "cost: the fixed monthly floor (no lead)", Figure: fmt.Sprintf("$%.4f a month (%s)", fb.Total(), fb), Verdict: Info,
			Why: fmt.Sprintf("The schedules whatever the leads: the deadline checker every minute (43,200 runs a month, each with nothing due as counted: %.0f read units, %.0f ms), "+
				"the content digest every 15 minutes (2,880, each as a run with nothing new), the nightly decay (30), the monthly report (1).",
				get("requests.empty.DeadlinesFunction.read_units"), 1000*get("requests.empty.DeadlinesFunction.seconds"))},
	}, nil
}

// model is the usage of 1,000 leads a month (variable) and of the schedules with no lead (floor), from the counts
// the suites shared (env) and the template's functions (their MemorySize, routes and schedules); sources says
// where each function's figures came from.
func model(env *Env, fns []samtemplate.Function, p Prices) (variable, floor Usage, sources []string, _ error) {
	leads, ok := env.Shared("requests.leads")
	sqls, _ := env.Shared("requests.sqls")
	if !ok || leads == 0 || sqls == 0 {
		return Usage{}, Usage{}, nil, errors.New("the cost model needs the requests suite's counts: run it before (-only requests,cost)")
	}
	get := func(key string) float64 { v, _ := env.Shared(key); return v }
	// 1,000 leads: the scenario's work per lead times 1,000, its work per SQL times the SQLs of 1,000 leads.
	toLeads, toSQLs := 1000/leads, 1000/p.LeadsPerSQL/sqls

	variable = Usage{Emails: sqlEmails(env) * toSQLs}
	// The report's emails once a month, the digest's every week, whatever the leads.
	floor = Usage{Emails: get("requests.emails.report") + get("requests.emails.digest")*weeksPerMonth}
	for _, f := range fns {
		fn, gb := f.LogicalID, float64(f.MemorySize)/1024
		if onDemandFunctions[fn] {
			sources = append(sources, fmt.Sprintf("%s: on demand (a person's request or a bounce), not in the cost of leads", fn))
			continue
		}
		inv, secs := get("requests.invocations."+fn), get("requests.seconds."+fn)
		u := Usage{Invocations: inv, GBSeconds: secs * gb, ReadUnits: get("requests.read_units." + fn),
			WriteUnits: get("requests.write_units."+fn) * p.WriteIndexFactor}
		if len(f.Routes) > 0 {
			u.APIRequests = inv
		}
		from := "counted (requests suite)"
		if runs, ok := scheduledRuns[fn]; ok && fn != "DeadlinesFunction" {
			// The digest, the decay and the report run on their schedule whatever the leads: the floor's.
			per := u.Scale(1 / max(inv, 1))
			if secs, ok := env.Shared("requests.empty." + fn + ".seconds"); ok {
				// Most of its runs find nothing new (the digest): the run with nothing to do, as counted.
				per = Usage{Invocations: 1, GBSeconds: secs * gb, ReadUnits: get("requests.empty." + fn + ".read_units"),
					WriteUnits: get("requests.empty."+fn+".write_units") * p.WriteIndexFactor}
				from = "a run with nothing to do, counted (requests suite)"
			}
			if fn == "ReportFunction" {
				if r, ok := env.Shared("report.dynamo_requests"); ok {
					per.ReadUnits, per.WriteUnits = r, 0
					from = "report.dynamo_requests (report suite), as read units"
				}
				if s, ok := env.Shared("report.seconds"); ok {
					per.GBSeconds = s * gb
					from += ", report.seconds"
				}
			}
			per.SchedulerRuns = 1
			floor = floor.Add(per.Scale(runs))
			sources = append(sources, fmt.Sprintf("%s: %s runs a month, %s", fn, thousands(int(runs)), from))
			continue
		}
		if perLeadFunctions[fn] {
			if _, ok := perSQL(env, fn); ok {
				from += " (the speed suite's per-SQL figures, an SQL's own path, are not an average lead's: not used)"
			}
			variable = variable.Add(u.Scale(toLeads))
			sources = append(sources, fmt.Sprintf("%s: per lead, %s", fn, from))
			continue
		}
		u = u.Scale(1 / sqls) // per SQL
		if shared, ok := perSQL(env, fn); ok {
			// The speed suite's figures per SQL, measured under load; its requests split as the counted ones.
			readShare := 0.0
			if r, w := u.ReadUnits, u.WriteUnits/p.WriteIndexFactor; r+w > 0 {
				readShare = r / (r + w)
			}
			u.Invocations, u.GBSeconds = shared.invocations, shared.gbs
			u.ReadUnits, u.WriteUnits = shared.requests*readShare, shared.requests*(1-readShare)*p.WriteIndexFactor
			from = "speed.*_per_sql (speed suite)"
		}
		variable = variable.Add(u.Scale(1000 / p.LeadsPerSQL))
		sources = append(sources, fmt.Sprintf("%s: per SQL, %s", fn, from))
	}
	// The checker's runs with nothing due, every minute.
	runs := scheduledRuns["DeadlinesFunction"]
	for _, f := range fns {
		if fn := f.LogicalID; fn == "DeadlinesFunction" {
			floor = floor.Add(Usage{Invocations: 1, SchedulerRuns: 1, GBSeconds: get("requests.empty."+fn+".seconds") * float64(f.MemorySize) / 1024,
				ReadUnits: get("requests.empty." + fn + ".read_units"), WriteUnits: get("requests.empty."+fn+".write_units") * p.WriteIndexFactor}.Scale(runs))
		}
	}
	variable.LogBytes = variable.Invocations * p.LogBytesPerInvocation
	floor.LogBytes = floor.Invocations * p.LogBytesPerInvocation

	return variable, floor, sources, nil
}

// sqlEmails is the scenario's emails an SQL caused (sqlEmailKinds), or all its emails when the stack did not
// count them by kind.
func sqlEmails(env *Env) float64 {
	n, counted := 0.0, false
	for _, k := range sqlEmailKinds {
		if v, ok := env.Shared("requests.emails." + k); ok {
			n, counted = n+v, true
		}
	}
	if !counted {
		n, _ = env.Shared("requests.emails")
	}
	return n
}

// largest names the largest service of a bill.
func largest(b Bill) string {
	name, v := "Lambda", b.Lambda
	for _, s := range []struct {
		name string
		v    float64
	}{{"DynamoDB", b.DynamoDB}, {"SES", b.SES}, {"EventBridge Scheduler", b.Scheduler}, {"the HTTP API", b.API}, {"CloudWatch Logs", b.Logs}} {
		if s.v > v {
			name, v = s.name, s.v
		}
	}
	return fmt.Sprintf("%s ($%.4f)", name, v)
}

// sharedPerSQL is the speed suite's per-SQL figures for a function.
type sharedPerSQL struct{ requests, invocations, gbs float64 }

func perSQL(env *Env, fn string) (sharedPerSQL, bool) {
	r, ok1 := env.Shared("speed.dynamo_requests_per_sql." + fn)
	i, ok2 := env.Shared("speed.invocations_per_sql." + fn)
	g, ok3 := env.Shared("speed.gbs_per_sql." + fn)
	return sharedPerSQL{r, i, g}, ok1 && ok2 && ok3
}
