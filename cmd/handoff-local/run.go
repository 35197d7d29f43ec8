package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
)

// runOptions configure run.
type runOptions struct {
	APIAddr     string
	ClockOffset time.Duration
	Stage       string
}

// run is `make run`: it starts DynamoDB Local, SES local and moto (SSM and Secrets Manager), creates the
// template's tables under the names the template gives them for the stage, writes the demo secrets into moto for
// the stage, starts the stack with the project's local settings (the local-only build tag, the clock offset
// variable), prints where everything is, and stops it all — servers and
// function processes — when ctx ends (Ctrl-C).
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
	type started struct {
		s   *localaws.Service
		err error
	}
	dyn, ses, mot := make(chan started, 1), make(chan started, 1), make(chan started, 1)
	modules := filepath.Join(root, "infra", "local", "node_modules")
	go func() { s, err := localaws.StartDynamoDB(ctx, modules, nil); dyn <- started{s, err} }()
	go func() { s, err := localaws.StartSES(ctx, modules, nil); ses <- started{s, err} }()
	go func() { s, err := localaws.StartMoto(ctx, filepath.Join(root, ".venv"), nil); mot <- started{s, err} }()
	d, m, sm := <-dyn, <-ses, <-mot
	for _, s := range []started{d, m, sm} {
		if s.s != nil {
			defer s.s.Stop()
		}
	}
	if d.err != nil {
		return fmt.Errorf("DynamoDB Local: %w", d.err)
	}
	if m.err != nil {
		return fmt.Errorf("SES local: %w", m.err)
	}
	if sm.err != nil {
		return fmt.Errorf("moto (SSM and Secrets Manager): %w", sm.err)
	}
	params := map[string]string{"Stage": o.Stage}
	resolver := &samtemplate.Resolver{Params: withDefaults(tpl.Parameters, params), Region: localaws.Region, Account: localaws.Account}
	names, err := localaws.CreateTables(ctx, localaws.DynamoDB(d.s.Endpoint), tpl.Tables, func(t samtemplate.Table) (string, error) {
		if t.Name == nil {
			return t.LogicalID, nil
		}
		return resolver.Resolve(t.Name)
	})
	if err != nil {
		return err
	}
	// The demo secrets go where the contract's references point, for this stage, in the emulated SSM and Secrets
	// Manager: the functions read them through the calls they make in AWS.
	seedFile := filepath.Join(root, "infra", "local", "secrets.seed")
	seed, err := secrets.ReadSeedFile(seedFile)
	if err != nil {
		return err
	}
	if err := localaws.SeedSecrets(ctx, sm.s.Endpoint, o.Stage, seed); err != nil {
		return err
	}
	stack, err := samlocal.Start(ctx, samlocal.Options{
		Root: root, Template: tpl, Params: params, TableNames: names,
		DynamoEndpoint: d.s.Endpoint, SESEndpoint: m.s.Endpoint, SecretsEndpoint: sm.s.Endpoint,
		APIAddr: o.APIAddr, ClockOffset: o.ClockOffset, ClockOffsetEnv: platform.ClockOffsetEnv,
		BuildTags: []string{platform.LocalBuildTag}, Logs: out,
	})
	if err != nil {
		return err
	}
	defer stack.Close()

	fmt.Fprintf(out, "\nHandoff is running locally (ready in %.1fs).\n", time.Since(began).Seconds())
	fmt.Fprintf(out, "  API          %s   (try: curl %s/v1/status)\n", stack.URL(), stack.URL())
	fmt.Fprintf(out, "  Mail viewer  %s/\n", m.s.Endpoint)
	fmt.Fprintf(out, "  Stack        %s/_local/   (routes, stream mappings, schedules; POST .../_local/schedules/<Function>/<Event> fires one now)\n", stack.URL())
	fmt.Fprintf(out, "  DynamoDB     %s   (AWS_ENDPOINT_URL_DYNAMODB)\n", d.s.Endpoint)
	fmt.Fprintf(out, "  Secrets      %s   (moto: AWS_ENDPOINT_URL_SSM, _SECRETS_MANAGER; %d demo secrets of stage %s from %s)\n",
		sm.s.Endpoint, len(seed), o.Stage, filepath.Join("infra", "local", "secrets.seed"))
	if o.ClockOffset != 0 {
		fmt.Fprintf(out, "  Clock        shifted by %s\n", o.ClockOffset)
	}
	fmt.Fprintf(out, "  Move clock   curl -X POST '%s/_local/clock?offset=72h'   (schedules and functions; watch deadlines fall due)\n", stack.URL())
	fmt.Fprintf(out, "  Bounce       curl -X POST %s/_local/ses/bounce -d '{\"messageId\":\"<from the mail viewer>\"}'   (or a rep's email bounce@simulator.amazonses.com in the contract)\n", stack.URL())
	fmt.Fprintln(out, "Not emulated (AWS does it, this stack does not):")
	for _, n := range stack.NotEmulated() {
		fmt.Fprintln(out, "  - "+n)
	}
	fmt.Fprintln(out, "Ctrl-C stops everything.")

	select {
	case <-ctx.Done():
	case <-d.s.Exited():
		return fmt.Errorf("DynamoDB Local exited")
	case <-m.s.Exited():
		return fmt.Errorf("SES local exited")
	case <-sm.s.Exited():
		return fmt.Errorf("moto exited")
	}
	fmt.Fprintln(out, "\nstopping...")
	return nil
}

func withDefaults(defaults, overrides map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range overrides {
		out[k] = v
	}
	return out
}
