// Package cli implements the handoff command, which lets both teams try the contract before they sign it.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
	"github.com/handoff-sla/handoff/internal/worktime"
)

const usage = `usage:
  handoff help | -h | --help      this text; every command takes -h or --help for its own
  handoff contract check [--stage dev|staging|prod] [--allow-env] FILE
      Validate a contract; print every problem with its line, exit 1 if there is any. Its secrets must be the
      stage's (ssm:/handoff/{stage}/sources/<id>, …/{stage}/feedback-links); env: only with --allow-env.
  handoff deadline --contract FILE --from RFC3339 --hours N
      Print the instant N business hours (4, 1.5, 1h30m; whole minutes) after --from (default: now) under the
      contract's calendar.
  handoff score --contract FILE --lead FILE [--at RFC3339]
      Print one lead's score, stage and explanation (the lead is one record of handoff export).
  handoff whatif --current FILE --proposed FILE --export FILE
      Replay exported leads under both contracts: MQLs and SQLs month by month, side by side.
  handoff export [--dynamodb-endpoint URL] [--leads-table T] [--activities-table T] > leads.jsonl
      Write every stored lead and its activities (JSON Lines) for score and whatif.
  handoff forget --email ADDRESS [--endpoint URL] [--leads-table T] [--activities-table T] [--sla-table T]
      Erase a person (GDPR): what POST /v1/ops/forget does; safe to run again.
  handoff send --source ID (--data BODY | --file F) [--form] [--id DELIVERY_ID] [--url URL] [--contract FILE] [--secrets FILE]
      Sign a body as the source's sender does and post it (try the sources against make run).
  handoff report --month YYYY-MM --out DIR [--stored | --as-of RFC3339] [--contract FILE] [--endpoint URL] [--leads-table T] [--sla-table T]
      Render a month's SLA report to DIR (HTML with its charts, text, PNGs, CSV) from DynamoDB; reads only.
  handoff lead (--email ADDRESS | --id LEAD_ID) [--contract FILE] [--endpoint URL] [--leads-table T] [--activities-table T]
      Show a lead's stage, whether it may go to sales, and each submission's consent (the proof); reads only.
  handoff replay (--from-failure FILE | --function notify|score) [--lead ID]... [--margin 5m] [--contract FILE] [--endpoint URL] [--sla-table T]
      Print the stream events that replay what notify or score gave up on (RUNBOOK.md), for aws lambda invoke; reads only.
  handoff retention backfill [--contract FILE] [--dry-run] [--endpoint URL] [--leads-table T] [--activities-table T] [--deliveries-table T] [--sla-table T]
      Give the items already stored the expiry the contract's retention gives them (after deploying or changing it).
`

