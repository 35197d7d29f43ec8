package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// Leads stores leads and their activities, with the webhook deliveries that bring them.
type Leads struct {
	db *client
	t  Tables
}

// NewLeads builds the store of leads.
func NewLeads(db DB, t Tables) *Leads { return &Leads{db: newClient(db), t: t} }

// SaveSubmission stores a form submission: a new lead for its email, or an update of the lead that has it, with
// its form_submit activity and the delivery, atomically. A new lead costs one request: the email claim, the
// lead, its creation record, the activity and the delivery in one transaction. When the email is taken, the
// cancellation reason carries the owner (ReturnValuesOnConditionCheckFailure), and a second transaction updates
// it. An email whose claim has expired (its lead past its retention, not deleted yet) is free: the submission
// makes a new lead, and the old one goes.
func (s *Leads) SaveSubmission(ctx context.Context, d webhook.Delivery, sub lead.Submission, act lead.Activity, answer func(string) webhook.Answer) (webhook.Receipt, error) {
	id := lead.NewLeadID(d.At)
	ans := answer(id)
	profile := profileAttributes(sub)
	item := marshal(leadItem{PK: leadPK(id), SK: profileSK, Type: "lead", LeadID: id, Stage: string(lead.StageLead),
		Source: d.Source, Sources: []string{d.Source}, CreatedAt: stamp(d.At), UpdatedAt: stamp(d.At), ProfileAt: stamp(sub.OccurredAt), Version: 1,
		ExpiresAt: s.t.leadExpiry(d.At)})
	for k, v := range profile {
		item[k] = v
	}
	act.LeadID = id
	txn := []types.TransactWriteItem{
		s.claimEmail(sub.Contact.Email, id, d.At),
		{Put: &types.Put{TableName: &s.t.Leads, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		s.putActivity(act, activityFields(sub)),
		s.putDelivery(d, id, ans),
		s.putSeen(d, id),
		s.putCreated(id, lead.StageLead, d, sub.Attribution),
	}
	reasons, err := transact(ctx, s.db, txn)
	if err != nil {
		return webhook.Receipt{}, fmt.Errorf("create lead: %w", err)
	}
	if reasons == nil {
		return webhook.Receipt{LeadID: id, Created: true, Answer: ans}, nil
	}
	if rec, done, err := deliveryOutcome(d, reasons, 3, answer); done {
		return rec, err
	}
	if !failed(reasons, 0) {
		return webhook.Receipt{}, fmt.Errorf("create lead: unexpected cancellation %s", describe(reasons))
	}
	var claim struct {
		LeadID string `dynamodbav:"leadId"`
	}
	if err := unmarshal(reasons[0].Item, &claim); err != nil || claim.LeadID == "" {
		return webhook.Receipt{}, fmt.Errorf("create lead: the email claim holds no lead ID (%v)", err)
	}
	return s.updateLead(ctx, d, claim.LeadID, sub, act, profile, answer)
}

// updateLead applies a submission to an existing lead: newer non-empty values win; a submission older than the
// profile only fills fields still empty. The consent answer is the lead's if it is the latest answer by the
// answers' own instants (lead.Latest), whatever the order the submissions arrive in; and a lead whose latest
// answer is no holds no phone or message, whichever submission brought them (they stay on its activity). The
// submitted values stay on the activity either way. Either way the lead was heard of now: the lead and the claim
// of its email expire retention.leads from now.
//
// The first write assumes the common case — the submission is the newest, its answer (if any) the latest — under
// a condition that checks it; when the condition fails, the profile it returns decides the write, conditioned on
// that profile's version.
func (s *Leads) updateLead(ctx context.Context, d webhook.Delivery, id string, sub lead.Submission, act lead.Activity, profile map[string]types.AttributeValue, answer func(string) webhook.Answer) (webhook.Receipt, error) {
	ans := answer(id)
	act.LeadID = id
	var stored map[string]types.AttributeValue // the profile as the last condition found it; nil before
	for attempt := 0; attempt < maxAttempts; attempt++ {
		update, err := s.profileUpdate(id, d, sub, profile, stored)
		if err != nil {
			return webhook.Receipt{}, err
		}
		txn := []types.TransactWriteItem{{Update: update}, s.putActivity(act, activityFields(sub)), s.putDelivery(d, id, ans), s.putSeen(d, id),
			s.extendClaim(sub.Contact.Email, id, s.t.leadExpiry(d.At))}
		reasons, err := transact(ctx, s.db, txn)
		if err != nil {
			return webhook.Receipt{}, fmt.Errorf("update lead %s: %w", id, err)
		}
		if reasons == nil {
			return webhook.Receipt{LeadID: id, Answer: ans}, nil
		}
		if rec, done, err := deliveryOutcome(d, reasons, 2, answer); done {
			return rec, err
		}
		switch {
		case failed(reasons, 1):
			// The activity exists (its key derives from the delivery): this delivery was stored before.
			return webhook.Receipt{LeadID: id, Replayed: true, Late: true, Answer: ans}, nil
		case failed(reasons, 0):
			if reasons[0].Item == nil {
				return webhook.Receipt{}, fmt.Errorf("update lead %s: the email is claimed but the lead is gone", id)
			}
			if stored != nil {
				backoff(ctx, attempt) // another writer changed the profile since it was returned
			}
			stored = reasons[0].Item
		case failed(reasons, 4):
			// Another delivery took the email over since (its claim had expired): the sender's retry finds it.
			return webhook.Receipt{}, fmt.Errorf("update lead %s: the claim of its email changed meanwhile", id)
		case conflicted(reasons):
			backoff(ctx, attempt)
		default:
			return webhook.Receipt{}, fmt.Errorf("update lead %s: unexpected cancellation %s", id, describe(reasons))
		}
	}
	return webhook.Receipt{}, fmt.Errorf("update lead %s: %w", id, ErrConflict)
}

// merge is what a submission does to the profile it reaches.
type merge struct {
	newer   bool // at least as recent as the profile: its non-empty values win; else they fill empty fields only
	answers bool // its consent answer is the lead's latest answer from now on
	refused bool // the lead's latest answer is no after it: no phone or message on the lead
}

// profileUpdate is the submission's update of the profile: with stored nil, the common case (the submission is
// the newest and its answer the latest), under the condition that it is; else as stored (the profile a failed
// condition returned) decides, under the condition that the profile is still that version.
func (s *Leads) profileUpdate(id string, d webhook.Delivery, sub lead.Submission, profile map[string]types.AttributeValue, stored map[string]types.AttributeValue) (*types.Update, error) {
	at := stamp(sub.OccurredAt)
	var submitted *lead.Consent
	if sub.Consent != nil {
		c := *sub.Consent
		c.At = c.At.Truncate(time.Millisecond) // as stored
		submitted = &c
	}
	carries := profile["phone"] != nil || profile["message"] != nil
	m := merge{newer: true, answers: submitted != nil, refused: submitted.Refused()}
	cond := expression.AttributeExists(expression.Name("pk")).And(expression.Or(expression.AttributeNotExists(expression.Name("profileAt")),
		expression.Name("profileAt").LessThanEqual(expression.Value(at))))
	switch {
	case stored != nil:
		var it leadItem
		if err := unmarshal(stored, &it); err != nil {
			return nil, err
		}
		l, err := it.toLead()
		if err != nil {
			return nil, err
		}
		latest := lead.Latest(l.Consent, submitted)
		m = merge{newer: it.ProfileAt == "" || it.ProfileAt <= at, answers: submitted != nil && latest == submitted, refused: latest.Refused()}
		cond = expression.Name("version").Equal(expression.Value(it.Version))
	case submitted != nil:
		cond = cond.And(expression.Or(expression.AttributeNotExists(expression.Name("consentAt")),
			expression.Name("consentAt").LessThan(expression.Value(stamp(submitted.At)))))
	case carries:
		// No answer: the lead's stays, and it must not be a no for the phone and message to reach the lead.
		cond = cond.And(expression.Or(expression.AttributeNotExists(expression.Name("consent")),
			expression.Name("consent").Equal(expression.Value(true))))
	}
	upd := expression.Set(expression.Name("updatedAt"), expression.Value(stamp(d.At))).
		Set(expression.Name("expiresAt"), expression.Value(s.t.leadExpiry(d.At))).
		Add(expression.Name("version"), expression.Value(1)).
		Add(expression.Name("sources"), expression.Value(&types.AttributeValueMemberSS{Value: []string{d.Source}}))
	for k, v := range profile {
		switch {
		case k == "consent" || k == "consentAt" || k == "consentField":
			continue // the answer, below
		case m.refused && (k == "phone" || k == "message"):
			continue
		case m.newer:
			upd = upd.Set(expression.Name(k), expression.Value(v))
		default:
			upd = upd.Set(expression.Name(k), expression.IfNotExists(expression.Name(k), expression.Value(v)))
		}
	}
	if m.answers {
		upd = upd.Set(expression.Name("consent"), expression.Value(submitted.Given)).
			Set(expression.Name("consentAt"), expression.Value(stamp(submitted.At)))
		if submitted.Field != "" {
			upd = upd.Set(expression.Name("consentField"), expression.Value(submitted.Field))
		} else {
			upd = upd.Remove(expression.Name("consentField")) // the question of an earlier answer
		}
	}
	if m.refused {
		// The lead's latest answer is no: the contact details it held go (lead.Submission.Minimised keeps none),
		// and none comes back with a form that does not ask, or one from before the refusal delivered late.
		upd = upd.Remove(expression.Name("phone")).Remove(expression.Name("message"))
	}
	if m.newer {
		upd = upd.Set(expression.Name("profileAt"), expression.Value(at))
	}
	expr, err := expression.NewBuilder().WithUpdate(upd).WithCondition(cond).Build()
	if err != nil {
		return nil, fmt.Errorf("profile update of %s: %w", id, err)
	}
	return &types.Update{TableName: &s.t.Leads, Key: key(leadPK(id), profileSK), UpdateExpression: expr.Update(),
		ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}, nil
}

// SaveActivities records activities of a lead (by ID or email) with the delivery, atomically. An unknown email
// becomes a subscriber lead when create is set; otherwise an unknown lead is lead.ErrNotFound.
func (s *Leads) SaveActivities(ctx context.Context, d webhook.Delivery, ref lead.LeadRef, acts []lead.Activity, create bool, answer func(string) webhook.Answer) (webhook.Receipt, error) {
	id := ref.ID
	if id == "" {
		found, err := s.FindLead(ctx, ref)
		if err != nil {
			return webhook.Receipt{}, err
		}
		id = found
	}
	if id == "" && !create {
		return webhook.Receipt{}, lead.ErrNotFound
	}
	created := false
	var txn []types.TransactWriteItem
	if id == "" {
		// Someone we only know by email: a subscriber, until a form tells us more.
		id, created = lead.NewLeadID(d.At), true
		item := marshal(leadItem{PK: leadPK(id), SK: profileSK, Type: "lead", LeadID: id, Stage: string(lead.StageSubscriber),
			Email: ref.Email, Source: d.Source, Sources: []string{d.Source}, CreatedAt: stamp(d.At), UpdatedAt: stamp(d.At), Version: 1,
			ExpiresAt: s.t.leadExpiry(d.At)})
		txn = append(txn, s.claimEmail(ref.Email, id, d.At),
			types.TransactWriteItem{Put: &types.Put{TableName: &s.t.Leads, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
			s.putCreated(id, lead.StageSubscriber, d, lead.Attribution{}))
	} else {
		// A lead past its retention is gone, even before DynamoDB deletes it. (Its expiry moves with the
		// activities when score reads them: Rescore.)
		txn = append(txn, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
			TableName: &s.t.Leads, Key: key(leadPK(id), profileSK),
			ConditionExpression:       aws.String("attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :now)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(time.Now().Unix())},
		}})
	}
	ans := answer(id)
	first := len(txn)
	for _, a := range acts {
		a.LeadID = id
		txn = append(txn, s.putActivity(a, nil))
	}
	last := len(txn)
	txn = append(txn, s.putDelivery(d, id, ans), s.putSeen(d, id))
	for attempt := 0; attempt < maxAttempts; attempt++ {
		reasons, err := transact(ctx, s.db, txn)
		if err != nil {
			return webhook.Receipt{}, fmt.Errorf("record activities of %s: %w", id, err)
		}
		if reasons == nil {
			return webhook.Receipt{LeadID: id, Created: created, Answer: ans}, nil
		}
		if rec, done, err := deliveryOutcome(d, reasons, last, answer); done {
			return rec, err
		}
		switch {
		case created && failed(reasons, 0):
			// Another delivery created the lead meanwhile: record against it.
			var claim struct {
				LeadID string `dynamodbav:"leadId"`
			}
			if err := unmarshal(reasons[0].Item, &claim); err != nil {
				return webhook.Receipt{}, err
			}
			return s.SaveActivities(ctx, d, lead.LeadRef{ID: claim.LeadID}, acts, false, answer)
		case !created && failed(reasons, 0):
			return webhook.Receipt{}, lead.ErrNotFound
		case anyFailed(reasons, first, last) >= 0:
			// An activity exists (its key derives from the delivery): this delivery was stored before.
			return webhook.Receipt{LeadID: id, Replayed: true, Late: true, Answer: ans}, nil
		case conflicted(reasons):
			backoff(ctx, attempt)
		default:
			return webhook.Receipt{}, fmt.Errorf("record activities of %s: unexpected cancellation %s", id, describe(reasons))
		}
	}
	return webhook.Receipt{}, fmt.Errorf("record activities of %s: %w", id, ErrConflict)
}

// FindLead resolves a lead reference to an ID ("" when there is no such lead, or it is past its retention).
func (s *Leads) FindLead(ctx context.Context, ref lead.LeadRef) (string, error) {
	k := key(leadPK(ref.ID), profileSK)
	if ref.ID == "" {
		k = key("EMAIL#"+ref.Email, emailSK)
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.t.Leads, Key: k, ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("leadId, expiresAt")})
	if err != nil {
		return "", fmt.Errorf("find lead: %w", err)
	}
	var it struct {
		LeadID    string `dynamodbav:"leadId"`
		ExpiresAt int64  `dynamodbav:"expiresAt"`
	}
	if err := unmarshal(out.Item, &it); err != nil {
		return "", err
	}
	if expired(it.ExpiresAt) {
		return "", nil
	}
	return it.LeadID, nil
}

// CountDiscarded counts a submission dropped on purpose (a filled honeypot), by month, reason and source.
func (s *Leads) CountDiscarded(ctx context.Context, source, reason string, at time.Time) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.t.SLA, Key: key("STATS#"+s.t.month(at), "DISCARDED#"+reason+"#"+source),
		UpdateExpression: aws.String("ADD #count :one"), ExpressionAttributeNames: map[string]string{"#count": "count"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1)},
	})
	if err != nil {
		return fmt.Errorf("count discarded: %w", err)
	}
	return nil
}

