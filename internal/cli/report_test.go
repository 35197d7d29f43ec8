package cli

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/readme"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// reportEnv is a fresh copy of the tables (the hand-computed July seeded when asked) and the July contract on
// disk: what `handoff report` reads.
type reportEnv struct {
	contract, endpoint, leads, sla string
	tables                         store.Tables
	c                              *contract.Contract
}

func newReportEnv(t *testing.T, seed bool) reportEnv {
	t.Helper()
	file := filepath.Join(t.TempDir(), "july.yaml")
	if err := os.WriteFile(file, []byte(reporttest.JulyContract), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := contract.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	tables := store.TablesFrom(testenv.TableEnv(t, names), c)
	if seed {
		if err := storetest.Seed(context.Background(), testenv.DynamoDB(t), tables, reporttest.July(), 4); err != nil {
			t.Fatal(err)
		}
	}
	return reportEnv{contract: file, endpoint: testenv.DynamoEndpoint(t), leads: tables.Leads, sla: tables.SLA, tables: tables, c: c}
}

func (e reportEnv) args(more ...string) []string {
	return append([]string{"report", "--contract", e.contract, "--endpoint", e.endpoint, "--leads-table", e.leads, "--sla-table", e.sla}, more...)
}

// julyAsOf is the instant the July fixture's figures are taken at (the schedule's, 1 August 08:00 in Paris).
var julyAsOf = reporttest.At("2026-08-01 08:00")

func runReport(t *testing.T, args []string, now time.Time) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(args, &out, &errOut, func() time.Time { return now })
	return code, out.String(), errOut.String()
}

// nbsp reads non-breaking and thin spaces (French number formatting) as spaces.
var nbsp = strings.NewReplacer("\u00a0", " ", "\u202f", " ")

var imgSrc = regexp.MustCompile(`<img [^>]*src="([^"]*)"`)

// csvRows reads the CSV the way a spreadsheet does (French: byte-order mark, ';').
func csvRows(t *testing.T, file string) [][]string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Errorf("%s: no byte-order mark", file)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return rows
}

// checkHTML checks that report.html shows its charts from files that exist in dir (no cid: left), and returns it.
func checkHTML(t *testing.T, dir string, charts int) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(data)
	srcs := imgSrc.FindAllStringSubmatch(html, -1)
	if len(srcs) != charts || strings.Contains(html, "cid:") {
		t.Fatalf("report.html: %d images (want %d), cid: left %v", len(srcs), charts, strings.Contains(html, "cid:"))
	}
	for _, s := range srcs {
		f, err := os.Open(filepath.Join(dir, s[1]))
		if err != nil {
			t.Fatalf("report.html shows %q: %v", s[1], err)
		}
		_, err = png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s is not a PNG: %v", s[1], err)
		}
	}
	return html
}

