package store

// Hand-offs (notify):
//
//	SlaTable  pk = LEAD#<leadId>     sk = #HANDOFF      the SQL's hand-off: rep, deadlines, email status;
//	                                                    dueBucket/dueAt (GSI due-checks) until feedback
//	          pk = ROUTING#<teamId>  sk = REP#<repId>   assignments a rep received in a team (round-robin)
//	          pk = LOAD              sk = REP#<repId>   SQLs awaiting the rep's feedback (capacity)

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/score"
)

var _ notify.Store = (*Leads)(nil)

const (
	handoffSK  = "#HANDOFF"
	dueBuckets = 10
)

// LeadForHandoff implements notify.Store: the lead's details and its latest activities.
func (l *Leads) LeadForHandoff(ctx context.Context, leadID string) (notify.Lead, error) {
	it, err := l.leadItem(ctx, leadID)
	if errors.Is(err, score.ErrNoLead) {
		return notify.Lead{}, notify.ErrNoLead
	}
	if err != nil {
		return notify.Lead{}, err
	}
	acts, err := l.activities(ctx, leadID)
	if err != nil {
		return notify.Lead{}, err
	}
	ld := scoringLead(leadID, it)
	n := notify.Lead{ID: leadID, Stage: ld.Stage, Profile: ld.Profile, Activities: acts, Explanation: ld.Explanation,
		Owner: attr(it, "ownerId"), FirstName: attr(it, "firstName"), LastName: attr(it, "lastName"), Email: attr(it, "email"),
		Phone: attr(it, "phone"), Company: attr(it, "company"), JobTitle: attr(it, "jobTitle"), UTMSource: attr(it, "utmSource"),
		UTMMedium: attr(it, "utmMedium"), UTMCampaign: attr(it, "utmCampaign"), ConsentAt: attr(it, "consentAt")}
	n.Score, _ = strconv.ParseFloat(numAttr(it, "score"), 64)
	n.Fit, _ = strconv.ParseFloat(numAttr(it, "fitScore"), 64)
	n.Behaviour, _ = strconv.ParseFloat(numAttr(it, "behaviourScore"), 64)
	n.SQLAt, _ = time.Parse(time.RFC3339, attr(it, "sqlAt"))
	if v, ok := it["consent"].(*types.AttributeValueMemberBOOL); ok {
		n.Consent = &v.Value
	}
	if ss, ok := it["sources"].(*types.AttributeValueMemberSS); ok {
		n.Sources = ss.Value
	}
	return n, nil
}

// TeamLoads implements notify.Store: each rep's assignments in the team and open SQLs (two queries).
func (l *Leads) TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error) {
	loads := map[string]routing.Load{}
	for _, pk := range []string{"ROUTING#" + team, "LOAD"} {
		var start map[string]types.AttributeValue
		for {
			out, err := l.db.Query(ctx, &dynamodb.QueryInput{
				TableName: &l.tables.SLA, KeyConditionExpression: aws.String("pk = :pk"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(pk)}, ConsistentRead: aws.Bool(true),
				ExclusiveStartKey: start,
			})
			if err != nil {
				return nil, fmt.Errorf("loads of team %s: %w", team, err)
			}
			for _, it := range out.Items {
				rep, _ := strings.CutPrefix(attr(it, "sk"), "REP#")
				ld := loads[rep]
				if pk == "LOAD" {
					ld.Open, _ = strconv.Atoi(numAttr(it, "open"))
				} else {
					ld.Assigned, _ = strconv.Atoi(numAttr(it, "assigned"))
					ld.Known = true
				}
				loads[rep] = ld
			}
			if start = out.LastEvaluatedKey; start == nil {
				break
			}
		}
	}
	return loads, nil
}

