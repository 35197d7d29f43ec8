package localaws

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// CreateTables creates every table the template declares — keys, indexes, stream, TTL — under the names given
// by name (logical ID -> physical name), and returns that mapping. Existing tables are left as they are.
func CreateTables(ctx context.Context, db *dynamodb.Client, tables []samtemplate.Table, name func(samtemplate.Table) (string, error)) (map[string]string, error) {
	names := make(map[string]string, len(tables))
	for _, t := range tables {
		physical, err := name(t)
		if err != nil {
			return nil, fmt.Errorf("name of %s: %w", t.LogicalID, err)
		}
		names[t.LogicalID] = physical
		if err := createTable(ctx, db, t, physical); err != nil {
			return nil, fmt.Errorf("create %s (%s): %w", t.LogicalID, physical, err)
		}
	}
	return names, nil
}

func createTable(ctx context.Context, db *dynamodb.Client, t samtemplate.Table, name string) error {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   keySchema(t.Keys),
	}
	for attr, typ := range t.Attributes {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(attr), AttributeType: types.ScalarAttributeType(typ),
		})
	}
	for _, idx := range t.Indexes {
		p := &types.Projection{ProjectionType: types.ProjectionType(idx.Projection)}
		if len(idx.NonKeyAttributes) > 0 {
			p.NonKeyAttributes = idx.NonKeyAttributes
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName: aws.String(idx.Name), KeySchema: keySchema(idx.Keys), Projection: p,
		})
	}
	if t.StreamView != "" {
		in.StreamSpecification = &types.StreamSpecification{
			StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(t.StreamView),
		}
	}
	if _, err := db.CreateTable(ctx, in); err != nil {
		var inUse *types.ResourceInUseException
		if errors.As(err, &inUse) {
			return nil
		}
		return err
	}
	if t.TTL != "" {
		_, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName: aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{
				AttributeName: aws.String(t.TTL), Enabled: aws.Bool(true),
			},
		})
		if err != nil {
			return fmt.Errorf("enable TTL: %w", err)
		}
	}
	return nil
}

func keySchema(keys []samtemplate.Key) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, len(keys))
	for i, k := range keys {
		out[i] = types.KeySchemaElement{AttributeName: aws.String(k.Attribute), KeyType: types.KeyType(k.Type)}
	}
	return out
}
