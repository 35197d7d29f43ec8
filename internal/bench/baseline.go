package bench

import (
	"context"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
)

// Baseline is what this machine does in this run, measured first: figures that depend on the machine are read
// against it, so that two runs compare.
type Baseline struct {
	// PutItemP50 and PutItemP95 are one DynamoDB Local PutItem round trip (a 200-byte item, 500 puts after 50
	// warm-up ones), the unit of every figure that waits on the table.
	PutItemP50, PutItemP95 time.Duration
	// SHA256 is hashing 64 MiB, the unit of pure computation.
	SHA256 time.Duration
	// PutItemsPerSecond is what DynamoDB Local serves at most here: 2,000 PutItems from 8 goroutines. A
	// pipeline that needs more requests a second than this is waiting on the emulator, not on its own code.
	PutItemsPerSecond float64
}

// MeasureBaseline starts its own DynamoDB Local and measures.
func MeasureBaseline(ctx context.Context, root string) (Baseline, error) {
	var b Baseline
	buf := make([]byte, 64<<20)
	start := time.Now()
	sha256.Sum256(buf)
	b.SHA256 = time.Since(start)

	svc, err := localaws.StartDynamoDB(ctx, filepath.Join(root, "infra", "local", "node_modules"), nil)
	if err != nil {
		return b, fmt.Errorf("baseline: %w", err)
	}
	defer svc.Stop()
	db := localaws.DynamoDB(svc.Endpoint)
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("baseline"),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	}); err != nil {
		return b, fmt.Errorf("baseline table: %w", err)
	}
	pad := strings.Repeat("x", 180)
	var took []time.Duration
	for i := range 550 {
		start := time.Now()
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("baseline"), Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "k" + strconv.Itoa(i)}, "pad": &types.AttributeValueMemberS{Value: pad},
		}}); err != nil {
			return b, fmt.Errorf("baseline put: %w", err)
		}
		if i >= 50 {
			took = append(took, time.Since(start))
		}
	}
	b.PutItemP50, b.PutItemP95 = Percentile(took, 50), Percentile(took, 95)

	const puts, workers = 2000, 8
	var next atomic.Int64
	errs := make(chan error, workers)
	start = time.Now()
	for range workers {
		go func() {
			for i := next.Add(1); i <= puts; i = next.Add(1) {
				if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String("baseline"), Item: map[string]types.AttributeValue{
					"pk": &types.AttributeValueMemberS{Value: "t" + strconv.FormatInt(i, 10)}, "pad": &types.AttributeValueMemberS{Value: pad},
				}}); err != nil {
					errs <- fmt.Errorf("baseline throughput: %w", err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			return b, err
		}
	}
	b.PutItemsPerSecond = puts / time.Since(start).Seconds()
	return b, nil
}

// Percentile returns the p-th percentile (nearest rank) of ds; zero when empty.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	k := int(p/100*float64(len(s))+0.999999) - 1
	return s[max(0, min(k, len(s)-1))]
}
