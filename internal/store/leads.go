// Package store keeps Handoff's data in DynamoDB. The tables, keys and indexes are declared in template.yaml,
// where every access pattern is written down; this package is the only code that knows them.
//
// Leads and activities (ingest):
//
//	LeadsTable       pk = LEAD#<leadId>  sk = #PROFILE   the lead
//	                 pk = EMAIL#<email>  sk = #EMAIL     claims an email for one lead (holds leadId)
//	ActivitiesTable  pk = LEAD#<leadId>  sk = <occurredAt>#<activityId>
//	DeliveriesTable  pk = DELIVERY#<sourceId>#<deliveryId>   the first answer, kept 48 h (TTL expiresAt)
//	SlaTable         pk = STATS#<yyyy-mm> sk = DISCARDED#<reason>#<sourceId>   counters
package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/lead"
)

// DeliveryTTL is how long a delivery's answer is kept for retries (the promise is at least 24 h).
const DeliveryTTL = 48 * time.Hour

// Tables names the physical tables.
type Tables struct {
	Leads, Activities, Deliveries, SLA string
}

// TablesFrom reads the table names a function's environment holds (names as in template.yaml's Globals).
func TablesFrom(env map[string]string) Tables {
	return Tables{Leads: env["LEADS_TABLE"], Activities: env["ACTIVITIES_TABLE"], Deliveries: env["DELIVERIES_TABLE"], SLA: env["SLA_TABLE"]}
}

// DB is the part of the DynamoDB client the store uses.
type DB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// Leads stores leads, their activities and webhook deliveries.
type Leads struct {
	db     DB
	tables Tables
}

// NewLeads builds the store.
func NewLeads(db DB, t Tables) *Leads { return &Leads{db: db, tables: t} }

var _ ingest.Store = (*Leads)(nil)

const (
	profileSK = "#PROFILE"
	emailSK   = "#EMAIL"
	// maxAttempts bounds retries of a transaction that lost a race (another writer on the same lead).
	maxAttempts = 8
)

