package soak

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// clocks is what the day's hand-offs hold of their reps' clocks, as the SLA table has them: the latest instant of
// each reminder point and of the first-contact deadline over them all, the earliest deadline, and how many still
// wait for their SQL email to be confirmed (claimed or sending).
type clocks struct {
	found       int
	outstanding int
	reminders   []time.Time // the latest of each point
	latestDue   time.Time
	earliestDue time.Time
}

// clocksOf reads the hand-offs of the SQLs posted at the given indexes. A stuck SQL email's resend restarts its
// rep's clock (handoff.ResendStuck), so the day's reminder points and deadline are read, not computed from the
// hand-off's instant.
func (s *soak) clocksOf(ctx context.Context, sqls []int) (clocks, error) {
	db := s.db
	var out clocks
	for _, i := range sqls {
		claim, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.local.Tables["LeadsTable"]),
			Key: map[string]types.AttributeValue{
				"pk": &types.AttributeValueMemberS{Value: "EMAIL#" + s.posted[i].p.Email},
				"sk": &types.AttributeValueMemberS{Value: "#EMAIL"},
			}})
		if err != nil {
			return out, fmt.Errorf("the claim of %s: %w", s.posted[i].p.Company, err)
		}
		id := str(claim.Item, "leadId")
		if id == "" {
			continue // not stored: the invariants will say
		}
		items, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.local.Tables["SlaTable"]),
			KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :h)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk": &types.AttributeValueMemberS{Value: "LEAD#" + id},
				":h":  &types.AttributeValueMemberS{Value: "HANDOFF#"},
			}})
		if err != nil {
			return out, fmt.Errorf("the hand-off of %s: %w", s.posted[i].p.Company, err)
		}
		for _, it := range items.Items {
			if err := out.add(it); err != nil {
				return out, fmt.Errorf("the hand-off of %s: %w", s.posted[i].p.Company, err)
			}
		}
	}
	return out, nil
}

func (c *clocks) add(it map[string]types.AttributeValue) error {
	c.found++
	if m, ok := it["mail"].(*types.AttributeValueMemberM); ok {
		if (outbox.Mail{Status: outbox.MailStatus(str(m.Value, "status"))}).Outstanding() {
			c.outstanding++
		}
	}
	due, err := time.Parse(time.RFC3339Nano, str(it, "firstContactDue"))
	if err != nil {
		return fmt.Errorf("firstContactDue: %w", err)
	}
	if due.After(c.latestDue) {
		c.latestDue = due
	}
	if c.earliestDue.IsZero() || due.Before(c.earliestDue) {
		c.earliestDue = due
	}
	list, _ := it["reminders"].(*types.AttributeValueMemberL)
	if list == nil {
		return nil
	}
	for k, v := range list.Value {
		sv, _ := v.(*types.AttributeValueMemberS)
		if sv == nil {
			return fmt.Errorf("reminders[%d] is not a string", k)
		}
		at, err := time.Parse(time.RFC3339Nano, sv.Value)
		if err != nil {
			return fmt.Errorf("reminders[%d]: %w", k, err)
		}
		if k >= len(c.reminders) {
			c.reminders = append(c.reminders, at)
		} else if at.After(c.reminders[k]) {
			c.reminders[k] = at
		}
	}
	return nil
}
