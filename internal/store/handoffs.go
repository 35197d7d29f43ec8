package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/routing"
)

// Handoffs stores SQL hand-offs, their SLA events and the routing counters.
type Handoffs struct {
	db *client
	t  Tables
}

// NewHandoffs builds the store of hand-offs.
func NewHandoffs(db DB, t Tables) *Handoffs { return &Handoffs{db: newClient(db), t: t} }

// Claim stores a new hand-off, claimed for its first rep, in one transaction with: the assignment's round-robin
// counts (only if still the counts the choice was made on; count is nil for a kept owner or the fallback), the
// rep's open SQLs (capacity enforced), and the lead's owner. It returns handoff.ErrClaimed with the existing
// hand-off when there is one (the record was delivered before), routing.ErrCountChanged when another
// assignment moved a count (choose again), lead.ErrNotFound when the lead is gone.
func (s *Handoffs) Claim(ctx context.Context, h *handoff.Handoff, count *routing.Count, now time.Time) (handoff.Handoff, error) {
	h.Version = 1
	h.NoteAlerted(handoff.Handoff{})
	a := h.Assignments[len(h.Assignments)-1]
	txn := []types.TransactWriteItem{{Put: &types.Put{
		TableName: &s.t.SLA, Item: marshal(s.t.newHandoffItem(h, now)), ConditionExpression: aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}}
	if count != nil {
		txn = append(txn, s.countAssignment(count))
		for _, other := range count.StartTeam {
			txn = append(txn, types.TransactWriteItem{Put: &types.Put{
				TableName: &s.t.SLA, ConditionExpression: aws.String("attribute_not_exists(pk)"),
				Item: marshal(routingItem{PK: "ROUTING#" + count.Team, SK: "REP#" + other}),
			}})
		}
	}
	maxOpen := 0
	if count != nil {
		maxOpen = count.MaxOpen
	}
	txn = append(txn, s.openSQLs(a.RepID, 1, maxOpen), s.owner(h.LeadID, a, now))
	reasons, err := transact(ctx, s.db, txn)
	switch {
	case err != nil:
		return handoff.Handoff{}, fmt.Errorf("claim hand-off %s: %w", h.Key, err)
	case reasons == nil:
		return *h, nil
	case failed(reasons, 0):
		var it handoffItem
		if err := unmarshal(reasons[0].Item, &it); err != nil {
			return handoff.Handoff{}, err
		}
		existing, err := it.toHandoff()
		if err != nil {
			return handoff.Handoff{}, err
		}
		return existing, handoff.ErrClaimed
	case anyFailed(reasons, 1, len(reasons)-1) >= 0, conflicted(reasons):
		return handoff.Handoff{}, routing.ErrCountChanged
	case failed(reasons, len(reasons)-1):
		return handoff.Handoff{}, lead.ErrNotFound
	}
	return handoff.Handoff{}, fmt.Errorf("claim hand-off %s: unexpected cancellation %s", h.Key, describe(reasons))
}

// routingItem is a rep's assignments in a team (round-robin).
type routingItem struct {
	PK       string `dynamodbav:"pk"` // ROUTING#<team>
	SK       string `dynamodbav:"sk"` // REP#<rep>
	Assigned int    `dynamodbav:"assigned"`
}

func (s *Handoffs) countAssignment(c *routing.Count) types.TransactWriteItem {
	pk, sk := "ROUTING#"+c.Team, "REP#"+c.RepID
	if !c.Seen.Known {
		return types.TransactWriteItem{Put: &types.Put{TableName: &s.t.SLA, ConditionExpression: aws.String("attribute_not_exists(pk)"),
			Item: marshal(routingItem{PK: pk, SK: sk, Assigned: c.Baseline + 1})}}
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.t.SLA, Key: key(pk, sk), UpdateExpression: aws.String("ADD assigned :one"),
		ConditionExpression:       aws.String("assigned = :seen"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1), ":seen": num(int64(c.Seen.Assigned))},
	}}
}

// openSQLs moves a rep's count of SQLs awaiting their answer; with a capacity (maxOpen > 0) an increment is
// refused beyond it, which holds under concurrency.
func (s *Handoffs) openSQLs(rep string, delta, maxOpen int) types.TransactWriteItem {
	u := &types.Update{TableName: &s.t.SLA, Key: key("LOAD", "REP#"+rep), UpdateExpression: aws.String("ADD #open :d"),
		ExpressionAttributeNames: map[string]string{"#open": "open"}, ExpressionAttributeValues: map[string]types.AttributeValue{":d": num(int64(delta))}}
	if maxOpen > 0 && delta > 0 {
		u.ConditionExpression = aws.String("attribute_not_exists(#open) OR #open < :max")
		u.ExpressionAttributeValues[":max"] = num(int64(maxOpen))
	}
	return types.TransactWriteItem{Update: u}
}