func leadPK(id string) string         { return "LEAD#" + id }
func emailPK(email string) string     { return "EMAIL#" + email }
func s(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
func n(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}
func ts(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// SaveSubmission implements ingest.Store. A new lead costs one request: the email claim, the lead, the
// activity and the delivery in one transaction. When the email is taken, the transaction's cancellation
// reason carries the owner (ReturnValuesOnConditionCheckFailure), and a second transaction updates it.
func (l *Leads) SaveSubmission(ctx context.Context, d ingest.Delivery, sub lead.Submission, act lead.Activity, answer func(string) ingest.Answer) (ingest.Saved, error) {
	id := lead.NewLeadID(d.At)
	ans := answer(id)
	profile := profileAttributes(sub)
	item := map[string]types.AttributeValue{
		"pk": s(leadPK(id)), "sk": s(profileSK), "type": s("lead"), "leadId": s(id), "stage": s(string(lead.StageLead)),
		"createdAt": s(ts(d.At)), "updatedAt": s(ts(d.At)), "profileAt": s(ts(sub.OccurredAt)),
		"version": n(1), "sources": &types.AttributeValueMemberSS{Value: []string{d.Source}},
	}
	for k, v := range profile {
		item[k] = v
	}
	act.LeadID = id
	txn := []types.TransactWriteItem{
		l.claimEmail(sub.Contact.Email, id, d.At),
		{Put: &types.Put{TableName: &l.tables.Leads, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		l.putActivity(act, activityFields(sub), d.BodyHash),
		l.putDelivery(d, id, ans),
	}
	reasons, err := l.transact(ctx, txn)
	if err != nil {
		return ingest.Saved{}, fmt.Errorf("create lead: %w", err)
	}
	if reasons == nil {
		return ingest.Saved{LeadID: id, Created: true, Answer: ans}, nil
	}
	if failed(reasons, 3) {
		return replay(d, reasons[3].Item)
	}
	if !failed(reasons, 0) {
		return ingest.Saved{}, fmt.Errorf("create lead: unexpected cancellation %s", describe(reasons))
	}
	existing := attr(reasons[0].Item, "leadId")
	if existing == "" {
		return ingest.Saved{}, errors.New("create lead: the email claim holds no lead ID")
	}
	return l.updateLead(ctx, d, existing, sub, act, profile, answer)
}

// updateLead applies a submission to an existing lead: newer non-empty values win; a submission older than the
// profile only fills fields still empty. The submitted values stay on the activity either way.
func (l *Leads) updateLead(ctx context.Context, d ingest.Delivery, id string, sub lead.Submission, act lead.Activity, profile map[string]types.AttributeValue, answer func(string) ingest.Answer) (ingest.Saved, error) {
	ans := answer(id)
	act.LeadID = id
	if saved, found, err := l.recordedBefore(ctx, d, id, []lead.Activity{act}, ans); found || err != nil {
		return saved, err
	}
	older := false
	for attempt := 0; attempt < maxAttempts; attempt++ {
		txn := []types.TransactWriteItem{
			{Update: l.profileUpdate(id, d, sub.OccurredAt, profile, older)},
			l.putActivity(act, activityFields(sub), d.BodyHash),
			l.putDelivery(d, id, ans),
		}
		reasons, err := l.transact(ctx, txn)
		switch {
		case err != nil:
			return ingest.Saved{}, fmt.Errorf("update lead %s: %w", id, err)
		case reasons == nil:
			return ingest.Saved{LeadID: id, Answer: ans}, nil
		case failed(reasons, 2):
			return replay(d, reasons[2].Item)
		case failed(reasons, 1):
			return lateReplay(d, id, reasons[1].Item, ans)
		case failed(reasons, 0) && !older:
			if reasons[0].Item == nil {
				return ingest.Saved{}, fmt.Errorf("update lead %s: the email is claimed but the lead is gone", id)
			}
			older = true // the profile is newer than this submission
		case conflicted(reasons):
			backoff(ctx, attempt)
		default:
			return ingest.Saved{}, fmt.Errorf("update lead %s: unexpected cancellation %s", id, describe(reasons))
		}
	}
	return ingest.Saved{}, fmt.Errorf("update lead %s: still conflicting after %d attempts", id, maxAttempts)
}

func (l *Leads) profileUpdate(id string, d ingest.Delivery, at time.Time, profile map[string]types.AttributeValue, older bool) *types.Update {
	names := map[string]string{"#updatedAt": "updatedAt", "#version": "version", "#sources": "sources"}
	values := map[string]types.AttributeValue{
		":now": s(ts(d.At)), ":one": n(1), ":src": &types.AttributeValueMemberSS{Value: []string{d.Source}},
	}
	sets := []string{"#updatedAt = :now"}
	keys := make([]string, 0, len(profile))
	for k := range profile {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		nk, vk := "#f"+strconv.Itoa(i), ":f"+strconv.Itoa(i)
		names[nk], values[vk] = k, profile[k]
		if older {
			sets = append(sets, fmt.Sprintf("%s = if_not_exists(%s, %s)", nk, nk, vk))
		} else {
			sets = append(sets, fmt.Sprintf("%s = %s", nk, vk))
		}
	}
	cond := "attribute_exists(pk)"
	if !older {
		names["#profileAt"] = "profileAt"
		values[":at"] = s(ts(at))
		sets = append(sets, "#profileAt = :at")
		cond = "attribute_exists(pk) AND (attribute_not_exists(#profileAt) OR #profileAt <= :at)"
	}
	return &types.Update{
		TableName:                           &l.tables.Leads,
		Key:                                 map[string]types.AttributeValue{"pk": s(leadPK(id)), "sk": s(profileSK)},
		UpdateExpression:                    aws.String("SET " + strings.Join(sets, ", ") + " ADD #version :one, #sources :src"),
		ConditionExpression:                 aws.String(cond),
		ExpressionAttributeNames:            names,
		ExpressionAttributeValues:           values,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}
}

// SaveActivities implements ingest.Store.
func (l *Leads) SaveActivities(ctx context.Context, d ingest.Delivery, ref lead.LeadRef, acts []lead.Activity, createLead bool, answer func(string) ingest.Answer) (ingest.Saved, error) {
	id := ref.ID
	if id == "" {
		out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{
			TableName: &l.tables.Leads, Key: map[string]types.AttributeValue{"pk": s(emailPK(ref.Email)), "sk": s(emailSK)},
			ConsistentRead: aws.Bool(true),
		})
		if err != nil {
			return ingest.Saved{}, fmt.Errorf("find lead by email: %w", err)
		}
		id = attr(out.Item, "leadId")
	}
	if id == "" && !createLead {
		return ingest.Saved{}, ingest.ErrLeadNotFound
	}
	created := false
	var txn []types.TransactWriteItem
	if id == "" {
		// Someone we only know by email: a subscriber, until a form tells us more.
		id, created = lead.NewLeadID(d.At), true
		txn = append(txn, l.claimEmail(ref.Email, id, d.At), types.TransactWriteItem{Put: &types.Put{
			TableName: &l.tables.Leads,
			Item: map[string]types.AttributeValue{
				"pk": s(leadPK(id)), "sk": s(profileSK), "type": s("lead"), "leadId": s(id), "stage": s(string(lead.StageSubscriber)),
				"email": s(ref.Email), "createdAt": s(ts(d.At)), "updatedAt": s(ts(d.At)), "version": n(1),
				"sources": &types.AttributeValueMemberSS{Value: []string{d.Source}},
			},
			ConditionExpression: aws.String("attribute_not_exists(pk)"),
		}})
	} else {
		txn = append(txn, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &l.tables.Leads, Key: map[string]types.AttributeValue{"pk": s(leadPK(id)), "sk": s(profileSK)},
			ConditionExpression: aws.String("attribute_exists(pk)"),
		}})
	}
	ans := answer(id)
	if !created {
		if saved, found, err := l.recordedBefore(ctx, d, id, acts, ans); found || err != nil {
			return saved, err
		}
	}
	first := len(txn) // the first activity's place in the transaction
	for _, a := range acts {
		a.LeadID = id
		txn = append(txn, l.putActivity(a, nil, d.BodyHash))
	}
	txn = append(txn, l.putDelivery(d, id, ans))
	last := len(txn) - 1
	for attempt := 0; attempt < maxAttempts; attempt++ {
		reasons, err := l.transact(ctx, txn)
		switch {
		case err != nil:
			return ingest.Saved{}, fmt.Errorf("record activities of %s: %w", id, err)
		case reasons == nil:
			return ingest.Saved{LeadID: id, Created: created, Answer: ans}, nil
		case failed(reasons, last):
			return replay(d, reasons[last].Item)
		case !created && anyFailed(reasons[first:last]):
			i := slices.IndexFunc(reasons[first:last], func(r types.CancellationReason) bool { return aws.ToString(r.Code) == "ConditionalCheckFailed" })
			return lateReplay(d, id, reasons[first+i].Item, ans)
		case created && failed(reasons, 0):
			// Another delivery created the lead meanwhile: record against it.
			return l.SaveActivities(ctx, d, lead.LeadRef{ID: attr(reasons[0].Item, "leadId")}, acts, false, answer)
		case failed(reasons, 0):
			return ingest.Saved{}, ingest.ErrLeadNotFound
		case conflicted(reasons):
			backoff(ctx, attempt)
		default:
			return ingest.Saved{}, fmt.Errorf("record activities of %s: unexpected cancellation %s", id, describe(reasons))
		}
	}
	return ingest.Saved{}, fmt.Errorf("record activities of %s: still conflicting after %d attempts", id, maxAttempts)
}

// FindLead implements ingest.Store.
func (l *Leads) FindLead(ctx context.Context, ref lead.LeadRef) (string, error) {
	key := map[string]types.AttributeValue{"pk": s(leadPK(ref.ID)), "sk": s(profileSK)}
	if ref.ID == "" {
		key = map[string]types.AttributeValue{"pk": s(emailPK(ref.Email)), "sk": s(emailSK)}
	}
	out, err := l.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &l.tables.Leads, Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", fmt.Errorf("find lead: %w", err)
	}
	return attr(out.Item, "leadId"), nil
}

