package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

const example = "../../infra/contract/contract.yaml"

func fixedNow() time.Time { return time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC) }

func TestRun(t *testing.T) {
	t.Parallel()
	broken := filepath.Join(t.TempDir(), "broken.yaml")
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.Replace(data, []byte("first_contact_deadline: 4h"), []byte("first_contact_deadline: soon"), 1)
	data = bytes.Replace(data, []byte("manager: marc-lefevre"), []byte("manager: marc"), 1)
	if err := os.WriteFile(broken, data, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string // exact first line, when set
		stderrHas []string
		stdoutHas []string
	}{
		{name: "check a valid contract", args: []string{"contract", "check", example}, code: 0,
			stdoutHas: []string{"valid — version 2026.12-1, Maintenia SAS", "first contact within 4h, feedback within 16h",
				"  consent: a lead whose latest answer is no is never handed to sales; one that never answered is handed to sales (missing: allow)\n" +
					"    asked by site-contact (\"J'accepte d'être recontacté\"), zapier-linkedin (\"consent\")\n" +
					"    typeform-audit, webflow-webinar: a field named \"consent\", if they send one\n",
				"kept: leads 36 months after the last thing heard of them, activities 24 months, hand-offs and the report's records 36 months"}},
		{name: "check an invalid contract", args: []string{"contract", "check", broken}, code: 1, stderrHas: []string{
			`broken.yaml:47: sales.first_contact_deadline: must be a duration in business hours such as "4h" or "1h30m", got "soon"`,
			`broken.yaml:88: roster.reps[2].manager: unknown manager "marc" (roster.managers has: claire-dubois, marc-lefevre)`,
			"2 problem(s): the contract is not valid"}},
		{name: "check a missing file", args: []string{"contract", "check", "nope.yaml"}, code: 1, stderrHas: []string{"read contract: open nope.yaml"}},
		{name: "friday evening to monday", args: []string{"deadline", "--contract", example, "--from", "2026-11-27T17:30:00+01:00", "--hours", "4"},
			stdout: "2026-11-30T14:00:00+01:00"},
		{name: "over ascension and a bridge day", args: []string{"deadline", "--contract", example, "--from", "2027-05-05T16:00:00+02:00", "--hours", "4"},
			stdout: "2027-05-10T11:00:00+02:00"},
		{name: "fractional hours and a UTC start", args: []string{"deadline", "--contract", example, "--from", "2026-11-30T08:00:00Z", "--hours", "1.5"},
			stdout: "2026-11-30T10:30:00+01:00"},
		// now is 11:00 in Paris: 1h30 before lunch, 30 min after.
		{name: "from defaults to now", args: []string{"deadline", "--contract", example, "--hours", "2"},
			stdout: "2026-11-30T14:00:00+01:00"},
		{name: "bad flags named together", args: []string{"deadline", "--from", "friday", "--hours", "0"}, code: 2, stderrHas: []string{
			"--contract is required", "--hours must be", `--from must be an RFC 3339 instant such as 2026-11-27T17:30:00+01:00, got "friday"`}},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderrHas: []string{"usage:"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errOut bytes.Buffer
			code := Run(tc.args, &out, &errOut, fixedNow)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tc.code, errOut.String())
			}
			if tc.stdout != "" {
				if first, _, _ := strings.Cut(out.String(), "\n"); first != tc.stdout {
					t.Errorf("stdout first line = %q, want %q", first, tc.stdout)
				}
			}
			for _, s := range tc.stdoutHas {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tc.stderrHas {
				if !strings.Contains(errOut.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut.String())
				}
			}
		})
	}
}