// claimEmail claims an email for a new lead: unless another lead has it — a claim past its expiresAt (its lead
// past its retention, not deleted yet) is taken over.
func (s *Leads) claimEmail(email, id string, at time.Time) types.TransactWriteItem {
	// An update rather than a put: the claim keeps the IDs of every lead that held it (leadIds), so that an
	// erasure by the email also finds a lead past its retention whose claim a new lead took over, before
	// DynamoDB deletes it.
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.t.Leads, Key: key("EMAIL#"+email, emailSK),
		UpdateExpression:         aws.String("SET #type = :type, leadId = :id, createdAt = :at, expiresAt = :e ADD leadIds :ids"),
		ConditionExpression:      aws.String("attribute_not_exists(pk) OR expiresAt <= :now"),
		ExpressionAttributeNames: map[string]string{"#type": "type"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": str("email"), ":id": str(id), ":at": str(stamp(at)),
			":e": num(s.t.leadExpiry(at)), ":ids": &types.AttributeValueMemberSS{Value: []string{id}}, ":now": num(time.Now().Unix())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}}
}

// extendClaim gives the claim of a lead's email the lead's new expiresAt, on the condition that it is still that
// lead's: the two always expire together (a claim outliving its lead is taken over; a lead outliving its claim
// would let its email make a second lead).
func (s *Leads) extendClaim(email, id string, expiresAt int64) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.t.Leads, Key: key("EMAIL#"+email, emailSK),
		UpdateExpression: aws.String("SET expiresAt = :e"), ConditionExpression: aws.String("leadId = :id"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":e": num(expiresAt), ":id": str(id)}}}
}

