package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestHoldIsKeptAndRecordedOnce: a hold is kept on the lead while it lasts, and its start is recorded once, with
// the change that starts it, in the month's records; ending it leaves the record.
func TestHoldIsKeptAndRecordedOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.submit("paul@meca.fr", "d1", at, lead.Contact{}).LeadID
	hold := &lead.Hold{At: at.Add(time.Minute), Reason: lead.ConsentRefused, Cause: "demo-request"}
	rescore := func(ch scoring.Change) lead.Lead {
		t.Helper()
		if _, err := f.leads.Rescore(context.Background(), id, func(lead.Lead, []lead.Activity) *scoring.Change { return &ch }); err != nil {
			t.Fatal(err)
		}
		l, err := f.leads.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	// Held as it qualifies, back to MQL: the stage change and the hold's start are both recorded.
	l := rescore(scoring.Change{Stage: lead.StageMQL, At: hold.At, Held: hold, HoldStarts: true, ContractVersion: "v1",
		Move: &scoring.Move{From: lead.StageLead, To: lead.StageMQL, Cause: "demo-request"}})
	if l.Held == nil || *l.Held != (lead.Hold{At: hold.At, Reason: hold.Reason, Cause: hold.Cause}) || l.Stage != lead.StageMQL || !l.SQLAt.IsZero() {
		t.Fatalf("the held lead: stage %s, held %+v, sqlAt %s", l.Stage, l.Held, l.SQLAt)
	}
	// Re-scored while held (a later activity): the hold stays, nothing more is recorded.
	l = rescore(scoring.Change{Stage: lead.StageMQL, At: hold.At.Add(time.Hour), Held: hold, Result: scoring.Result{Total: 12}})
	if l.Held == nil || !l.Held.At.Equal(hold.At) {
		t.Errorf("the hold after a re-score: %+v", l.Held)
	}
	// Consent given: an SQL, no longer held.
	l = rescore(scoring.Change{Stage: lead.StageSQL, At: hold.At.Add(2 * time.Hour), Move: &scoring.Move{From: lead.StageMQL, To: lead.StageSQL, Cause: "demo-request"}})
	if l.Held != nil || l.Stage != lead.StageSQL {
		t.Errorf("after consent: stage %s, held %+v", l.Stage, l.Held)
	}
	out, err := f.db.Query(context.Background(), &dynamodb.QueryInput{TableName: &f.tables.SLA, IndexName: aws.String("by-month"),
		KeyConditionExpression:   aws.String("#m = :m AND begins_with(monthSk, :kind)"),
		ExpressionAttributeNames: map[string]string{"#m": "month"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: store.MonthPartition(contract.Month{Year: 2026, Month: 11}, id)},
			":kind": &types.AttributeValueMemberS{Value: "held#"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 1 {
		t.Fatalf("the month's holds: %v, want one", out.Items)
	}
	// The report reads it with the month's records, and the release (the move to SQL) with them.
	in, err := store.NewMonths(f.db, f.tables).Read(context.Background(), contract.Month{Year: 2026, Month: 11}, at.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	wantHold := records.Hold{LeadID: id, At: hold.At, Reason: records.HeldRefused, Source: "site"}
	if len(in.Holds) != 1 || !reflect.DeepEqual(in.Holds[0], wantHold) {
		t.Errorf("the month's holds as the report reads them: %+v, want %+v", in.Holds, wantHold)
	}
	// The record itself (the index projects what the report reads of it, not its cause).
	rec := f.item(f.tables.SLA, testenv.Attr(out.Items[0], "pk"), testenv.Attr(out.Items[0], "sk"))
	for k, want := range map[string]string{"kind": "held", "leadId": id, "at": "2026-11-27T16:31:00.000Z", "reason": "consent_refused",
		"cause": "demo-request", "contractVersion": "v1", "source": "site", "monthSk": "held#2026-11-27T16:31:00.000Z#" + id,
		"sk": "EVT#2026-11-27T16:31:00.000Z#held"} {
		if got := testenv.Attr(rec, k); got != want {
			t.Errorf("hold record %s = %q, want %q", k, got, want)
		}
	}
}
