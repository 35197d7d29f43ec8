package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/monthly"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/store"
)

const reportUsage = `usage: handoff report --month YYYY-MM --out DIR [--stored | --as-of TIME] [--contract FILE]
                      [--endpoint URL] [--leads-table T] [--sla-table T]
  Render a month's SLA report to DIR as the email shows it: report.html (open it in a browser: the charts are
  the PNG files beside it), report.txt, the charts and the CSV of the month's SQLs. The month's records are read
  as the report function reads them (DynamoDB Local at --endpoint, the URL make run prints; else AWS's usual
  configuration); nothing is written to the tables and nothing is sent. --stored renders the month's report of
  record (the figures that were emailed) instead of computing the month again now. Computed again, the figures
  are taken as of the report of record's instant when there is one (so they are those that were emailed, and
  the command says whether they are), else as of now; --as-of takes them at another instant (a local stack
  whose clock was moved).
`

// htmlFile and textFile are the names of the email's two parts on disk; the charts and the CSV keep the names
// they have in the email.
const (
	htmlFile = "report.html"
	textFile = "report.txt"
)

// monthlyReport renders a month's report to a directory, from the records (as the report function computes it)
// or from the month's report of record (--stored). It only reads.
func monthlyReport(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flags("report", reportUsage)
	month := fs.String("month", "", "the month to render, YYYY-MM (required; a month that is over)")
	out := fs.String("out", "", "directory to write the files to (required; created if missing)")
	file := fs.String("contract", "infra/contract/contract.yaml", "contract file (the one the function runs with)")
	endpoint := endpointFlag(fs)
	leadsTable := fs.String("leads-table", "handoff-local-leads", "leads table")
	slaTable := fs.String("sla-table", "handoff-local-sla", "SLA table (the month's records, the reports of record)")
	stored := fs.Bool("stored", false, "render the month's report of record (what was emailed) instead of computing it")
	asOf := fs.String("as-of", "", "take the figures as of this instant, RFC 3339 (default: the report of record's, else now; for a stack whose clock was moved)")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	var problems []string
	var m contract.Month
	if *month == "" {
		problems = append(problems, "--month is required: the month to render, such as 2026-11")
	} else if parsed, err := records.ParseMonth(*month); err != nil {
		problems = append(problems, fmt.Sprintf("--month must be a month such as 2026-11, got %q", *month))
	} else {
		m = parsed
	}
	if *out == "" {
		problems = append(problems, "--out is required: the directory to write the report to")
	}
	at := now()
	if *asOf != "" {
		parsed, err := time.Parse(time.RFC3339, *asOf)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("--as-of must be an instant such as 2026-12-01T08:00:00+01:00, got %q", *asOf))
		case *stored:
			problems = append(problems, "--as-of and --stored: the stored figures were taken at an instant of their own")
		default:
			at = parsed
		}
	}
	if *leadsTable == "" || *slaTable == "" {
		problems = append(problems, "--leads-table and --sla-table must name tables")
	}
	if problems = append(problems, extra(fs)...); len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	c, err := contract.Load(*file)
	if err != nil {
		return reportLoadError(*file, err, stderr)
	}
	// As the function refuses it: the figures of a month still running would change. (A stored report exists
	// only for a month that was over by its stack's clock, which may run ahead of this one's.)
	if end := records.Start(m.Next(), c.Location); !*stored && end.After(at) {
		fmt.Fprintf(stderr, "--month: %s is not over (it ends %s, %s); --as-of takes the figures at another instant\n", m, end.Format("2006-01-02 15:04"), c.Location)
		return 2
	}

	ctx := context.Background()
	db, err := dynamoDB(ctx, *endpoint)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	tables := store.Tables{Leads: *leadsTable, SLA: *slaTable, Zone: c.Location}
	reports := store.NewReports(db, tables)
	var (
		rep    report.Report
		record records.Stored
		from   string
	)
	if *stored {
		if record, err = reports.Get(ctx, m, true); errors.Is(err, records.ErrNoReport) {
			fmt.Fprintf(stderr, "%s has no report of record in %s: run without --stored to compute it from the records\n", m, *slaTable)
			return 1
		}
		if err == nil {
			rep, err = report.Decode(record.Figures)
		}
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		from = fmt.Sprintf("the report of record, computed %s, email %s", when(record.ComputedAt, c.Location), record.Mail.Status)
	} else {
		if record, err = reports.Get(ctx, m, false); err != nil && !errors.Is(err, records.ErrNoReport) {
			fmt.Fprintln(stderr, err)
			return 1
		}
		from = "computed now from the month's records"
		if *asOf == "" && record.Digest != "" {
			// The instant of the report of record: what was recorded since does not count, so the figures are
			// those leadership received, unless the records or the contract changed under them.
			at, from = record.AsOf, "computed now from the month's records, as of its report of record"
		}
		// Read and computed as the report function does.
		rep, err = monthly.Compute(ctx, c, store.NewMonths(db, tables), reports, m, at)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}

	e, err := report.Render(rep)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	written, err := writeReport(*out, e)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %d SQL(s), judged against contract %s, figures as of %s (%s)\n", m, len(rep.SQLs), rep.Contract,
		when(rep.AsOf, c.Location), from)
	fmt.Fprintf(stdout, "subject: %s\n", e.Subject)
	fmt.Fprintf(stdout, "wrote to %s:\n", *out)
	for _, w := range written {
		fmt.Fprintf(stdout, "  %s\n", w)
	}
	if !*stored && record.Digest != "" {
		same := "the same figures"
		if figures, err := report.Encode(rep); err != nil || report.Digest(figures) != record.Digest {
			same = "other figures (another instant, contract or set of records)"
		}
		fmt.Fprintf(stdout, "%s has a report of record (computed %s, figures as of %s, contract %s, %d SQL(s), email %s): "+
			"these are %s; add --stored to render what was sent\n", m, when(record.ComputedAt, c.Location), when(record.AsOf, c.Location),
			record.Contract, record.SQLs, record.Mail.Status, same)
	}
	return 0
}

// writeReport writes the email's parts to dir: the HTML with the charts as files, the text, the charts, the CSV.
// It returns the names written, each with what it is.
func writeReport(dir string, e report.Email) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	type file struct {
		name, what string
		data       []byte
	}
	files := []file{{htmlFile, "the email's HTML part (open it in a browser)", []byte(e.FileHTML())}, {textFile, "its plain-text part", []byte(e.Text)}}
	for _, p := range e.Inline {
		files = append(files, file{p.Filename, "chart", p.Data})
	}
	for _, p := range e.Attachments {
		files = append(files, file{p.Filename, "attachment", p.Data})
	}
	width := 0
	for _, f := range files {
		width = max(width, len(f.name))
	}
	var written []string
	seen := map[string]bool{}
	for _, f := range files {
		// The names are the renderer's own; a name that would leave dir or overwrite another part is a bug there.
		if f.name != filepath.Base(f.name) || f.name == "." || f.name == ".." || seen[f.name] {
			return written, fmt.Errorf("write the report: unexpected file name %q", f.name)
		}
		seen[f.name] = true
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			return written, err
		}
		written = append(written, fmt.Sprintf("%-*s  %s", width, f.name, f.what))
	}
	return written, nil
}

// when shows an instant in the contract's zone.
func when(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}