func (s *Leads) putActivity(a lead.Activity, fields map[string]string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.t.Activities, Item: marshal(s.t.newActivityItem(a, fields)),
		ConditionExpression: aws.String("attribute_not_exists(pk)")}}
}

// putCreated records a lead's creation for the report (by-month): where it came from.
func (s *Leads) putCreated(id string, stage lead.Stage, d webhook.Delivery, a lead.Attribution) types.TransactWriteItem {
	e := s.t.newCreatedItem(id, string(stage), d.At, d.Source, a.UTMSource, a.UTMMedium, a.UTMCampaign)
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(e), ConditionExpression: aws.String("attribute_not_exists(pk)")}}
}

func (t Tables) newCreatedItem(id, stage string, at time.Time, source, utmSource, utmMedium, utmCampaign string) createdItem {
	return createdItem{PK: leadPK(id), SK: "EVT#" + stamp(at) + "#lead", Kind: "lead", LeadID: id, At: stamp(at), Stage: stage,
		Source: source, UTMSource: utmSource, UTMMedium: utmMedium, UTMCampaign: utmCampaign,
		Month: t.monthShard(at, id), MonthSK: "lead#" + stamp(at) + "#" + id, ExpiresAt: t.recordExpiry(at)}
}

// createdItem is a lead's creation record (by-month: kind lead).
type createdItem struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Kind        string `dynamodbav:"kind"`
	LeadID      string `dynamodbav:"leadId"`
	At          string `dynamodbav:"at"`
	Stage       string `dynamodbav:"stage"`
	Source      string `dynamodbav:"source"`
	UTMSource   string `dynamodbav:"utmSource,omitempty"`
	UTMMedium   string `dynamodbav:"utmMedium,omitempty"`
	UTMCampaign string `dynamodbav:"utmCampaign,omitempty"`
	Month       string `dynamodbav:"month"`
	MonthSK     string `dynamodbav:"monthSk"`
	ExpiresAt   int64  `dynamodbav:"expiresAt"` // retention.handoffs after at
}

