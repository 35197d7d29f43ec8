package testenv

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/secrets"
)

// Counter counts DynamoDB API calls by operation (one per call, whatever the SDK's retries).
type Counter struct {
	mu sync.Mutex
	n  map[string]int
}

// Total is the number of calls since the last Reset.
func (c *Counter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := 0
	for _, v := range c.n {
		t += v
	}
	return t
}

// Of is the number of calls of one operation, e.g. "TransactWriteItems".
func (c *Counter) Of(op string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[op]
}

// Reset starts counting again.
func (c *Counter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = map[string]int{}
}

// CountingDynamoDB is a DynamoDB Local client whose calls are counted.
func CountingDynamoDB(t testing.TB) (*dynamodb.Client, *Counter) {
	t.Helper()
	c := &Counter{n: map[string]int{}}
	count := middleware.InitializeMiddlewareFunc("countCalls", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		c.mu.Lock()
		c.n[awsmiddleware.GetOperationName(ctx)]++
		c.mu.Unlock()
		return next.HandleInitialize(ctx, in)
	})
	client := localaws.DynamoDB(DynamoEndpoint(t))
	client = dynamodb.New(client.Options(), func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error { return s.Initialize.Add(count, middleware.Before) })
	})
	return client, c
}

// SeedFile is infra/local/secrets.seed: the demo secrets of the example contract, by reference.
func SeedFile() string { return filepath.Join(Root(), "infra", "local", "secrets.seed") }

// DemoSecrets reads the demo secrets of the example contract, by reference as the contract writes it
// (ssm:/handoff/{stage}/sources/crm -> value): what a test signs with, as the sender would.
func DemoSecrets(t testing.TB) map[string]string {
	t.Helper()
	seed, err := secrets.ReadSeedFile(SeedFile())
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// Secrets resolves references as a function's cold start does — secrets.FromAWS, SSM and Secrets Manager
// calls to moto, {stage} being Stage — from the demo secrets Main wrote there (WithSecrets).
func Secrets(t testing.TB, refs map[string]string) map[string]string {
	t.Helper()
	SecretsEndpoint(t)
	cfg := aws.Config{Region: localaws.Region, Credentials: credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, "")}
	out, err := secrets.FromAWS(context.Background(), cfg, refs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// DemoSecret is the demo value of one reference (a source's secret, notify.link_secret); a reference the seed
// file lacks fails the test.
func DemoSecret(t testing.TB, ref string) string {
	t.Helper()
	v, ok := DemoSecrets(t)[ref]
	if !ok {
		t.Fatalf("%s has no demo value for %s", SeedFile(), ref)
	}
	return v
}

// Attr reads a string, number or boolean attribute of an item as text ("" when absent).
func Attr(item map[string]types.AttributeValue, k string) string {
	switch v := item[k].(type) {
	case *types.AttributeValueMemberS:
		return v.Value
	case *types.AttributeValueMemberN:
		return v.Value
	case *types.AttributeValueMemberBOOL:
		if v.Value {
			return "true"
		}
		return "false"
	}
	return ""
}
