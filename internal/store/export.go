package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/score"
)

// Scanner is the part of the client the export needs (besides DB).
type Scanner interface {
	Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// ExportLeads calls fn with every lead and its activities. It scans the leads table: it is for the offline
// `handoff export` (what-if analyses), never for a function's path.
func (l *Leads) ExportLeads(ctx context.Context, scan Scanner, fn func(score.Lead, []lead.Activity) error) error {
	var start map[string]types.AttributeValue
	for {
		out, err := scan.Scan(ctx, &dynamodb.ScanInput{
			TableName:                 &l.tables.Leads,
			FilterExpression:          aws.String("#t = :lead"),
			ProjectionExpression:      aws.String("pk"),
			ExpressionAttributeNames:  map[string]string{"#t": "type"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":lead": s("lead")},
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return fmt.Errorf("export leads: %w", err)
		}
		for _, it := range out.Items {
			id, _ := strings.CutPrefix(attr(it, "pk"), "LEAD#")
			ld, acts, err := l.LoadForScoring(ctx, id)
			if err != nil {
				return err
			}
			if err := fn(ld, acts); err != nil {
				return err
			}
		}
		if start = out.LastEvaluatedKey; start == nil {
			return nil
		}
	}
}