// ClaimHandoff implements notify.Store. In one transaction: the hand-off item (only if there is none: the claim
// that makes the email exactly-once), the rep's round-robin count (only if still the count the choice was made
// on), the rep's open SQLs, and the lead's owner.
func (l *Leads) ClaimHandoff(ctx context.Context, h notify.Handoff) error {
	reminders := make([]types.AttributeValue, len(h.Reminders))
	for i, r := range h.Reminders {
		reminders[i] = s(ts(r))
	}
	item := map[string]types.AttributeValue{
		"pk": s(leadPK(h.LeadID)), "sk": s(handoffSK), "kind": s("handoff"), "leadId": s(h.LeadID), "repId": s(h.RepID),
		"teamId": s(h.Team), "reason": s(h.Reason), "handoffAt": s(ts(h.At)), "firstContactDue": s(ts(h.FirstContactDue)),
		"feedbackDue": s(ts(h.FeedbackDue)), "reminders": &types.AttributeValueMemberL{Value: reminders},
		"status": s(notify.Claimed), "claimedAt": s(ts(h.ClaimedAt)), "month": s(h.Month),
		"monthSk": s(ts(h.At) + "#handoff#" + h.LeadID), "contractVersion": s(h.ContractVersion),
		"dueBucket": s("DUE#" + strconv.Itoa(bucket(h.LeadID, dueBuckets))), "dueAt": s(ts(h.NextCheck)),
		"leadName": s(h.LeadName), "leadCompany": s(h.LeadCompany),
	}
	txn := []types.TransactWriteItem{{Put: &types.Put{
		TableName: &l.tables.SLA, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}}
	if h.Counted {
		txn = append(txn, l.countAssignment(h.Team, h.RepID, h.SeenLoad, h.Baseline))
		for _, other := range h.StartTeam {
			txn = append(txn, types.TransactWriteItem{Put: &types.Put{
				TableName: &l.tables.SLA, ConditionExpression: aws.String("attribute_not_exists(pk)"),
				Item: map[string]types.AttributeValue{"pk": s("ROUTING#" + h.Team), "sk": s("REP#" + other), "assigned": n(0)},
			}})
		}
	}
	load := &types.Update{
		TableName: &l.tables.SLA, Key: map[string]types.AttributeValue{"pk": s("LOAD"), "sk": s("REP#" + h.RepID)},
		UpdateExpression: aws.String("ADD #open :one"), ExpressionAttributeNames: map[string]string{"#open": "open"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n(1)},
	}
	if h.MaxOpen > 0 {
		// Capacity holds under concurrency too: a claim that would exceed it fails and the SQL is re-assigned.
		load.ConditionExpression = aws.String("attribute_not_exists(#open) OR #open < :max")
		load.ExpressionAttributeValues[":max"] = n(int64(h.MaxOpen))
	}
	txn = append(txn, types.TransactWriteItem{Update: load}, types.TransactWriteItem{Update: &types.Update{
		TableName: &l.tables.Leads, Key: map[string]types.AttributeValue{"pk": s(leadPK(h.LeadID)), "sk": s(profileSK)},
		UpdateExpression:          aws.String("SET ownerId = :rep, assignedAt = :at, assignment = :why ADD #version :one"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#version": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":rep": s(h.RepID), ":at": s(ts(h.ClaimedAt)), ":why": s(h.Reason), ":one": n(1)},
	}})
	reasons, err := l.transact(ctx, txn)
	switch {
	case err != nil:
		return fmt.Errorf("claim hand-off of %s: %w", h.LeadID, err)
	case reasons == nil:
		return nil
	case failed(reasons, 0):
		return &notify.AlreadyClaimed{Status: attr(reasons[0].Item, "status"), RepID: attr(reasons[0].Item, "repId")}
	case h.Counted && anyFailed(reasons[1:len(reasons)-1]), conflicted(reasons):
		return notify.ErrCountConflict
	case failed(reasons, len(reasons)-1):
		return notify.ErrNoLead
	}
	return fmt.Errorf("claim hand-off of %s: unexpected cancellation %s", h.LeadID, describe(reasons))
}

func anyFailed(reasons []types.CancellationReason) bool {
	for i := range reasons {
		if failed(reasons, i) {
			return true
		}
	}
	return false
}

func (l *Leads) countAssignment(team, rep string, seen routing.Load, baseline int) types.TransactWriteItem {
	key := map[string]types.AttributeValue{"pk": s("ROUTING#" + team), "sk": s("REP#" + rep)}
	if !seen.Known {
		return types.TransactWriteItem{Put: &types.Put{
			TableName: &l.tables.SLA, ConditionExpression: aws.String("attribute_not_exists(pk)"),
			Item: map[string]types.AttributeValue{"pk": key["pk"], "sk": key["sk"], "assigned": n(int64(baseline + 1))},
		}}
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &l.tables.SLA, Key: key, UpdateExpression: aws.String("ADD assigned :one"),
		ConditionExpression:       aws.String("assigned = :seen"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n(1), ":seen": n(int64(seen.Assigned))},
	}}
}

// MarkSent implements notify.Store: the email left; record SES's message ID.
func (l *Leads) MarkSent(ctx context.Context, leadID, messageID string, at time.Time) error {
	_, err := l.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &l.tables.SLA, Key: map[string]types.AttributeValue{"pk": s(leadPK(leadID)), "sk": s(handoffSK)},
		UpdateExpression:          aws.String("SET #status = :sent, messageId = :id, sentAt = :at"),
		ConditionExpression:       aws.String("#status = :claimed"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":sent": s(notify.Sent), ":claimed": s(notify.Claimed), ":id": s(messageID), ":at": s(ts(at))},
	})
	if err != nil {
		return fmt.Errorf("mark hand-off of %s sent: %w", leadID, err)
	}
	return nil
}