func TestScoreAndWhatIf(t *testing.T) {
	t.Parallel()
	const sample = "../../infra/contract/examples/leads-2026-autumn.jsonl"
	one := filepath.Join(t.TempDir(), "one.jsonl")
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	if err := os.WriteFile(one, []byte(first), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"score", "--contract", example, "--lead", one, "--at", "2026-11-27T17:30:00+01:00"}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("score: exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"ld_sample000 at 2026-11-27 17:30 CET: fit 35 + behaviour 33.21 = 68.21 -> MQL",
		"-15.00  fit          free-mail", "+13.21  behaviour    contact-form       form_submit 2026-11-16 15 decayed to 88% (half-life 60 days)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("score output lacks %q:\n%s", want, out.String())
		}
	}

	out.Reset()
	if code := Run([]string{"whatif", "--current", example, "--proposed", "../../infra/contract/examples/contract-proposed.yaml", "--export", sample}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("whatif: exit %d: %s", code, errOut.String())
	}
	var total []string
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) == 5 && f[0] == "total" {
			total = f
		}
	}
	if !strings.HasPrefix(out.String(), "60 leads replayed") || total == nil {
		t.Fatalf("whatif output:\n%s", out.String())
	}
	// Lower thresholds never hand fewer leads to sales.
	if now, proposed := atoi(t, total[3]), atoi(t, total[4]); proposed < now {
		t.Errorf("proposed SQLs %s < current %s", total[4], total[3])
	}
	if code := Run([]string{"whatif", "--proposed", example}, &out, &errOut, fixedNow); code != 2 {
		t.Errorf("whatif without an export: exit %d", code)
	}
}

// sampleLead writes one lead of the 60-lead sample to a file of its own, for handoff score.
func sampleLead(t *testing.T, id string) string {
	t.Helper()
	data, err := os.ReadFile("../../infra/contract/examples/leads-2026-autumn.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.Contains(line, `"id": "`+id+`"`) {
			file := filepath.Join(t.TempDir(), id+".jsonl")
			if err := os.WriteFile(file, []byte(line), 0o600); err != nil {
				t.Fatal(err)
			}
			return file
		}
	}
	t.Fatalf("no lead %s in the sample", id)
	return ""
}

// TestNegativeFitWithoutMinimumQualifies: ld_sample039 has fit -10 (free mail) and a strong behaviour; the
// shipped contract sets no mql_min_fit, so its total alone makes it an MQL.
func TestNegativeFitWithoutMinimumQualifies(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := Run([]string{"score", "--contract", example, "--lead", sampleLead(t, "ld_sample039"), "--at", "2026-11-27T17:30:00+01:00"}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("score: exit %d: %s", code, errOut.String())
	}
	if first, _, _ := strings.Cut(out.String(), "\n"); !strings.Contains(first, "fit -10 + ") || !strings.Contains(first, "-> MQL (") {
		t.Errorf("ld_sample039 is not an MQL:\n%s", out.String())
	}
}

// TestScoreShowsTheExactTotalAcrossAThreshold: 69.996 shows as 70 but is below the SQL threshold of 70; the
// header says so, and the lines add up to the shown total.
func TestScoreShowsTheExactTotalAcrossAThreshold(t *testing.T) {
	t.Parallel()
	// Fit 35 (CEO, 120 employees); a webinar (20) and a form 34 minutes old: 15 * 0.5^(34 min / 60 days).
	file := filepath.Join(t.TempDir(), "lead.jsonl")
	rec := `{"lead":{"id":"ld_edge","profile":{"job_title":"CEO","company_size":"120","industry":"Banque","country":"DE","free_mail":"false"}},` +
		`"activities":[{"id":"f","type":"form_submit","occurredAt":"2026-11-27T15:56:00Z"},{"id":"w","type":"webinar_attended","occurredAt":"2026-11-26T16:30:00Z"}]}`
	if err := os.WriteFile(file, []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"score", "--contract", example, "--lead", file, "--at", "2026-11-27T17:30:00+01:00"}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("score: exit %d: %s", code, errOut.String())
	}
	want := "ld_edge at 2026-11-27 17:30 CET: fit 35 + behaviour 35 = 70 (total exactly 69.996, below SQL 70) -> MQL (MQL 40, SQL 70, SQL needs fit >= 15)\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("score output:\n%s\nwant it to start with\n%s", out.String(), want)
	}
	if !strings.Contains(out.String(), "+15.00  behaviour    contact-form       form_submit 2026-11-27") {
		t.Errorf("the form line does not show 15.00 (14.996 rounded, the lines adding up to 70):\n%s", out.String())
	}
}