// Run executes the command line args (without the program name) and returns the process exit code:
// 0 success, 1 the contract or the input is wrong, 2 the command line is wrong.
func Run(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	switch {
	case len(args) >= 1 && args[0] == "contract" && len(args) >= 2 && args[1] == "check":
		return check(args[2:], stdout, stderr)
	case len(args) == 2 && args[0] == "contract" && (args[1] == "-h" || args[1] == "-help" || args[1] == "--help"):
		fmt.Fprint(stdout, checkUsage)
		return 0
	case len(args) >= 1 && args[0] == "deadline":
		return deadline(args[1:], stdout, stderr, now)
	case len(args) >= 1 && args[0] == "score":
		return scoreLead(args[1:], stdout, stderr, now)
	case len(args) >= 1 && args[0] == "whatif":
		return whatIf(args[1:], stdout, stderr)
	case len(args) >= 1 && args[0] == "export":
		return exportLeads(args[1:], stdout, stderr)
	case len(args) >= 1 && args[0] == "report":
		return monthlyReport(args[1:], stdout, stderr, now)
	case len(args) >= 1 && args[0] == "forget":
		return forgetPerson(args[1:], stdout, stderr, now)
	case len(args) >= 1 && args[0] == "lead":
		return leadConsent(args[1:], stdout, stderr)
	case len(args) >= 1 && args[0] == "replay":
		return replay(args[1:], stdout, stderr)
	case len(args) >= 1 && args[0] == "retention":
		return retention(args[1:], stdout, stderr)
	case len(args) >= 1 && args[0] == "send":
		return send(args[1:], stdout, stderr, now, http.DefaultClient)
	case len(args) >= 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help"):
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprint(stderr, usage)
	return 2
}

const checkUsage = "usage: handoff contract check [--stage dev|staging|prod] [--allow-env] FILE\n" +
	"  Validate a contract; print every problem with its line, exit 1 if there is any. Its secret references must be\n" +
	"  the stage's: ssm:/handoff/{stage}/sources/<source id> (or secretsmanager:handoff/{stage}/sources/<source id>),\n" +
	"  notify.link_secret ssm:/handoff/{stage}/feedback-links (or secretsmanager:…); env:NAME only with --allow-env.\n"

func check(args []string, stdout, stderr io.Writer) int {
	file, scope, code, done := checkArgs(args, stdout, stderr)
	if done {
		return code
	}
	args = []string{file}
	c, err := contract.Load(args[0])
	if err != nil {
		return reportLoadError(args[0], err, stderr)
	}
	if code := reportSecretScope(args[0], scope, stderr); code != 0 {
		return code
	}
	fmt.Fprintf(stdout, "%s: valid — version %s, %s, locale %s, %s\n", args[0], c.Version, c.Company, c.Locale, c.Location)
	fmt.Fprintf(stdout, "  first contact within %s, feedback within %s (business hours), reminders at %s\n",
		hours(c.Sales.FirstContact), hours(c.Sales.Feedback), percents(c.Sales.Reminders))
	breach := "the manager is told"
	if c.Sales.OnBreach == contract.Reassign {
		breach += " and the SQL goes to the next rep"
	}
	if c.Sales.EscalateToMarketingOps {
		breach += " (marketing ops in copy)"
	}
	answer := ""
	if len(c.Sales.FeedbackReminders) > 0 {
		answer = "; reminded to answer at " + percents(c.Sales.FeedbackReminders)
	}
	fmt.Fprintf(stdout, "  first contact missed: %s%s\n", breach, answer)
	fmt.Fprintf(stdout, "  %d rep(s), %d manager(s); %d target period(s)\n",
		len(c.Roster.Reps), len(c.Roster.Managers), len(c.Marketing.Targets))
	crmSummary(stdout, c)
	if d := c.Marketing.Digest; d != nil {
		fmt.Fprintf(stdout, "  content digest: every %s at %02d:%02d (%s), to each rep the pieces published for them that week\n", d.Day, d.Hour, d.Minute, d.Location)
	} else {
		fmt.Fprintf(stdout, "  content digest: none (not measured)\n")
	}
	consentSummary(stdout, c)
	defaults := ""
	if c.Retention == contract.DefaultRetention {
		defaults = " (the defaults)"
	}
	fmt.Fprintf(stdout, "  kept: leads %s after the last thing heard of them, activities %s, hand-offs and the report's records %s%s\n",
		months(c.Retention.Leads), months(c.Retention.Activities), months(c.Retention.Handoffs), defaults)
	if c.Scoring != nil {
		scoringSummary(stdout, c.Scoring)
	}
	printWarnings(args[0], c.Warnings, stderr)
	return 0
}

// consentSummary states what the consent section decides, the parts no key says included: a refusal is never
// handed off, and where a form that is not listed is read.
func consentSummary(w io.Writer, c *contract.Contract) {
	missing := "handed to sales (missing: allow)"
	if c.Consent.Missing == contract.HoldMissing {
		missing = "held from sales until it says yes (missing: hold)"
	}
	section := ""
	if !c.Consent.Declared {
		section = " (no consent section)"
	}
	fmt.Fprintf(w, "  consent%s: a lead whose latest answer is no is never handed to sales; one that never answered is %s\n", section, missing)
	var asked, other []string
	for _, s := range c.Sources {
		if s.Kind != contract.FormSource {
			continue
		}
		q := ""
		for field, target := range s.Mapping {
			if target == "consent" {
				q = field
			}
		}
		if q == "" {
			other = append(other, s.ID)
			continue
		}
		asked = append(asked, fmt.Sprintf("%s (%q)", s.ID, q))
	}
	if len(asked) > 0 {
		fmt.Fprintf(w, "    asked by %s\n", strings.Join(asked, ", "))
	}
	if len(other) > 0 {
		fmt.Fprintf(w, "    %s: a field named \"consent\", if they send one\n", strings.Join(other, ", "))
	}
}

func reportLoadError(file string, err error, stderr io.Writer) int {
	var verr *contract.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			fmt.Fprintln(stderr, p.String(file))
		}
		fmt.Fprintf(stderr, "%d problem(s): the contract is not valid\n", len(verr.Problems))
		return 1
	}
	fmt.Fprintln(stderr, err)
	return 1
}

// flags is a subcommand's flag set, whose usage is its synopsis and every flag.
// endpointFlag defines a table-reading command's DynamoDB endpoint, under both the names the commands take.
func endpointFlag(fs *flag.FlagSet) *string {
	var endpoint string
	fs.StringVar(&endpoint, "endpoint", "", "DynamoDB endpoint (the URL make run prints); empty uses AWS")
	fs.StringVar(&endpoint, "dynamodb-endpoint", "", "the same as --endpoint (as handoff export names it)")
	return &endpoint
}

func flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses a subcommand's arguments; done tells the command is over, with its exit code: 0 when the usage was
// asked for (-h, --help: printed on stdout, as every Unix tool does), 2 on a mistake (the usage on stderr).
func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, done bool) {
	var out strings.Builder
	fs.SetOutput(&out)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, out.String())
		return 0, true
	case err != nil:
		fmt.Fprint(stderr, out.String())
		return 2, true
	}
	return 0, false
}

