package bench

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/handoff-sla/handoff/internal/cli"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/localstack"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/secrets"
)

// localStack is a local stack as `make run` starts it (every function of template.yaml behind its HTTP API, the
// stream mappings, the schedules, DynamoDB Local, SES local, moto), with what a suite needs to drive it as its
// users do: the contract and the demo secrets the senders sign with.
type localStack struct {
	*localstack.Local
	Template *samtemplate.Template
	Contract *contract.Contract
	Secrets  map[string]string // the demo secrets, by reference as the contract writes them
	logs     *os.File
}

// project is what every suite reads of the repository: template.yaml and the example contract.
func project(env *Env) (*samtemplate.Template, *contract.Contract, error) {
	tpl, err := samtemplate.Load(filepath.Join(env.Root, "template.yaml"))
	if err != nil {
		return nil, nil, err
	}
	c, err := contract.Load(filepath.Join(env.Root, "infra", "contract", "contract.yaml"))
	if err != nil {
		return nil, nil, err
	}
	return tpl, c, nil
}

// tablesOnDynamoDB starts a DynamoDB Local with template.yaml's tables, each named prefix + its logical ID, for
// the suites that run the functions' code without a stack. Stop the service when done.
func tablesOnDynamoDB(ctx context.Context, env *Env, tpl *samtemplate.Template, prefix string) (*localaws.Service, map[string]string, error) {
	svc, err := localaws.StartDynamoDB(ctx, filepath.Join(env.Root, "infra", "local", "node_modules"), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("DynamoDB Local: %w", err)
	}
	names, err := localaws.CreateTables(ctx, localaws.DynamoDB(svc.Endpoint), tpl.Tables,
		func(t samtemplate.Table) (string, error) { return prefix + t.LogicalID, nil })
	if err != nil {
		svc.Stop()
		return nil, nil, err
	}
	return svc, names, nil
}

// startStack starts a local stack; its logs go to .local/bench-<name>.log. Close stops everything.
func startStack(ctx context.Context, env *Env, name string) (*localStack, error) {
	tpl, c, err := project(env)
	if err != nil {
		return nil, err
	}
	seed, err := secrets.ReadSeedFile(filepath.Join(env.Root, "infra", "local", "secrets.seed"))
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(env.Root, ".local", "bench-"+name+".log")
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	logs, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	began := time.Now()
	l, err := localstack.Start(ctx, localstack.Options{Root: env.Root, Template: tpl, Stage: "dev", APIAddr: "127.0.0.1:0", Logs: logs})
	if err != nil {
		logs.Close()
		return nil, err
	}
	env.Logf("   local stack ready in %s (logs in %s)", time.Since(began).Round(100*time.Millisecond), logPath)
	return &localStack{Local: l, Template: tpl, Contract: c, Secrets: seed, logs: logs}, nil
}

func (s *localStack) Close() {
	s.Local.Close()
	s.logs.Close()
}

// post sends body to a source's route as its sender does (cli.Sign, what `handoff send` and the demo use),
// delivery id at instant at, and returns the HTTP status.
func (s *localStack) post(ctx context.Context, hc *http.Client, source, id string, at time.Time, body []byte) (int, error) {
	src, ok := s.Contract.Source(source)
	if !ok {
		return 0, fmt.Errorf("no source %s in the contract", source)
	}
	secret, ok := s.Secrets[src.Secret]
	if !ok {
		return 0, fmt.Errorf("no demo secret for %s", src.Secret)
	}
	route := map[contract.SourceKind]string{contract.FormSource: "submissions", contract.ActivitySource: "activities", contract.OutcomeSource: "outcomes"}[src.Kind]
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.Stack.URL()+"/v1/sources/"+source+"/"+route, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if err := cli.Sign(req, src.Auth, secret, id, at, body); err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// idle waits until the stack is idle (every stream drained, nothing running, no schedule due).
func (s *localStack) idle(ctx context.Context) error {
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.Stack.URL()+"/_local/idle?wait=30s", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
			return nil
		case http.StatusServiceUnavailable:
			if ctx.Err() != nil {
				return fmt.Errorf("the stack is still busy: %s", b)
			}
		default:
			return fmt.Errorf("the stack's idle signal: %d %s", resp.StatusCode, b)
		}
	}
}
