package samlocal

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// TestTTLDeletionsAsLambdaSeesThem: DynamoDB Local names a TTL deletion's stream record with an event name the
// SDK does not know (UNKNOWN_TO_SDK_VERSION); the pollers hand it to functions, and filter it, as AWS does: a
// REMOVE whose userIdentity is the DynamoDB service. A REMOVE made by a caller stays one, without userIdentity.
func TestTTLDeletionsAsLambdaSeesThem(t *testing.T) {
	t.Parallel()
	keys := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#ld_1"}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}
	record := func(name types.OperationType) types.Record {
		return types.Record{EventID: aws.String("e1"), EventName: name, Dynamodb: &types.StreamRecord{
			ApproximateCreationDateTime: aws.Time(time.Unix(1795797005, 0)), Keys: keys, SequenceNumber: aws.String("1"), SizeBytes: aws.Int64(10),
			StreamViewType: types.StreamViewTypeNewAndOldImages, OldImage: map[string]types.AttributeValue{
				"pk": keys["pk"], "sk": keys["sk"], "stage": &types.AttributeValueMemberS{Value: "sql"}}}}
	}
	ttl := recordJSON(record("UNKNOWN_TO_SDK_VERSION"), "arn:stream")
	if ttl["eventName"] != "REMOVE" {
		t.Errorf("a TTL deletion is a %v", ttl["eventName"])
	}
	if id, _ := json.Marshal(ttl["userIdentity"]); string(id) != `{"principalId":"dynamodb.amazonaws.com","type":"Service"}` {
		t.Errorf("a TTL deletion's userIdentity: %s", id)
	}
	if _, ok := ttl["dynamodb"].(map[string]any)["NewImage"]; ok {
		t.Error("a deletion has a new image")
	}
	removed := recordJSON(record(types.OperationTypeRemove), "arn:stream")
	if removed["eventName"] != "REMOVE" || removed["userIdentity"] != nil {
		t.Errorf("a caller's REMOVE: %v, %v", removed["eventName"], removed["userIdentity"])
	}
}

// TestNotEmulatedNamesTheTablesWhoseTTLDynamoDBLocalSkips: tables with a TTL and a global secondary index keep
// their expired items on DynamoDB Local; the stack says so at start, naming them.
func TestNotEmulatedNamesTheTablesWhoseTTLDynamoDBLocalSkips(t *testing.T) {
	t.Parallel()
	s := &Stack{opts: Options{Template: &samtemplate.Template{Tables: []samtemplate.Table{
		{LogicalID: "Plain", TTL: "expiresAt"},
		{LogicalID: "Indexed", TTL: "expiresAt", Indexes: []samtemplate.Index{{Name: "by-x"}}},
		{LogicalID: "IndexedNoTTL", Indexes: []samtemplate.Index{{Name: "by-y"}}},
	}}}}
	var found []string
	for _, n := range s.NotEmulated() {
		if strings.HasPrefix(n, "TTL of ") {
			found = append(found, n)
		}
	}
	if len(found) != 1 || !strings.HasPrefix(found[0], "TTL of Indexed: ") {
		t.Errorf("the TTL notes: %q", found)
	}
}
