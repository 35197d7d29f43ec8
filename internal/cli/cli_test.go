package cli

import (
	"bytes"
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
			stdoutHas: []string{"valid — version 2026.11-1, Maintenia SAS", "first contact within 4h, feedback within 16h"}},
		{name: "check an invalid contract", args: []string{"contract", "check", broken}, code: 1, stderrHas: []string{
			`broken.yaml:45: sales.first_contact_deadline: must be a duration in business hours such as "4h" or "1h30m", got "soon"`,
			`broken.yaml:78: roster.reps[2].manager: unknown manager "marc" (roster.managers has: claire-dubois, marc-lefevre)`,
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

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