// Get reads a lead, consistently; lead.ErrNotFound when there is none, or it is past its retention.
func (s *Leads) Get(ctx context.Context, id string) (lead.Lead, error) {
	_, l, err := s.get(ctx, id)
	return l, err
}

func (s *Leads) get(ctx context.Context, id string) (leadItem, lead.Lead, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.t.Leads, Key: key(leadPK(id), profileSK), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return leadItem{}, lead.Lead{}, fmt.Errorf("load lead %s: %w", id, err)
	}
	if out.Item == nil {
		return leadItem{}, lead.Lead{}, lead.ErrNotFound
	}
	var it leadItem
	if err := unmarshal(out.Item, &it); err != nil {
		return leadItem{}, lead.Lead{}, err
	}
	if expired(it.ExpiresAt) {
		return leadItem{}, lead.Lead{}, lead.ErrNotFound
	}
	l, err := it.toLead()
	return it, l, err
}

// NameAndCompany reads only what a page shows of a lead — its name and company — with a projection, so that a
// role allowed only these attributes (the feedback function's, in template.yaml) can read them and no more;
// lead.ErrNotFound when there is no such lead, or it is past its retention.
func (s *Leads) NameAndCompany(ctx context.Context, id string) (lead.Lead, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.t.Leads, Key: key(leadPK(id), profileSK), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String(strings.Join(nameAndCompany, ", "))})
	if err != nil {
		return lead.Lead{}, fmt.Errorf("load the name of lead %s: %w", id, err)
	}
	var it leadItem
	if out.Item != nil {
		if err := unmarshal(out.Item, &it); err != nil {
			return lead.Lead{}, err
		}
	}
	if out.Item == nil || expired(it.ExpiresAt) {
		return lead.Lead{}, lead.ErrNotFound
	}
	return lead.Lead{ID: id, Contact: lead.Contact{FirstName: it.FirstName, LastName: it.LastName, Company: it.Company}}, nil
}

