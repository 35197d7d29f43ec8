package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// People erases a person from every table (GDPR's right to erasure): the one place that knows every copy of a
// person's data.
//
// What a person leaves, and what Forget does with it:
//   - LeadsTable: the lead's profile and the claim of their email — deleted (last, so that a run stopped half-way
//     is finished by the next one, which still finds the lead by its email).
//   - ActivitiesTable: every activity, with what each submission carried (names, the address as typed, phone,
//     message, consent proof) — deleted.
//   - SlaTable: the hand-offs — kept, as the reports count them, without what identified the person (the lead's
//     details older items copied, the rep's free-text comment) and ended: no more checks, reminders or answers,
//     the rep's load released; the SLA events and stage changes — kept as they are: they hold the lead's ID, the
//     reps and instants, nothing that identifies the person once the profile is gone; the months' reports of
//     record — the rows of the lead's hand-offs lose their comments.
//   - DeliveriesTable: the answers given to the deliveries that brought the activities — deleted (their body
//     repeats the delivery's ID, which a sender may template from the email); the deliveries' markers — kept
//     until they expire, holding the lead's ID and digests only, so that a replay of the delivery is recognised
//     and cannot bring the person back.
//
// Every step can run again: a second Forget finds nothing left and changes nothing.
type People struct {
	db       *client
	t        Tables
	handoffs *Handoffs
	reports  *Reports
}

// NewPeople builds the erasure store.
func NewPeople(db DB, t Tables) *People {
	return &People{db: newClient(db), t: t, handoffs: NewHandoffs(db, t), reports: NewReports(db, t)}
}

// Forget erases the person whose normalised email is email (see package address), at now. It returns the lead
// erased ("" when the email is unknown: nothing to do) and what was done.
func (p *People) Forget(ctx context.Context, email string, now time.Time) (string, lead.Erased, error) {
	var done lead.Erased
	claimKey := key("EMAIL#"+email, emailSK)
	out, err := p.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &p.t.Leads, Key: claimKey, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return "", done, fmt.Errorf("read the email claim: %w", err)
	}
	if out.Item == nil {
		return "", done, nil
	}
	var claim struct {
		LeadID  string   `dynamodbav:"leadId"`
		LeadIDs []string `dynamodbav:"leadIds,stringset,omitempty"`
	}
	if err := unmarshal(out.Item, &claim); err != nil || claim.LeadID == "" {
		return "", done, fmt.Errorf("stored item %s: no leadId (%v)", describeKey(out.Item), err)
	}
	id := claim.LeadID
	// The leads that held the claim before (past their retention, not deleted yet) go first; the claim's own
	// lead last, with the claim.
	for _, old := range claim.LeadIDs {
		if old == id {
			continue
		}
		if err := p.forgetLead(ctx, old, nil, now, &done); err != nil {
			return id, done, err
		}
	}
	return id, done, p.forgetLead(ctx, id, claimKey, now, &done)
}

// forgetLead erases one lead: its activities, hand-offs and report comments, then its profile — and, when
// claimKey is set, the claim of its email with it, if it is still this lead's. A form or a claim of notify may
// reach the lead while it is erased: the profile's version says so (each of them changes it), and the erasure
// goes round again until the profile it deletes is the one it read — so that nothing stored meanwhile outlives it.
func (p *People) forgetLead(ctx context.Context, id string, claimKey map[string]types.AttributeValue, now time.Time, done *lead.Erased) error {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		version, exists, err := p.profileVersion(ctx, id)
		if err != nil {
			return err
		}
		n, err := p.deleteActivities(ctx, id)
		done.Activities += n
		if err != nil {
			return err
		}
		months, err := p.forgetHandoffs(ctx, id, now, done)
		if err != nil {
			return err
		}
		for _, m := range months {
			changed, err := p.forgetInReport(ctx, m, id)
			if err != nil {
				return err
			}
			if changed {
				done.Reports++
			}
		}
		// Last: the profile (as read) and the claim (if still this lead's), together.
		profile := &types.Delete{TableName: &p.t.Leads, Key: key(leadPK(id), profileSK), ConditionExpression: aws.String("attribute_not_exists(pk)")}
		if exists {
			profile.ConditionExpression = aws.String("#v = :v")
			profile.ExpressionAttributeNames = map[string]string{"#v": "version"}
			profile.ExpressionAttributeValues = map[string]types.AttributeValue{":v": num(version)}
		}
		txn := []types.TransactWriteItem{{Delete: profile}}
		if claimKey != nil {
			txn = append(txn, types.TransactWriteItem{Delete: &types.Delete{TableName: &p.t.Leads, Key: claimKey, ConditionExpression: aws.String("leadId = :id"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":id": &types.AttributeValueMemberS{Value: id}}}})
		}
		reasons, err := transact(ctx, p.db, txn)
		switch {
		case err != nil:
			return fmt.Errorf("delete lead %s: %w", id, err)
		case reasons == nil:
			done.Leads += b2i(exists)
			done.Claims += b2i(claimKey != nil)
			return nil
		case failed(reasons, 0), conflicted(reasons):
			backoff(ctx, attempt) // changed meanwhile: once more
			continue
		}
		return fmt.Errorf("delete lead %s: %s: %w", id, describe(reasons), ErrConflict)
	}
	return fmt.Errorf("erase lead %s: it kept changing: %w", id, ErrConflict)
}