// TestReportJuly renders the hand-computed July from DynamoDB Local and reads every file back: the figures are
// those worked out by hand in package report's TestJuly.
func TestReportJuly(t *testing.T) {
	t.Parallel()
	env := newReportEnv(t, true)
	dir := filepath.Join(t.TempDir(), "out", "july") // created by the command
	code, out, errOut := runReport(t, env.args("--month", "2026-07", "--out", dir), julyAsOf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"2026-07: 7 SQL(s), judged against contract 2026.07-1, figures as of 2026-08-01 08:00 CEST (computed now",
		"wrote to " + dir, "report.html", "report.txt", "sqls-2026-07.png", "first-contact-2026-07.png", "handoff-sla-2026-07-sqls.csv"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "--stored") {
		t.Errorf("no report of record, yet the output offers --stored:\n%s", out)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"first-contact-2026-07.png", "handoff-sla-2026-07-sqls.csv", "report.html", "report.txt", "sqls-2026-07.png"}; !slices.Equal(names, want) {
		t.Errorf("files = %v, want %v", names, want)
	}

	// Two charts, both files, both PNG; the figures in both parts.
	html := checkHTML(t, dir, 2)
	text, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// As worked out by hand (package report's TestJuly): 7 SQLs against July's target of 5 (140 %); contacted
	// within the deadline 4 of 6 (66.7 %, H7 pending) under the 75 % target; time to first contact median 2h
	// and 90th percentile 6h (nearest rank of the leads' waits 1h30 1h30 2h 2h30 5h 6h); May's customers in two
	// currencies. Business time as every email writes it (words.Duration and words.Deadline), no longer "2 h 00".
	for _, want := range []string{"Jugé selon le contrat 2026.07-1", "SQL livrés : 7 / 5 (140 % · tenu)",
		"Contactés dans le délai (4h ouvrées) : 66,7 % (objectif 75 % · non tenu)", "médiane (temps ouvré) : 2h00 (6 contacts)",
		"90e centile (temps ouvré) : 6h00", "carl (a quitté l'équipe)", "12 000,50 EUR · 8 000 USD", "Le détail des 7 SQL du mois est joint (CSV)"} {
		if !strings.Contains(nbsp.Replace(string(text)), want) {
			t.Errorf("report.txt lacks %q", want)
		}
	}
	for _, want := range []string{"2026.07-1", "140 %", "66,7 %", "2h00", "6h00", "12 000,50 EUR", "Anna &lt;b&gt;Admin&lt;/b&gt; &amp; Co"} {
		if !strings.Contains(nbsp.Replace(html), want) {
			t.Errorf("report.html lacks %q", want)
		}
	}

	// One row per SQL of July, in hand-off order: l2 twice (rejected, then an SQL again).
	rows := csvRows(t, filepath.Join(dir, "handoff-sla-2026-07-sqls.csv"))
	var leads []string
	for _, r := range rows[1:] {
		leads = append(leads, r[0])
	}
	if got := strings.Join(leads, " "); got != "l1 l2 l3 l4 l5 l2 l7" {
		t.Errorf("CSV rows = %q, want one per SQL: l1 l2 l3 l4 l5 l2 l7", got)
	}
	if l1 := rows[1]; l1[1] != "2026-07-01 10:00" || l1[9] != "90" {
		t.Errorf("l1's row = %q: handed off 10:00, contacted after 90 business minutes", l1)
	}
	if c := rows[3][14]; c != "'=cmd|' /C calc'!A0 <script>alert(1)</script>" {
		t.Errorf("l3's comment = %q, want it neutralised", c)
	}

	// It only read: no report of record was stored.
	if _, err := store.NewReports(testenv.DynamoDB(t), env.tables).Get(context.Background(), contract.Month{Year: 2026, Month: time.July}, false); !errors.Is(err, records.ErrNoReport) {
		t.Errorf("a report of record after handoff report: %v", err)
	}
}