// ReleaseHandoff implements notify.Store: SES refused for sure, so undo the claim and the counts, and let a
// retry start again.
func (l *Leads) ReleaseHandoff(ctx context.Context, h notify.Handoff) error {
	txn := []types.TransactWriteItem{{Delete: &types.Delete{
		TableName: &l.tables.SLA, Key: map[string]types.AttributeValue{"pk": s(leadPK(h.LeadID)), "sk": s(handoffSK)},
		ConditionExpression: aws.String("#status = :claimed"), ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":claimed": s(notify.Claimed)},
	}}, {Update: &types.Update{
		TableName: &l.tables.SLA, Key: map[string]types.AttributeValue{"pk": s("LOAD"), "sk": s("REP#" + h.RepID)},
		UpdateExpression: aws.String("ADD #open :minus"), ExpressionAttributeNames: map[string]string{"#open": "open"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":minus": n(-1)},
	}}}
	if !h.KeptOwner {
		// The owner came with this claim: take it back, or the retry would keep it without counting it.
		txn = append(txn, types.TransactWriteItem{Update: &types.Update{
			TableName: &l.tables.Leads, Key: map[string]types.AttributeValue{"pk": s(leadPK(h.LeadID)), "sk": s(profileSK)},
			UpdateExpression:          aws.String("REMOVE ownerId, assignedAt, assignment"),
			ConditionExpression:       aws.String("ownerId = :rep"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":rep": s(h.RepID)},
		}})
	}
	if h.Counted {
		txn = append(txn, types.TransactWriteItem{Update: &types.Update{
			TableName: &l.tables.SLA, Key: map[string]types.AttributeValue{"pk": s("ROUTING#" + h.Team), "sk": s("REP#" + h.RepID)},
			UpdateExpression:          aws.String("ADD assigned :minus"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":minus": n(-1)},
		}})
	}
	reasons, err := l.transact(ctx, txn)
	if err != nil || reasons != nil {
		return fmt.Errorf("release hand-off of %s: %v %s", h.LeadID, err, describe(reasons))
	}
	return nil
}
