package samlocal

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// TestDynamoDBAsTheFunctionsRole: through the stack's DynamoDB endpoint, a function may write what its role in
// template.yaml allows (the bounces function, a hand-off: LEAD#) and is refused, as AWS refuses it, what it does
// not (the reps' loads: LOAD; the activities table) — which DynamoDB Local alone lets through. Each request is
// counted for its function.
func TestDynamoDBAsTheFunctionsRole(t *testing.T) {
	t.Parallel()
	names := testenv.Tables(t)
	s := &Stack{opts: Options{Template: testenv.Template(), TableNames: names, DynamoEndpoint: testenv.DynamoEndpoint(t)}, counts: newCounts()}
	p, err := s.startDynamoProxy()
	if err != nil || p == nil {
		t.Fatalf("proxy %v, %v", p, err)
	}
	defer p.close()
	db := localaws.DynamoDB(p.endpoint(s.opts.DynamoEndpoint, "BouncesFunction"))
	put := func(table, pk string) error {
		_, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(names[table]), Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: "x"}}})
		return err
	}
	if err := put("SlaTable", "LEAD#ld_1"); err != nil {
		t.Fatalf("a hand-off's partition: %v", err)
	}
	for _, tc := range []struct{ table, pk string }{{"SlaTable", "LOAD"}, {"ActivitiesTable", "LEAD#ld_1"}} {
		var api smithy.APIError
		if err := put(tc.table, tc.pk); !errors.As(err, &api) || api.ErrorCode() != "AccessDeniedException" {
			t.Errorf("%s %s: %v; want AccessDeniedException", tc.table, tc.pk, err)
		}
	}
	// Every request is counted for the function that made it, allowed or refused (what a bench reads).
	if got := s.DynamoRequests(); len(got) != 1 || len(got["BouncesFunction"]) != 1 || got["BouncesFunction"]["PutItem"] != 3 {
		t.Errorf("counted %v, want BouncesFunction's 3 PutItem", got)
	}
	// Refused means never written.
	out, err := localaws.DynamoDB(s.opts.DynamoEndpoint).GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(names["SlaTable"]),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LOAD"}, "sk": &types.AttributeValueMemberS{Value: "x"}}})
	if err != nil || out.Item != nil {
		t.Errorf("the refused item: %v, %v", out.Item, err)
	}
}
