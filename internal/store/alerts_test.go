package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestReportReadsOnlyTheSQLEmailsState: the report's role may read of a hand-off by key exactly the top-level
// attributes Months reads of it (its key, alertedAt, its SQL email's state): the two cannot drift apart.
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
	if got := values(samtemplate.Child(samtemplate.Child(samtemplate.Child(st, "Condition"), "ForAllValues:StringEquals"), "dynamodb:Attributes")); !slices.Equal(got, top) {
		t.Errorf("the template allows %v, the store reads %v", got, top)
	}
	if got := values(samtemplate.Child(samtemplate.Child(samtemplate.Child(st, "Condition"), "ForAllValues:StringLike"), "dynamodb:LeadingKeys")); !slices.Equal(got, []string{"LEAD#*"}) {
		t.Errorf("leading keys %v", got)
	}
	if got := samtemplate.Child(st, "Action").Value; got != "dynamodb:BatchGetItem" {
		t.Errorf("action %q", got)
	}
}

// TestMonthsReadWhenEachSQLWasAlerted: each July hand-off carries when it was alerted, read by key: its
// alertedAt, which a reassignment's email does not change; for an item stored before alertedAt was kept, its
// email's sending instant if never reassigned, and "unknown" if reassigned; one not sent yet reads as not
// alerted.
func TestMonthsReadWhenEachSQLWasAlerted(t *testing.T) {
	t.Parallel()
	c, tables, months, _ := seededJuly(t)
	ctx := context.Background()
	fx := reporttest.July()
	sk := func(h records.Handoff) string { return "HANDOFF#" + h.At.UTC().Format("2006-01-02T15:04:05.000Z") }
	var mine []records.Handoff // July's, never reassigned
	var reassigned records.Handoff
	for _, h := range fx.Handoffs {
		switch {
		case contract.MonthOf(h.At.In(c.Location)) != july:
		case len(h.Assignments) > 1:
			reassigned = h
		default:
			mine = append(mine, h)
		}
	}
	if len(mine) < 4 || reassigned.LeadID == "" {
		t.Fatalf("July has %d hand-offs never reassigned, reassigned %q", len(mine), reassigned.LeadID)
	}
	later := mine[0].At.Add(time.Hour)
	type alertCase struct {
		name   string
		h      records.Handoff
		update string // on the stored item, as seeded (alertedAt and mail.sentAt at the hand-off, sent)
		values map[string]types.AttributeValue
		want   time.Time
		unk    bool
	}
	cases := []alertCase{
		{"alerted, then its email replaced by a reassignment's still sending", mine[0],
			"SET mail.#s = :s REMOVE mail.sentAt", map[string]types.AttributeValue{":s": str("sending")}, mine[0].At, false},
		{"stored before alertedAt, never reassigned, sent", mine[1],
			"SET mail.sentAt = :t REMOVE alertedAt", map[string]types.AttributeValue{":t": str(stamp(later))}, later, false},
		{"stored before alertedAt, still sending", mine[2],
			"SET mail.#s = :s REMOVE alertedAt, mail.sentAt", map[string]types.AttributeValue{":s": str("sending")}, time.Time{}, false},
		{"not alerted: abandoned", mine[3],
			"SET mail.#s = :s REMOVE alertedAt, mail.sentAt", map[string]types.AttributeValue{":s": str("abandoned")}, time.Time{}, false},
		{"stored before alertedAt, reassigned", reassigned,
			"REMOVE alertedAt", nil, time.Time{}, true},
	}
	for _, tc := range cases {
		in := &dynamodb.UpdateItemInput{TableName: &tables.SLA,
			Key:              map[string]types.AttributeValue{"pk": str("LEAD#" + tc.h.LeadID), "sk": str(sk(tc.h))},
			UpdateExpression: sdkaws.String(tc.update), ExpressionAttributeValues: tc.values}
		if strings.Contains(tc.update, "#s") {
			in.ExpressionAttributeNames = map[string]string{"#s": "status"}
		}
		if _, err := testenv.DynamoDB(t).UpdateItem(ctx, in); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
	in, err := months.Read(ctx, july, fx.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if !in.Alerts {
		t.Fatal("the alerts were not read")
	}
	for _, h := range in.Handoffs {
		if contract.MonthOf(h.At.In(c.Location)) != july && (!h.AlertedAt.IsZero() || h.AlertUnknown) {
			t.Errorf("%s: an earlier month's alert read", h.LeadID)
		}
		for _, tc := range cases {
			if h.LeadID == tc.h.LeadID && h.At.Equal(tc.h.At) && (!h.AlertedAt.Equal(tc.want) || h.AlertUnknown != tc.unk) {
				t.Errorf("%s: alerted at %s, unknown %v; want %s, %v", tc.name, h.AlertedAt, h.AlertUnknown, tc.want, tc.unk)
			}
		}
	}
	for _, com := range report.Compute(c, in).Commitments {
		// Of July's SQLs: mine[2] and mine[3] not alerted (long before AsOf: missed), the reassigned one left out.
		d := len(mine)
		if com.Kind == report.CommitAlert && (com.Verdict != report.Broken || com.Figure.N != d-2 || com.Figure.D != d) {
			t.Errorf("alert %+v, want missed, %d of %d", com, d-2, d)
		}
	}
}

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// TestAlertedAtIsWrittenOnce: the hand-off item gets alertedAt when its first SQL email is settled sent (through
// the SQL email's gate), and keeps it through a reassignment, the new rep's email sent, and a retried write.
func TestAlertedAtIsWrittenOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	h := f.claimed("alerted@crm.fr", "thomas-martin")
	if _, err := f.handoffs.Claim(ctx, h, &routing.Count{Team: "nord", RepID: "thomas-martin"}, at); err != nil {
		t.Fatal(err)
	}
	stored := func() (handoff.Handoff, string) {
		t.Helper()
		got, err := f.handoffs.Get(ctx, h.Key)
		if err != nil {
			t.Fatal(err)
		}
		out, err := testenv.DynamoDB(t).GetItem(ctx, &dynamodb.GetItemInput{TableName: &f.tables.SLA,
			Key: map[string]types.AttributeValue{"pk": str("LEAD#" + h.LeadID), "sk": str("HANDOFF#" + stamp(h.At))}})
		if err != nil {
			t.Fatal(err)
		}
		raw := ""
		if v, ok := out.Item["alertedAt"].(*types.AttributeValueMemberS); ok {
			raw = v.Value
		}
		return got, raw
	}
	if got, raw := stored(); !got.AlertedAt.IsZero() || raw != "" {
		t.Fatalf("claimed: alerted at %s (%q)", got.AlertedAt, raw)
	}
	sentAt := at.Add(2 * time.Second)
	gate := handoff.NewSQLMailGate(f.handoffs, h.Key)
	if _, ok, err := gate.Pass(ctx, at.Add(time.Second)); err != nil || !ok {
		t.Fatalf("gate: %v %v", ok, err)
	}
	if err := gate.Settle(ctx, sentAt, outbox.Settlement{Outcome: outbox.Sent, MessageID: "m1"}); err != nil {
		t.Fatal(err)
	}
	if got, raw := stored(); !got.AlertedAt.Equal(sentAt) || raw != stamp(sentAt) {
		t.Fatalf("sent: alerted at %s (%q), want %s", got.AlertedAt, raw, sentAt)
	}
	breach := at.Add(3 * 24 * time.Hour)
	d, _ := handoff.DeadlinesFrom(f.c, breach)
	for _, change := range []handoff.Change{
		func(h *handoff.Handoff) ([]handoff.Event, error) {
			b := h.BreachFirstContact("claire-dubois", 60, breach)
			r := h.Reassign(handoff.Assignment{RepID: "sophie-bernard", Team: "sud", Reason: "after a breach", At: breach}, d, breach)
			return []handoff.Event{b, r}, nil
		},
		func(h *handoff.Handoff) ([]handoff.Event, error) {
			h.Mail.Start(breach)
			h.Mail.Sent("m2", breach.Add(time.Second))
			return nil, nil
		},
		func(h *handoff.Handoff) ([]handoff.Event, error) {
			h.AlertedAt = time.Time{} // a writer that would clear it
			return nil, nil
		},
	} {
		if _, err := f.handoffs.Update(ctx, h.Key, breach, change); err != nil {
			t.Fatal(err)
		}
		if got, raw := stored(); !got.AlertedAt.Equal(sentAt) || raw != stamp(sentAt) {
			t.Errorf("after the reassignment: alerted at %s (%q), want %s", got.AlertedAt, raw, sentAt)
		}
	}
}
