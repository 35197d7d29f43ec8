package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// retentionFixture is newFixture under a contract whose retention is its own (leads, activities, hand-offs in
// months), so that every expiresAt asserted comes from the contract, not from the defaults.
func retentionFixture(t *testing.T, retention string) *fixture {
	t.Helper()
	f := newFixture(t)
	data := strings.Replace(string(mustRead(t, testenv.Root()+"/infra/contract/contract.yaml")), "\nretention:\n", "\nold_retention:\n", 1)
	data = strings.Split(data, "\nold_retention:\n")[0] + "\n" + retention
	c, err := contract.Parse("contract.yaml", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	f.c = c
	f.tables.Retention = c.Retention
	f.leads, f.handoffs = store.NewLeads(f.db, f.tables), store.NewHandoffs(f.db, f.tables)
	return f
}

func mustRead(t *testing.T, file string) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func utc(s string) time.Time {
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return v
}

// expiresAt is an item's expiresAt ("" when it has none), as an RFC 3339 instant in UTC.
func expiresAt(item map[string]types.AttributeValue) string {
	n, ok := item["expiresAt"].(*types.AttributeValueMemberN)
	if !ok {
		return ""
	}
	v, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return "not a number: " + n.Value
	}
	return time.Unix(v, 0).UTC().Format(time.RFC3339)
}