// CountDiscarded implements ingest.Store.
func (l *Leads) CountDiscarded(ctx context.Context, source, reason string, at time.Time) error {
	_, err := l.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &l.tables.SLA,
		Key: map[string]types.AttributeValue{
			"pk": s("STATS#" + at.UTC().Format("2006-01")), "sk": s("DISCARDED#" + reason + "#" + source),
		},
		UpdateExpression:          aws.String("ADD #count :one"),
		ExpressionAttributeNames:  map[string]string{"#count": "count"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": n(1)},
	})
	if err != nil {
		return fmt.Errorf("count discarded: %w", err)
	}
	return nil
}

func (l *Leads) claimEmail(email, id string, at time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &l.tables.Leads,
		Item: map[string]types.AttributeValue{
			"pk": s(emailPK(email)), "sk": s(emailSK), "type": s("email"), "leadId": s(id), "createdAt": s(ts(at)),
		},
		ConditionExpression:                 aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
}

// ActivitySK is an activity's sort key: its instant first, so a lead's activities read in time order.
func ActivitySK(a lead.Activity) string { return ts(a.OccurredAt) + "#" + a.ID }

// putActivity writes an activity once. bodyHash (the delivery's, "" when it has none) is kept so that a late
// duplicate, recognised by its activity, can be told from a delivery ID reused with another body.
func (l *Leads) putActivity(a lead.Activity, fields map[string]string, bodyHash string) types.TransactWriteItem {
	item := map[string]types.AttributeValue{
		"pk": s(leadPK(a.LeadID)), "sk": s(ActivitySK(a)), "leadId": s(a.LeadID), "activityId": s(a.ID),
		"type": s(a.Type), "occurredAt": s(ts(a.OccurredAt)), "receivedAt": s(ts(a.ReceivedAt)),
		"source": s(a.Source), "deliveryId": s(a.DeliveryID),
	}
	if bodyHash != "" {
		item["bodyHash"] = s(bodyHash)
	}
	if m := stringMap(a.Properties); m != nil {
		item["properties"] = m
	}
	if m := stringMap(fields); m != nil {
		item["fields"] = m
	}
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &l.tables.Activities, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
}

