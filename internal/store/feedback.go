package store

// Feedback (feedback page, CRM): the hand-off item records the first contact and the first answer; the answer
// is also an activity, from which scoring moves the lead to accepted or rejected.

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/lead"
)

var _ feedback.Store = (*Leads)(nil)

// HandoffState implements feedback.Store.
func (l *Leads) HandoffState(ctx context.Context, leadID string) (feedback.State, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &l.tables.SLA, Key: map[string]types.AttributeValue{"pk": s(leadPK(leadID)), "sk": s(handoffSK)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return feedback.State{}, fmt.Errorf("load hand-off of %s: %w", leadID, err)
	}
	if out.Item == nil {
		return feedback.State{}, feedback.ErrNoHandoff
	}
	it := out.Item
	st := feedback.State{LeadID: leadID, RepID: attr(it, "repId"), Channel: attr(it, "contactChannel"), Answer: attr(it, "feedback"),
		Reason: attr(it, "rejectReason"), Comment: attr(it, "rejectComment"), LeadName: attr(it, "leadName"), Company: attr(it, "leadCompany")}
	st.HandoffAt, _ = time.Parse(time.RFC3339, attr(it, "handoffAt"))
	st.FirstContactDue, _ = time.Parse(time.RFC3339, attr(it, "firstContactDue"))
	st.ContactedAt, _ = time.Parse(time.RFC3339, attr(it, "contactedAt"))
	st.AnsweredAt, _ = time.Parse(time.RFC3339, attr(it, "feedbackAt"))
	return st, nil
}

// RecordFeedback implements feedback.Store: one transaction, refused as a whole when this answer was already
// given (the hand-off's own condition), so a double click or a retried webhook changes nothing.
func (l *Leads) RecordFeedback(ctx context.Context, f feedback.Answer) (bool, error) {
	key := map[string]types.AttributeValue{"pk": s(leadPK(f.LeadID)), "sk": s(handoffSK)}
	values := map[string]types.AttributeValue{":at": s(ts(f.At))}
	cond := "attribute_exists(pk)"
	if f.RepID != "" {
		cond += " AND repId = :rep"
		values[":rep"] = s(f.RepID)
	}
	var update string
	actType := lead.SalesContacted
	props := map[string]string{"by": f.By}
	switch f.Action {
	case feedback.Contacted:
		update = "SET contactedAt = :at, contactChannel = :ch"
		cond += " AND attribute_not_exists(contactedAt)"
		values[":ch"] = s(f.Channel)
		props["channel"] = f.Channel
	default:
		actType = lead.SalesAccepted
		answer := "accepted"
		if f.Action == feedback.Reject {
			actType, answer = lead.SalesRejected, "rejected"
			props["reason"], props["comment"] = f.Reason, f.Comment
		}
		// An answer implies the lead was reached; it also ends the deadline checks.
		update = "SET feedback = :fb, feedbackAt = :at, rejectReason = :reason, rejectComment = :comment, " +
			"contactedAt = if_not_exists(contactedAt, :at) REMOVE dueBucket, dueAt"
		cond += " AND attribute_not_exists(feedback)"
		values[":fb"], values[":reason"], values[":comment"] = s(answer), s(f.Reason), s(f.Comment)
	}
	act := lead.Activity{ID: lead.ActivityID("feedback", f.LeadID, actionIndex(f.Action)), LeadID: f.LeadID, Type: actType,
		OccurredAt: f.At, ReceivedAt: f.At, Source: f.By, DeliveryID: "feedback:" + f.Action, Properties: props}
	txn := []types.TransactWriteItem{
		{Update: &types.Update{TableName: &l.tables.SLA, Key: key, UpdateExpression: aws.String(update),
			ConditionExpression: aws.String(cond), ExpressionAttributeValues: values}},
		l.putActivity(act, nil, ""),
	}
	if f.Action != feedback.Contacted {
		txn = append(txn, types.TransactWriteItem{Update: &types.Update{
			TableName: &l.tables.SLA, Key: map[string]types.AttributeValue{"pk": s("LOAD"), "sk": s("REP#" + f.RepID)},
			UpdateExpression: aws.String("ADD #open :minus"), ExpressionAttributeNames: map[string]string{"#open": "open"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":minus": n(-1)},
		}})
	}
	reasons, err := l.transact(ctx, txn)
	switch {
	case err != nil:
		return false, fmt.Errorf("record feedback on %s: %w", f.LeadID, err)
	case reasons == nil:
		return true, nil
	case failed(reasons, 0), failed(reasons, 1):
		return false, nil // already recorded (or not this rep's hand-off: the caller checked the rep)
	}
	return false, fmt.Errorf("record feedback on %s: unexpected cancellation %s", f.LeadID, describe(reasons))
}

func actionIndex(a string) int {
	switch a {
	case feedback.Contacted:
		return 0
	case feedback.Accept:
		return 1
	}
	return 2
}
