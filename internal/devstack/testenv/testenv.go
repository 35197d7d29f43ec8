// Package testenv gives tests the real local AWS parts: DynamoDB Local (and SES local, moto's SSM and Secrets
// Manager, when asked) started once per test binary from TestMain, the SDK pointed at them through the standard AWS_ENDPOINT_URL_* variables,
// and a fresh, uniquely named copy of the template's tables for each test that asks. Nothing is mocked.
package testenv

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/secrets"
)

var (
	dynamo, ses *localaws.Service
	moto        *localaws.Service
	template    *samtemplate.Template
	root        string
	tableSeq    atomic.Int64
)

type options struct{ ses, moto bool }

// Option selects the servers Main starts.
type Option func(*options)

// WithSES also starts SES local.
func WithSES() Option { return func(o *options) { o.ses = true } }

// WithSecrets also starts moto's server (SSM Parameter Store and Secrets Manager), writes the demo secrets of
// infra/local/secrets.seed into it for Stage, and points AWS_ENDPOINT_URL_SSM and
// AWS_ENDPOINT_URL_SECRETS_MANAGER at it.
func WithSecrets() Option { return func(o *options) { o.moto = true } }

// Stage is the stage the tests' demo secrets are written for: the template's default, which a local stack
// started without a Stage parameter runs.
const Stage = "dev"

// Main starts the servers, runs the tests and stops the servers. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// A server that cannot start fails the whole binary with the reason: a test that needs DynamoDB is never
// skipped.
func Main(m *testing.M, opts ...Option) {
	os.Exit(run(m, opts...))
}

func run(m *testing.M, opts ...Option) int {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var err error
	if root, err = localaws.RepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	if template, err = samtemplate.Load(filepath.Join(root, "template.yaml")); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		return 1
	}
	if dynamo, err = localaws.StartDynamoDB(ctx, NodeModules(), nil); err != nil {
		fmt.Fprintln(os.Stderr, "testenv: DynamoDB Local:", err)
		return 1
	}
	defer dynamo.Stop()
	env := map[string]string{
		"AWS_ENDPOINT_URL_DYNAMODB": dynamo.Endpoint,
		"AWS_REGION":                localaws.Region,
		"AWS_ACCESS_KEY_ID":         localaws.AccessKey,
		"AWS_SECRET_ACCESS_KEY":     localaws.SecretKey,
		"AWS_EC2_METADATA_DISABLED": "true",
	}
	if o.ses {
		if ses, err = localaws.StartSES(ctx, NodeModules(), nil); err != nil {
			fmt.Fprintln(os.Stderr, "testenv: SES local:", err)
			return 1
		}
		defer ses.Stop()
		env["AWS_ENDPOINT_URL_SESV2"] = ses.Endpoint
	}
	if o.moto {
		if moto, err = localaws.StartMoto(ctx, filepath.Join(root, ".venv"), nil); err != nil {
			fmt.Fprintln(os.Stderr, "testenv: moto:", err)
			return 1
		}
		defer moto.Stop()
		seed, err := secrets.ReadSeedFile(SeedFile())
		if err == nil {
			err = localaws.SeedSecrets(ctx, moto.Endpoint, Stage, seed)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "testenv: demo secrets:", err)
			return 1
		}
		env["AWS_ENDPOINT_URL_SSM"] = moto.Endpoint
		env["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = moto.Endpoint
		env[secrets.StageEnv] = Stage
	}
	for k, v := range env {
		os.Setenv(k, v)
	}
	return m.Run()
}

// Root is the repository root.
func Root() string { return root }

// NodeModules is where the project's npm packages (DynamoDB Local, SES local) are installed.
func NodeModules() string { return filepath.Join(root, "infra", "local", "node_modules") }

// Template is the project's template.yaml.
func Template() *samtemplate.Template { return template }

// DynamoEndpoint is DynamoDB Local's URL.
func DynamoEndpoint(t testing.TB) string {
	t.Helper()
	if dynamo == nil {
		t.Fatal("testenv: DynamoDB Local is not running; call testenv.Main from TestMain")
	}
	return dynamo.Endpoint
}

// SESEndpoint is SES local's URL.
func SESEndpoint(t testing.TB) string {
	t.Helper()
	if ses == nil {
		t.Fatal("testenv: SES local is not running; call testenv.Main(m, testenv.WithSES()) from TestMain")
	}
	return ses.Endpoint
}

// SecretsEndpoint is moto's URL (SSM and Secrets Manager).
func SecretsEndpoint(t testing.TB) string {
	t.Helper()
	if moto == nil {
		t.Fatal("testenv: moto is not running; call testenv.Main(m, testenv.WithSecrets()) from TestMain")
	}
	return moto.Endpoint
}

// DynamoDB is a client for DynamoDB Local.
func DynamoDB(t testing.TB) *dynamodb.Client {
	t.Helper()
	// Requests made with AsFunction's context are refused as IAM would refuse them (iam.go).
	return dynamodb.New(localaws.DynamoDB(DynamoEndpoint(t)).Options(), withIAM)
}

// Tables creates a fresh copy of every table in template.yaml for this test and returns logical ID -> name.
// Names are unique per test, so tests run in parallel without seeing each other's data.
func Tables(t testing.TB) map[string]string {
	t.Helper()
	prefix := fmt.Sprintf("t%d-%s", tableSeq.Add(1), sanitize(t.Name()))
	names, err := localaws.CreateTables(context.Background(), DynamoDB(t), template.Tables,
		func(tbl samtemplate.Table) (string, error) { return prefix + "-" + tbl.LogicalID, nil })
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TableEnv is the environment a function sees in Lambda for these tables (LEADS_TABLE=..., from template.yaml).
func TableEnv(t testing.TB, names map[string]string) map[string]string {
	t.Helper()
	fn := template.Functions[0]
	env := map[string]string{}
	for k, v := range fn.Environment {
		if v.Tag == "!Ref" {
			if name, ok := names[v.Value]; ok {
				env[k] = name
			}
		}
	}
	return env
}

// sanitize keeps a table name within DynamoDB's alphabet and length.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 100 {
		out = out[:100]
	}
	return out
}