func (l *Leads) putDelivery(d ingest.Delivery, leadID string, a ingest.Answer) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &l.tables.Deliveries,
		Item: map[string]types.AttributeValue{
			"pk": s("DELIVERY#" + d.Source + "#" + d.ID), "leadId": s(leadID), "status": n(int64(a.Status)),
			"body": s(a.Body), "bodyHash": s(d.BodyHash), "createdAt": s(ts(d.At)),
			"expiresAt": n(d.At.Add(DeliveryTTL).Unix()),
		},
		// An expired delivery TTL has not deleted yet is gone as far as retries are concerned.
		ConditionExpression:                 aws.String("attribute_not_exists(pk) OR expiresAt < :now"),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": n(d.At.Unix())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
}

// replay answers a delivery already stored: the same answer, unless the body differs (a reused ID).
func replay(d ingest.Delivery, item map[string]types.AttributeValue) (ingest.Saved, error) {
	if attr(item, "bodyHash") != d.BodyHash {
		return ingest.Saved{}, ingest.ErrDeliveryReuse
	}
	status, _ := strconv.Atoi(numAttr(item, "status"))
	return ingest.Saved{LeadID: attr(item, "leadId"), Replayed: true, Answer: ingest.Answer{Status: status, Body: attr(item, "body")}}, nil
}

// Late duplicates. A delivery's record expires after DeliveryTTL, but its activities stay, under IDs derived
// from the delivery ID (lead.ActivityID): a retry that comes after the record is gone finds them and is answered
// as a replay, writing nothing. An activity whose instant the sender gave has a deterministic key, so the
// transaction's own condition finds it (no extra request). One stamped with its receipt time (no occurred_at)
// does not: for those, the lead's history is looked up by activity ID first (one Query, known leads only).

// lateReplay answers a delivery whose activity exists already: the answer it got, rebuilt (the same lead, the
// same delivery ID, the same count), unless the activity came from another body (a delivery ID reused).
func lateReplay(d ingest.Delivery, leadID string, activity map[string]types.AttributeValue, ans ingest.Answer) (ingest.Saved, error) {
	if h := attr(activity, "bodyHash"); h != "" && h != d.BodyHash {
		return ingest.Saved{}, ingest.ErrDeliveryReuse
	}
	return ingest.Saved{LeadID: leadID, Replayed: true, Late: true, Answer: ans}, nil
}

