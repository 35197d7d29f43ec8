package bench

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

func TestCost(t *testing.T) {
	t.Parallel()
	p := Prices{LambdaGBSecond: 0.0000133334, LambdaRequest: 0.0000002, DynamoRead: 0.000000125, DynamoWrite: 0.000000625,
		SESEmail: 0.0001, SchedulerInvocation: 0.000001, HTTPAPIRequest: 0.000001, LogsGB: 0.5}
	for _, tc := range []struct {
		name string
		u    Usage
		want Bill
	}{
		{"nothing costs nothing", Usage{}, Bill{}},
		{"a million arm64 invocations of 100 ms at 256 MB", Usage{Invocations: 1e6, GBSeconds: 1e6 * 0.1 * 0.25},
			Bill{Lambda: 0.20 + 25_000*0.0000133334}},
		{"a million read and a million write units", Usage{ReadUnits: 1e6, WriteUnits: 1e6}, Bill{DynamoDB: 0.125 + 0.625}},
		{"1,000 emails", Usage{Emails: 1000}, Bill{SES: 0.10}},
		{"the checker's schedule for a month", Usage{SchedulerRuns: 43_200}, Bill{Scheduler: 0.0432}},
		{"a million API requests and 2 GB of logs", Usage{APIRequests: 1e6, LogBytes: 2e9}, Bill{API: 1, Logs: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Cost(tc.u, p)
			for _, f := range []struct {
				what      string
				got, want float64
			}{{"Lambda", got.Lambda, tc.want.Lambda}, {"DynamoDB", got.DynamoDB, tc.want.DynamoDB}, {"SES", got.SES, tc.want.SES},
				{"Scheduler", got.Scheduler, tc.want.Scheduler}, {"API", got.API, tc.want.API}, {"Logs", got.Logs, tc.want.Logs}} {
				if math.Abs(f.got-f.want) > 1e-9 {
					t.Errorf("%s: $%.9f, want $%.9f", f.what, f.got, f.want)
				}
			}
			if want := tc.want.Lambda + tc.want.DynamoDB + tc.want.SES + tc.want.Scheduler + tc.want.API + tc.want.Logs; math.Abs(got.Total()-want) > 1e-9 {
				t.Errorf("total $%.9f, want $%.9f", got.Total(), want)
			}
		})
	}
}

func TestUsageScaleAndAdd(t *testing.T) {
	t.Parallel()
	u := Usage{Invocations: 1, GBSeconds: 2, ReadUnits: 3, WriteUnits: 4, Emails: 5, APIRequests: 6, SchedulerRuns: 7, LogBytes: 8}
	if got, want := u.Scale(2), u.Add(u); got != want {
		t.Errorf("u×2 = %+v, u+u = %+v", got, want)
	}
}

// TestThePricesFileLoads: the committed file has every price, its source and its date.
func TestThePricesFileLoads(t *testing.T) {
	t.Parallel()
	p, err := LoadPrices(filepath.Join("..", "..", PricesFile))
	if err != nil {
		t.Fatal(err)
	}
	if p.DynamoWrite != 0.000000625 || p.DynamoRead != 0.000000125 {
		t.Errorf("DynamoDB on-demand since November 2024: $0.625 / $0.125 per million units, got %v / %v", p.DynamoWrite*1e6, p.DynamoRead*1e6)
	}
	if len(p.Sources) != 8 {
		t.Errorf("sources: %v", p.Sources)
	}
}

