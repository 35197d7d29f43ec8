package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// stagedExample writes the example contract with its secrets under the stage's paths ({stage}), a reference then
// changed as change says (old -> new), and returns the file and the line of the changed reference.
func stagedExample(t *testing.T, change map[string]string) (string, int) {
	t.Helper()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer("ssm:/handoff/sources/", "ssm:/handoff/{stage}/sources/", "secretsmanager:handoff/sources/", "secretsmanager:handoff/{stage}/sources/",
		"ssm:/handoff/feedback-links", "ssm:/handoff/{stage}/feedback-links").Replace(string(data))
	for old, new := range change {
		if !strings.Contains(s, old) {
			t.Fatalf("the example has no %q", old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	line := 0
	for _, new := range change {
		line = strings.Count(s[:strings.Index(s, "secret: "+new)], "\n") + 1
	}
	path := filepath.Join(t.TempDir(), "contract.yaml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, line
}

// TestCheckRefusesSecretsOutsideTheStage: contract check accepts the stage's secret paths only, naming the line
// of each reference elsewhere; env: only with --allow-env.
func TestCheckRefusesSecretsOutsideTheStage(t *testing.T) {
	t.Parallel()
	const crm = "ssm:/handoff/{stage}/sources/crm"
	tests := []struct {
		name      string
		change    map[string]string
		flags     []string
		code      int
		stderrHas string // with %d for the changed reference's line
	}{
		{name: "the stage's paths", code: 0},
		{name: "a stage named, checked for it", change: map[string]string{crm: "ssm:/handoff/prod/sources/crm"}, flags: []string{"--stage", "prod"}, code: 0},
		{name: "flags after the file", change: map[string]string{crm: "ssm:/handoff/staging/sources/crm"}, flags: []string{"AFTER", "--stage", "staging"}, code: 0},
		{name: "a stage named, checked for another", change: map[string]string{crm: "ssm:/handoff/prod/sources/crm"}, flags: []string{"--stage", "dev"}, code: 1,
			stderrHas: `contract.yaml:%d: sources[5].secret: source crm's secret "ssm:/handoff/prod/sources/crm" is not under a stage's path`},
		{name: "another team's parameter", change: map[string]string{crm: "ssm:/prod/other-team/db-password"}, code: 1,
			stderrHas: `contract.yaml:%d: sources[5].secret: source crm's secret "ssm:/prod/other-team/db-password" is outside /handoff/`},
		{name: "env: in a deployed contract", change: map[string]string{crm: "env:AWS_SECRET_ACCESS_KEY"}, code: 1,
			stderrHas: `contract.yaml:%d: sources[5].secret: env: references are for unit tests only (--allow-env)`},
		{name: "env: in a test's contract", change: map[string]string{crm: "env:AWS_SECRET_ACCESS_KEY"}, flags: []string{"--allow-env"}, code: 0},
		{name: "an unknown stage", flags: []string{"--stage", "qa"}, code: 2, stderrHas: `--stage must be one of dev, staging, prod, got "qa"`},
		{name: "two files", flags: []string{"AFTER", "other.yaml"}, code: 2, stderrHas: "one contract at a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file, line := stagedExample(t, tt.change)
			args := []string{"contract", "check"}
			if len(tt.flags) > 0 && tt.flags[0] == "AFTER" {
				args = append(append(args, file), tt.flags[1:]...)
			} else {
				args = append(append(args, tt.flags...), file)
			}
			var out, errOut bytes.Buffer
			code := Run(args, &out, &errOut, func() time.Time { return time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC) })
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut.String())
			}
			if want := tt.stderrHas; want != "" {
				if strings.Contains(want, "%d") {
					want = fmt.Sprintf(want, line)
				}
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
				}
			}
			if tt.code == 0 && !strings.Contains(out.String(), "valid — version") {
				t.Errorf("stdout: %s", out.String())
			}
		})
	}
}
