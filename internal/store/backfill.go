package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/report/records"
)

// Expiries applies the contract's retention to the items already stored — those written before retention, or
// under another retention — for `handoff retention backfill`. The functions keep expiresAt on every item they
// write; this is for the others.
type Expiries struct {
	db *client
	t  Tables
}

// NewExpiries builds the backfill of the tables t names, under t's retention.
func NewExpiries(db DB, t Tables) *Expiries { return &Expiries{db: newClient(db), t: t} }

// Backfilled counts, per kind of item, what a backfill found and did.
type Backfilled struct {
	Kind     string
	Items    int // items of the kind
	Right    int // their expiresAt was already the retention's
	Set      int // given the retention's expiresAt (to set, with apply false)
	Scrubbed int // hand-offs whose copy of the person's details was removed (to remove, with apply false)
	Changed  int // written meanwhile by a function (which wrote the retention's expiresAt): left as they are
}

// oldHandoffCopies are the person's details hand-offs held before they were read from the lead's profile.
var oldHandoffCopies = []string{"leadName", "leadTitle", "leadEmail", "leadPhone"}

// Backfill walks every table — with Scan: an offline command, never a function's path — and gives each item
// that holds personal data the expiresAt its kind gets from the retention (retention.go) when it has none or
// another, and removes from hand-offs the person's details they held before. With apply false it only counts.
//
// Each write is an UpdateItem on the condition that the item still exists (a backfill never recreates an item
// deleted meanwhile, by TTL or an erasure) and still has the expiresAt read (a function that wrote it meanwhile
// wrote the retention's). So it can be stopped at any point and run again: what is done stays done, and a run
// over tables already backfilled writes nothing. A lead's expiry needs its history (the last activity received):
// one Query per lead; each claim of an email gets its lead's.
func (e *Expiries) Backfill(ctx context.Context, apply bool, progress func(Backfilled)) ([]Backfilled, error) {
	var out []Backfilled
	leads := map[string]int64{} // lead ID -> its expiry, for the claims of their emails
	steps := []struct {
		kind, table string
		of          func(it backfillItem) bool
		expiry      func(it backfillItem) (exp int64, ok bool, err error) // ok false: leave the item as it is
	}{
		{"lead profiles", e.t.Leads, func(it backfillItem) bool { return it.SK == profileSK }, func(it backfillItem) (int64, bool, error) {
			if _, ok := instant(it.CreatedAt); !ok || it.LeadID == "" {
				return 0, false, nil
			}
			exp, err := e.leadExpiry(ctx, it)
			leads[it.LeadID] = exp
			return exp, err == nil, err
		}},
		{"email claims", e.t.Leads, func(it backfillItem) bool { return it.SK == emailSK }, func(it backfillItem) (int64, bool, error) {
			exp, ok := leads[it.LeadID] // a claim without its lead is left as it is
			return exp, ok, nil
		}},
		{"activities", e.t.Activities, func(backfillItem) bool { return true }, func(it backfillItem) (int64, bool, error) {
			t, ok := instant(it.OccurredAt)
			return e.t.activityExpiry(t), ok, nil
		}},
		{"delivery markers", e.t.Deliveries, func(it backfillItem) bool { return strings.HasPrefix(it.PK, "SEEN#") }, func(it backfillItem) (int64, bool, error) {
			t, ok := instant(it.CreatedAt)
			return e.t.activityExpiry(t), ok, nil
		}},
		{"hand-offs", e.t.SLA, func(it backfillItem) bool { return strings.HasPrefix(it.SK, handoffPrefix) }, func(it backfillItem) (int64, bool, error) {
			t, ok := instant(it.HandoffAt)
			return e.t.recordExpiry(t), ok, nil
		}},
		{"SLA events, creations, stage changes, holds", e.t.SLA, func(it backfillItem) bool { return strings.HasPrefix(it.SK, "EVT#") }, func(it backfillItem) (int64, bool, error) {
			from := it.HandoffAt // an SLA event: with its hand-off
			if it.Kind == "lead" || it.Kind == "stage" || it.Kind == "held" {
				from = it.At // a creation, a stage change, a hold: from its own instant
			}
			t, ok := instant(from)
			return e.t.recordExpiry(t), ok, nil
		}},
		{"reports of record", e.t.SLA, func(it backfillItem) bool { return strings.HasPrefix(it.PK, "REPORT#") }, func(it backfillItem) (int64, bool, error) {
			m, err := records.ParseMonth(strings.TrimPrefix(it.PK, "REPORT#"))
			return e.t.reportExpiry(m), err == nil, nil
		}},
	}
	for _, st := range steps {
		if st.table == "" {
			continue
		}
		counts := Backfilled{Kind: st.kind}
		err := e.scan(ctx, st.table, func(it backfillItem) error {
			if !st.of(it) {
				return nil
			}
			counts.Items++
			want, ok, err := st.expiry(it)
			if err != nil || !ok {
				return err
			}
			scrub := strings.HasPrefix(it.SK, handoffPrefix) && it.heldCopies()
			if want == it.ExpiresAt && !scrub {
				counts.Right++
				return nil
			}
			if apply {
				written, err := e.write(ctx, st.table, it, want, scrub)
				if err != nil {
					return err
				}
				if !written {
					counts.Changed++
					return nil
				}
			}
			counts.Set += b2i(want != it.ExpiresAt)
			counts.Scrubbed += b2i(scrub)
			return nil
		})
		if err != nil {
			return out, fmt.Errorf("backfill %s: %w", st.kind, err)
		}
		out = append(out, counts)
		if progress != nil {
			progress(counts)
		}
	}
	return out, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// backfillItem is what a backfill reads of an item.
type backfillItem struct {
	PK         string `dynamodbav:"pk"`
	SK         string `dynamodbav:"sk"`
	Kind       string `dynamodbav:"kind"`
	LeadID     string `dynamodbav:"leadId"`
	At         string `dynamodbav:"at"`
	HandoffAt  string `dynamodbav:"handoffAt"`
	OccurredAt string `dynamodbav:"occurredAt"`
	CreatedAt  string `dynamodbav:"createdAt"`
	UpdatedAt  string `dynamodbav:"updatedAt"`
	HeardAt    string `dynamodbav:"heardAt"`
	ExpiresAt  int64  `dynamodbav:"expiresAt"`
	LeadName   string `dynamodbav:"leadName"`
	LeadTitle  string `dynamodbav:"leadTitle"`
	LeadEmail  string `dynamodbav:"leadEmail"`
	LeadPhone  string `dynamodbav:"leadPhone"`
}

func (it backfillItem) heldCopies() bool {
	return it.LeadName != "" || it.LeadTitle != "" || it.LeadEmail != "" || it.LeadPhone != ""
}

// instant reads an instant as stamp wrote it; ok false when there is none (the item is left as it is).
func instant(v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

// when is an instant as stamp wrote it, the zero instant when there is none.
func when(v string) time.Time {
	t, _ := instant(v)
	return t
}

var backfillAttributes = "pk, sk, kind, leadId, #at, handoffAt, occurredAt, createdAt, updatedAt, heardAt, expiresAt, " + strings.Join(oldHandoffCopies, ", ")

func (e *Expiries) scan(ctx context.Context, table string, fn func(backfillItem) error) error {
	in := &dynamodb.ScanInput{TableName: aws.String(table), ProjectionExpression: aws.String(backfillAttributes),
		ExpressionAttributeNames: map[string]string{"#at": "at"}}
	for {
		page, err := e.db.Scan(ctx, in)
		if err != nil {
			return err
		}
		for _, item := range page.Items {
			var it backfillItem
			if err := unmarshal(item, &it); err != nil {
				return err
			}
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(page.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = page.LastEvaluatedKey
	}
}

// leadExpiry is a stored lead's expiry as Rescore keeps it: from its creation, its last submission, its
// activities received.
func (e *Expiries) leadExpiry(ctx context.Context, it backfillItem) (int64, error) {
	var received []time.Time
	err := queryAll(ctx, e.db, &dynamodb.QueryInput{
		TableName: &e.t.Activities, KeyConditionExpression: aws.String("pk = :pk"), ProjectionExpression: aws.String("receivedAt"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(leadPK(it.LeadID))},
	}, func(items []map[string]types.AttributeValue) error {
		for _, item := range items {
			var a struct {
				ReceivedAt string `dynamodbav:"receivedAt"`
			}
			if err := unmarshal(item, &a); err != nil {
				return err
			}
			received = append(received, when(a.ReceivedAt))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("the history of lead %s: %w", it.LeadID, err)
	}
	return e.t.leadExpiry(lastHeard(when(it.CreatedAt), when(it.UpdatedAt), append(received, when(it.HeardAt)))), nil
}

// write gives an item its expiresAt (and takes a hand-off's old copies away), if it is still there as read.
func (e *Expiries) write(ctx context.Context, table string, it backfillItem, expires int64, scrub bool) (bool, error) {
	update := "SET expiresAt = :e"
	if scrub {
		update += " REMOVE " + strings.Join(oldHandoffCopies, ", ")
	}
	cond := "attribute_exists(pk) AND attribute_not_exists(expiresAt)"
	values := map[string]types.AttributeValue{":e": num(expires)}
	if it.ExpiresAt != 0 {
		cond = "attribute_exists(pk) AND expiresAt = :old"
		values[":old"] = num(it.ExpiresAt)
	}
	_, err := e.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table), Key: key(it.PK, it.SK),
		UpdateExpression: aws.String(update), ConditionExpression: aws.String(cond), ExpressionAttributeValues: values})
	switch {
	case conditionFailed(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("%s: %w", describeKey(map[string]types.AttributeValue{"pk": str(it.PK), "sk": str(it.SK)}), err)
	}
	return true, nil
}
