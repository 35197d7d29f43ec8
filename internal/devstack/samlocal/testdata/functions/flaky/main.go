// Function flaky counts its invocations in SEEN_TABLE (item "flaky") and always fails: what a scheduled
// function that keeps failing looks like to Lambda's asynchronous retries. It records the request IDs it saw
// (item "flaky", set "ids"): Lambda retries an asynchronous invocation under its request ID.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		panic(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	table := os.Getenv("SEEN_TABLE")
	lambda.Start(func(ctx context.Context, _ json.RawMessage) error {
		lc, _ := lambdacontext.FromContext(ctx)
		_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName:        aws.String(table),
			Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "flaky"}},
			UpdateExpression: aws.String("ADD seen :one, ids :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"},
				":id": &types.AttributeValueMemberSS{Value: []string{lc.AwsRequestID}}},
		})
		if err != nil {
			return err
		}
		return errors.New("flaky failed on purpose")
	})
}