// owner makes the lead's owner the rep of an assignment.
func (s *Handoffs) owner(leadID string, a handoff.Assignment, now time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.t.Leads, Key: key(leadPK(leadID), profileSK),
		UpdateExpression:          aws.String("SET ownerId = :rep, assignedAt = :at, assignment = :why ADD #version :one"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#version": "version"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":rep": str(a.RepID), ":at": str(stamp(now)), ":why": str(a.Reason), ":one": num(1)},
	}}
}

// TeamLoads reads each rep's assignments in a team and open SQLs (two queries).
func (s *Handoffs) TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error) {
	loads := map[string]routing.Load{}
	for _, pk := range []string{"ROUTING#" + team, "LOAD"} {
		err := queryAll(ctx, s.db, &dynamodb.QueryInput{
			TableName: &s.t.SLA, KeyConditionExpression: aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)}, ConsistentRead: aws.Bool(true),
		}, func(items []map[string]types.AttributeValue) error {
			for _, item := range items {
				var it struct {
					SK       string `dynamodbav:"sk"`
					Assigned int    `dynamodbav:"assigned"`
					Open     int    `dynamodbav:"open"`
				}
				if err := unmarshal(item, &it); err != nil {
					return err
				}
				rep, _ := strings.CutPrefix(it.SK, "REP#")
				l := loads[rep]
				if pk == "LOAD" {
					l.Open = it.Open
				} else {
					l.Assigned, l.Known = it.Assigned, true
				}
				loads[rep] = l
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("loads of team %s: %w", team, err)
		}
	}
	return loads, nil
}

// Get reads a hand-off, consistently; handoff.ErrNotFound when there is none.
func (s *Handoffs) Get(ctx context.Context, k handoff.Key) (handoff.Handoff, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.t.SLA, Key: key(leadPK(k.LeadID), handoffSK(k.At)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return handoff.Handoff{}, fmt.Errorf("load hand-off %s: %w", k, err)
	}
	if out.Item == nil {
		return handoff.Handoff{}, handoff.ErrNotFound
	}
	return readHandoff(out.Item)
}

func readHandoff(item map[string]types.AttributeValue) (handoff.Handoff, error) {
	var it handoffItem
	if err := unmarshal(item, &it); err != nil {
		return handoff.Handoff{}, err
	}
	return it.toHandoff()
}

// Latest reads a lead's latest hand-off (the one sales answer now); handoff.ErrNotFound when it has none.
func (s *Handoffs) Latest(ctx context.Context, leadID string) (handoff.Handoff, error) {
	out, err := s.db.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.t.SLA, KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :h)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leadPK(leadID)), ":h": str(handoffPrefix)},
		ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(1), ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return handoff.Handoff{}, fmt.Errorf("latest hand-off of %s: %w", leadID, err)
	}
	if len(out.Items) == 0 {
		return handoff.Handoff{}, handoff.ErrNotFound
	}
	return readHandoff(out.Items[0])
}

// Update reads a hand-off, lets change decide, and writes it back on the condition that it is still the
// version read — in one transaction with the events change returns and what the change implies: the activity of
// a contact or an answer (from which scoring moves the lead), the reps' counts of open SQLs, a reassignment's
// round-robin count and the lead's new owner. When another writer got there first it reads again and asks
// again. It returns the hand-off as written (as read, with handoff.ErrNoChange, when change wrote nothing).
func (s *Handoffs) Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error) {
	return s.update(ctx, k, nil, now, change)
}

// UpdateFrom is Update starting from a hand-off already read (the checker's index holds them whole): no read
// unless another writer changed it since.
func (s *Handoffs) UpdateFrom(ctx context.Context, h handoff.Handoff, now time.Time, change handoff.Change) (handoff.Handoff, error) {
	return s.update(ctx, h.Key, &h, now, change)
}