// profileVersion reads the version of the lead's profile (exists false: it is gone already).
func (p *People) profileVersion(ctx context.Context, id string) (int64, bool, error) {
	out, err := p.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &p.t.Leads, Key: key(leadPK(id), profileSK), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("#v"), ExpressionAttributeNames: map[string]string{"#v": "version"}})
	if err != nil {
		return 0, false, fmt.Errorf("read lead %s: %w", id, err)
	}
	if out.Item == nil {
		return 0, false, nil
	}
	var it struct {
		Version int64 `dynamodbav:"version"`
	}
	if err := unmarshal(out.Item, &it); err != nil {
		return 0, false, err
	}
	return it.Version, true, nil
}

// deleteActivities deletes every activity of the lead, 25 a request, and the answers of the deliveries that
// brought them (their body repeats the delivery's ID, which may name the person); the deliveries' markers stay,
// keyed by a digest of the ID, so that a replay cannot bring the person back.
func (p *People) deleteActivities(ctx context.Context, id string) (int, error) {
	var keys []map[string]types.AttributeValue
	deliveries := map[string]bool{}
	err := queryAll(ctx, p.db, &dynamodb.QueryInput{TableName: &p.t.Activities, KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: leadPK(id)}},
		ProjectionExpression:      aws.String("pk, sk, #src, deliveryId"), ExpressionAttributeNames: map[string]string{"#src": "source"},
		ConsistentRead: aws.Bool(true)}, func(items []map[string]types.AttributeValue) error {
		for _, item := range items {
			var a struct {
				Source     string `dynamodbav:"source"`
				DeliveryID string `dynamodbav:"deliveryId"`
			}
			if err := unmarshal(item, &a); err != nil {
				return err
			}
			if a.DeliveryID != "" {
				// The answer's key now, and both keys as items written before digests were kept had them.
				deliveries[DeliveryKey("DELIVERY", a.Source, a.DeliveryID)] = true
				deliveries["DELIVERY#"+a.Source+"#"+a.DeliveryID] = true
				deliveries["SEEN#"+a.Source+"#"+a.DeliveryID] = true
			}
			keys = append(keys, map[string]types.AttributeValue{"pk": item["pk"], "sk": item["sk"]})
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("read the activities: %w", err)
	}
	if err := p.deleteAll(ctx, p.t.Activities, keys); err != nil {
		return 0, fmt.Errorf("delete the activities: %w", err)
	}
	var answers []map[string]types.AttributeValue
	for pk := range deliveries {
		answers = append(answers, key(pk, ""))
	}
	if err := p.deleteAll(ctx, p.t.Deliveries, answers); err != nil {
		return len(keys), fmt.Errorf("delete the deliveries' answers: %w", err)
	}
	return len(keys), nil
}

// deleteAll deletes items by key, 25 a request (those that are not there cost nothing).
func (p *People) deleteAll(ctx context.Context, table string, keys []map[string]types.AttributeValue) error {
	for start := 0; start < len(keys); start += 25 {
		var reqs []types.WriteRequest
		for _, k := range keys[start:min(start+25, len(keys))] {
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}})
		}
		req := map[string][]types.WriteRequest{table: reqs}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == maxAttempts {
				return fmt.Errorf("unprocessed after %d attempts: %w", attempt, ErrConflict)
			}
			out, err := p.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
			if err != nil {
				return err
			}
			req = out.UnprocessedItems
			if len(req) > 0 {
				backoff(ctx, attempt)
			}
		}
	}
	return nil
}

