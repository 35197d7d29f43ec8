package store

// Scoring (score and decay):
//
//	LeadsTable  pk = LEAD#<leadId> sk = #PROFILE   scores, stage, explanation; decayBucket/decayAt while
//	                                               behaviour points can still decay (GSI decay-due)
//	SlaTable    pk = LEAD#<leadId> sk = EVT#<at>#stage#<to>   a stage transition; month/monthSk (GSI by-month)

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/score"
	"github.com/handoff-sla/handoff/internal/scoring"
)

var _ score.Store = (*Leads)(nil)

// DecayBuckets spreads the decay index over partitions; the decay job queries each.
const DecayBuckets = 10

// DecayBucket is the index partition of a lead.
func DecayBucket(leadID string) string { return "DECAY#" + strconv.Itoa(bucket(leadID, DecayBuckets)) }

// bucket spreads IDs over n index partitions, so no single partition takes every write.
func bucket(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// profileFields maps lead attributes to the fit fields scoring rules test.
var profileFields = map[string]string{
	"email": "email", "company": "company", "companyDomain": "company_domain", "companySize": "company_size",
	"country": "country", "region": "region", "industry": "industry", "jobTitle": "job_title", "utmSource": "utm_source",
	"utmMedium": "utm_medium", "utmCampaign": "utm_campaign",
}

// LoadForScoring implements score.Store: the lead and all its activities, read consistently.
func (l *Leads) LoadForScoring(ctx context.Context, leadID string) (score.Lead, []lead.Activity, error) {
	it, err := l.leadItem(ctx, leadID)
	if err != nil {
		return score.Lead{}, nil, err
	}
	acts, err := l.activities(ctx, leadID)
	if err != nil {
		return score.Lead{}, nil, err
	}
	return scoringLead(leadID, it), acts, nil
}

// leadItem reads a lead's item consistently; score.ErrNoLead when there is none.
func (l *Leads) leadItem(ctx context.Context, leadID string) (map[string]types.AttributeValue, error) {
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &l.tables.Leads, Key: map[string]types.AttributeValue{"pk": s(leadPK(leadID)), "sk": s(profileSK)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("load lead %s: %w", leadID, err)
	}
	if out.Item == nil {
		return nil, score.ErrNoLead
	}
	return out.Item, nil
}

func scoringLead(leadID string, it map[string]types.AttributeValue) score.Lead {
	ld := score.Lead{ID: leadID, Stage: lead.Stage(attr(it, "stage")), Profile: scoring.Profile{}, DecayAt: attr(it, "decayAt"),
		Explanation: attr(it, "explanation"), BelowSQL: boolAttr(it, "belowSqlThreshold"), Qualifies: lead.Stage(attr(it, "qualifiesFor"))}
	ld.Version, _ = strconv.ParseInt(numAttr(it, "version"), 10, 64)
	ld.Total, _ = strconv.ParseFloat(numAttr(it, "score"), 64)
	for a, f := range profileFields {
		if v := attr(it, a); v != "" {
			ld.Profile[f] = v
		}
	}
	if v, ok := it["freeMail"].(*types.AttributeValueMemberBOOL); ok {
		ld.Profile["free_mail"] = strconv.FormatBool(v.Value)
	}
	return ld
}

func boolAttr(item map[string]types.AttributeValue, k string) bool {
	v, ok := item[k].(*types.AttributeValueMemberBOOL)
	return ok && v.Value
}

// activities reads a lead's activities in time order (all pages).
func (l *Leads) activities(ctx context.Context, leadID string) ([]lead.Activity, error) {
	var acts []lead.Activity
	var start map[string]types.AttributeValue
	for {
		out, err := l.db.Query(ctx, &dynamodb.QueryInput{
			TableName:                 &l.tables.Activities,
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(leadPK(leadID))},
			ConsistentRead:            aws.Bool(true),
			ExclusiveStartKey:         start,
		})
		if err != nil {
			return nil, fmt.Errorf("load activities of %s: %w", leadID, err)
		}
		for _, it := range out.Items {
			at, _ := time.Parse(time.RFC3339, attr(it, "occurredAt"))
			a := lead.Activity{ID: attr(it, "activityId"), LeadID: leadID, Type: attr(it, "type"), OccurredAt: at,
				Source: attr(it, "source"), Properties: map[string]string{}}
			if m, ok := it["properties"].(*types.AttributeValueMemberM); ok {
				for k, v := range m.Value {
					if sv, ok := v.(*types.AttributeValueMemberS); ok {
						a.Properties[k] = sv.Value
					}
				}
			}
			acts = append(acts, a)
		}
		if start = out.LastEvaluatedKey; start == nil {
			return acts, nil
		}
	}
}

