// Package ttl_test waits for DynamoDB to delete expired items, on a DynamoDB Local of its own: its TTL job scans
// each table with a TTL in pages of 20 items, ten seconds apart, with ten threads for every table, so that in a
// package whose tests store thousands of items an expired one can wait minutes for its turn; here, seconds.
package ttl_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type fixture struct {
	t      *testing.T
	db     *dynamodb.Client
	tables store.Tables
	leads  *store.Leads
}

func newFixture(t *testing.T, r contract.Retention) *fixture {
	t.Helper()
	names := testenv.Tables(t)
	db := testenv.DynamoDB(t)
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"],
		Zone: time.UTC, Retention: r}
	return &fixture{t: t, db: db, tables: tables, leads: store.NewLeads(db, tables)}
}

func (f *fixture) item(table, pk, sk string) map[string]types.AttributeValue {
	f.t.Helper()
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}
	if sk != "" {
		key["sk"] = &types.AttributeValueMemberS{Value: sk}
	}
	out, err := f.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.Item
}

// TestAnExpiredLeadIsGone: a lead past its retention is gone at once for the store — Get finds nothing, an
// activity sent for its ID is refused, its email makes a new lead when it comes back (taking the claim over) —
// and DynamoDB deletes expired items.
//
// DynamoDB Local 3.3.0 deletes expired items only in tables without a global secondary index (Activities,
// Deliveries): in one with an index its TTL job builds each item's key from every attribute definition and fails
// to delete. So the lead that expires here expired more than five years ago, which TTL ignores (in AWS too),
// and the deletions waited for are of a live lead's old activity and its delivery's marker.
func TestAnExpiredLeadIsGone(t *testing.T) {
	t.Parallel()
	f := newFixture(t, contract.Retention{Leads: 1, Activities: 1, Handoffs: 1})
	ctx := context.Background()
	answer := func(string) webhook.Answer { return webhook.Answer{Status: 202} }
	email := fmt.Sprintf("gone%d@forges.fr", time.Now().UnixNano())
	old := time.Now().UTC().AddDate(-6, 0, 0).Truncate(time.Second) // last heard of six years ago
	d0 := webhook.Delivery{Source: "site", ID: "d0-" + email, BodyHash: "h0", At: old}
	rec, err := f.leads.SaveSubmission(ctx, d0, lead.Submission{OccurredAt: old, Contact: lead.Contact{Email: email, FirstName: "Ana"}},
		lead.Activity{ID: "a0-" + email, Type: lead.FormSubmit, OccurredAt: old, ReceivedAt: old, Source: "site", DeliveryID: d0.ID}, answer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.leads.Get(ctx, rec.LeadID); !errors.Is(err, lead.ErrNotFound) {
		t.Errorf("a lead past its retention: %v", err)
	}
	if found, err := f.leads.FindLead(ctx, lead.LeadRef{Email: email}); found != "" || err != nil {
		t.Errorf("its email finds %q (%v)", found, err)
	}
	now := time.Now().UTC().Truncate(time.Second)
	byID := webhook.Delivery{Source: "crm", ID: "crm-" + email, BodyHash: "h", At: now}
	if _, err := f.leads.SaveActivities(ctx, byID, lead.LeadRef{ID: rec.LeadID}, []lead.Activity{{ID: "crm-" + email, Type: "deal_won",
		OccurredAt: now, ReceivedAt: now, Source: "crm", DeliveryID: byID.ID}}, false, answer); !errors.Is(err, lead.ErrNotFound) {
		t.Errorf("an outcome for the lead past its retention: %v", err)
	}
	d1 := webhook.Delivery{Source: "site", ID: "d1-" + email, BodyHash: "h1", At: now}
	again, err := f.leads.SaveSubmission(ctx, d1, lead.Submission{OccurredAt: now, Contact: lead.Contact{Email: email, FirstName: "Ana"}},
		lead.Activity{ID: "a1-" + email, Type: lead.FormSubmit, OccurredAt: now, ReceivedAt: now, Source: "site", DeliveryID: d1.ID}, answer)
	if err != nil || !again.Created || again.LeadID == rec.LeadID {
		t.Fatalf("the email back: %+v %v; want a new lead", again, err)
	}
	if claim := f.item(f.tables.Leads, "EMAIL#"+email, "#EMAIL"); testenv.Attr(claim, "leadId") != again.LeadID {
		t.Errorf("the claim of the email: %v", claim)
	}

	// The new lead's history receives an activity of two months ago, in a delivery of then (a sender's replay):
	// both are past their month, and DynamoDB deletes them.
	then := now.AddDate(0, -2, 0)
	d2 := webhook.Delivery{Source: "tracking", ID: "d2-" + email, BodyHash: "h2", At: then}
	if _, err := f.leads.SaveActivities(ctx, d2, lead.LeadRef{ID: again.LeadID}, []lead.Activity{{ID: "a2-" + email, Type: "page_view",
		OccurredAt: then, ReceivedAt: then, Source: "tracking", DeliveryID: d2.ID}}, false, answer); err != nil {
		t.Fatal(err)
	}
	began, deadline := time.Now(), time.Now().Add(90*time.Second)
	for _, it := range []struct{ table, pk, sk string }{
		{f.tables.Activities, "LEAD#" + again.LeadID, then.Format("2006-01-02T15:04:05.000Z") + "#a2-" + email},
		{f.tables.Deliveries, store.DeliveryKey("SEEN", "tracking", d2.ID), ""},
	} {
		for f.item(it.table, it.pk, it.sk) != nil {
			if time.Now().After(deadline) {
				t.Fatalf("%s %s still there 90 s after it expired", it.pk, it.sk)
			}
			time.Sleep(250 * time.Millisecond)
		}
		t.Logf("%s: deleted after %s", it.table, time.Since(began).Round(time.Millisecond))
	}
	if l, err := f.leads.Get(ctx, again.LeadID); err != nil || l.Contact.Email != email {
		t.Errorf("the new lead: %+v %v", l, err)
	}
}
