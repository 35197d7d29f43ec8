package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/readme"
)

// transcript is a session of `go run ./cmd/handoff` at the repository root, as README.md shows it: each line
// "$ go run ./cmd/handoff ARGS" followed by what the command printed (stdout and stderr as written), sessions
// apart by a blank line. files names the files a line gives that the repository does not hold (the README's
// one-lead.jsonl): each is passed as its path in a temporary directory, and that path printed as the README's
// name. The caller must be a test that is not parallel (it changes the working directory to the root).
func transcript(t *testing.T, files map[string]string, lines ...string) string {
	t.Helper()
	t.Chdir(filepath.Join("..", ".."))
	var session []string
	for _, line := range lines {
		args, err := splitArgs(strings.TrimPrefix(line, "go run ./cmd/handoff "))
		if err != nil || !strings.HasPrefix(line, "go run ./cmd/handoff ") {
			t.Fatalf("%q: not a handoff command line (%v)", line, err)
		}
		for i, a := range args {
			if p, ok := files[a]; ok {
				args[i] = p
			}
		}
		var out bytes.Buffer
		Run(args, &out, &out, fixedNow)
		printed := out.String()
		for name, p := range files {
			printed = strings.ReplaceAll(printed, p, name)
		}
		session = append(session, "$ "+line+"\n"+printed)
	}
	return strings.Join(session, "\n")
}

// splitArgs splits a command line as a shell does for the README's commands: words apart by spaces, single or
// double quotes around a word with spaces.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	quote, started := byte(0), false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, started = c, true
		case c == ' ':
			if started {
				args = append(args, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed quote")
	}
	if started {
		args = append(args, cur.String())
	}
	return args, nil
}

// writeFile writes a file of the session to a temporary directory and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// exampleWith is the example contract with each old text replaced by its new one (each must be there).
func exampleWith(t *testing.T, replace ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(example)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(replace); i += 2 {
		if !bytes.Contains(data, []byte(replace[i])) {
			t.Fatalf("the example contract has no %q", replace[i])
		}
		data = bytes.Replace(data, []byte(replace[i]), []byte(replace[i+1]), 1)
	}
	return data
}

// The README's sessions of the handoff command (they read files only: no DynamoDB).

func TestREADMEContractCheckAndDeadlines(t *testing.T) {
	readme.Hold(t, "contract-check", transcript(t, nil,
		"go run ./cmd/handoff contract check infra/contract/contract.yaml",
		"go run ./cmd/handoff deadline --contract infra/contract/contract.yaml --from 2026-11-27T17:30:00+01:00 --hours 4",
		"go run ./cmd/handoff deadline --contract infra/contract/contract.yaml --from 2027-05-05T16:00:00+02:00 --hours 4"))
}

func TestREADMEContractCheckScoring(t *testing.T) {
	readme.Hold(t, "contract-check-scoring", transcript(t, nil, "go run ./cmd/handoff contract check infra/contract/contract.yaml"))
}

// TestREADMEInvalidContract: the example contract with a deadline that is no duration and a rep's manager
// unknown.
func TestREADMEInvalidContract(t *testing.T) {
	broken := writeFile(t, "contract.yaml", exampleWith(t, "first_contact_deadline: 4h", "first_contact_deadline: soon",
		"manager: marc-lefevre", "manager: marc"))
	readme.Hold(t, "contract-check-invalid", transcript(t, map[string]string{"contract.yaml": broken},
		"go run ./cmd/handoff contract check contract.yaml"))
}

// TestREADMEContractSecretsOfAnotherTeam: the example contract with the CRM's secret another team's parameter.
func TestREADMEContractSecretsOfAnotherTeam(t *testing.T) {
	staged := writeFile(t, "contract.yaml", exampleWith(t, "ssm:/handoff/{stage}/sources/crm", "ssm:/prod/other-team/db-password"))
	readme.Hold(t, "contract-check-secrets", transcript(t, map[string]string{"contract.yaml": staged},
		"go run ./cmd/handoff contract check --stage prod contract.yaml"))
}

// TestREADMEScore: the first lead of the autumn sample, scored on the example contract.
func TestREADMEScore(t *testing.T) {
	data, err := os.ReadFile("../../infra/contract/examples/leads-2026-autumn.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	one := writeFile(t, "one-lead.jsonl", first)
	readme.Hold(t, "score", transcript(t, map[string]string{"one-lead.jsonl": one},
		"go run ./cmd/handoff score --lead one-lead.jsonl --at 2026-11-27T17:30:00+01:00"))
}

func TestREADMEWhatIf(t *testing.T) {
	readme.Hold(t, "whatif", transcript(t, nil,
		"go run ./cmd/handoff whatif --proposed infra/contract/examples/contract-proposed.yaml --export infra/contract/examples/leads-2026-autumn.jsonl"))
}
