// Function recorder counts, in SEEN_TABLE, every stream record it is handed. A record with fail=true fails: as
// a batch item failure for the mapping that reports them, as a whole-batch error for the bisecting one.
package main

import (
	"context"
	"errors"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
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
	lambda.Start(func(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
		var resp events.DynamoDBEventResponse
		failed := false
		for _, r := range ev.Records {
			key := r.Change.NewImage["pk"].String()
			_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
				TableName:                 aws.String(table),
				Key:                       map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: key}},
				UpdateExpression:          aws.String("ADD seen :one"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}},
			})
			if err != nil {
				return resp, err
			}
			if v, ok := r.Change.NewImage["fail"]; ok && v.Boolean() {
				failed = true
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: r.Change.SequenceNumber})
			}
		}
		if failed && len(ev.Records) > 0 && strings.Contains(ev.Records[0].EventSourceArn, "BisectTable") {
			return events.DynamoDBEventResponse{}, errors.New("a record asked to fail")
		}
		return resp, nil
	})
}