// nameAndCompany are the attributes NameAndCompany reads: the feedback function's policy allows exactly these.
var nameAndCompany = []string{"firstName", "lastName", "company", "expiresAt"}

// Activities reads a lead's activities in time order (every page), consistently.
func (s *Leads) Activities(ctx context.Context, id string) ([]lead.Activity, error) {
	return s.activitiesFrom(ctx, id, time.Time{})
}

// activitiesFrom reads a lead's activities that occurred at or after from (all of them when from is zero), in
// time order, consistently: a key condition on the sort key (instant first), so that the older ones are not
// read at all — a filter would read them, and they would cost read capacity.
func (s *Leads) activitiesFrom(ctx context.Context, id string, from time.Time) ([]lead.Activity, error) {
	in := &dynamodb.QueryInput{
		TableName: &s.t.Activities, KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leadPK(id))}, ConsistentRead: aws.Bool(true),
	}
	if !from.IsZero() {
		in.KeyConditionExpression = aws.String("pk = :pk AND sk >= :from")
		in.ExpressionAttributeValues[":from"] = str(stamp(from))
	}
	var acts []lead.Activity
	err := queryAll(ctx, s.db, in, func(items []map[string]types.AttributeValue) error {
		for _, item := range items {
			var it activityItem
			if err := unmarshal(item, &it); err != nil {
				return err
			}
			a, err := it.toActivity()
			if err != nil {
				return err
			}
			acts = append(acts, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load activities of %s: %w", id, err)
	}
	return acts, nil
}

// Rescore reads a lead and its whole history, asks decide for the change to save (nil: none), and saves it on
// the condition that the lead is still the version read — a stage change and its transition record in one
// transaction, so the report never misses or doubles one. When another writer got there first, it reads again
// and asks again. It returns the change saved (nil when none).
//
// It also keeps the lead's expiresAt: retention.leads after the last thing heard of it, which the history
// tells (every activity that reaches the lead is scored). When that moved (a new activity on a later day, or a
// new retention in the contract) the lead and the claim of its email are written with it, even without a change
// of score.
func (s *Leads) Rescore(ctx context.Context, id string, decide func(lead.Lead, []lead.Activity) *scoring.Change) (*scoring.Change, error) {
	return s.rescore(ctx, id, nil, decide)
}

// RescoreFrom is Rescore reading only what rd says the score needs (scoring.Reading.From): the activities
// from that instant on, and for the older ones the landmarks stored on the lead (scoring.Landmarks); the whole
// history when the landmarks are missing or were picked for other rules. It picks the landmarks again from what
// it read and stores them with the change it saves (or the new expiry), and only then: a re-score that writes
// nothing leaves the stored ones, which still stand for what they stood for.
func (s *Leads) RescoreFrom(ctx context.Context, id string, rd scoring.Reading, decide func(lead.Lead, []lead.Activity) *scoring.Change) (*scoring.Change, error) {
	return s.rescore(ctx, id, &rd, decide)
}

func (s *Leads) rescore(ctx context.Context, id string, rd *scoring.Reading, decide func(lead.Lead, []lead.Activity) *scoring.Change) (*scoring.Change, error) {
	withClaim := true
	for attempt := 0; attempt < maxAttempts; attempt++ {
		it, l, err := s.get(ctx, id)
		if err != nil {
			return nil, err
		}
		var acts []lead.Activity
		var marks string
		refresh := false
		if rd == nil {
			acts, err = s.Activities(ctx, id)
		} else {
			acts, marks, refresh, err = s.history(ctx, it, l, *rd)
		}
		if err != nil {
			return nil, err
		}
		received := make([]time.Time, len(acts))
		for i, a := range acts {
			received[i] = a.ReceivedAt
		}
		heard := lastHeard(l.CreatedAt, l.UpdatedAt, append(received, when(it.HeardAt)))
		expires := s.t.leadExpiry(heard)
		ch := decide(l, acts)
		if ch == nil && expires == it.ExpiresAt && !refresh {
			return nil, nil
		}
		claim := ""
		if expires != it.ExpiresAt && withClaim {
			claim = l.Contact.Email
		}
		err = s.saveScore(ctx, l, ch, heard, expires, claim, marks)
		switch {
		case errors.Is(err, errClaim):
			withClaim = false // gone or taken over (it had expired): the lead alone
			continue
		case errors.Is(err, errVersion):
			backoff(ctx, attempt)
			continue
		case err != nil:
			return nil, err
		}
		return ch, nil
	}
	return nil, fmt.Errorf("rescore %s: %w", id, ErrConflict)
}

// history reads what a re-score needs of a lead's history (RescoreFrom): the landmarks stored on the lead that
// occurred before rd.From and the activities from it on, in the store's order (or the whole history). It also
// returns the landmarks to store, picked from them ("" under rules that count some activity forever: the whole
// history is read anyway), and whether they must be written even without a change (the stored ones are missing
// or stand for nothing). A landmark whose activity has expired (retention.activities) is gone, as the activity is.
func (s *Leads) history(ctx context.Context, it leadItem, l lead.Lead, rd scoring.Reading) (acts []lead.Activity, marks string, refresh bool, err error) {
	stored, err := it.landmarks(s.t, rd.Now)
	if err != nil {
		return nil, "", false, err
	}
	from, ok := rd.From(l, stored)
	if ok {
		cut := stamp(from)
		for _, a := range stored.Acts {
			if activitySK(a) < cut {
				acts = append(acts, a)
			}
		}
	} else {
		from = time.Time{}
	}
	read, err := s.activitiesFrom(ctx, l.ID, from)
	if err != nil {
		return nil, "", false, err
	}
	acts = append(acts, read...)
	if _, bounded := scoring.Horizon(rd.Contract.Scoring); !bounded {
		return acts, "", false, nil
	}
	// Landmarks stand for what occurred before an instant no later re-score precedes (to the millisecond, as
	// stored).
	picked := rd.Landmarks(l, acts, rd.Now.UTC().Truncate(time.Millisecond))
	return acts, encodeLandmarks(picked), stored == nil || stored.Rules != picked.Rules, nil
}

var (
	errVersion = errors.New("the lead changed meanwhile")
	errClaim   = errors.New("the claim of the lead's email is not the lead's")
)

// saveScore writes a change of score (nil: none, only the expiry) and the lead's expiresAt under the lead's
// version; with the claim of its email (claim: the email; "" to leave it) in the same transaction, so that they
// never expire apart.
func (s *Leads) saveScore(ctx context.Context, l lead.Lead, ch *scoring.Change, heard time.Time, expires int64, claim, landmarks string) error {
	upd := expression.Set(expression.Name("expiresAt"), expression.Value(expires)).Set(expression.Name("heardAt"), expression.Value(stamp(heard))).
		Add(expression.Name("version"), expression.Value(1))
	if landmarks != "" {
		upd = upd.Set(expression.Name("landmarks"), expression.Value(landmarks))
	}
	if ch != nil {
		var err error
		if upd, err = scoreUpdate(upd, l, ch); err != nil {
			return err
		}
	}
	expr, err := expression.NewBuilder().WithUpdate(upd).WithCondition(expression.Name("version").Equal(expression.Value(l.Version))).Build()
	if err != nil {
		return fmt.Errorf("score update of %s: %w", l.ID, err)
	}
	update := &types.Update{TableName: &s.t.Leads, Key: key(leadPK(l.ID), profileSK), UpdateExpression: expr.Update(),
		ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values()}
	txn := []types.TransactWriteItem{{Update: update}}
	// The records of this change, written with it or not at all: its stage change and the hold it starts.
	if ch != nil && ch.Move != nil {
		txn = append(txn, types.TransactWriteItem{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(s.transition(l, ch)), ConditionExpression: aws.String("attribute_not_exists(pk)")}})
	}
	if ch != nil && ch.HoldStarts && ch.Held != nil {
		txn = append(txn, types.TransactWriteItem{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(s.hold(l, ch)), ConditionExpression: aws.String("attribute_not_exists(pk)")}})
	}
	if claim != "" {
		txn = append(txn, s.extendClaim(claim, l.ID, expires))
	}
	if len(txn) == 1 {
		_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: update.TableName, Key: update.Key, UpdateExpression: update.UpdateExpression,
			ConditionExpression: update.ConditionExpression, ExpressionAttributeNames: update.ExpressionAttributeNames, ExpressionAttributeValues: update.ExpressionAttributeValues})
		switch {
		case conditionFailed(err):
			return errVersion
		case err != nil:
			return fmt.Errorf("save score of %s: %w", l.ID, err)
		}
		return nil
	}
	reasons, err := transact(ctx, s.db, txn)
	switch {
	case err != nil:
		return fmt.Errorf("save score of %s: %w", l.ID, err)
	case reasons == nil:
		return nil
	case failed(reasons, 0), conflicted(reasons):
		return errVersion
	case claim != "" && failed(reasons, len(txn)-1):
		return errClaim
	}
	return fmt.Errorf("save score of %s: unexpected cancellation %s", l.ID, describe(reasons))
}

