package demo

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// Headline is the report's headline figures, read from the text part of the email SES local received.
type Headline struct {
	Subject string
	// SQLs is the month's SQLs handed to sales; ContactPercent the share of them contacted within the deadline,
	// as the report writes it, and InTime the SQLs that share stands for.
	SQLs           int
	ContactPercent float64
	InTime         int
	// Accepted and Answered are the acceptance rate's counts; Rejected the rest of the answered.
	Accepted, Answered, Rejected int
	// Customers is the month's cohort won, from the shared funnel, and Revenue what the funnel says they brought.
	Customers int
	Revenue   string
	// Lines are the report's lines these figures come from, as it writes them.
	Lines []string
}

// report moves the clock to the 1st of the next month, just after the report's schedule time, fires it, and
// reads the report back from SES local.
func (d *run) report(ctx context.Context) (Headline, error) {
	next := d.cfg.Month.Next()
	at := time.Date(next.Year, next.Month, 1, 8, 0, 10, 0, d.c.Location)
	if err := d.moveTo(ctx, at); err != nil {
		return Headline{}, err
	}
	d.say("clock moved to the 1st, after the report's 08:00")
	if err := d.cl.fire(ctx, "ReportFunction", "Monthly"); err != nil {
		return Headline{}, err
	}
	subject := d.reportSubject()
	got, err := d.waitMails(ctx, "the monthly report", subject, subject, 1)
	if err != nil {
		return Headline{}, err
	}
	m := got[len(got)-1]
	d.say("monthly report of %s sent to %s", d.cfg.Month, strings.Join(m.Destination.To, ", "))
	h, err := ParseHeadline(d.c.Locale, d.cfg.Month, m.Body.Text)
	h.Subject = m.Subject
	return h, err
}

var (
	// Spaces include the no-break ones French puts before "%" and inside parentheses' figures (\s is ASCII's).
	percentRE = regexp.MustCompile(`(\d+(?:[.,]\d+)?)[\s\x{a0}\x{202f}]*%`)
	ratioRE   = regexp.MustCompile(`\((\d+)/(\d+)\)`)
	// A funnel row: the cohort's month, its SQLs, then accepted, opportunities and customers (each with its share),
	// then the revenue and the state.
	funnelRE = regexp.MustCompile(`^(\d+)\s+(\d+)(?:\s+\([^)]*\))?\s+(\d+)(?:\s+\([^)]*\))?\s+(\d+)(?:\s+\([^)]*\))?\s+(.*?)  `)
)

// ParseHeadline reads the headline figures of month's report from its text part, written in locale l.
func ParseHeadline(l contract.Locale, month contract.Month, text string) (Headline, error) {
	w, cm := words.ForReport(l), words.ForCommon(l)
	var h Headline
	lines := strings.Split(text, "\n")
	value := func(label string) (string, bool) {
		for _, line := range lines {
			t := strings.TrimSpace(line)
			if rest, ok := strings.CutPrefix(t, label); ok {
				if _, v, ok := strings.Cut(rest, strings.TrimSpace(cm.Colon)); ok {
					h.Lines = append(h.Lines, t)
					return strings.TrimSpace(v), true
				}
			}
		}
		return "", false
	}
	v, ok := value(w.Handed)
	if !ok {
		return h, fmt.Errorf("the report has no %q line", w.Handed)
	}
	var err error
	if h.SQLs, err = strconv.Atoi(v); err != nil {
		return h, fmt.Errorf("%s: %q", w.Handed, v)
	}
	contactLabel, _, _ := strings.Cut(w.Contact, "%")
	if v, ok = value(contactLabel); !ok {
		return h, fmt.Errorf("the report has no %q line", contactLabel)
	}
	pm := percentRE.FindStringSubmatch(v)
	if pm == nil {
		return h, fmt.Errorf("%s: no percentage in %q", contactLabel, v)
	}
	h.ContactPercent, _ = strconv.ParseFloat(strings.Replace(pm[1], ",", ".", 1), 64)
	if _, pending := value(strings.TrimSpace(strings.Split(w.PendingBoth, "%")[0])); pending {
		return h, fmt.Errorf("the report counts SQLs still pending: the contacted share is not of every SQL")
	}
	// The report writes the share to a tenth of a percent: of fewer than 1,000 SQLs, it names one count.
	h.InTime = int(math.Round(h.ContactPercent * float64(h.SQLs) / 100))
	if v, ok = value(w.Acceptance); !ok {
		return h, fmt.Errorf("the report has no %q line", w.Acceptance)
	}
	if rm := ratioRE.FindStringSubmatch(v); rm != nil {
		h.Accepted, _ = strconv.Atoi(rm[1])
		h.Answered, _ = strconv.Atoi(rm[2])
		h.Rejected = h.Answered - h.Accepted
	}
	// The shared funnel's row of the month, under its section's title.
	name := cm.Month(month.Year, month.Month)
	inFunnel := false
	for _, line := range lines {
		t := strings.TrimSpace(line)
		if t == strings.ToUpper(w.Funnel) {
			inFunnel = true
			continue
		}
		if rest, ok := strings.CutPrefix(t, name); inFunnel && ok {
			fm := funnelRE.FindStringSubmatch(strings.TrimSpace(rest) + "  ")
			if fm == nil {
				return h, fmt.Errorf("the funnel's row of %s: %q", name, t)
			}
			h.Customers, _ = strconv.Atoi(fm[4])
			h.Revenue = strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(fm[5])
			h.Lines = append(h.Lines, t)
			return h, nil
		}
	}
	return h, fmt.Errorf("the report has no funnel row for %s", name)
}