// recordedBefore looks for the activities of a delivery in the lead's history when their keys are not
// deterministic (stamped at receipt); found reports a late duplicate, answered by saved.
func (l *Leads) recordedBefore(ctx context.Context, d ingest.Delivery, leadID string, acts []lead.Activity, ans ingest.Answer) (saved ingest.Saved, found bool, err error) {
	i := slices.IndexFunc(acts, stampedAtReceipt)
	if i < 0 {
		return ingest.Saved{}, false, nil
	}
	// All the activities of a delivery are written in one transaction: finding one is finding them all.
	p := dynamodb.NewQueryPaginator(l.db, &dynamodb.QueryInput{
		TableName: &l.tables.Activities, KeyConditionExpression: aws.String("pk = :pk"),
		FilterExpression:          aws.String("activityId = :id"),
		ProjectionExpression:      aws.String("activityId, bodyHash"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": s(leadPK(leadID)), ":id": s(acts[i].ID)},
		// Eventually consistent is enough: a late duplicate's activities were written 48 hours before, and a
		// retry within the 48 hours is caught by the delivery record, in the transaction.
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return ingest.Saved{}, false, fmt.Errorf("look for delivery %s in the history of %s: %w", d.ID, leadID, err)
		}
		if len(page.Items) > 0 {
			saved, err := lateReplay(d, leadID, page.Items[0], ans)
			return saved, true, err
		}
	}
	return ingest.Saved{}, false, nil
}

// stampedAtReceipt: the sender gave no instant, so the activity's key holds its receipt time, which a retry
// does not repeat.
func stampedAtReceipt(a lead.Activity) bool { return a.OccurredAt.Equal(a.ReceivedAt) }

// transact runs a transaction. A cancellation is not an error: its per-item reasons are returned.
func (l *Leads) transact(ctx context.Context, items []types.TransactWriteItem) ([]types.CancellationReason, error) {
	_, err := l.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var cancelled *types.TransactionCanceledException
	if errors.As(err, &cancelled) && len(cancelled.CancellationReasons) == len(items) {
		return cancelled.CancellationReasons, nil
	}
	return nil, err
}

func failed(reasons []types.CancellationReason, i int) bool {
	return i < len(reasons) && aws.ToString(reasons[i].Code) == "ConditionalCheckFailed"
}

func conflicted(reasons []types.CancellationReason) bool {
	for _, r := range reasons {
		if aws.ToString(r.Code) == "TransactionConflict" {
			return true
		}
	}
	return false
}

func describe(reasons []types.CancellationReason) string {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = aws.ToString(r.Code)
	}
	return "[" + strings.Join(codes, " ") + "]"
}

func backoff(ctx context.Context, attempt int) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Duration(5<<attempt) * time.Millisecond):
	}
}

func attr(item map[string]types.AttributeValue, k string) string {
	if v, ok := item[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

func numAttr(item map[string]types.AttributeValue, k string) string {
	if v, ok := item[k].(*types.AttributeValueMemberN); ok {
		return v.Value
	}
	return ""
}

func stringMap(m map[string]string) types.AttributeValue {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]types.AttributeValue, len(m))
	for k, v := range m {
		out[k] = s(v)
	}
	return &types.AttributeValueMemberM{Value: out}
}

// profileAttributes are the lead attributes a submission sets: its non-empty values only.
func profileAttributes(sub lead.Submission) map[string]types.AttributeValue {
	out := map[string]types.AttributeValue{}
	for k, v := range submissionFields(sub) {
		out[k] = s(v)
	}
	if sub.Contact.Email != "" {
		out["freeMail"] = &types.AttributeValueMemberBOOL{Value: sub.Contact.FreeMail}
	}
	if sub.Consent != nil {
		out["consent"] = &types.AttributeValueMemberBOOL{Value: sub.Consent.Given}
		out["consentAt"] = s(ts(sub.Consent.At))
		if sub.Consent.Field != "" {
			out["consentField"] = s(sub.Consent.Field)
		}
	}
	return out
}

// activityFields are what a form_submit activity keeps of its submission: every normalised value, and the
// consent it recorded (answer, instant, question) — the proof of each consent, which the lead, holding only
// the latest, cannot give.
func activityFields(sub lead.Submission) map[string]string {
	out := submissionFields(sub)
	if c := sub.Consent; c != nil {
		out["consent"], out["consentAt"] = strconv.FormatBool(c.Given), ts(c.At)
		if c.Field != "" {
			out["consentField"] = c.Field
		}
	}
	return out
}

// submissionFields are a submission's non-empty normalised values, by attribute name; they are also kept on
// its activity, which is how old values stay in the history after newer ones replace them on the lead.
func submissionFields(sub lead.Submission) map[string]string {
	c, a := sub.Contact, sub.Attribution
	all := map[string]string{
		"email": c.Email, "emailOriginal": c.EmailOriginal, "firstName": c.FirstName, "lastName": c.LastName,
		"phone": c.Phone, "company": c.Company, "jobTitle": c.JobTitle, "companySize": c.CompanySize,
		"industry": c.Industry, "country": c.Country, "region": c.Region, "website": c.Website, "companyDomain": c.CompanyDomain,
		"utmSource": a.UTMSource, "utmMedium": a.UTMMedium, "utmCampaign": a.UTMCampaign, "utmTerm": a.UTMTerm,
		"utmContent": a.UTMContent, "referrer": a.Referrer, "message": sub.Message,
	}
	out := map[string]string{}
	for k, v := range all {
		if v != "" {
			out[k] = v
		}
	}
	return out
}
