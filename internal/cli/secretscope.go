package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/handoff-sla/handoff/internal/contract"
)

// checkArgs reads contract check's command line: its flags, before or after the file, and the file.
func checkArgs(args []string, stdout, stderr io.Writer) (file string, scope contract.SecretScope, code int, done bool) {
	fs := flags("contract check", checkUsage)
	fs.StringVar(&scope.Stage, "stage", "", "the stage the contract is deployed to ("+strings.Join(contract.Stages, ", ")+"): its name is accepted in place of "+contract.StagePlaceholder)
	fs.BoolVar(&scope.AllowEnv, "allow-env", false, "accept env:NAME secret references (a unit test's contract; never a deployed one)")
	if code, done := parse(fs, args, stdout, stderr); done {
		return "", scope, code, true
	}
	if fs.NArg() == 0 {
		fmt.Fprint(stderr, checkUsage)
		return "", scope, 2, true
	}
	file = fs.Arg(0)
	if code, done := parse(fs, fs.Args()[1:], stdout, stderr); done {
		return "", scope, code, true
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "one contract at a time; got %q besides %s\n", fs.Args(), file)
		fmt.Fprint(stderr, checkUsage)
		return "", scope, 2, true
	}
	if scope.Stage != "" && !slices.Contains(contract.Stages, scope.Stage) {
		fmt.Fprintf(stderr, "--stage must be one of %s, got %q\n", strings.Join(contract.Stages, ", "), scope.Stage)
		return "", scope, 2, true
	}
	return file, scope, 0, false
}

// reportSecretScope prints every secret reference of a valid contract that its stage's roles may not read (with
// its line) and returns 1, or 0 when there is none.
func reportSecretScope(file string, scope contract.SecretScope, stderr io.Writer) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	problems := contract.CheckSecretScope(data, scope)
	for _, p := range problems {
		fmt.Fprintln(stderr, p.String(file))
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "%d problem(s): the contract's secrets are not where a deployed stage reads them\n", len(problems))
		return 1
	}
	return 0
}