func (s *Handoffs) update(ctx context.Context, k handoff.Key, read *handoff.Handoff, now time.Time, change handoff.Change) (handoff.Handoff, error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		var old handoff.Handoff
		if read != nil && attempt == 0 {
			old = *read
		} else {
			var err error
			if old, err = s.Get(ctx, k); err != nil {
				return handoff.Handoff{}, err
			}
		}
		h := clone(old)
		events, err := change(&h)
		if err != nil {
			return old, err
		}
		h.Version = old.Version + 1
		h.NoteAlerted(old) // once set, kept: the write is whole, under the version read
		txn, err := s.writes(old, &h, events, now)
		if err != nil {
			return old, err
		}
		reasons, err := transact(ctx, s.db, txn)
		switch {
		case err != nil:
			return old, fmt.Errorf("update hand-off %s: %w", k, err)
		case reasons == nil:
			return h, nil
		case failed(reasons, 0), conflicted(reasons), anyFailed(reasons, 1, 1+len(events)) >= 0:
			// Another writer changed it (or recorded these events) first: read again.
			backoff(ctx, attempt)
		default:
			return old, fmt.Errorf("update hand-off %s: unexpected cancellation %s", k, describe(reasons))
		}
	}
	return handoff.Handoff{}, fmt.Errorf("update hand-off %s: %w", k, ErrConflict)
}

// clone copies a hand-off deeply enough that changing it leaves the one read as it was.
func clone(h handoff.Handoff) handoff.Handoff {
	h.Assignments = slices.Clone(h.Assignments)
	h.Reminders = slices.Clone(h.Reminders)
	h.Pending = slices.Clone(h.Pending)
	h.Bounces = slices.Clone(h.Bounces)
	return h
}

// writes are the transaction of a change from old to h: the hand-off (on its version), the events, and what
// the change implies.
func (s *Handoffs) writes(old handoff.Handoff, h *handoff.Handoff, events []handoff.Event, now time.Time) ([]types.TransactWriteItem, error) {
	cond, err := expression.NewBuilder().WithCondition(expression.Name("version").Equal(expression.Value(old.Version))).Build()
	if err != nil {
		return nil, err
	}
	txn := []types.TransactWriteItem{{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(s.t.newHandoffItem(h, now)),
		ConditionExpression: cond.Condition(), ExpressionAttributeNames: cond.Names(), ExpressionAttributeValues: cond.Values()}}}
	for _, e := range events {
		txn = append(txn, types.TransactWriteItem{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(s.t.newEventItem(e)),
			ConditionExpression: aws.String("attribute_not_exists(pk)")}})
	}
	leads := &Leads{db: s.db, t: s.t}
	newlyAnswered := !old.Answered() && h.Answered()
	switch {
	case newlyAnswered:
		d := h.Decision
		typ, action, props := lead.SalesAccepted, handoff.Accept, map[string]string{"by": d.By}
		if d.Verdict == handoff.Rejected {
			typ, action = lead.SalesRejected, handoff.Reject
			props["reason"], props["comment"] = d.Reason, d.Comment
		}
		txn = append(txn, leads.putActivity(answerActivity(h.Key, typ, action, d.At, d.By, props), nil))
		if !old.Ended() && !old.Held() {
			txn = append(txn, s.openSQLs(d.RepID, -1, 0)) // an ended or held one was released then
		}
	case !old.Contacted() && h.Contacted():
		c := h.Contact
		txn = append(txn, leads.putActivity(answerActivity(h.Key, lead.SalesContacted, handoff.Contacted, c.At, c.By,
			map[string]string{"by": c.By, "channel": c.Channel}), nil))
	}
	if !old.Ended() && h.Ended() && !h.Answered() && !old.Held() {
		txn = append(txn, s.openSQLs(h.Rep(), -1, 0)) // no longer awaiting the rep's answer (erased, or withdrawn)
	}
	if !old.Held() && h.Held() && !h.Answered() && !h.Ended() {
		txn = append(txn, s.openSQLs(h.Rep(), -1, 0)) // held after its email bounced: the rep never had it
	}
	if len(h.Assignments) > len(old.Assignments) {
		a := h.Assignments[len(h.Assignments)-1]
		if !h.Answered() {
			txn = append(txn, s.openSQLs(old.Rep(), -1, 0), s.openSQLs(a.RepID, 1, 0))
		}
		if a.Team != "" {
			txn = append(txn, types.TransactWriteItem{Update: &types.Update{TableName: &s.t.SLA, Key: key("ROUTING#"+a.Team, "REP#"+a.RepID),
				UpdateExpression: aws.String("ADD assigned :one"), ExpressionAttributeValues: map[string]types.AttributeValue{":one": num(1)}}})
		}
		txn = append(txn, s.owner(h.LeadID, a, now))
	}
	return txn, nil
}

