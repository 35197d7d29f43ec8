package soak

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/faults"
)

// faultCounts reads the faults' log: the faults injected by kind and the SDK's retries by service.
func faultCounts(file string) (map[string]int, map[string]int, error) {
	injected, retried := map[string]int{}, map[string]int{}
	lines, err := readLines(file)
	if errors.Is(err, fs.ErrNotExist) {
		return injected, retried, nil
	}
	if err != nil {
		return nil, nil, err
	}
	for _, l := range lines {
		var r faults.Record
		if err := json.Unmarshal(l, &r); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", file, err)
		}
		if r.Fault != "" {
			injected[r.Fault]++
		}
		if r.Retries > 0 {
			retried[r.Service] += r.Retries
		}
	}
	return injected, retried, nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Markdown is the result as SOAK.md.
func (r Result) Markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	verdict := "PASS"
	if !r.Passed() {
		verdict = "FAIL"
	}
	c := r.Config
	p("# SOAK — %s", verdict)
	p("")
	p("Written by `make soak` (cmd/handoff-soak, internal/soak): a month of leads through the whole local stack with AWS's")
	p("failures injected, then the failures redriven with the runbook's command and the invariants checked from the")
	p("tables and SES local. Do not edit: run `make soak` again.")
	p("")
	p("| | |")
	p("|---|---|")
	p("| Date | %s |", r.Began.Format("2006-01-02 15:04 UTC"))
	p("| Machine | %d cores |", r.Cores)
	p("| Took | %s |", r.Took.Round(time.Second))
	p("| Command | `make soak ARGS=\"-leads %d -seed %d -faults %g -crash-every %d -days %d\"` |", c.Leads, c.Seed, c.FaultRate, c.CrashEvery, c.Days)
	p("| Month | %s, %d business days (the clock moved through each) |", c.Month, r.Days)
	p("| Leads | %d posted, %d of them to become SQLs |", r.Posted, r.SQLs)
	p("| Faults | %.0f %% of the functions' DynamoDB and SES calls (each attempt drawn): %s |", 100*c.FaultRate, rates(c.FaultRate))
	p("| Crashes | a stream consumer's or scheduled job's process SIGKILLed mid-invocation about every %d of its invocations (the first within its first five), and the month's report's first run |", c.CrashEvery)
	p("")
	p("## Faults injected")
	p("")
	p("| Kind | Injected |")
	p("|---|---:|")
	for _, k := range faults.Kinds {
		p("| `%s` | %d |", k, r.Faults[k])
	}
	p("| **all** | **%d** |", sum(r.Faults))
	p("")
	p("Retries by the SDK's retryers (each function's own; SES's retries only what surely sent nothing): %s.", list(r.Retried))
	p("Webhook deliveries sent again by the senders after a 5xx or a broken connection (same delivery ID): %d.", r.SenderRetries)
	if len(r.Unanswered) > 0 {
		p("Answers the page refused to the soak's reps (after five tries, from the SQL's latest email): %d, e.g. %s.", len(r.Unanswered), strings.Join(first(r.Unanswered, 3), "; "))
	}
	p("")
	p("## Crashes")
	p("")
	p("| Function | Processes killed mid-invocation |")
	p("|---|---:|")
	for _, k := range keys(r.Crashes) {
		p("| %s | %d |", k, r.Crashes[k])
	}
	p("| **all** | **%d** |", sum(r.Crashes))
	p("")
	p("## On-failure destinations, redriven")
	p("")
	p("What Lambda gave up on after its retries (the local stack's file per queue, `.local/soak/failures/`), redriven with")
	p("the faults off, as RUNBOOK.md says (\"Replay a stream failure from the table\"), each printed event invoked as `aws")
	p("lambda invoke` would (`POST /_local/invoke/<Function>`).")
	p("")
	if len(r.Failures) == 0 {
		p("None: every failure was absorbed by the retries.")
	} else {
		p("| Queue | Records (last error) | Stream records or invocations | Leads replayed | Invocations | Failed again | Command |")
		p("|---|---|---:|---:|---:|---:|---|")
		for _, f := range r.Failures {
			p("| %s | %d (%s) | %d | %d | %d | %d | `%s` |", f.Queue, f.Records, list(f.Causes), f.Covered, f.Leads, f.Events, f.Failed, shorten(f.Command))
		}
	}
	p("")
	p("## Invariants (after the redrive)")
	p("")
	p("| Invariant | Checked on | Counts | Verdict |")
	p("|---|---:|---|---|")
	for _, i := range r.Invariants {
		v := "PASS"
		if !i.OK {
			v = fmt.Sprintf("**FAIL** (%d): %s", len(i.Bad), strings.Join(first(i.Bad, 5), "; "))
		}
		p("| %s | %d | %s | %s |", i.Name, i.Checked, i.Counts, v)
	}
	return b.String()
}

func rates(total float64) string {
	r := Rates(total)
	var parts []string
	for _, k := range faults.Kinds {
		parts = append(parts, fmt.Sprintf("`%s` %.1f %%", k, 100*r[k]))
	}
	return strings.Join(parts, ", ") + " (a conflict only on transactions; SES's kinds on SendEmail)"
}

func list(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range keys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// shorten keeps a command readable in a table: the paths relative.
func shorten(cmd string) string {
	if wd, err := os.Getwd(); err == nil {
		cmd = strings.ReplaceAll(cmd, wd+"/", "")
	}
	return strings.ReplaceAll(cmd, "|", "\\|")
}
