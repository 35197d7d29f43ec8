package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// Transitions reads the leads' stage changes for operators (`handoff replay`). A type of its own, not a method of
// Leads: html/template makes the linker keep every exported method of the types a function links, and no function
// reads this.
type Transitions struct {
	db *client
	t  Tables
}

// NewTransitions builds the reader of stage changes; t needs the SLA table and the contract's zone.
func NewTransitions(db DB, t Tables) *Transitions { return &Transitions{db: newClient(db), t: t} }

// SQLsBetween lists the leads that became SQLs from from to to (both included), in the order they did, each once:
// their stage records (pk = LEAD#<id>, by-month monthSk = stage.sql#<at>#<leadId>), one Query per month of the
// contract's zone the interval spans and shard of it (MonthShards), never a Scan. It is how `handoff replay`
// finds the SQLs of a batch of the leads stream that notify gave up on: the failure record names the batch's
// arrival window, not its records, and the stream keeps records 24 hours.
func (s *Transitions) SQLsBetween(ctx context.Context, from, to time.Time) ([]string, error) {
	if to.Before(from) {
		return nil, fmt.Errorf("SQLs between %s and %s: the interval ends before it starts", stamp(from), stamp(to))
	}
	zone := s.t.Zone
	if zone == nil {
		zone = time.UTC
	}
	kind := "stage." + string(lead.StageSQL) + "#"
	type record struct{ sk, leadID string }
	var recs []record
	last := contract.MonthOf(to.In(zone))
	for m := contract.MonthOf(from.In(zone)); !last.Before(m); m = m.Next() {
		for n := range MonthShards {
			key := expression.Key("month").Equal(expression.Value(monthPartition(m.String(), n))).
				And(expression.Key("monthSk").Between(expression.Value(kind+stamp(from)), expression.Value(kind+stamp(to)+"#~")))
			expr, err := expression.NewBuilder().WithKeyCondition(key).
				WithProjection(expression.NamesList(expression.Name("leadId"), expression.Name("monthSk"))).Build()
			if err != nil {
				return nil, err
			}
			rs, err := queryItems(ctx, s.db, &dynamodb.QueryInput{TableName: &s.t.SLA, IndexName: aws.String("by-month"),
				KeyConditionExpression: expr.KeyCondition(), ProjectionExpression: expr.Projection(),
				ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values()},
				func(it map[string]types.AttributeValue) (record, error) {
					var v struct {
						LeadID  string `dynamodbav:"leadId"`
						MonthSK string `dynamodbav:"monthSk"`
					}
					if err := attributevalue.UnmarshalMap(it, &v); err != nil || v.LeadID == "" {
						return record{}, fmt.Errorf("a stage record of %s without its lead (%v)", m, err)
					}
					return record{v.MonthSK, v.LeadID}, nil
				})
			if err != nil {
				return nil, fmt.Errorf("SQLs of %s: %w", m, err)
			}
			recs = append(recs, rs...)
		}
	}
	// Each shard's records come in order (stage.sql#<at>#<leadId>); all of them, in the order they became SQLs.
	slices.SortStableFunc(recs, func(a, b record) int { return strings.Compare(a.sk, b.sk) })
	var out []string
	seen := map[string]bool{}
	for _, r := range recs {
		if !seen[r.leadID] {
			seen[r.leadID] = true
			out = append(out, r.leadID)
		}
	}
	return out, nil
}
