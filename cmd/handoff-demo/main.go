// Command handoff-demo is `make demo`: a month of Handoff on the local stack in about a minute — leads from the
// contract's sources, SQLs contacted in time and late, rejections, a won deal, the monthly report on the 1st —
// everything in SES local's mail viewer. It starts the local stack as `make run` does, or drives one already
// running (--stack). The scenario is internal/demo's; this only wires.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/demo"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/localstack"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/secrets"
)

func main() {
	var o options
	flag.Uint64Var(&o.seed, "seed", demo.DefaultSeed, "decides the names, the companies and what becomes of each SQL")
	flag.StringVar(&o.stack, "stack", "", "drive a local stack already running (make run), e.g. http://127.0.0.1:3000; default: start one")
	flag.StringVar(&o.month, "month", demo.DefaultMonth.String(), "the month lived through (YYYY-MM); its report is sent on the 1st of the next")
	flag.IntVar(&o.days, "days", 6, "business days with new leads (three SQLs and two marketing leads each)")
	flag.BoolVar(&o.exit, "exit", false, "stop the stack it started once the report is in (default: keep it running for the mail viewer until Ctrl-C)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "handoff-demo:", err)
		os.Exit(1)
	}
}

type options struct {
	seed  uint64
	stack string
	month string
	days  int
	exit  bool
}

func run(ctx context.Context, o options, out io.Writer) error {
	began := time.Now()
	month, err := time.Parse("2006-01", o.month)
	if err != nil {
		return fmt.Errorf("--month: YYYY-MM, got %q", o.month)
	}
	if o.days < 1 {
		return fmt.Errorf("--days: at least 1, got %d", o.days)
	}
	root, err := localaws.RepoRoot()
	if err != nil {
		return err
	}
	c, err := contract.Load(filepath.Join(root, "infra", "contract", "contract.yaml"))
	if err != nil {
		return err
	}
	seed, err := secrets.ReadSeedFile(filepath.Join(root, "infra", "local", "secrets.seed"))
	if err != nil {
		return err
	}
	stackURL, mailURL := strings.TrimRight(o.stack, "/"), ""
	var local *localstack.Local
	if stackURL == "" {
		tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
		if err != nil {
			return err
		}
		logPath := filepath.Join(root, demo.LogFile)
		if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
			return err
		}
		logs, err := os.Create(logPath)
		if err != nil {
			return err
		}
		defer logs.Close()
		demo.Starting(out, demo.LogFile)
		local, err = localstack.Start(ctx, localstack.Options{Root: root, Template: tpl, Stage: "dev", APIAddr: "127.0.0.1:0", Logs: logs})
		if err != nil {
			return err
		}
		defer local.Close()
		stackURL, mailURL = local.Stack.URL(), local.SES.Endpoint
		demo.Ready(out, time.Since(began))
	} else if mailURL, err = mailOf(ctx, stackURL); err != nil {
		return err
	}

	started := time.Now()
	m := contract.Month{Year: month.Year(), Month: month.Month()}
	demo.Living(out, m, o.seed, o.days)
	res, err := demo.Run(ctx, demo.Config{Stack: stackURL, Mail: mailURL, Contract: c, Secrets: seed, Seed: o.seed,
		Month: m, Days: o.days, Out: out})
	if err != nil {
		return err
	}
	keep := local != nil && !o.exit
	demo.Done(out, time.Since(started), res, mailURL, stackURL, keep)
	if !keep {
		return nil
	}
	select {
	case <-ctx.Done():
	case name := <-local.Exited():
		return fmt.Errorf("%s exited", name)
	}
	return nil
}

// mailOf asks a running local stack where its SES local is (GET /_local/ says).
func mailOf(ctx context.Context, stack string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, stack+"/_local/", nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("--stack %s: %w (is make run running?)", stack, err)
	}
	defer resp.Body.Close()
	var d struct{ Mail string }
	if err := json.NewDecoder(resp.Body).Decode(&d); err != nil || resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("--stack %s: no local stack answers at /_local/ (%d)", stack, resp.StatusCode)
	}
	if d.Mail == "" {
		return "", errors.New("--stack: the stack has no SES local")
	}
	return d.Mail, nil
}