// forgetHandoffs ends each of the lead's hand-offs and takes what identified the person off it; it returns the
// report months of the hand-offs (in the contract's zone).
func (p *People) forgetHandoffs(ctx context.Context, id string, now time.Time, done *lead.Erased) ([]contract.Month, error) {
	var keys []handoff.Key
	err := queryAll(ctx, p.db, &dynamodb.QueryInput{TableName: &p.t.SLA, KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :h)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: leadPK(id)},
			":h": &types.AttributeValueMemberS{Value: handoffPrefix}},
		ProjectionExpression: aws.String("leadId, handoffAt"), ConsistentRead: aws.Bool(true)}, func(items []map[string]types.AttributeValue) error {
		for _, item := range items {
			var it struct {
				LeadID string `dynamodbav:"leadId"`
				At     string `dynamodbav:"handoffAt"`
			}
			if err := unmarshal(item, &it); err != nil {
				return err
			}
			r := reader{item: leadPK(id) + "/" + handoffPrefix + it.At}
			k := handoff.Key{LeadID: it.LeadID, At: r.time("handoffAt", it.At)}
			if r.err != nil {
				return r.err
			}
			keys = append(keys, k)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the hand-offs: %w", err)
	}
	var months []contract.Month
	for _, k := range keys {
		var pending []string
		_, err := p.handoffs.Update(ctx, k, now, func(h *handoff.Handoff) ([]handoff.Event, error) {
			pending = slices.Clone(h.Pending)
			if !h.Forget(now) {
				return nil, handoff.ErrNoChange
			}
			return nil, nil
		})
		switch {
		case err == nil:
			done.Handoffs++
		case !errors.Is(err, handoff.ErrNoChange):
			return nil, fmt.Errorf("forget hand-off %s: %w", k, err)
		}
		// The emails of its events not sent yet are given up, so that a run of the checker holding the hand-off
		// as it was before cannot pass their gate: nothing more is sent about the person. One in flight already
		// (sending) is past stopping.
		for _, id := range pending {
			err := p.handoffs.SettleEventMail(ctx, k, id, outbox.MailClaimed, outbox.Mail{Status: outbox.MailAbandoned})
			if err != nil && !conditionFailed(err) {
				return nil, fmt.Errorf("give up the email of %s of %s: %w", id, k, err)
			}
		}
		m := contract.MonthOf(k.At.In(p.zone()))
		if len(months) == 0 || months[len(months)-1] != m {
			months = append(months, m)
		}
	}
	return months, nil
}

func (p *People) zone() *time.Location {
	if p.t.Zone == nil {
		return time.UTC
	}
	return p.t.Zone
}

// forgetInReport takes the lead's comments out of a month's report of record (its CSV rows and the comments on
// "other" rejections, the only free text the figures hold); the rows themselves stay, so the figures still add
// up. It reports whether the figures changed.
func (p *People) forgetInReport(ctx context.Context, m contract.Month, id string) (bool, error) {
	st, err := p.reports.Get(ctx, m, true)
	if errors.Is(err, records.ErrNoReport) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	figures, changed, err := withoutComments(st.Figures, id)
	if err != nil || !changed {
		return false, err
	}
	return true, p.reports.rewriteFigures(ctx, st, figures)
}

// withoutComments removes lead id's free text from encoded report figures (report.Encode's JSON: the rows'
// "RejectComment", the rejections' "Comments"). The figures are handled as JSON, not as report.Report, so that
// erasure does not link the report's rendering; TestForgetInStoredReport checks the names against report.Encode.
func withoutComments(figures []byte, id string) ([]byte, bool, error) {
	var r map[string]any
	dec := json.NewDecoder(bytes.NewReader(figures))
	dec.UseNumber() // numbers as written
	if err := dec.Decode(&r); err != nil {
		return nil, false, fmt.Errorf("decode stored figures: %w", err)
	}
	changed := false
	if rows, ok := r["SQLs"].([]any); ok {
		for _, row := range rows {
			if row, ok := row.(map[string]any); ok && row["LeadID"] == id && row["RejectComment"] != "" && row["RejectComment"] != nil {
				row["RejectComment"] = ""
				changed = true
			}
		}
	}
	if sales, ok := r["Sales"].(map[string]any); ok {
		if rejections, ok := sales["Rejections"].([]any); ok {
			for _, rj := range rejections {
				rj, ok := rj.(map[string]any)
				if !ok {
					continue
				}
				comments, ok := rj["Comments"].([]any)
				if !ok {
					continue
				}
				kept := comments[:0:0]
				for _, c := range comments {
					if c, ok := c.(map[string]any); ok && c["LeadID"] == id {
						changed = true
						continue
					}
					kept = append(kept, c)
				}
				if len(kept) == 0 {
					kept = nil
				}
				rj["Comments"] = kept
			}
		}
	}
	if !changed {
		return figures, false, nil
	}
	out, err := json.Marshal(r)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}