// TestEveryItemHoldingPersonalDataExpires: every kind of item the store writes, written through the store's own
// code, carries the expiresAt the contract's retention gives it (leads 7 months, activities 5, hand-offs 11),
// from the instant its period counts from; the kinds that name no lead carry none.
func TestEveryItemHoldingPersonalDataExpires(t *testing.T) {
	t.Parallel()
	f := retentionFixture(t, "retention:\n  leads: 7 months\n  activities: 5 months\n  handoffs: 11 months\n")
	ctx := context.Background()
	answer := func(string) webhook.Answer { return webhook.Answer{Status: 202} }
	email := fmt.Sprintf("ret%d@forges.fr", time.Now().UnixNano())

	// 27 November 2027 16:30 UTC (ahead of the clock, so that DynamoDB deletes none of them while the test reads):
	// a form creates the lead.
	t0 := utc("2027-11-27T16:30:00Z")
	d0 := webhook.Delivery{Source: "site", ID: "d0-" + email, BodyHash: "h0", At: t0}
	rec, err := f.leads.SaveSubmission(ctx, d0, lead.Submission{OccurredAt: t0, Contact: lead.Contact{Email: email, FirstName: "Ana"}},
		lead.Activity{ID: "a0-" + email, Type: lead.FormSubmit, OccurredAt: t0, ReceivedAt: t0, Source: "site", DeliveryID: d0.ID}, answer)
	if err != nil {
		t.Fatal(err)
	}
	id := rec.LeadID
	// Three days later a page view (received 09:15, viewed 09:00), and a newsletter click of someone unknown.
	t1 := utc("2027-11-30T09:15:00Z")
	d1 := webhook.Delivery{Source: "tracking", ID: "d1-" + email, BodyHash: "h1", At: t1}
	if _, err := f.leads.SaveActivities(ctx, d1, lead.LeadRef{Email: email}, []lead.Activity{{ID: "a1-" + email, Type: "page_view",
		OccurredAt: utc("2027-11-30T09:00:00Z"), ReceivedAt: t1, Source: "tracking", DeliveryID: d1.ID}}, true, answer); err != nil {
		t.Fatal(err)
	}
	t4 := utc("2027-12-01T08:00:00Z")
	d4 := webhook.Delivery{Source: "tracking", ID: "d4-" + email, BodyHash: "h4", At: t4}
	sub, err := f.leads.SaveActivities(ctx, d4, lead.LeadRef{Email: "new-" + email}, []lead.Activity{{ID: "a4-" + email, Type: "email_click",
		OccurredAt: t4, ReceivedAt: t4, Source: "tracking", DeliveryID: d4.ID}}, true, answer)
	if err != nil || !sub.Created {
		t.Fatalf("a subscriber: %+v %v", sub, err)
	}
	// Scored an SQL at 10:00 (the lead was last heard of at 09:15, the page view's receipt), handed off.
	t2 := utc("2027-11-30T10:00:00Z")
	if _, err := f.leads.Rescore(ctx, id, func(l lead.Lead, _ []lead.Activity) *scoring.Change {
		return &scoring.Change{Stage: lead.StageSQL, At: t2, Move: &scoring.Move{From: l.Stage, To: lead.StageSQL, Cause: "demo"}}
	}); err != nil {
		t.Fatal(err)
	}
	d, err := handoff.DeadlinesFrom(f.c, t2)
	if err != nil {
		t.Fatal(err)
	}
	h := handoff.New(handoff.Key{LeadID: id, At: t2}, handoff.Assignment{RepID: "thomas-martin", Team: "nord", Reason: "test", At: t2}, d, f.c.Version, t2)
	if _, err := f.handoffs.Claim(ctx, h, &routing.Count{Team: "nord", RepID: "thomas-martin"}, t2); err != nil {
		t.Fatal(err)
	}
	// Reminded at 12:00 (its email through the gate), accepted at 11:00 the next day.
	reminded, err := f.handoffs.Update(ctx, h.Key, t2, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(t2)
		h.Mail.Sent("m", t2)
		return []handoff.Event{h.Remind(0, utc("2027-11-30T12:00:00Z"))}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	reminder := reminded.Pending[0]
	if _, _, err := f.handoffs.StartEventMail(ctx, h.Key, reminder, utc("2027-11-30T12:00:01Z")); err != nil {
		t.Fatal(err)
	}
	t3 := utc("2027-12-01T11:00:00Z")
	if _, err := f.handoffs.Update(ctx, h.Key, t3, func(h *handoff.Handoff) ([]handoff.Event, error) {
		_, err := h.Record(handoff.Response{Action: handoff.Accept, At: t3, RepID: "thomas-martin", By: "page"}, f.c.Calendar)
		return nil, err
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.leads.CountDiscarded(ctx, "site", "honeypot", t0); err != nil {
		t.Fatal(err)
	}
	november := contract.Month{Year: 2027, Month: time.November}
	reports := store.NewReports(f.db, f.tables)
	if _, err := reports.Create(ctx, storedReport(november, []byte(`{"figures":"of "}`+id))); err != nil && !errors.Is(err, records.ErrReported) {
		t.Fatal(err)
	}

	pk, handoffSK := "LEAD#"+id, "HANDOFF#2027-11-30T10:00:00.000Z"
	tests := []struct {
		name, table, pk, sk string
		want                string // expiresAt, "" for none
	}{
		// Leads: 7 months after the last thing heard of the lead (09:15 on 30 November), to the next midnight UTC.
		{"lead profile", f.tables.Leads, pk, "#PROFILE", "2028-07-01T00:00:00Z"},
		{"email claim, with its lead", f.tables.Leads, "EMAIL#" + email, "#EMAIL", "2028-07-01T00:00:00Z"},
		{"subscriber created by an activity", f.tables.Leads, "LEAD#" + sub.LeadID, "#PROFILE", "2028-07-02T00:00:00Z"},
		{"subscriber's email claim", f.tables.Leads, "EMAIL#new-" + email, "#EMAIL", "2028-07-02T00:00:00Z"},
		// Activities: 5 months after their instant.
		{"form_submit activity", f.tables.Activities, pk, "2027-11-27T16:30:00.000Z#a0-" + email, "2028-04-27T16:30:00Z"},
		{"page_view activity", f.tables.Activities, pk, "2027-11-30T09:00:00.000Z#a1-" + email, "2028-04-30T09:00:00Z"},
		{"sales' answer, an activity", f.tables.Activities, pk, "2027-12-01T11:00:00.000Z#" + lead.ActivityID("feedback", h.Key.String(), 1), "2028-05-01T11:00:00Z"},
		// Deliveries: the answer for 48 h; the marker as long as the activities it brought.
		{"delivery's first answer", f.tables.Deliveries, store.DeliveryKey("DELIVERY", "site", d0.ID), "", "2027-11-29T16:30:00Z"},
		{"delivery marker", f.tables.Deliveries, store.DeliveryKey("SEEN", "site", d0.ID), "", "2028-04-27T16:30:00Z"},
		{"activities' delivery marker", f.tables.Deliveries, store.DeliveryKey("SEEN", "tracking", d1.ID), "", "2028-04-30T09:15:00Z"},
		// The SLA's records: 11 months after their instant; a hand-off's events with it.
		{"creation", f.tables.SLA, pk, "EVT#2027-11-27T16:30:00.000Z#lead", "2028-10-27T16:30:00Z"},
		{"stage change", f.tables.SLA, pk, "EVT#2027-11-30T10:00:00.000Z#stage#sql", "2028-10-30T10:00:00Z"},
		{"hand-off", f.tables.SLA, pk, handoffSK, "2028-10-30T10:00:00Z"},
		{"SLA event, with its hand-off", f.tables.SLA, pk, "EVT#2027-11-30T10:00:00.000Z#" + reminder, "2028-10-30T10:00:00Z"},
		// The report of record of November: 11 months after its end in Paris (1 December 00:00 CET).
		{"report of record", f.tables.SLA, "REPORT#2027-11", "#REPORT", "2028-10-30T23:00:00Z"},
		{"report figures", f.tables.SLA, "REPORT#2027-11", "#REPORT#FIGURES#001", "2028-10-30T23:00:00Z"},
		// Nothing of a person: never expire.
		{"round-robin count", f.tables.SLA, "ROUTING#nord", "REP#thomas-martin", ""},
		{"open SQLs of a rep", f.tables.SLA, "LOAD", "REP#thomas-martin", ""},
		{"discarded submissions", f.tables.SLA, "STATS#2027-11", "DISCARDED#honeypot#site", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			item := f.item(tc.table, tc.pk, tc.sk)
			if item == nil {
				t.Fatalf("no item %s %s", tc.pk, tc.sk)
			}
			if got := expiresAt(item); got != tc.want {
				t.Errorf("expiresAt %q, want %q", got, tc.want)
			}
		})
	}
}

// TestAnUpdateRewritesExpiresAt: a new retention applies to the items written from then on — a lead whose score
// is saved, a hand-off changed — while those not written keep theirs (the backfill's work). A lead's expiry
// follows the last thing heard of it: an activity received on a later day moves it, with its claim, even when
// the score does not change; a re-score that hears nothing new (a redelivery, decay) writes nothing.
func TestAnUpdateRewritesExpiresAt(t *testing.T) {
	t.Parallel()
	f := retentionFixture(t, "") // the defaults: 36, 24, 36 months
	ctx := context.Background()
	answer := func(string) webhook.Answer { return webhook.Answer{Status: 202} }
	email := fmt.Sprintf("upd%d@forges.fr", time.Now().UnixNano())
	t0 := utc("2027-11-27T16:30:00Z")
	d0 := webhook.Delivery{Source: "site", ID: "d0-" + email, BodyHash: "h0", At: t0}
	rec, err := f.leads.SaveSubmission(ctx, d0, lead.Submission{OccurredAt: t0, Contact: lead.Contact{Email: email}},
		lead.Activity{ID: "a0-" + email, Type: lead.FormSubmit, OccurredAt: t0, ReceivedAt: t0, Source: "site", DeliveryID: d0.ID}, answer)
	if err != nil {
		t.Fatal(err)
	}
	id, pk := rec.LeadID, "LEAD#"+rec.LeadID
	d, _ := handoff.DeadlinesFrom(f.c, t0)
	h := handoff.New(handoff.Key{LeadID: id, At: t0}, handoff.Assignment{RepID: "thomas-martin", At: t0}, d, f.c.Version, t0)
	if _, err := f.handoffs.Claim(ctx, h, nil, t0); err != nil {
		t.Fatal(err)
	}
	profile := func() map[string]types.AttributeValue { return f.item(f.tables.Leads, pk, "#PROFILE") }
	check := func(what string, item map[string]types.AttributeValue, want string) {
		t.Helper()
		if got := expiresAt(item); got != want {
			t.Errorf("%s: expiresAt %q, want %q", what, got, want)
		}
	}
	check("the lead, 36 months", profile(), "2030-11-28T00:00:00Z")
	check("the hand-off, 36 months", f.item(f.tables.SLA, pk, "HANDOFF#2027-11-27T16:30:00.000Z"), "2030-11-27T16:30:00Z")
	nothing := func(lead.Lead, []lead.Activity) *scoring.Change { return nil }
	version := testenv.Attr(profile(), "version")
	if _, err := f.leads.Rescore(ctx, id, nothing); err != nil || testenv.Attr(profile(), "version") != version {
		t.Errorf("a re-score that heard nothing new wrote the lead (version %s, was %s; %v)", testenv.Attr(profile(), "version"), version, err)
	}

	// An activity received four days later, which changes no score: the lead and its claim move.
	t1 := utc("2027-12-01T10:00:00Z")
	d1 := webhook.Delivery{Source: "tracking", ID: "d1-" + email, BodyHash: "h1", At: t1}
	if _, err := f.leads.SaveActivities(ctx, d1, lead.LeadRef{ID: id}, []lead.Activity{{ID: "a1-" + email, Type: "page_view",
		OccurredAt: t1, ReceivedAt: t1, Source: "tracking", DeliveryID: d1.ID}}, false, answer); err != nil {
		t.Fatal(err)
	}
	if _, err := f.leads.Rescore(ctx, id, nothing); err != nil {
		t.Fatal(err)
	}
	check("the lead after a later activity", profile(), "2030-12-02T00:00:00Z")
	check("its claim", f.item(f.tables.Leads, "EMAIL#"+email, "#EMAIL"), "2030-12-02T00:00:00Z")

	// The contract now keeps leads 12 months, activities 6, hand-offs 18.
	shorter := f.tables
	shorter.Retention = contract.Retention{Leads: 12, Activities: 6, Handoffs: 18}
	leads, handoffs := store.NewLeads(f.db, shorter), store.NewHandoffs(f.db, shorter)
	if _, err := leads.Rescore(ctx, id, nothing); err != nil {
		t.Fatal(err)
	}
	check("the lead re-scored under the new retention", profile(), "2028-12-02T00:00:00Z")
	check("its claim", f.item(f.tables.Leads, "EMAIL#"+email, "#EMAIL"), "2028-12-02T00:00:00Z")
	if _, err := handoffs.Update(ctx, h.Key, t1, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Start(t1)
		return nil, nil
	}); err != nil {
		t.Fatal(err)
	}
	check("the hand-off changed under the new retention", f.item(f.tables.SLA, pk, "HANDOFF#2027-11-27T16:30:00.000Z"), "2029-05-27T16:30:00Z")
	check("an activity not written since", f.item(f.tables.Activities, pk, "2027-11-27T16:30:00.000Z#a0-"+email), "2029-11-27T16:30:00Z")
	check("the creation record not written since", f.item(f.tables.SLA, pk, "EVT#2027-11-27T16:30:00.000Z#lead"), "2030-11-27T16:30:00Z")
}

// TestBackfill: items stored before retention (no expiresAt; hand-offs holding the person's details) get, from a
// backfill, exactly the expiresAt the functions now write, and lose those details; what names no lead is left
// alone; a dry run writes nothing; a second run finds nothing to do; a new retention is applied to every item.
func TestBackfill(t *testing.T) {
	t.Parallel()
	f := retentionFixture(t, "retention:\n  leads: 7 months\n  activities: 5 months\n  handoffs: 11 months\n")
	ctx := context.Background()
	answer := func(string) webhook.Answer { return webhook.Answer{Status: 202} }
	email := fmt.Sprintf("old%d@forges.fr", time.Now().UnixNano())
	t0 := utc("2027-11-27T16:30:00Z")
	d0 := webhook.Delivery{Source: "site", ID: "d0-" + email, BodyHash: "h0", At: t0}
	rec, err := f.leads.SaveSubmission(ctx, d0, lead.Submission{OccurredAt: t0, Contact: lead.Contact{Email: email}},
		lead.Activity{ID: "a0-" + email, Type: lead.FormSubmit, OccurredAt: t0, ReceivedAt: t0, Source: "site", DeliveryID: d0.ID}, answer)
	if err != nil {
		t.Fatal(err)
	}
	t1 := utc("2027-12-01T10:00:00Z") // an activity received later: the lead was last heard of then
	d1 := webhook.Delivery{Source: "tracking", ID: "d1-" + email, BodyHash: "h1", At: t1}
	if _, err := f.leads.SaveActivities(ctx, d1, lead.LeadRef{ID: rec.LeadID}, []lead.Activity{{ID: "a1-" + email, Type: "page_view",
		OccurredAt: t1, ReceivedAt: t1, Source: "tracking", DeliveryID: d1.ID}}, false, answer); err != nil {
		t.Fatal(err)
	}
	if _, err := f.leads.Rescore(ctx, rec.LeadID, func(lead.Lead, []lead.Activity) *scoring.Change { return nil }); err != nil {
		t.Fatal(err) // as the score function does on each activity
	}
	d, _ := handoff.DeadlinesFrom(f.c, t1)
	h := handoff.New(handoff.Key{LeadID: rec.LeadID, At: t1}, handoff.Assignment{RepID: "thomas-martin", Team: "nord", At: t1}, d, f.c.Version, t1)
	if _, err := f.handoffs.Claim(ctx, h, &routing.Count{Team: "nord", RepID: "thomas-martin"}, t1); err != nil {
		t.Fatal(err)
	}
	reminded, err := f.handoffs.Update(ctx, h.Key, t1, func(h *handoff.Handoff) ([]handoff.Event, error) {
		return []handoff.Event{h.Remind(0, h.Reminders[0])}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewReports(f.db, f.tables).Create(ctx, storedReport(contract.Month{Year: 2027, Month: time.November}, []byte(`{}`))); err != nil {
		t.Fatal(err)
	}

	// What the functions wrote, as a reference; then every item as it was stored before retention.
	pk := "LEAD#" + rec.LeadID
	items := []struct{ table, pk, sk string }{
		{f.tables.Leads, pk, "#PROFILE"}, {f.tables.Leads, "EMAIL#" + email, "#EMAIL"},
		{f.tables.Activities, pk, "2027-11-27T16:30:00.000Z#a0-" + email}, {f.tables.Activities, pk, "2027-12-01T10:00:00.000Z#a1-" + email},
		{f.tables.Deliveries, store.DeliveryKey("SEEN", "site", d0.ID), ""}, {f.tables.Deliveries, store.DeliveryKey("SEEN", "tracking", d1.ID), ""},
		{f.tables.SLA, pk, "EVT#2027-11-27T16:30:00.000Z#lead"}, {f.tables.SLA, pk, "HANDOFF#2027-12-01T10:00:00.000Z"},
		{f.tables.SLA, pk, "EVT#2027-12-01T10:00:00.000Z#" + reminded.Pending[0]},
		{f.tables.SLA, "REPORT#2027-11", "#REPORT"}, {f.tables.SLA, "REPORT#2027-11", "#REPORT#FIGURES#001"},
	}
	want := map[string]string{}
	for _, it := range items {
		want[it.pk+"/"+it.sk] = expiresAt(f.item(it.table, it.pk, it.sk))
		if want[it.pk+"/"+it.sk] == "" {
			t.Fatalf("the store wrote %s %s without expiresAt", it.pk, it.sk)
		}
		update := "REMOVE expiresAt"
		if strings.HasPrefix(it.sk, "HANDOFF#") {
			update = "REMOVE expiresAt SET leadName = :x, leadEmail = :x, leadPhone = :x, leadTitle = :x"
		}
		in := &dynamodb.UpdateItemInput{TableName: &it.table, Key: key(it.pk, it.sk), UpdateExpression: &update}
		if strings.Contains(update, ":x") {
			in.ExpressionAttributeValues = map[string]types.AttributeValue{":x": &types.AttributeValueMemberS{Value: "Ana Old"}}
		}
		if _, err := f.db.UpdateItem(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
	counts := func(apply bool, tables store.Tables) map[string]store.Backfilled {
		t.Helper()
		out, err := store.NewExpiries(f.db, tables).Backfill(ctx, apply, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]store.Backfilled{}
		for _, c := range out {
			m[c.Kind] = c
		}
		return m
	}
	dry := counts(false, f.tables)
	if c := dry["hand-offs"]; c.Items != 1 || c.Set != 1 || c.Scrubbed != 1 {
		t.Errorf("dry run, hand-offs: %+v", c)
	}
	if got := expiresAt(f.item(f.tables.Leads, pk, "#PROFILE")); got != "" {
		t.Errorf("a dry run wrote %s", got)
	}
	done := counts(true, f.tables)
	for kind, n := range map[string]int{"lead profiles": 1, "email claims": 1, "activities": 2, "delivery markers": 2, "hand-offs": 1,
		"SLA events, creations, stage changes, holds": 2, "reports of record": 2} {
		if c := done[kind]; c.Set != n || c.Changed != 0 {
			t.Errorf("%s: %+v, want %d set", kind, c, n)
		}
	}
	for _, it := range items {
		item := f.item(it.table, it.pk, it.sk)
		if got := expiresAt(item); got != want[it.pk+"/"+it.sk] {
			t.Errorf("%s %s: backfilled %q, the functions write %q", it.pk, it.sk, got, want[it.pk+"/"+it.sk])
		}
		for _, a := range []string{"leadName", "leadEmail", "leadPhone", "leadTitle"} {
			if item[a] != nil {
				t.Errorf("%s %s still holds %s", it.pk, it.sk, a)
			}
		}
	}
	for _, it := range []struct{ pk, sk string }{{"ROUTING#nord", "REP#thomas-martin"}, {"LOAD", "REP#thomas-martin"}} {
		if got := expiresAt(f.item(f.tables.SLA, it.pk, it.sk)); got != "" {
			t.Errorf("%s %s, which names no lead, got expiresAt %s", it.pk, it.sk, got)
		}
	}
	for kind, c := range counts(true, f.tables) {
		if c.Set != 0 || c.Scrubbed != 0 || c.Right != c.Items {
			t.Errorf("a second run, %s: %+v", kind, c)
		}
	}
	longer := f.tables
	longer.Retention = contract.Retention{Leads: 24, Activities: 24, Handoffs: 24}
	counts(true, longer)
	if got := expiresAt(f.item(f.tables.SLA, pk, "HANDOFF#2027-12-01T10:00:00.000Z")); got != "2029-12-01T10:00:00Z" {
		t.Errorf("the hand-off under a new retention: %s", got)
	}
	if got := expiresAt(f.item(f.tables.Leads, "EMAIL#"+email, "#EMAIL")); got != "2029-12-02T00:00:00Z" {
		t.Errorf("the claim under a new retention: %s", got)
	}
}

func key(pk, sk string) map[string]types.AttributeValue {
	k := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}
	if sk != "" {
		k["sk"] = &types.AttributeValueMemberS{Value: sk}
	}
	return k
}