// TestReportStored: with a report of record for the month, the command says so and, with --stored, renders the
// stored figures — not the records as they stand now. The stored report here was computed before the SQL of
// 31 July was recorded (6 SQLs), so the two renderings differ.
func TestReportStored(t *testing.T) {
	t.Parallel()
	env := newReportEnv(t, true)
	july := contract.Month{Year: 2026, Month: time.July}
	earlier := reporttest.July()
	earlier.Handoffs = slices.DeleteFunc(earlier.Handoffs, func(h records.Handoff) bool { return h.LeadID == "l7" })
	rep := report.Compute(env.c, earlier)
	figures, err := report.Encode(rep)
	if err != nil {
		t.Fatal(err)
	}
	computed := reporttest.At("2026-08-01 08:00").Add(3 * time.Second)
	reports := store.NewReports(testenv.DynamoDB(t), env.tables)
	if _, err := reports.Create(context.Background(), records.Stored{Month: july, AsOf: julyAsOf, ComputedAt: computed,
		Contract: env.c.Version, Figures: figures, SQLs: len(rep.SQLs), Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: computed}}); err != nil {
		t.Fatal(err)
	}
	before, err := reports.Get(context.Background(), july, false)
	if err != nil {
		t.Fatal(err)
	}
	later := julyAsOf.Add(30 * 24 * time.Hour)

	// Computed again, as of the report of record's instant: the records as they stand (7 SQLs: the stored figures
	// were made from other records), said to differ, and the report of record offered.
	dir := t.TempDir()
	code, out, errOut := runReport(t, env.args("--month", "2026-07", "--out", dir), later)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"2026-07: 7 SQL(s)", "figures as of 2026-08-01 08:00 CEST (computed now from the month's records, as of its report of record)",
		"2026-07 has a report of record (computed 2026-08-01 08:00 CEST, figures as of 2026-08-01 08:00 CEST, contract 2026.07-1, 6 SQL(s), email claimed): " +
			"these are other figures (another instant, contract or set of records); add --stored to render what was sent"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if rows := csvRows(t, filepath.Join(dir, "handoff-sla-2026-07-sqls.csv")); len(rows) != 1+7 {
		t.Errorf("computed again: %d CSV rows, want a header and 7", len(rows))
	}

	// --stored: the figures of record (6 SQLs, as of 1 August), whatever the records say now.
	dir = t.TempDir()
	code, out, errOut = runReport(t, env.args("--month", "2026-07", "--out", dir, "--stored"), later)
	if code != 0 {
		t.Fatalf("--stored: exit %d: %s", code, errOut)
	}
	if want := "2026-07: 6 SQL(s), judged against contract 2026.07-1, figures as of 2026-08-01 08:00 CEST (the report of record, computed 2026-08-01 08:00 CEST, email claimed)"; !strings.Contains(out, want) {
		t.Errorf("--stored: output lacks %q:\n%s", want, out)
	}
	if strings.Contains(out, "add --stored") {
		t.Errorf("--stored: the output offers --stored again:\n%s", out)
	}
	rows := csvRows(t, filepath.Join(dir, "handoff-sla-2026-07-sqls.csv"))
	if len(rows) != 1+6 || slices.ContainsFunc(rows[1:], func(r []string) bool { return r[0] == "l7" }) {
		t.Errorf("--stored: CSV rows %q, want the 6 stored SQLs, not l7", rows)
	}
	checkHTML(t, dir, 2)
	// The stored email, rendered: the same bytes as rendering the stored figures.
	want, err := report.Render(rep)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "report.txt")); string(got) != want.Text {
		t.Error("--stored: report.txt is not the stored figures' text part")
	}

	// A local stack's clock ran ahead of the command's: the month is not over by the command's clock, and yet
	// --stored renders what the stack sent, and --as-of computes it at the stack's instant.
	early := reporttest.At("2026-07-20 12:00")
	if code, out, errOut = runReport(t, env.args("--month", "2026-07", "--out", t.TempDir(), "--stored"), early); code != 0 || !strings.Contains(out, "2026-07: 6 SQL(s)") {
		t.Errorf("--stored before the month is over by the command's clock: exit %d: %s%s", code, out, errOut)
	}
	code, out, errOut = runReport(t, env.args("--month", "2026-07", "--out", t.TempDir(), "--as-of", "2026-08-01T08:00:00+02:00"), early)
	if code != 0 || !strings.Contains(out, "2026-07: 7 SQL(s)") || !strings.Contains(out, "figures as of 2026-08-01 08:00 CEST") {
		t.Errorf("--as-of: exit %d: %s%s", code, out, errOut)
	}

	// Reading changed nothing of the record.
	after, err := reports.Get(context.Background(), july, false)
	if err != nil || after.Version != before.Version || after.Digest != before.Digest || after.Mail != before.Mail {
		t.Errorf("the report of record changed: %+v\nwas %+v (%v)", after, before, err)
	}
}

