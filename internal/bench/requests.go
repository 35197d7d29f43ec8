package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/demo"
)

// DynamoDB requests per operation of every function, counted: the local stack's DynamoDB proxy (the IAM
// emulation every function's requests pass) counts each function's requests by operation, and its runtime each
// function's invocations. The scenario is internal/demo's (`make demo`: leads from every sender, SQLs handed
// off, answered in time, after reminders and late — reassigned —, rejected, a won deal, the monthly report),
// then what the demo does not do: the ops list, the status page, a forget request, a bounce, the content digest
// and the nightly decay. Each function's figure is its requests per invocation over the whole scenario.
//
// Shared with the cost suite (env.Share), the scenario's totals:
//
//	requests.leads, requests.sqls, requests.emails           leads created, SQLs handed off, emails SES local received
//	requests.emails.<kind>                                   emails SES accepted by their kind tag (internal/mailtag: sql, event, report, digest...)
//	requests.api_requests                                     HTTP API requests (the invocations of functions with routes)
//	requests.invocations.<Function>                           invocations
//	requests.seconds.<Function>                               their time in all (this machine, DynamoDB Local)
//	requests.read_units.<Function>, requests.write_units.<Function>   DynamoDB request units (readUnits, writeUnits)
//	requests.empty.<Function>.{read_units,write_units,seconds}        one scheduled run with nothing to do (DeadlinesFunction, DigestFunction)
func init() {
	Register(Suite{Name: "requests", Order: 60, Run: runRequests})
}

