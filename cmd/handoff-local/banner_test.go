package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/readme"
	"github.com/handoff-sla/handoff/internal/secrets"
)

// TestBannerIsTheREADMEs: what `make run` prints once the stack is up — where everything is, and everything
// the stack says it does not emulate, from the real template.yaml and the demo secrets' file — is README.md's
// block. The start's duration and the servers' ports are a run's (they differ from run to run): the test gives
// the README's.
func TestBannerIsTheREADMEs(t *testing.T) {
	t.Parallel()
	root := filepath.Join("..", "..")
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seed, err := secrets.ReadSeedFile(filepath.Join(root, "infra", "local", "secrets.seed"))
	if err != nil {
		t.Fatal(err)
	}
	// The stack `make run` starts: every server of localstack.Start, the secrets served by moto.
	notEmulated := samlocal.NotEmulatedBy(samlocal.Options{Template: tpl, SecretsEndpoint: "http://127.0.0.1:40517"})
	var out strings.Builder
	banner{Took: 1800 * time.Millisecond, API: "http://127.0.0.1:3000", Mail: "http://127.0.0.1:41234", DynamoDB: "http://127.0.0.1:40333",
		Secrets: "http://127.0.0.1:40517", Seeded: len(seed), Stage: "dev", NotEmulated: notEmulated}.print(&out)
	readme.Hold(t, "make-run", strings.TrimPrefix(out.String(), "\n"))
}
