package testenv

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/localiam"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

func TestMain(m *testing.M) {
	var err error
	if root, err = localaws.RepoRoot(); err == nil {
		template, err = samtemplate.Load(filepath.Join(root, "template.yaml"))
	}
	if err != nil {
		panic(err)
	}
	os.Exit(m.Run())
}

// TestIAMEmulation: requests as a function are allowed or refused as the template's statements say — the
// leading key, the table, the action, a transaction's items one by one, a projection a condition requires.
func TestIAMEmulation(t *testing.T) {
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	k := func(pk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"pk": s(pk), "sk": s("x")}
	}
	sla, acts := aws.String("t1-Test-SlaTable"), aws.String("t1-Test-ActivitiesTable")
	for _, tc := range []struct {
		name, function string
		in             any
		allowed        bool
	}{
		{"bounces puts a hand-off", "BouncesFunction", &dynamodb.PutItemInput{TableName: sla, Item: k("LEAD#ld_1")}, true},
		{"bounces puts a load", "BouncesFunction", &dynamodb.PutItemInput{TableName: sla, Item: k("LOAD")}, false},
		{"bounces updates its bounces", "BouncesFunction", &dynamodb.UpdateItemInput{TableName: sla, Key: k("BOUNCES#2026-11")}, true},
		{"bounces updates a hand-off", "BouncesFunction", &dynamodb.UpdateItemInput{TableName: sla, Key: k("LEAD#ld_1")}, false},
		{"bounces writes an activity", "BouncesFunction", &dynamodb.PutItemInput{TableName: acts, Item: k("LEAD#ld_1")}, false},
		{"bounces transacts hand-off and load", "BouncesFunction", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: sla, Item: k("LEAD#ld_1")}}, {Update: &types.Update{TableName: sla, Key: k("LOAD")}}}}, false},
		{"bounces transacts hand-off and event", "BouncesFunction", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Put: &types.Put{TableName: sla, Item: k("LEAD#ld_1")}}, {Put: &types.Put{TableName: sla, Item: k("LEAD#ld_1")}}}}, true},
		{"checker's due index", "DeadlinesFunction", &dynamodb.QueryInput{TableName: sla, IndexName: aws.String("due-checks"),
			KeyConditionExpression: aws.String("dueBucket = :b"), ExpressionAttributeValues: map[string]types.AttributeValue{":b": s("DUE#1")}}, true},
		{"checker queries reports", "DeadlinesFunction", &dynamodb.QueryInput{TableName: sla,
			KeyConditionExpression: aws.String("#pk = :p"), ExpressionAttributeNames: map[string]string{"#pk": "pk"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": s("REPORT#2026-11")}}, false},
		{"checker deletes a pending idea email", "DeadlinesFunction", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Delete: &types.Delete{TableName: sla, Key: k("IDEAMAIL#PENDING")}}}}, true},
		{"checker deletes an idea", "DeadlinesFunction", &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
			{Delete: &types.Delete{TableName: sla, Key: k("IDEAS#2026-11")}}}}, false},
		{"report reads alerts projected", "ReportFunction", &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			*sla: {Keys: []map[string]types.AttributeValue{k("LEAD#ld_1")}, ProjectionExpression: aws.String("pk, sk, alertedAt, #m"),
				ExpressionAttributeNames: map[string]string{"#m": "mail"}}}}, true},
		{"report reads hand-offs whole", "ReportFunction", &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
			*sla: {Keys: []map[string]types.AttributeValue{k("LEAD#ld_1")}}}}, false},
		{"score through its own role", "ScoreFunction", &dynamodb.UpdateItemInput{TableName: aws.String("t1-Test-LeadsTable"), Key: k("EMAIL#a@b.fr")}, true},
		{"score deletes", "ScoreFunction", &dynamodb.DeleteItemInput{TableName: aws.String("t1-Test-LeadsTable"), Key: k("LEAD#ld_1")}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := authorize(AsFunction(context.Background(), tc.function), tc.in)
			var denied *localiam.AccessDenied
			if tc.allowed && err != nil || !tc.allowed && !errors.As(err, &denied) {
				t.Errorf("%v; want allowed %v", err, tc.allowed)
			}
		})
	}
	if err := authorize(context.Background(), &dynamodb.PutItemInput{TableName: sla, Item: k("ANY")}); err != nil {
		t.Errorf("a request made as no function: %v", err)
	}
}
