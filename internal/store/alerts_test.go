package store_test

import (
	"context"
	"slices"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestReportReadsOnlyTheSQLEmailsState: the report's role may read of a hand-off by key exactly the top-level
// attributes Months reads of it (its key, its SQL email's state): the two cannot drift apart.
func TestReportReadsOnlyTheSQLEmailsState(t *testing.T) {
	t.Parallel()
	st := statement(t, "ReportFunction", "TheMonthsSQLEmailsOnly")
	var top []string
	for _, a := range store.AlertAttributes {
		if i := slices.Index([]byte(a), '.'); i >= 0 {
			a = a[:i]
		}
		if !slices.Contains(top, a) {
			top = append(top, a)
		}
	}
	if got := values(child(child(child(st, "Condition"), "ForAllValues:StringEquals"), "dynamodb:Attributes")); !slices.Equal(got, top) {
		t.Errorf("the template allows %v, the store reads %v", got, top)
	}
	if got := values(child(child(child(st, "Condition"), "ForAllValues:StringLike"), "dynamodb:LeadingKeys")); !slices.Equal(got, []string{"LEAD#*"}) {
		t.Errorf("leading keys %v", got)
	}
	if got := child(st, "Action").Value; got != "dynamodb:BatchGetItem" {
		t.Errorf("action %q", got)
	}
}

// TestMonthsReadTheSQLEmailsState: each July hand-off carries when its SQL email was sent, read by key; one still
// being sent reads as pending (left out of the alert commitment), one abandoned as not sent (missed).
func TestMonthsReadTheSQLEmailsState(t *testing.T) {
	t.Parallel()
	c, tables, months, _ := seededJuly(t)
	ctx := context.Background()
	fx := reporttest.July()
	var mine []int
	for i, h := range fx.Handoffs {
		if contract.MonthOf(h.At.In(c.Location)) == july {
			mine = append(mine, i)
		}
	}
	if len(mine) < 3 {
		t.Fatalf("July has %d hand-offs", len(mine))
	}
	// The first still on its way (sending), the second abandoned: neither reached its rep yet.
	unsent := map[string]string{}
	for n, status := range []string{"sending", "abandoned"} {
		h := fx.Handoffs[mine[n]]
		sk := "HANDOFF#" + h.At.UTC().Format("2006-01-02T15:04:05.000Z")
		unsent[h.LeadID+sk] = status
		_, err := testenv.DynamoDB(t).UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &tables.SLA,
			Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + h.LeadID}, "sk": &types.AttributeValueMemberS{Value: sk}},
			UpdateExpression: sdkaws.String("SET mail.#s = :s REMOVE mail.sentAt"), ExpressionAttributeNames: map[string]string{"#s": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: status}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	in, err := months.Read(ctx, july, fx.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Alerts {
		t.Fatal("the SQL emails' state was not read")
	}
	sent := 0
	for _, h := range in.Handoffs {
		if contract.MonthOf(h.At.In(c.Location)) != july {
			if !h.AlertSentAt.IsZero() {
				t.Errorf("%s: an earlier month's SQL email read", h.LeadID)
			}
			continue
		}
		status, stuck := unsent[h.LeadID+"HANDOFF#"+h.At.UTC().Format("2006-01-02T15:04:05.000Z")]
		switch {
		case stuck && (!h.AlertSentAt.IsZero() || h.AlertPending != (status == "sending")):
			t.Errorf("%s: an email %s read as sent at %s, pending %v", h.LeadID, status, h.AlertSentAt, h.AlertPending)
		case !stuck && h.AlertPending:
			t.Errorf("%s: a sent email read as pending", h.LeadID)
		case !stuck && !h.AlertSentAt.Equal(h.At):
			t.Errorf("%s: sent at %s, want %s (as seeded)", h.LeadID, h.AlertSentAt, h.At)
		case !stuck:
			sent++
		}
	}
	for _, com := range report.Compute(c, in).Commitments {
		// The one on its way is pending, left out; the abandoned one is missed.
		if com.Kind == report.CommitAlert && (com.Verdict != report.Broken || com.Figure.N != sent || com.Figure.D != len(mine)-1 || sent != len(mine)-2) {
			t.Errorf("alert %+v, want missed, %d of %d", com, len(mine)-2, len(mine)-1)
		}
	}
}