// TestCheckWarnsAboutShortAlternatives: the old example's decision-maker rule loads (exit 0) with a warning on
// stderr, in the problems' format, naming the line, the key and the alternatives.
func TestCheckWarnsAboutShortAlternatives(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	const fixed = `'(?i)\b(directeur|directrice|responsable|head of|chef|cheffe|ceo|coo|cto|dg|dga|pdg)\b'`
	if !bytes.Contains(data, []byte(fixed)) {
		t.Fatalf("the example no longer has %s", fixed)
	}
	old := filepath.Join(t.TempDir(), "old.yaml")
	data = bytes.Replace(data, []byte(fixed), []byte(`"(?i)(directeur|directrice|responsable|head of|chef|ceo|coo|cto|dg)"`), 1)
	if err := os.WriteFile(old, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"contract", "check", old}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	line := 1 + bytes.Count(data[:bytes.Index(data, []byte(`"(?i)(directeur`))], []byte("\n"))
	want := old + ":" + strconv.Itoa(line) + `: warning: scoring.fit[0].matches: "ceo", "coo", "cto", "dg" (3 letters or fewer) without a word boundary on both sides also match inside longer words ("cto" in "Doctorant", "dg" in "Budget"); write \b before and after, e.g. \bceo\b
1 warning(s): the contract is valid, but check these
`
	if errOut.String() != want {
		t.Errorf("stderr:\n%s\nwant\n%s", errOut.String(), want)
	}
	if !strings.Contains(out.String(), ": valid — version") {
		t.Errorf("stdout:\n%s", out.String())
	}
	out.Reset()
	errOut.Reset()
	if code := Run([]string{"contract", "check", example}, &out, &errOut, fixedNow); code != 0 || errOut.Len() != 0 {
		t.Errorf("the shipped contract: exit %d, stderr %q", code, errOut.String())
	}
}

// TestRepeatedActivityIDs: an export that repeats an activity scores as if it did not, and says so.
func TestRepeatedActivityIDs(t *testing.T) {
	t.Parallel()
	single := sampleLead(t, "ld_sample039")
	data, err := os.ReadFile(single)
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	acts := rec["activities"].([]any)
	rec["activities"] = append(acts, acts[1], acts[2]) // both webinars again
	doubled, _ := json.Marshal(rec)
	file := filepath.Join(t.TempDir(), "doubled.jsonl")
	if err := os.WriteFile(file, doubled, 0o600); err != nil {
		t.Fatal(err)
	}
	score := func(f string) string {
		var out, errOut bytes.Buffer
		if code := Run([]string{"score", "--contract", example, "--lead", f, "--at", "2026-11-27T17:30:00+01:00"}, &out, &errOut, fixedNow); code != 0 {
			t.Fatalf("score: exit %d: %s", code, errOut.String())
		}
		return out.String()
	}
	want := score(single) + "(2 repeated activity ID(s) in " + file + ": each activity counted once)\n"
	if got := score(file); got != want {
		t.Errorf("doubled export:\n%s\nwant\n%s", got, want)
	}
	whatif := func(f string) string {
		var out, errOut bytes.Buffer
		if code := Run([]string{"whatif", "--current", example, "--proposed", example, "--export", f}, &out, &errOut, fixedNow); code != 0 {
			t.Fatalf("whatif: exit %d: %s", code, errOut.String())
		}
		return out.String()
	}
	once, twice := whatif(single), whatif(file)
	note := "2 repeated activity ID(s) in " + file + ": each activity counted once\n"
	if !strings.Contains(twice, note) || strings.Replace(twice, note, "", 1) != once {
		t.Errorf("whatif on the doubled export:\n%s\nonce:\n%s", twice, once)
	}
}