// TestReportEmptyMonth: a month without records renders (no SQL, so one chart and a CSV of its header only).
func TestReportEmptyMonth(t *testing.T) {
	t.Parallel()
	env := newReportEnv(t, false)
	dir := t.TempDir()
	code, out, errOut := runReport(t, env.args("--month", "2026-07", "--out", dir), julyAsOf)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "2026-07: 0 SQL(s)") || strings.Contains(out, "first-contact") {
		t.Errorf("output:\n%s", out)
	}
	checkHTML(t, dir, 1)
	if rows := csvRows(t, filepath.Join(dir, "handoff-sla-2026-07-sqls.csv")); len(rows) != 1 {
		t.Errorf("%d CSV rows, want the header alone", len(rows))
	}
}

// TestReportRefusals: a missing flag, a bad month, a month not over, a month without a report of record for
// --stored: refused, naming what is wrong, and nothing written.
func TestReportRefusals(t *testing.T) {
	t.Parallel()
	env := newReportEnv(t, false)
	dir := filepath.Join(t.TempDir(), "out")
	tests := []struct {
		name string
		args []string
		now  time.Time
		code int
		want []string
	}{
		{"no month, no out", env.args(), julyAsOf, 2, []string{"--month is required", "--out is required"}},
		{"no out", env.args("--month", "2026-07"), julyAsOf, 2, []string{"--out is required"}},
		{"a month out of range", env.args("--month", "2026-13", "--out", dir), julyAsOf, 2, []string{`--month must be a month such as 2026-11, got "2026-13"`}},
		{"a month in words", env.args("--month", "july", "--out", dir), julyAsOf, 2, []string{`--month must be a month such as 2026-11, got "july"`}},
		{"a day", env.args("--month", "2026-07-01", "--out", dir), julyAsOf, 2, []string{`got "2026-07-01"`}},
		{"a month of one digit", env.args("--month", "2026-7", "--out", dir), julyAsOf, 2, []string{`got "2026-7"`}},
		{"an argument", env.args("--month", "2026-07", "--out", dir, "extra"), julyAsOf, 2, []string{"unexpected argument extra"}},
		{"an unknown flag", env.args("--month", "2026-07", "--out", dir, "--send"), julyAsOf, 2, []string{"flag provided but not defined: -send", "usage: handoff report"}},
		{"the month running", env.args("--month", "2026-08", "--out", dir), julyAsOf, 2,
			[]string{"--month: 2026-08 is not over (it ends 2026-09-01 00:00, Europe/Paris)"}},
		// 31 July 23:30 in Paris is 21:30 UTC: July is not over in the contract's zone.
		{"the last hour of the month in the contract's zone", env.args("--month", "2026-07", "--out", dir), reporttest.At("2026-07-31 23:30"), 2,
			[]string{"--month: 2026-07 is not over (it ends 2026-08-01 00:00, Europe/Paris)"}},
		{"a month to come", env.args("--month", "2027-01", "--out", dir), julyAsOf, 2, []string{"2027-01 is not over"}},
		{"no report of record", env.args("--month", "2026-07", "--out", dir, "--stored"), julyAsOf, 1,
			[]string{"2026-07 has no report of record in " + env.sla + ": run without --stored"}},
		{"an instant that is not one", env.args("--month", "2026-07", "--out", dir, "--as-of", "2026-08-01"), julyAsOf, 2,
			[]string{`--as-of must be an instant such as 2026-12-01T08:00:00+01:00, got "2026-08-01"`}},
		{"as of an instant and stored", env.args("--month", "2026-07", "--out", dir, "--as-of", "2026-08-01T08:00:00+02:00", "--stored"), julyAsOf, 2,
			[]string{"--as-of and --stored"}},
		{"as of an instant within the month", env.args("--month", "2026-07", "--out", dir, "--as-of", "2026-07-31T23:30:00+02:00"), julyAsOf, 2,
			[]string{"--month: 2026-07 is not over"}},
		{"a missing contract", []string{"report", "--contract", "nope.yaml", "--month", "2026-07", "--out", dir}, julyAsOf, 1, []string{"nope.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runReport(t, tc.args, tc.now)
			if code != tc.code || out != "" {
				t.Errorf("exit %d (want %d), stdout %q, stderr %q", code, tc.code, out, errOut)
			}
			for _, w := range tc.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s was created (%v)", dir, err)
			}
		})
	}
}