// SaveScore implements score.Store. The write is conditional on the version read, so two consumers scoring
// the same lead can never lose each other's work; a stage change and its transition record are one
// transaction, so the report never misses or doubles one.
func (l *Leads) SaveScore(ctx context.Context, u score.Update) error {
	explanation, err := json.Marshal(u.Result.Explanation)
	if err != nil {
		return fmt.Errorf("explanation of %s: %w", u.LeadID, err)
	}
	r := u.Result
	names := map[string]string{"#version": "version", "#stage": "stage"}
	values := map[string]types.AttributeValue{
		":v": n(u.Version), ":one": n(1), ":stage": s(string(u.Stage)), ":at": s(ts(u.At)),
		":fit": num(r.Fit), ":beh": num(r.Behaviour), ":total": num(r.Total), ":exp": s(string(explanation)),
		":cv": s(u.ContractVersion), ":below": &types.AttributeValueMemberBOOL{Value: u.BelowSQL},
		":qual": s(string(r.Qualifies)),
	}
	set := "#stage = :stage, fitScore = :fit, behaviourScore = :beh, score = :total, explanation = :exp, " +
		"scoredAt = :at, scoreContract = :cv, belowSqlThreshold = :below, qualifiesFor = :qual"
	remove := ""
	if u.Move != nil {
		set += ", stageAt = :at"
		if u.Move.To == lead.StageSQL {
			set += ", sqlAt = :at" // the hand-off instant: sales' deadlines count from here
		}
	}
	if u.DecayAt.IsZero() {
		remove = " REMOVE decayBucket, decayAt"
	} else {
		set += ", decayBucket = :bucket, decayAt = :decayAt"
		values[":bucket"], values[":decayAt"] = s(DecayBucket(u.LeadID)), s(ts(u.DecayAt))
	}
	update := &types.Update{
		TableName:                 &l.tables.Leads,
		Key:                       map[string]types.AttributeValue{"pk": s(leadPK(u.LeadID)), "sk": s(profileSK)},
		UpdateExpression:          aws.String("SET " + set + remove + " ADD #version :one"),
		ConditionExpression:       aws.String("#version = :v"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}
	if u.Move == nil {
		_, err := l.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: update.TableName, Key: update.Key, UpdateExpression: update.UpdateExpression,
			ConditionExpression: update.ConditionExpression, ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		})
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return score.ErrVersionConflict
		}
		if err != nil {
			return fmt.Errorf("save score of %s: %w", u.LeadID, err)
		}
		return nil
	}
	m := u.Move
	transition := map[string]types.AttributeValue{
		"pk": s(leadPK(u.LeadID)), "sk": s("EVT#" + ts(u.At) + "#stage#" + string(m.To)), "kind": s("stage"),
		"leadId": s(u.LeadID), "from": s(string(m.From)), "to": s(string(m.To)), "cause": s(m.Cause), "at": s(ts(u.At)),
		"month": s(u.Month), "monthSk": s(ts(u.At) + "#stage#" + string(m.To) + "#" + u.LeadID),
		"contractVersion": s(u.ContractVersion), "score": num(r.Total), "fitScore": num(r.Fit), "behaviourScore": num(r.Behaviour),
	}
	if m.Activity != "" {
		transition["causeActivityId"] = s(m.Activity)
	}
	reasons, err := l.transact(ctx, []types.TransactWriteItem{
		{Update: update},
		{Put: &types.Put{TableName: &l.tables.SLA, Item: transition, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
	})
	switch {
	case err != nil:
		return fmt.Errorf("save stage of %s: %w", u.LeadID, err)
	case reasons == nil:
		return nil
	case failed(reasons, 0), conflicted(reasons):
		return score.ErrVersionConflict
	}
	return fmt.Errorf("save stage of %s: unexpected cancellation %s", u.LeadID, describe(reasons))
}

// DueForDecay implements score.Store: a page of leads whose decayAt has passed, in one bucket.
func (l *Leads) DueForDecay(ctx context.Context, bucket int, before time.Time, after map[string]string) ([]string, map[string]string, error) {
	var start map[string]types.AttributeValue
	if after != nil {
		start = map[string]types.AttributeValue{}
		for k, v := range after {
			start[k] = s(v)
		}
	}
	out, err := l.db.Query(ctx, &dynamodb.QueryInput{
		TableName:                 &l.tables.Leads,
		IndexName:                 aws.String("decay-due"),
		KeyConditionExpression:    aws.String("decayBucket = :b AND decayAt <= :t"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":b": s("DECAY#" + strconv.Itoa(bucket)), ":t": s(ts(before))},
		ExclusiveStartKey:         start,
		Limit:                     aws.Int32(100),
	})
	if err != nil {
		return nil, nil, fmt.Errorf("leads due for decay: %w", err)
	}
	ids := make([]string, 0, len(out.Items))
	for _, it := range out.Items {
		if id, ok := strings.CutPrefix(attr(it, "pk"), "LEAD#"); ok {
			ids = append(ids, id)
		}
	}
	var next map[string]string
	if out.LastEvaluatedKey != nil {
		next = map[string]string{}
		for k, v := range out.LastEvaluatedKey {
			next[k] = attr(map[string]types.AttributeValue{k: v}, k)
		}
	}
	return ids, next, nil
}

func num(f float64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatFloat(f, 'f', -1, 64)}
}