// TestActivityWithoutAnIDIsRefused: score and whatif refuse an export with an activity without an ID (it could
// not be told from a copy), naming the record and the activity; exit 1, nothing on stdout.
func TestActivityWithoutAnIDIsRefused(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "no-id.jsonl")
	rec := `{"lead":{"id":"ld_noid","profile":{"country":"FR"}},"activities":[{"id":"w","type":"webinar_attended","occurredAt":"2026-11-20T10:00:00Z"},` +
		`{"type":"webinar_attended","occurredAt":"2026-11-21T10:00:00Z"},{"type":"webinar_attended","occurredAt":"2026-11-21T10:00:00Z"}]}`
	if err := os.WriteFile(file, []byte(rec), 0o600); err != nil {
		t.Fatal(err)
	}
	want := file + ": record 1 (lead ld_noid): activity 2 has no id: every activity needs one, since an activity ID counts once\n"
	for _, args := range [][]string{
		{"score", "--contract", example, "--lead", file, "--at", "2026-11-27T17:30:00+01:00"},
		{"whatif", "--current", example, "--proposed", example, "--export", file},
	} {
		var out, errOut bytes.Buffer
		if code := Run(args, &out, &errOut, fixedNow); code != 1 || errOut.String() != want || out.Len() != 0 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and %q", args[0], code, out.String(), errOut.String(), want)
		}
	}
}

// TestCheckStatesTheScoringRules: contract check states the scoring rules as the engine applies them, the
// unwritten parts included (exact totals, how long points last, how caps count, who beats whom).
func TestCheckStatesTheScoringRules(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if code := Run([]string{"contract", "check", example}, &out, &errOut, fixedNow); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	_, summary, _ := strings.Cut(out.String(), "\n  scoring: ")
	want := `MQL at 40, SQL at 70, on the exact total (shown to the cent); minimum fit: MQL none, SQL 15
    5 fit rule(s); equals, in, contains ignore surrounding spaces and case (Unicode full case folding: ß is ss; accents count: É is not E); a missing field is ""
    behaviour, per activity (one activity counts for every rule it matches; an activity ID once, its earliest copy):
      pricing-page  page_view where url contains /tarifs: 10, at most 30 in any 30 days (freshest first), halves every 14 days, gone after 93 days (under 1%)
      any-page      page_view: 1, at most 10 in any 30 days (freshest first), halves every 7 days, gone after 46.5 days (under 1%)
      white-paper   content_download: 15, halves every 30 days, gone after 199.3 days (under 1%)
      webinar       webinar_attended: 20, for 90 days (not at exactly 90 days)
      email-click   email_click: 3, at most 15 in any 30 days (freshest first), halves every 7 days, gone after 46.5 days (under 1%)
      contact-form  form_submit: 15, halves every 60 days, gone after 398.6 days (under 1%)
      trade-show    trade_show_visit: 25, for 60 days (not at exactly 60 days)
    1 hand-raiser(s), SQL whatever the score: demo-request; 2 disqualifier(s), never MQL or SQL, before any hand-raiser: competitor, student
`
	if summary != want {
		t.Errorf("scoring summary:\n%s\nwant\n%s", summary, want)
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestHelpExitsZero: every command's -h or --help prints its usage on stdout and exits 0, as Unix tools do; a
// mistake prints it on stderr and exits 2.
func TestHelpExitsZero(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help"}, {"--help"}, {"contract", "check", "--help"}, {"deadline", "--help"}, {"deadline", "-h"},
		{"score", "--help"}, {"whatif", "--help"}, {"export", "--help"}, {"send", "--help"}, {"report", "--help"}, {"report", "-h"},
		{"forget", "--help"}, {"lead", "--help"}, {"lead", "-h"}} {
		var out, errOut bytes.Buffer
		code := Run(args, &out, &errOut, time.Now)
		if code != 0 || !strings.HasPrefix(out.String(), "usage:") || errOut.Len() != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want the usage on stdout, exit 0", args, code, firstLine(out.String()), errOut.String())
		}
	}
	for _, args := range [][]string{{"report", "--bogus"}, {"deadline", "--hours"}, {"contract", "check"}, {"frobnicate"}, {"lead"}, {"lead", "--email"}} {
		var out, errOut bytes.Buffer
		if code := Run(args, &out, &errOut, time.Now); code != 2 || out.Len() != 0 || !strings.Contains(errOut.String(), "usage:") {
			t.Errorf("%v: exit %d, stdout %q; want the usage on stderr, exit 2", args, code, out.String())
		}
	}
}

func firstLine(s string) string { line, _, _ := strings.Cut(s, "\n"); return line }
