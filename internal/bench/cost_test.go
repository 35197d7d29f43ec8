package bench

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