func runRequests(ctx context.Context, env *Env) ([]Row, error) {
	days := 2
	if env.Quick {
		days = 1
	}
	s, err := startStack(ctx, env, "requests")
	if err != nil {
		return nil, err
	}
	defer s.Close()
	st := s.Stack

	// A scheduled run with nothing to do (warm: the first one is the cold start), what the schedules cost
	// 43,200 times a month.
	for _, fn := range []struct{ function, event string }{{"DeadlinesFunction", "EveryMinute"}, {"DigestFunction", "Every15Minutes"}} {
		if _, err := st.FireSchedule(ctx, fn.function, fn.event); err != nil {
			return nil, fmt.Errorf("%s: %w", fn.function, err)
		}
		st.ResetCounts()
		if _, err := st.FireSchedule(ctx, fn.function, fn.event); err != nil {
			return nil, fmt.Errorf("%s: %w", fn.function, err)
		}
		r, w := units(st.DynamoItems()[fn.function])
		env.Share("requests.empty."+fn.function+".read_units", r)
		env.Share("requests.empty."+fn.function+".write_units", w)
		env.Share("requests.empty."+fn.function+".seconds", st.Invocations()[fn.function].Took.Seconds())
	}
	st.ResetCounts()

	env.Logf("   the demo's scenario, %d business day(s)", days)
	res, err := demo.Run(ctx, demo.Config{Stack: st.URL(), Mail: s.SES.Endpoint, Contract: s.Contract, Secrets: s.Secrets, Seed: demo.DefaultSeed, Days: days})
	if err != nil {
		return nil, fmt.Errorf("the demo's scenario: %w", err)
	}
	mails, err := sesMessages(ctx, s.SES.Endpoint)
	if err != nil {
		return nil, err
	}
	if err := s.extras(ctx, mails); err != nil {
		return nil, err
	}
	if err := s.idle(ctx); err != nil {
		return nil, err
	}
	if mails, err = sesMessages(ctx, s.SES.Endpoint); err != nil {
		return nil, err
	}

	reqs, items, invs := st.DynamoRequests(), st.DynamoItems(), st.Invocations()
	env.Share("requests.leads", float64(res.Record.Leads+1)) // and the one forgotten
	env.Share("requests.sqls", float64(len(res.Record.SQLs)))
	env.Share("requests.emails", float64(len(mails)))
	for kind, n := range st.Emails() {
		env.Share("requests.emails."+kind, float64(n))
	}
	api := 0
	var rows []Row
	for _, f := range s.Template.Functions {
		fn := f.LogicalID
		inv := invs[fn]
		if len(f.Routes) > 0 {
			api += inv.Count
		}
		r, w := units(items[fn])
		env.Share("requests.invocations."+fn, float64(inv.Count))
		env.Share("requests.seconds."+fn, inv.Took.Seconds())
		env.Share("requests.read_units."+fn, r)
		env.Share("requests.write_units."+fn, w)
		total, ops := 0, make([]string, 0, len(reqs[fn]))
		for op, n := range reqs[fn] {
			total += n
			ops = append(ops, fmt.Sprintf("%s %d", op, n))
		}
		sort.Strings(ops)
		if inv.Count == 0 {
			rows = append(rows, Row{Name: "DynamoDB requests per operation: " + fn, Figure: "not invoked by the scenario", Verdict: Info})
			continue
		}
		rows = append(rows, Row{Name: "DynamoDB requests per operation: " + fn,
			Figure:  fmt.Sprintf("%.1f per invocation (%d requests in %d invocations: %s)", float64(total)/float64(inv.Count), total, inv.Count, orNone(strings.Join(ops, ", "))),
			Verdict: Info})
	}
	env.Share("requests.api_requests", float64(api))
	rows[0].Why = fmt.Sprintf("Counted at the local stack's DynamoDB proxy over `make demo`'s scenario (seed %d, %d business day(s): %d leads, %d SQLs, %d emails, the monthly report) "+
		"and an ops list, a status page, a forget request, a bounce, a content digest and a nightly decay; requests per invocation averaged over each function's invocations "+
		"(a stream batch is one invocation; a scheduled run is one, whatever it finds).", demo.DefaultSeed, days, res.Record.Leads, len(res.Record.SQLs), len(mails))
	return rows, nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// units turns a function's counted items by operation (samlocal's DynamoItems) into DynamoDB request units, as
// on-demand bills them for items within 4 KB read and 1 KB written: one read unit per item read (strongly
// consistent; a Query counted as one request, its items assumed within 4 KB in all), two per item of a
// transactional read; one write unit per item written, two per item of a transaction. What a write costs again
// in each index the item is in is the cost model's (prices.yaml's write_index_factor).
func units(ops map[string]int) (read, write float64) {
	for op, n := range ops {
		switch op {
		case "GetItem", "Query", "Scan", "BatchGetItem":
			read += float64(n)
		case "TransactGetItems":
			read += 2 * float64(n)
		case "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem":
			write += float64(n)
		case "TransactWriteItems":
			write += 2 * float64(n)
		}
	}
	return read, write
}

// extras does what the demo's scenario does not: an ops person lists the open SQLs, someone reads the status, a
// person asks to be forgotten, an email bounces, the content digest and the nightly decay run.
func (s *localStack) extras(ctx context.Context, mails []sesMessage) error {
	base := s.Stack.URL()
	for _, r := range []struct{ method, path, body string }{
		{http.MethodGet, "/v1/ops/sqls", ""},
		{http.MethodGet, "/v1/status", ""},
		{http.MethodPost, "/_local/schedules/DigestFunction/Every15Minutes", ""},
		{http.MethodPost, "/_local/schedules/DecayFunction/Nightly", ""},
	} {
		if _, err := call(ctx, r.method, base+r.path, r.body); err != nil {
			return err
		}
	}
	if len(mails) == 0 {
		return fmt.Errorf("the scenario sent no email")
	}
	// The first email is an SQL email to a rep: its bounce reaches the bounces function.
	if _, err := call(ctx, http.MethodPost, base+"/_local/ses/bounce", fmt.Sprintf(`{"messageId": %q, "type": "permanent"}`, mails[0].MessageID)); err != nil {
		return err
	}
	// A person who filled the contact form asks to be forgotten.
	body := []byte(`{"E-mail professionnel": "oubliez.moi@bench-requests.fr", "Prénom": "Camille", "Nom": "Oubli", "Société": "Bench", "Pays": "France"}`)
	now, err := s.clock(ctx)
	if err != nil {
		return err
	}
	if err := expectAccepted(s.post(ctx, http.DefaultClient, "site-contact", "bench_forget", now, body)); err != nil {
		return err
	}
	if err := s.idle(ctx); err != nil {
		return err
	}
	_, err = call(ctx, http.MethodPost, base+"/v1/ops/forget", `{"email": "oubliez.moi@bench-requests.fr"}`)
	return err
}

// call makes one request and wants a 2xx or 3xx answer.
func call(ctx context.Context, method, url, body string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader([]byte(body)))
	if err != nil {
		return nil, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		return nil, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, b)
	}
	return b, nil
}

// clock is the stack's clock now (the demo moves it): what a sender's signature must be stamped with.
func (s *localStack) clock(ctx context.Context) (time.Time, error) {
	b, err := call(ctx, http.MethodGet, s.Stack.URL()+"/_local/", "")
	if err != nil {
		return time.Time{}, err
	}
	var d struct{ Clock time.Time }
	if err := json.Unmarshal(b, &d); err != nil {
		return time.Time{}, fmt.Errorf("the stack's clock: %w", err)
	}
	return d.Clock, nil
}

type sesMessage struct {
	MessageID string `json:"messageId"`
}

// sesMessages lists what SES local received.
func sesMessages(ctx context.Context, endpoint string) ([]sesMessage, error) {
	b, err := call(ctx, http.MethodGet, strings.TrimRight(endpoint, "/")+"/store", "")
	if err != nil {
		return nil, err
	}
	var store struct{ Emails []sesMessage }
	if err := json.Unmarshal(b, &store); err != nil {
		return nil, fmt.Errorf("SES local's store: %w", err)
	}
	return store.Emails, nil
}