// scoreUpdate adds a change of score and stage to a lead's update.
func scoreUpdate(upd expression.UpdateBuilder, l lead.Lead, ch *scoring.Change) (expression.UpdateBuilder, error) {
	explanation, err := json.Marshal(ch.Result.Explanation)
	if err != nil {
		return upd, fmt.Errorf("explanation of %s: %w", l.ID, err)
	}
	r := ch.Result
	upd = upd.Set(expression.Name("stage"), expression.Value(string(ch.Stage))).
		Set(expression.Name("fitScore"), expression.Value(r.Fit)).
		Set(expression.Name("behaviourScore"), expression.Value(r.Behaviour)).
		Set(expression.Name("score"), expression.Value(r.Total)).
		Set(expression.Name("explanation"), expression.Value(string(explanation))).
		Set(expression.Name("scoredAt"), expression.Value(stamp(ch.At))).
		Set(expression.Name("scoreContract"), expression.Value(ch.ContractVersion)).
		Set(expression.Name("belowSqlThreshold"), expression.Value(ch.BelowSQL)).
		Set(expression.Name("qualifiesFor"), expression.Value(string(r.Qualifies)))
	if m := ch.Move; m != nil {
		upd = upd.Set(expression.Name("stageAt"), expression.Value(stamp(ch.At)))
		if m.To == lead.StageSQL {
			upd = upd.Set(expression.Name("sqlAt"), expression.Value(stamp(ch.At))) // the hand-off instant
		}
		if m.To == lead.StageCustomer && m.Amount != "" {
			upd = upd.Set(expression.Name("dealAmount"), expression.Value(m.Amount)).Set(expression.Name("dealCurrency"), expression.Value(m.Currency))
		}
	}
	if h := ch.Held; h == nil {
		upd = upd.Remove(expression.Name("heldAt")).Remove(expression.Name("heldReason")).Remove(expression.Name("heldCause"))
	} else {
		upd = upd.Set(expression.Name("heldAt"), expression.Value(stamp(h.At))).
			Set(expression.Name("heldReason"), expression.Value(string(h.Reason))).
			Set(expression.Name("heldCause"), expression.Value(h.Cause))
	}
	if len(ch.BelowSQLAts) == 0 {
		upd = upd.Remove(expression.Name("belowSqlAts"))
	} else {
		upd = upd.Set(expression.Name("belowSqlAts"), expression.Value(stamps(ch.BelowSQLAts)))
	}
	if ch.DecayAt.IsZero() {
		upd = upd.Remove(expression.Name("decayBucket")).Remove(expression.Name("decayAt"))
	} else {
		upd = upd.Set(expression.Name("decayBucket"), expression.Value(decayBucket(l.ID))).Set(expression.Name("decayAt"), expression.Value(stamp(ch.DecayAt)))
	}
	return upd, nil
}