// misuse is a wrong command line: every problem, then the command's usage, on stderr; exit code 2.
func misuse(fs *flag.FlagSet, stderr io.Writer, problems ...string) int {
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	fs.SetOutput(stderr)
	fs.Usage()
	return 2
}

// extra names the arguments a command does not take (it takes flags only).
func extra(fs *flag.FlagSet) []string {
	if fs.NArg() == 0 {
		return nil
	}
	return []string{"unexpected argument " + strings.Join(fs.Args(), " ")}
}

const deadlineUsage = `usage: handoff deadline --contract FILE [--from RFC3339] --hours N
  Print the instant N business hours (4, 1.5, 1h30m; whole minutes) after --from (default: now) under the
  contract's calendar.
`

func deadline(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flags("deadline", deadlineUsage)
	file := fs.String("contract", "", "contract file (required)")
	from := fs.String("from", "", "start instant, RFC 3339 (default: now)")
	n := fs.String("hours", "", "business time to add (required): hours (4, 1.5) or a duration (1h30m); whole minutes, at most 2000h")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	var problems []string
	if *file == "" {
		problems = append(problems, "--contract is required")
	}
	d, err := businessHours(*n)
	if err != nil {
		problems = append(problems, err.Error())
	}
	start := now()
	if *from != "" {
		t, err := time.Parse(time.RFC3339, *from)
		if err != nil {
			problems = append(problems, fmt.Sprintf("--from must be an RFC 3339 instant such as 2026-11-27T17:30:00+01:00, got %q", *from))
		}
		start = t
	}
	if problems = append(problems, extra(fs)...); len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	c, err := contract.Load(*file)
	if err != nil {
		return reportLoadError(*file, err, stderr)
	}
	due, err := c.Calendar.Add(start, d)
	if err == nil && due.Year() > 9999 {
		err = fmt.Errorf("the deadline falls after the year 9999, which RFC 3339 cannot write")
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	// The clock counts whole minutes from the next one (worktime.Tick): say so when the start lies between two,
	// so the line shows the instant that is computed and stored, not a rounded one.
	const day = "Mon 2 Jan 2006 15:04"
	after := start.In(c.Location).Format(day)
	if counted := worktime.Tick(start); !counted.Equal(start) {
		after = start.In(c.Location).Format(day+":05.999999999") + " (counted from " + counted.In(c.Location).Format("15:04") + ")"
	}
	answer := due.Format(time.RFC3339)
	if _, offset := due.Zone(); offset%60 != 0 {
		// Local mean time (before a zone adopted standard time) has seconds in its offset, which RFC 3339 cannot
		// write: the local form would name another instant.
		answer = due.UTC().Format(time.RFC3339)
	}
	fmt.Fprintln(stdout, answer)
	fmt.Fprintf(stdout, "%s of business time after %s is %s (%s)\n", hours(d), after, due.Format(day), c.Location)
	return 0
}

// maxHours is the longest deadline the command computes: the contract's own bound.
const maxHours = 2000

// businessHours reads --hours: a number of hours (4, 1.5) or a Go duration (1h30m). The clock counts whole
// minutes (worktime.Resolution): anything finer is refused rather than silently rounded.
func businessHours(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("--hours is required: a number of business hours such as 4 or 1.5, or a duration such as 1h30m")
	}
	var d time.Duration
	if strings.ContainsAny(s, "hms") {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("--hours must be a number of hours such as 1.5 or a duration such as 1h30m, got %q", s)
		}
	} else {
		h, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(h) || math.IsInf(h, 0) || math.Abs(h) > maxHours*2 {
			return 0, fmt.Errorf("--hours must be a number of hours above 0 and at most %d, got %q", maxHours, s)
		}
		ticks := h * float64(time.Hour/worktime.Resolution)
		if math.Abs(ticks-math.Round(ticks)) > 1e-6 {
			return 0, fmt.Errorf("--hours must be a whole number of minutes (the clock's resolution), got %s (%s)", s,
				time.Duration(h*float64(time.Hour)))
		}
		d = time.Duration(math.Round(ticks)) * worktime.Resolution
	}
	switch {
	case d <= 0 || d > maxHours*time.Hour:
		return 0, fmt.Errorf("--hours must be a number of hours above 0 and at most %d, got %q", maxHours, s)
	case d%worktime.Resolution != 0:
		return 0, fmt.Errorf("--hours must be a whole number of minutes (the clock's resolution), got %s", s)
	}
	return d, nil
}

// hours renders 4h, 1h30, 16h: a deadline as every surface writes it.
func hours(d time.Duration) string { return words.Deadline(d) }

// months is a retention period as the contract may write it.
func months(n int) string {
	if n == 1 {
		return "1 month"
	}
	return strconv.Itoa(n) + " months"
}

func percents(ps []int) string {
	if len(ps) == 0 {
		return "none"
	}
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf("%d%%", p)
	}
	return strings.Join(s, ", ")
}
