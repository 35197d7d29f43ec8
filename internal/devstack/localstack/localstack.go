// Package localstack starts what `make run` runs — DynamoDB Local, SES local and moto on free loopback ports, the
// template's tables under the stage's names, the demo secrets, and every function of template.yaml — for the
// commands that need a whole local stack (cmd/handoff-local, cmd/handoff-demo).
package localstack

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/faults"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
)

// Options configure Start.
type Options struct {
	Root        string // the repository root
	Template    *samtemplate.Template
	Stage       string        // the template's Stage parameter: names the tables and the secrets' paths
	APIAddr     string        // host:port of the HTTP API; "127.0.0.1:0" picks a free port
	ClockOffset time.Duration // the initial clock offset of schedules and functions
	Logs        io.Writer     // the stack's and the functions' logs; nil discards
	// Faults, when it injects anything, is given to every function (platform.FaultsEnv), whose local build then
	// fails some of its DynamoDB and SES calls as AWS can (package faults): make soak.
	Faults faults.Config
	// Crashes kills functions' processes mid-invocation (samlocal.Crashes): make soak.
	Crashes  samlocal.Crashes
	StateDir string // binaries and on-failure records; default Root/.local
}

// Local is a running local stack.
type Local struct {
	Stack                  *samlocal.Stack
	DynamoDB, SES, Secrets *localaws.Service
	// Seeded is the number of demo secrets written for the stage, from SeedFile.
	Seeded   int
	SeedFile string
	// Tables are the tables' names by logical ID (LeadsTable -> handoff-dev-leads).
	Tables   map[string]string
	services []*localaws.Service
}

// Start starts the servers (concurrently), creates the tables, writes the demo secrets of
// infra/local/secrets.seed into moto for the stage and starts the stack with the project's local settings (the
// local-only build tag, the clock offset variable). Close stops it all; ctx ending stops the servers too.
func Start(ctx context.Context, o Options) (_ *Local, err error) {
	type started struct {
		s   *localaws.Service
		err error
	}
	dyn, ses, mot := make(chan started, 1), make(chan started, 1), make(chan started, 1)
	modules := filepath.Join(o.Root, "infra", "local", "node_modules")
	go func() { s, err := localaws.StartDynamoDB(ctx, modules, nil); dyn <- started{s, err} }()
	go func() { s, err := localaws.StartSES(ctx, modules, nil); ses <- started{s, err} }()
	go func() { s, err := localaws.StartMoto(ctx, filepath.Join(o.Root, ".venv"), nil); mot <- started{s, err} }()
	d, m, sm := <-dyn, <-ses, <-mot
	l := &Local{DynamoDB: d.s, SES: m.s, Secrets: sm.s}
	for _, s := range []started{d, m, sm} {
		if s.s != nil {
			l.services = append(l.services, s.s)
		}
	}
	defer func() {
		if err != nil {
			l.Close()
		}
	}()
	if d.err != nil {
		return nil, fmt.Errorf("DynamoDB Local: %w", d.err)
	}
	if m.err != nil {
		return nil, fmt.Errorf("SES local: %w", m.err)
	}
	if sm.err != nil {
		return nil, fmt.Errorf("moto (SSM and Secrets Manager): %w", sm.err)
	}
	params := map[string]string{"Stage": o.Stage}
	resolver := &samtemplate.Resolver{Params: withDefaults(o.Template.Parameters, params), Region: localaws.Region, Account: localaws.Account}
	names, err := localaws.CreateTables(ctx, localaws.DynamoDB(d.s.Endpoint), o.Template.Tables, func(t samtemplate.Table) (string, error) {
		if t.Name == nil {
			return t.LogicalID, nil
		}
		return resolver.Resolve(t.Name)
	})
	if err != nil {
		return nil, err
	}
	l.Tables = names
	// The demo secrets go where the contract's references point, for this stage, in the emulated SSM and Secrets
	// Manager: the functions read them through the calls they make in AWS.
	l.SeedFile = filepath.Join(o.Root, "infra", "local", "secrets.seed")
	seed, err := secrets.ReadSeedFile(l.SeedFile)
	if err != nil {
		return nil, err
	}
	if err := localaws.SeedSecrets(ctx, sm.s.Endpoint, o.Stage, seed); err != nil {
		return nil, err
	}
	l.Seeded = len(seed)
	var extra map[string]string
	if o.Faults.Active() {
		extra = map[string]string{platform.FaultsEnv: o.Faults.String()}
	}
	l.Stack, err = samlocal.Start(ctx, samlocal.Options{
		Root: o.Root, Template: o.Template, Params: params, TableNames: names,
		DynamoEndpoint: d.s.Endpoint, SESEndpoint: m.s.Endpoint, SecretsEndpoint: sm.s.Endpoint,
		APIAddr: o.APIAddr, ClockOffset: o.ClockOffset, ClockOffsetEnv: platform.ClockOffsetEnv,
		BuildTags: []string{platform.LocalBuildTag}, Logs: o.Logs,
		ExtraEnv: extra, Crashes: o.Crashes, StateDir: o.StateDir,
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Exited reports the first server that stops on its own (its name), for a caller that runs until then.
func (l *Local) Exited() <-chan string {
	out := make(chan string, 1)
	for name, s := range map[string]*localaws.Service{"DynamoDB Local": l.DynamoDB, "SES local": l.SES, "moto": l.Secrets} {
		go func() {
			<-s.Exited()
			select {
			case out <- name:
			default:
			}
		}()
	}
	return out
}

// Close stops the stack (its functions) and the servers.
func (l *Local) Close() {
	if l.Stack != nil {
		l.Stack.Close()
	}
	for _, s := range l.services {
		s.Stop()
	}
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
