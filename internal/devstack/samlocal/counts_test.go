package samlocal

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// TestDynamoRequestsCountedPerFunction: the proxy counts each function's requests by operation, a transaction
// as one request of n items, a refused one too (it reached DynamoDB's door), and ResetCounts starts again.
func TestDynamoRequestsCountedPerFunction(t *testing.T) {
	t.Parallel()
	names := testenv.Tables(t)
	s := &Stack{opts: Options{Template: testenv.Template(), TableNames: names, DynamoEndpoint: testenv.DynamoEndpoint(t)}, counts: newCounts()}
	p, err := s.startDynamoProxy()
	if err != nil || p == nil {
		t.Fatalf("proxy %v, %v", p, err)
	}
	defer p.close()
	ctx := context.Background()
	item := func(pk, sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}
	}
	bounces := localaws.DynamoDB(p.endpoint(s.opts.DynamoEndpoint, "BouncesFunction"))
	for _, sk := range []string{"a", "b"} {
		if _, err := bounces.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(names["SlaTable"]), Item: item("LEAD#ld_count", sk)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := bounces.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: aws.String(names["SlaTable"]), Item: item("LEAD#ld_count", "c")}},
		{Put: &types.Put{TableName: aws.String(names["SlaTable"]), Item: item("LEAD#ld_count", "d")}},
	}}); err != nil {
		t.Fatal(err)
	}
	// Refused by the role (the activities table), counted all the same.
	_, _ = bounces.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(names["ActivitiesTable"]), Item: item("LEAD#ld_count", "x")})

	if got, want := s.DynamoRequests(), map[string]map[string]int{"BouncesFunction": {"PutItem": 3, "TransactWriteItems": 1}}; !reflect.DeepEqual(got, want) {
		t.Errorf("requests %v, want %v", got, want)
	}
	if got, want := s.DynamoItems(), map[string]map[string]int{"BouncesFunction": {"PutItem": 3, "TransactWriteItems": 2}}; !reflect.DeepEqual(got, want) {
		t.Errorf("items %v, want %v", got, want)
	}
	s.ResetCounts()
	if got := s.DynamoRequests(); len(got) != 0 {
		t.Errorf("after ResetCounts: %v", got)
	}
}