// Summary prints the report's headline figures beside what the demo did.
func Summary(w io.Writer, r Result) {
	h, rec := r.Headline, r.Record
	fmt.Fprintf(w, "The report, as SES local received it: %q\n", h.Subject)
	for _, l := range h.Lines {
		fmt.Fprintf(w, "  | %s\n", l)
	}
	fmt.Fprintf(w, "  SQLs %d · contacted in time %d (%.1f %%) · accepted %d · rejected %d · won %d (%s)\n",
		h.SQLs, h.InTime, h.ContactPercent, h.Accepted, h.Rejected, h.Customers, h.Revenue)
	fmt.Fprintf(w, "What the demo did: %d leads · SQLs %d · contacted in time %d · late %d (reassigned %d) · rejected %d · won %d\n",
		rec.Leads, len(rec.SQLs), rec.InTime(), len(rec.SQLs)-rec.InTime(), rec.Reassignments, rec.Rejected(), rec.Won())
}

// reportSubject is the subject of the month's report, as the report function writes it.
func (d *run) reportSubject() string {
	return fmt.Sprintf(words.ForReport(d.c.Locale).Subject, d.c.Company, words.ForCommon(d.c.Locale).Month(d.cfg.Month.Year, d.cfg.Month.Month))
}

// LogFile is where `make demo` writes the stack's logs, relative to the repository root.
var LogFile = filepath.Join(".local", "demo.log")

// The lines `make demo` prints around Run's steps (cmd/handoff-demo prints them; README.md shows them and
// TestDemoMonth holds them there).

// Starting says the stack is starting and where its logs go.
func Starting(w io.Writer, logFile string) {
	fmt.Fprintf(w, "starting the local stack (as make run does; its logs in %s)...\n", logFile)
}

// Ready says how long the stack took to start.
func Ready(w io.Writer, took time.Duration) {
	fmt.Fprintf(w, "stack ready in %.1fs\n", took.Seconds())
}

// Living introduces the month's steps.
func Living(w io.Writer, month contract.Month, seed uint64, days int) {
	n := fmt.Sprintf("%d business days", days)
	if days == 1 {
		n = "one business day"
	}
	fmt.Fprintf(w, "living through %s with seed %d (%s of leads):\n", time.Date(month.Year, month.Month, 1, 0, 0, 0, 0, time.UTC).Format("January 2006"), seed, n)
}

// Done closes the month: how long it took, the report's headline (Summary), where the mail viewer and the stack
// are, and whether the stack keeps running.
func Done(w io.Writer, took time.Duration, res Result, mail, stack string, keepsRunning bool) {
	fmt.Fprintf(w, "\nA month in %.0fs (%d emails in the mail viewer).\n", took.Seconds(), res.Emails)
	Summary(w, res)
	fmt.Fprintf(w, "\n  Mail viewer  %s/\n  Stack        %s/_local/   (API %s)\n", mail, stack, stack)
	if keepsRunning {
		fmt.Fprintln(w, "The stack keeps running for the mail viewer: Ctrl-C stops everything.")
	}
}