// transitionItem is a stage change (by-month: kind stage.<to>), with where the lead came from, for the report.
type transitionItem struct {
	PK              string  `dynamodbav:"pk"`
	SK              string  `dynamodbav:"sk"`
	Kind            string  `dynamodbav:"kind"`
	LeadID          string  `dynamodbav:"leadId"`
	From            string  `dynamodbav:"from"`
	To              string  `dynamodbav:"to"`
	Cause           string  `dynamodbav:"cause"`
	CauseActivityID string  `dynamodbav:"causeActivityId,omitempty"`
	At              string  `dynamodbav:"at"`
	Score           float64 `dynamodbav:"score"`
	FitScore        float64 `dynamodbav:"fitScore"`
	BehaviourScore  float64 `dynamodbav:"behaviourScore"`
	ContractVersion string  `dynamodbav:"contractVersion"`
	Source          string  `dynamodbav:"source,omitempty"`
	UTMCampaign     string  `dynamodbav:"utmCampaign,omitempty"`
	Amount          string  `dynamodbav:"amount,omitempty"`
	Currency        string  `dynamodbav:"currency,omitempty"`
	Month           string  `dynamodbav:"month"`
	MonthSK         string  `dynamodbav:"monthSk"`
	ExpiresAt       int64   `dynamodbav:"expiresAt"` // retention.handoffs after at
}

func (s *Leads) transition(l lead.Lead, ch *scoring.Change) transitionItem {
	m := ch.Move
	return transitionItem{From: string(m.From), Cause: m.Cause, CauseActivityID: m.Activity,
		Score: ch.Result.Total, FitScore: ch.Result.Fit, BehaviourScore: ch.Result.Behaviour, ContractVersion: ch.ContractVersion,
		Source: l.Source, UTMCampaign: l.Attribution.UTMCampaign, Amount: m.Amount, Currency: m.Currency}.keyed(s.t, l.ID, string(m.To), ch.At)
}

// keyed sets a transition's keys, kind and instant: the lead's, to the stage to, at at.
func (it transitionItem) keyed(t Tables, leadID, to string, at time.Time) transitionItem {
	it.PK, it.SK, it.Kind, it.LeadID, it.To, it.At = leadPK(leadID), "EVT#"+stamp(at)+"#stage#"+to, "stage", leadID, to, stamp(at)
	it.Month, it.MonthSK = t.monthShard(at, leadID), "stage."+to+"#"+stamp(at)+"#"+leadID
	it.ExpiresAt = t.recordExpiry(at)
	return it
}

