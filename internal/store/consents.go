package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/lead"
)

// ConsentProofs reads the proof of a lead's consent from its activities (ActivitiesTable pk = LEAD#<leadId>,
// the form_submit items), for `handoff lead`; no function reads it. A type of its own rather than a method of
// Leads: the functions that render html/template (notify, deadlines) keep every exported method of a type
// reflection may reach, and this one would cost them 64 KB for nothing.
type ConsentProofs struct {
	db *client
	t  Tables
}

// NewConsentProofs builds the reader of consent proofs.
func NewConsentProofs(db DB, t Tables) *ConsentProofs { return &ConsentProofs{db: newClient(db), t: t} }

// Answers reads a lead's form submissions, in time order, projected on what proves its consent: the answer, its
// instant and question, the source and the form — none of the values submitted beside it. It reads every
// activity of the lead (a filter keeps the submissions).
func (s *ConsentProofs) Answers(ctx context.Context, id string) ([]lead.ConsentAnswer, error) {
	proj := projection([]string{"pk", "sk", "occurredAt", "source", "fields.consent", "fields.consentAt", "fields.consentField",
		"properties.form_id", "properties.form_name"})
	expr, err := expression.NewBuilder().WithProjection(proj).
		WithKeyCondition(expression.Key("pk").Equal(expression.Value(leadPK(id)))).
		WithFilter(expression.Name("type").Equal(expression.Value(lead.FormSubmit))).Build()
	if err != nil {
		return nil, err
	}
	var out []lead.ConsentAnswer
	err = queryAll(ctx, s.db, &dynamodb.QueryInput{TableName: &s.t.Activities, KeyConditionExpression: expr.KeyCondition(),
		FilterExpression: expr.Filter(), ProjectionExpression: expr.Projection(), ExpressionAttributeNames: expr.Names(),
		ExpressionAttributeValues: expr.Values(), ConsistentRead: aws.Bool(true)}, func(items []map[string]types.AttributeValue) error {
		for _, item := range items {
			var it activityItem
			if err := unmarshal(item, &it); err != nil {
				return err
			}
			r := reader{item: it.PK + "/" + it.SK}
			a := lead.ConsentAnswer{SubmittedAt: r.time("occurredAt", it.OccurredAt), Source: it.Source,
				FormID: it.Properties["form_id"], FormName: it.Properties["form_name"]}
			if v, ok := it.Fields["consent"]; ok {
				given, err := strconv.ParseBool(v)
				if err != nil {
					r.fail("fields.consent: not true or false: %q", v)
				}
				a.Consent = &lead.Consent{Given: given, At: r.time("fields.consentAt", it.Fields["consentAt"]), Field: it.Fields["consentField"]}
			}
			if r.err != nil {
				return r.err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load the consent answers of %s: %w", id, err)
	}
	return out, nil
}