// answerActivity is sales' answer as an activity of the lead (its ID derived from the hand-off and the action,
// so it is recorded once), from which scoring moves the lead to accepted or rejected.
func answerActivity(k handoff.Key, typ string, a handoff.Action, at time.Time, by string, props map[string]string) lead.Activity {
	index := map[handoff.Action]int{handoff.Contacted: 0, handoff.Accept: 1, handoff.Reject: 2}[a]
	if by == "" {
		by = "page"
	}
	return lead.Activity{ID: lead.ActivityID("feedback", k.String(), index), LeadID: k.LeadID, Type: typ, OccurredAt: at, ReceivedAt: at,
		Source: by, DeliveryID: "feedback:" + string(a), Properties: props}
}

// ForEachDue calls fn with every hand-off whose next check is at or before before (the sparse due-checks index,
// every partition, every page), as the index holds it. fn returning an error stops the walk with it.
func (s *Handoffs) ForEachDue(ctx context.Context, before time.Time, fn func(handoff.Handoff) error) error {
	return s.walkDueChecks(ctx, stamp(before), fn)
}

// ForEachOpen calls fn with every open hand-off: those with a check to come, and those awaiting an answer with
// nothing left to check (both deadlines passed). They are all in due-checks.
func (s *Handoffs) ForEachOpen(ctx context.Context, fn func(handoff.Handoff) error) error {
	return s.walkDueChecks(ctx, openNoCheck, fn)
}

func (s *Handoffs) walkDueChecks(ctx context.Context, until string, fn func(handoff.Handoff) error) error {
	for b := 0; b < dueBuckets; b++ {
		err := queryAll(ctx, s.db, &dynamodb.QueryInput{
			TableName: &s.t.SLA, IndexName: aws.String("due-checks"),
			KeyConditionExpression:    aws.String("dueBucket = :b AND dueAt <= :t"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":b": str("DUE#" + strconv.Itoa(b)), ":t": str(until)},
		}, func(items []map[string]types.AttributeValue) error {
			for _, item := range items {
				h, err := readHandoff(item)
				if err != nil {
					return err
				}
				if err := fn(h); err != nil {
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

// Event reads an SLA event of a hand-off, consistently.
func (s *Handoffs) Event(ctx context.Context, k handoff.Key, id string) (handoff.Event, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.t.SLA, Key: key(leadPK(k.LeadID), eventSK(k, id)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return handoff.Event{}, fmt.Errorf("load event %s of %s: %w", id, k, err)
	}
	if out.Item == nil {
		return handoff.Event{}, fmt.Errorf("event %s of %s: %w", id, k, handoff.ErrNotFound)
	}
	return readEvent(out.Item)
}

func readEvent(item map[string]types.AttributeValue) (handoff.Event, error) {
	var it eventItem
	if err := unmarshal(item, &it); err != nil {
		return handoff.Event{}, err
	}
	return it.toEvent()
}

// StartEventMail is the gate of an event's email: claimed becomes sending, once. It returns the event, and
// whether this caller made the move (and so is the one to send).
func (s *Handoffs) StartEventMail(ctx context.Context, k handoff.Key, id string, now time.Time) (handoff.Event, bool, error) {
	item, passed, err := s.db.startMail(ctx, s.t.SLA, key(leadPK(k.LeadID), eventSK(k, id)), now,
		", expiresAt = :expires", map[string]types.AttributeValue{":expires": num(s.t.recordExpiry(k.At))})
	switch {
	case err != nil:
		return handoff.Event{}, false, fmt.Errorf("start the email of event %s of %s: %w", id, k, err)
	case item == nil:
		return handoff.Event{}, false, fmt.Errorf("event %s of %s: %w", id, k, handoff.ErrNotFound)
	}
	e, err := readEvent(item)
	return e, passed && err == nil, err
}

// SettleEventMail records how an event's email ended (sent; claimed again after a definite refusal;
// abandoned), on the condition that it is still as the caller saw it: from is sending for the send StartEventMail
// let through, claimed or sending for an abandonment.
func (s *Handoffs) SettleEventMail(ctx context.Context, k handoff.Key, id string, from outbox.MailStatus, m outbox.Mail) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.t.SLA, Key: key(leadPK(k.LeadID), eventSK(k, id)),
		UpdateExpression:         aws.String("SET mail = :mail, expiresAt = :expires"),
		ConditionExpression:      aws.String("mail.#status = :from"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":mail": &types.AttributeValueMemberM{Value: marshal(newMailItem(m))}, ":from": str(string(from)),
			":expires": num(s.t.recordExpiry(k.At))},
	})
	if err != nil {
		return fmt.Errorf("settle the email of event %s of %s: %w", id, k, err)
	}
	return nil
}
