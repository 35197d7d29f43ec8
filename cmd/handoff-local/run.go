package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/localstack"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// runOptions configure run.
type runOptions struct {
	APIAddr     string
	ClockOffset time.Duration
	Stage       string
}

// run is `make run`: it starts the local stack (localstack.Start: DynamoDB Local, SES local and moto, the
// template's tables under the names the template gives them for the stage, the demo secrets, every function),
// prints where everything is, and stops it all — servers and function processes — when ctx ends (Ctrl-C).
func run(ctx context.Context, o runOptions, out io.Writer) error {
	began := time.Now()
	root, err := localaws.RepoRoot()
	if err != nil {
		return err
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		return err
	}
	c, err := contract.Load(filepath.Join(root, "infra", "contract", "contract.yaml"))
	if err != nil {
		return err
	}
	if err := checkScheduleZones(tpl, c); err != nil {
		return err
	}
	local, err := localstack.Start(ctx, localstack.Options{Root: root, Template: tpl, Stage: o.Stage, APIAddr: o.APIAddr,
		ClockOffset: o.ClockOffset, Logs: out})
	if err != nil {
		return err
	}
	defer local.Close()
	stack, d, m, sm := local.Stack, local.DynamoDB, local.SES, local.Secrets

	fmt.Fprintf(out, "\nHandoff is running locally (ready in %.1fs).\n", time.Since(began).Seconds())
	fmt.Fprintf(out, "  API          %s   (try: curl %s/v1/status)\n", stack.URL(), stack.URL())
	fmt.Fprintf(out, "  Mail viewer  %s/\n", m.Endpoint)
	fmt.Fprintf(out, "  Stack        %s/_local/   (routes, stream mappings, schedules; POST .../_local/schedules/<Function>/<Event> fires one now)\n", stack.URL())
	fmt.Fprintf(out, "  DynamoDB     %s   (AWS_ENDPOINT_URL_DYNAMODB)\n", d.Endpoint)
	fmt.Fprintf(out, "  Secrets      %s   (moto: AWS_ENDPOINT_URL_SSM, _SECRETS_MANAGER; %d demo secrets of stage %s from %s)\n",
		sm.Endpoint, local.Seeded, o.Stage, filepath.Join("infra", "local", "secrets.seed"))
	if o.ClockOffset != 0 {
		fmt.Fprintf(out, "  Clock        shifted by %s\n", o.ClockOffset)
	}
	fmt.Fprintf(out, "  Move clock   curl -X POST '%s/_local/clock?offset=72h'   (schedules and functions; watch deadlines fall due)\n", stack.URL())
	fmt.Fprintf(out, "  Bounce       curl -X POST %s/_local/ses/bounce -d '{\"messageId\":\"<from the mail viewer>\"}'   (or a rep's email bounce@simulator.amazonses.com in the contract)\n", stack.URL())
	fmt.Fprintf(out, "  Idle         curl '%s/_local/idle?wait=30s'   (200 once every stream is drained, nothing runs and no schedule is due; 503 names what is busy)\n", stack.URL())
	fmt.Fprintln(out, "Not emulated (AWS does it, this stack does not):")
	for _, n := range stack.NotEmulated() {
		fmt.Fprintln(out, "  - "+n)
	}
	fmt.Fprintln(out, "Ctrl-C stops everything.")

	select {
	case <-ctx.Done():
	case name := <-local.Exited():
		return fmt.Errorf("%s exited", name)
	}
	fmt.Fprintln(out, "\nstopping...")
	return nil
}
