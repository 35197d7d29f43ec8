package cli

// An independent review of the command line against the README ("The `handoff` command": "each prints its usage
// on stdout with -h or --help. Exit codes: 0 done (the usage asked for included), 1 the contract, the data or AWS
// said no, 2 the command line is wrong (every problem named at once, the usage on stderr)").

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestIndependentHelpOnStdout: every command of `handoff help`, with -h and --help: exit 0, its usage on stdout.
func TestIndependentHelpOnStdout(t *testing.T) {
	for _, cmd := range [][]string{{"contract", "check"}, {"deadline"}, {"score"}, {"whatif"}, {"export"}, {"send"}, {"report"}, {"forget"}, {"help"}} {
		for _, h := range []string{"-h", "--help"} {
			var out, errb bytes.Buffer
			code := Run(append(append([]string(nil), cmd...), h), &out, &errb, time.Now)
			if code != 0 || !strings.HasPrefix(out.String(), "usage:") || errb.Len() > 0 {
				t.Errorf("handoff %s %s: exit %d, stdout %q…, stderr %q", strings.Join(cmd, " "), h, code, head(out.String()), head(errb.String()))
			}
		}
	}
}

// TestIndependentWrongCommandLine: a wrong command line exits 2, names its problems, and prints the usage on
// stderr — whatever the mistake (an unknown flag, a missing one, an argument too many, two flags that exclude each
// other).
func TestIndependentWrongCommandLine(t *testing.T) {
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ACCESS_KEY_ID", "x")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "x")
	t.Setenv("AWS_REGION", "eu-west-3")
	const contractFile = "../../infra/contract/contract.yaml"
	for _, c := range []struct {
		args  []string
		usage string // how the usage starts
		names string // a problem it must name
	}{
		{[]string{"contract", "check", "--bogus"}, "usage: handoff contract check", "bogus"},
		{[]string{"deadline", "--bogus"}, "usage: handoff deadline", "bogus"},
		{[]string{"deadline"}, "usage: handoff deadline", "--contract"},
		{[]string{"deadline", "--contract", contractFile, "--hours", "4", "extra"}, "usage: handoff deadline", "extra"},
		{[]string{"report"}, "usage: handoff report", "--month"},
		{[]string{"report", "--month", "2026-11", "--out", t.TempDir(), "--stored", "--as-of", "2026-12-01T08:00:00+01:00"}, "usage: handoff report", "--stored"},
		{[]string{"score", "--contract", contractFile, "--lead", "missing.json", "extra"}, "usage: handoff score", "extra"},
		{[]string{"whatif", "--current", contractFile, "--proposed", contractFile, "--export", "missing.jsonl", "extra"}, "usage: handoff whatif", "extra"},
		{[]string{"send", "--contract", contractFile, "--source", "site-contact", "--data", "{}", "--url", "http://127.0.0.1:1", "extra"}, "usage: handoff send", "extra"},
		{[]string{"export", "--dynamodb-endpoint", "http://127.0.0.1:1", "extra"}, "usage: handoff export", "extra"},
	} {
		var out, errb bytes.Buffer
		code := Run(c.args, &out, &errb, time.Now)
		if code != 2 || !strings.Contains(errb.String(), c.usage) || !strings.Contains(errb.String(), c.names) || out.Len() > 0 {
			t.Errorf("handoff %s: exit %d (want 2), stderr %q (want the usage, %q named)", strings.Join(c.args, " "), code, head(errb.String()), c.names)
		}
	}
}

func head(s string) string {
	if len(s) > 120 {
		return s[:120]
	}
	return s
}