// holdItem is the start of a hold (by-month: kind held): a lead that qualified for sales at At and was kept from
// them for want of consent. The report counts the month's holds not handed off by its instant.
type holdItem struct {
	PK              string `dynamodbav:"pk"`
	SK              string `dynamodbav:"sk"`
	Kind            string `dynamodbav:"kind"`
	LeadID          string `dynamodbav:"leadId"`
	At              string `dynamodbav:"at"`
	Reason          string `dynamodbav:"reason"`
	Cause           string `dynamodbav:"cause"`
	ContractVersion string `dynamodbav:"contractVersion"`
	Source          string `dynamodbav:"source,omitempty"`
	UTMCampaign     string `dynamodbav:"utmCampaign,omitempty"`
	Month           string `dynamodbav:"month"`
	MonthSK         string `dynamodbav:"monthSk"`
	ExpiresAt       int64  `dynamodbav:"expiresAt,omitempty"`
}

func (s *Leads) hold(l lead.Lead, ch *scoring.Change) holdItem {
	h := ch.Held
	return holdItem{PK: leadPK(l.ID), SK: "EVT#" + stamp(h.At) + "#held", Kind: "held", LeadID: l.ID, At: stamp(h.At),
		Reason: string(h.Reason), Cause: h.Cause, ContractVersion: ch.ContractVersion, Source: l.Source, UTMCampaign: l.Attribution.UTMCampaign,
		Month: s.t.monthShard(h.At, l.ID), MonthSK: "held#" + stamp(h.At) + "#" + l.ID, ExpiresAt: s.t.recordExpiry(h.At)}
}

// ForEachDecayDue calls fn with each lead whose decay time has passed (the sparse decay-due index, every
// partition, every page). fn returning an error stops the walk with it.
func (s *Leads) ForEachDecayDue(ctx context.Context, before time.Time, fn func(leadID string) error) error {
	for b := 0; b < decayBuckets; b++ {
		err := queryAll(ctx, s.db, &dynamodb.QueryInput{
			TableName: &s.t.Leads, IndexName: aws.String("decay-due"),
			KeyConditionExpression:    aws.String("decayBucket = :b AND decayAt <= :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":b": str(fmt.Sprintf("DECAY#%d", b)), ":t": str(stamp(before))},
			Limit:                     aws.Int32(100),
		}, func(items []map[string]types.AttributeValue) error {
			for _, item := range items {
				var it struct {
					PK string `dynamodbav:"pk"`
				}
				if err := unmarshal(item, &it); err != nil {
					return err
				}
				id, ok := strings.CutPrefix(it.PK, "LEAD#")
				if !ok {
					return fmt.Errorf("decay-due index holds %s, not a lead", it.PK)
				}
				if err := fn(id); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// GetMany reads leads by ID (BatchGetItem, 100 at a time, unprocessed keys retried); missing ones are left out.
func (s *Leads) GetMany(ctx context.Context, ids []string) (map[string]lead.Lead, error) {
	out := make(map[string]lead.Lead, len(ids))
	var mu sync.Mutex
	err := batchGet(ctx, s.db, s.t.Leads, leadKeys(ids), nil, 4, func(item map[string]types.AttributeValue) error {
		var it leadItem
		if err := unmarshal(item, &it); err != nil {
			return err
		}
		l, err := it.toLead()
		if err != nil {
			return err
		}
		mu.Lock()
		out[l.ID] = l
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read leads: %w", err)
	}
	return out, nil
}

// ExportLeads calls fn with every lead of t.Leads and its activities. It scans the leads table: it is for the
// offline `handoff export` (what-if analyses), never for a function's path. A function rather than a method of
// Leads: the functions that render html/template keep every exported method of a type reflection may reach
// (Leads is one), and so linked this scan.
func ExportLeads(ctx context.Context, db DB, t Tables, fn func(lead.Lead, []lead.Activity) error) error {
	s := NewLeads(db, t)
	in := &dynamodb.ScanInput{
		TableName: &s.t.Leads, FilterExpression: aws.String("#t = :lead"), ProjectionExpression: aws.String("leadId"),
		ExpressionAttributeNames: map[string]string{"#t": "type"}, ExpressionAttributeValues: map[string]types.AttributeValue{":lead": str("lead")},
	}
	for {
		page, err := s.db.Scan(ctx, in)
		if err != nil {
			return fmt.Errorf("export leads: %w", err)
		}
		for _, item := range page.Items {
			var it struct {
				LeadID string `dynamodbav:"leadId"`
			}
			if err := unmarshal(item, &it); err != nil {
				return err
			}
			l, err := s.Get(ctx, it.LeadID)
			if err != nil {
				return err
			}
			acts, err := s.Activities(ctx, it.LeadID)
			if err != nil {
				return err
			}
			if err := fn(l, acts); err != nil {
				return err
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}