func TestParsePricesRefuses(t *testing.T) {
	t.Parallel()
	good, err := os.ReadFile(filepath.Join("..", "..", PricesFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, from, to, want string }{
		{"no date", "date: 2026-12-07\n", "", "date: the day the prices were read"},
		{"a date that is not one", "date: 2026-12-07", "date: last week", "date: the day the prices were read"},
		{"a price missing", "  ses_email:", "  ses_mail:", "prices.ses_email: required"},
		{"a price with no source", `{usd: 0.50, source: "https://aws.amazon.com/cloudwatch/pricing/"}`, `{usd: 0.50}`, "prices.logs_ingested_gb: its source is required"},
		{"an assumption missing", "  write_index_factor: 2\n", "", "assumptions.write_index_factor: required"},
		{"a field unknown", "region: us-east-1", "region: us-east-1\ncurrency: EUR", "field currency not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := strings.Replace(string(good), tc.from, tc.to, 1)
			if in == string(good) {
				t.Fatalf("the case changes nothing of the file")
			}
			if _, err := ParsePrices([]byte(in)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// TestModel: the usage of 1,000 leads and of the floor, from shared counts — a per-lead function scaled by the
// leads, the others by the SQLs of 1,000 leads at the assumed funnel, the digest and the checker's empty runs
// into the floor at their schedules' runs, the speed suite's per-SQL figures used where it shared them.
func TestModel(t *testing.T) {
	t.Parallel()
	p := Prices{WriteIndexFactor: 2, LogBytesPerInvocation: 1000, LeadsPerSQL: 10}
	fns := []samtemplate.Function{
		{LogicalID: "IngestFunction", MemorySize: 512, Routes: []samtemplate.Route{{Method: "POST", Path: "/v1/x"}}},
		{LogicalID: "NotifyFunction", MemorySize: 256},
		{LogicalID: "DigestFunction", MemorySize: 256},
		{LogicalID: "DeadlinesFunction", MemorySize: 256},
		{LogicalID: "OpsFunction", MemorySize: 256, Routes: []samtemplate.Route{{Method: "GET", Path: "/v1/ops"}}},
	}
	counts := map[string]float64{
		"requests.leads": 10, "requests.sqls": 5, "requests.emails": 20,
		// By kind: an SQL's (15: 3 per SQL), the report's (2) and one weekly digest (3), the floor's.
		"requests.emails.sql": 5, "requests.emails.event": 10, "requests.emails.report": 2, "requests.emails.digest": 3,
		// The ops list is a person's request: not in the cost of leads.
		"requests.invocations.OpsFunction": 7, "requests.seconds.OpsFunction": 3, "requests.read_units.OpsFunction": 70,
		"requests.invocations.IngestFunction": 20, "requests.seconds.IngestFunction": 2, "requests.read_units.IngestFunction": 10, "requests.write_units.IngestFunction": 20,
		"requests.invocations.NotifyFunction": 5, "requests.seconds.NotifyFunction": 1, "requests.read_units.NotifyFunction": 5, "requests.write_units.NotifyFunction": 10,
		"requests.empty.DigestFunction.seconds": 0.1, "requests.empty.DigestFunction.read_units": 2, "requests.empty.DigestFunction.write_units": 0,
		"requests.invocations.DeadlinesFunction": 4, "requests.seconds.DeadlinesFunction": 0.4, "requests.read_units.DeadlinesFunction": 8, "requests.write_units.DeadlinesFunction": 4,
		"requests.empty.DeadlinesFunction.seconds": 0.05, "requests.empty.DeadlinesFunction.read_units": 1, "requests.empty.DeadlinesFunction.write_units": 0,
	}
	// The floor: 2,880 digest runs and 43,200 checker runs with nothing to do; the report's emails and the
	// digest's of 52/12 weeks.
	floor := Usage{Emails: 2 + 3*52.0/12, Invocations: 46_080, GBSeconds: 2880*0.1*0.25 + 43_200*0.05*0.25, ReadUnits: 2880*2 + 43_200, SchedulerRuns: 46_080, LogBytes: 46_080 * 1000}
	for _, tc := range []struct {
		name     string
		shared   map[string]float64
		variable Usage
	}{
		{"counted", nil, Usage{
			// Ingest ×100 (1,000 leads / 10); Notify and Deadlines per SQL (/5) ×100 SQLs; 3 emails per SQL.
			Invocations: 2000 + 100 + 80, GBSeconds: 2*0.5*100 + 1*0.25*20 + 0.4*0.25*20, ReadUnits: 1000 + 100 + 160,
			WriteUnits: 20*2*100 + 10*2*20 + 4*2*20, Emails: 300, APIRequests: 2000, LogBytes: 2180 * 1000}},
		{"the speed suite's per-SQL figures", map[string]float64{"speed.dynamo_requests_per_sql.NotifyFunction": 3,
			"speed.invocations_per_sql.NotifyFunction": 0.5, "speed.gbs_per_sql.NotifyFunction": 0.01}, Usage{
			// Notify: 0.5 invocation, 0.01 GB-s, 3 requests split as counted (1 read : 2 writes) per SQL.
			Invocations: 2000 + 50 + 80, GBSeconds: 100 + 1 + 2, ReadUnits: 1000 + 100 + 160,
			WriteUnits: 4000 + 2*2*100 + 160, Emails: 300, APIRequests: 2000, LogBytes: 2130 * 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := NewEnv("", true, nil)
			for k, v := range counts {
				env.Share(k, v)
			}
			for k, v := range tc.shared {
				env.Share(k, v)
			}
			variable, gotFloor, sources, err := model(env, fns, p)
			if err != nil {
				t.Fatal(err)
			}
			if !sameUsage(variable, tc.variable) {
				t.Errorf("per 1,000 leads\n got %+v\nwant %+v", variable, tc.variable)
			}
			if !sameUsage(gotFloor, floor) {
				t.Errorf("floor\n got %+v\nwant %+v", gotFloor, floor)
			}
			if len(sources) != len(fns) || (tc.shared != nil) != strings.Contains(sources[1], "speed suite") {
				t.Errorf("sources: %q", sources)
			}
		})
	}
	if _, _, _, err := model(NewEnv("", true, nil), fns, p); err == nil {
		t.Error("no counts shared: no error")
	}
}

func sameUsage(a, b Usage) bool {
	x := []float64{a.Invocations, a.GBSeconds, a.ReadUnits, a.WriteUnits, a.Emails, a.APIRequests, a.SchedulerRuns, a.LogBytes}
	y := []float64{b.Invocations, b.GBSeconds, b.ReadUnits, b.WriteUnits, b.Emails, b.APIRequests, b.SchedulerRuns, b.LogBytes}
	for i := range x {
		if math.Abs(x[i]-y[i]) > 1e-6*max(1, math.Abs(y[i])) {
			return false
		}
	}
	return true
}