// TestReportRecomputedAsOfItsRecord: a month computed again a month later, by default as of its report of
// record's instant, gives the figures of record exactly (the same digest), and says so; --as-of another instant
// gives other figures, and says that too.
func TestReportRecomputedAsOfItsRecord(t *testing.T) {
	t.Parallel()
	env := newReportEnv(t, true)
	july := contract.Month{Year: 2026, Month: time.July}
	figures, err := report.Encode(report.Compute(env.c, reporttest.AsRead(reporttest.July()))) // as seeded
	if err != nil {
		t.Fatal(err)
	}
	reports := store.NewReports(testenv.DynamoDB(t), env.tables)
	if _, err := reports.Create(context.Background(), records.Stored{Month: july, AsOf: julyAsOf, ComputedAt: julyAsOf,
		Contract: env.c.Version, Figures: figures, SQLs: 7, Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: julyAsOf}}); err != nil {
		t.Fatal(err)
	}
	later := julyAsOf.Add(30 * 24 * time.Hour)
	for i, tc := range []struct {
		args []string
		want string
	}{
		{nil, "figures as of 2026-08-01 08:00 CEST (computed now from the month's records, as of its report of record)"},
		{nil, "these are the same figures; add --stored"},
		{[]string{"--as-of", "2026-08-04T10:00:00+02:00"}, "figures as of 2026-08-04 10:00 CEST (computed now from the month's records)"},
		{[]string{"--as-of", "2026-08-04T10:00:00+02:00"}, "these are other figures"},
	} {
		dir := t.TempDir()
		code, out, errOut := runReport(t, env.args(append([]string{"--month", "2026-07", "--out", dir}, tc.args...)...), later)
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, output lacks %q:\n%s%s", tc.args, code, tc.want, out, errOut)
		}
		if i == 0 { // README.md shows it, written to /tmp/july (here a temporary directory)
			readme.Hold(t, "report-july", strings.ReplaceAll(out, dir, "/tmp/july"))
		}
	}
}

// TestForgetCommand: `handoff forget` erases a person as the route does — found by the address as typed — says
// what it erased, and finds nothing the second time.
func TestForgetCommand(t *testing.T) {
	t.Parallel()
	env := newReportEnv(t, false)
	at := julyAsOf
	d := webhook.Delivery{Source: "site-contact", ID: "d-forget", BodyHash: "h", At: at}
	rec, err := store.NewLeads(testenv.DynamoDB(t), env.tables).SaveSubmission(context.Background(), d,
		lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: "zoe@quintrell-forges.fr", FirstName: "Zoé"}},
		lead.Activity{ID: "a-forget", Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"forget", "--email", " Zoe@Quintrell-Forges.FR ", "--contract", env.contract, "--endpoint", env.endpoint,
		"--leads-table", env.leads, "--activities-table", env.tables.Activities, "--deliveries-table", env.tables.Deliveries, "--sla-table", env.sla}
	code, out, errOut := runReport(t, args, at)
	if code != 0 || !strings.Contains(out, `"status": "erased"`) || !strings.Contains(out, rec.LeadID) || !strings.Contains(out, `"activities": 1`) {
		t.Errorf("exit %d:\n%s%s", code, out, errOut)
	}
	readme.Hold(t, "forget", out, readme.Vary(`(ld_[0-9a-z]{26})`, "the lead's ID, made when it was stored"))
	if code, out, _ := runReport(t, args, at); code != 0 || !strings.Contains(out, `"status": "nothing to erase"`) {
		t.Errorf("again: exit %d:\n%s", code, out)
	}
	if code, _, errOut := runReport(t, []string{"forget", "--email", "not an address"}, at); code != 2 || !strings.Contains(errOut, "email") {
		t.Errorf("a bad address: exit %d, %s", code, errOut)
	}
}
