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
	banner{Took: time.Since(began), API: local.Stack.URL(), Mail: local.SES.Endpoint, DynamoDB: local.DynamoDB.Endpoint,
		Secrets: local.Secrets.Endpoint, Seeded: local.Seeded, Stage: o.Stage, ClockOffset: o.ClockOffset,
		NotEmulated: local.Stack.NotEmulated()}.print(out)

	select {
	case <-ctx.Done():
	case name := <-local.Exited():
		return fmt.Errorf("%s exited", name)
	}
	fmt.Fprintln(out, "\nstopping...")
	return nil
}

// banner is what `make run` prints once the stack is up: where everything is, and what AWS does that the stack
// does not (README.md shows it: TestBannerIsTheREADMEs holds it).
type banner struct {
	Took                         time.Duration
	API, Mail, DynamoDB, Secrets string // URLs
	Seeded                       int    // demo secrets written
	Stage                        string
	ClockOffset                  time.Duration
	NotEmulated                  []string
}

func (b banner) print(out io.Writer) {
	fmt.Fprintf(out, "\nHandoff is running locally (ready in %.1fs).\n", b.Took.Seconds())
	fmt.Fprintf(out, "  API          %s   (try: curl %s/v1/status)\n", b.API, b.API)
	fmt.Fprintf(out, "  Mail viewer  %s/\n", b.Mail)
	fmt.Fprintf(out, "  Stack        %s/_local/   (routes, stream mappings, schedules; POST .../_local/schedules/<Function>/<Event> fires one now)\n", b.API)
	fmt.Fprintf(out, "  DynamoDB     %s   (AWS_ENDPOINT_URL_DYNAMODB)\n", b.DynamoDB)
	fmt.Fprintf(out, "  Secrets      %s   (moto: AWS_ENDPOINT_URL_SSM, _SECRETS_MANAGER; %d demo secrets of stage %s from %s)\n",
		b.Secrets, b.Seeded, b.Stage, filepath.Join("infra", "local", "secrets.seed"))
	if b.ClockOffset != 0 {
		fmt.Fprintf(out, "  Clock        shifted by %s\n", b.ClockOffset)
	}
	fmt.Fprintf(out, "  Move clock   curl -X POST '%s/_local/clock?offset=72h'   (schedules and functions; watch deadlines fall due)\n", b.API)
	fmt.Fprintf(out, "  Bounce       curl -X POST %s/_local/ses/bounce -d '{\"messageId\":\"<from the mail viewer>\"}'   (or a rep's email bounce@simulator.amazonses.com in the contract)\n", b.API)
	fmt.Fprintf(out, "  Idle         curl '%s/_local/idle?wait=30s'   (200 once every stream is drained, nothing runs and no schedule is due; 503 names what is busy)\n", b.API)
	fmt.Fprintln(out, "Not emulated (AWS does it, this stack does not):")
	for _, n := range b.NotEmulated {
		fmt.Fprintln(out, "  - "+n)
	}
	fmt.Fprintln(out, "Ctrl-C stops everything.")
}
