package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var at = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)

type fixture struct {
	t        *testing.T
	db       *dynamodb.Client
	calls    *testenv.Counter
	tables   store.Tables
	c        *contract.Contract
	leads    *store.Leads
	handoffs *store.Handoffs
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	db, calls := testenv.CountingDynamoDB(t)
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}
	return &fixture{t: t, db: db, calls: calls, tables: tables, c: c, leads: store.NewLeads(db, tables), handoffs: store.NewHandoffs(db, tables)}
}

func ok(string) webhook.Answer { return webhook.Answer{Status: 202, Body: "first"} }

func (f *fixture) submit(email, id string, when time.Time, contact lead.Contact) webhook.Receipt {
	f.t.Helper()
	contact.Email = email
	d := webhook.Delivery{Source: "site", ID: id, BodyHash: "h-" + id, At: when}
	rec, err := f.leads.SaveSubmission(context.Background(), d, lead.Submission{OccurredAt: when, Contact: contact},
		lead.Activity{ID: lead.ActivityID("site", id, 0), Type: lead.FormSubmit, OccurredAt: when, ReceivedAt: when, Source: "site", DeliveryID: id}, ok)
	if err != nil {
		f.t.Fatal(err)
	}
	return rec
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

// TestSubmissions: a new lead is one request (claim, lead, creation record, activity, delivery); a newer
// submission's values win, an older one only fills gaps; the creation is in the month's records.
func TestSubmissions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.calls.Reset()
	first := f.submit("ana@forges.fr", "d1", at, lead.Contact{JobTitle: "CTO", Company: "Forges"})
	if !first.Created || f.calls.Total() != 1 {
		t.Errorf("a new lead: %+v in %d requests", first, f.calls.Total())
	}
	f.submit("ana@forges.fr", "d2", at.Add(time.Hour), lead.Contact{JobTitle: "CEO"})
	f.submit("ana@forges.fr", "d0", at.Add(-time.Hour), lead.Contact{JobTitle: "Stagiaire", Industry: "Métallurgie"})
	l, err := f.leads.Get(context.Background(), first.LeadID)
	if err != nil {
		t.Fatal(err)
	}
	if l.Contact.JobTitle != "CEO" || l.Contact.Company != "Forges" || l.Contact.Industry != "Métallurgie" || l.Version != 3 ||
		l.Stage != lead.StageLead || l.Source != "site" || !l.ProfileAt.Equal(at.Add(time.Hour)) {
		t.Errorf("lead = %+v", l)
	}
	acts, err := f.leads.Activities(context.Background(), first.LeadID)
	if err != nil || len(acts) != 3 || !acts[0].OccurredAt.Equal(at.Add(-time.Hour)) {
		t.Errorf("activities in time order: %+v %v", acts, err)
	}
	created := f.item(f.tables.SLA, "LEAD#"+first.LeadID, "EVT#2026-11-27T16:30:00.000Z#lead")
	if testenv.Attr(created, "month") != store.MonthPartition(contract.Month{Year: 2026, Month: 11}, first.LeadID) || !strings.HasPrefix(testenv.Attr(created, "month"), "2026-11") ||
		testenv.Attr(created, "monthSk") != "lead#2026-11-27T16:30:00.000Z#"+first.LeadID ||
		testenv.Attr(created, "source") != "site" {
		t.Errorf("creation record = %v", created)
	}
}

// TestDeliveries: a retry gets the first answer; the same ID with another body is refused; a retry after the
// answer expired is recognised by the permanent record and rebuilt, writing nothing.
func TestDeliveries(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	first := f.submit("bob@meca.fr", "d1", at, lead.Contact{})
	d := webhook.Delivery{Source: "site", ID: "d1", BodyHash: "h-d1", At: at.Add(time.Minute)}
	sub := lead.Submission{OccurredAt: d.At, Contact: lead.Contact{Email: "bob@meca.fr"}}
	act := lead.Activity{ID: lead.ActivityID("site", "d1", 0), Type: lead.FormSubmit, OccurredAt: d.At, ReceivedAt: d.At, Source: "site", DeliveryID: "d1"}
	rec, err := f.leads.SaveSubmission(ctx, d, sub, act, ok)
	if err != nil || !rec.Replayed || rec.Late || rec.Answer.Body != "first" || rec.LeadID != first.LeadID {
		t.Errorf("a retry: %+v %v", rec, err)
	}
	other := d
	other.BodyHash = "another"
	if _, err := f.leads.SaveSubmission(ctx, other, sub, act, ok); !errors.Is(err, webhook.ErrDeliveryReused) {
		t.Errorf("another body: %v", err)
	}
	// The answer expires (TTL deletes it): the retry comes three days later, stamped with its receipt time.
	if _, err := f.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &f.tables.Deliveries,
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: store.DeliveryKey("DELIVERY", "site", "d1")}}}); err != nil {
		t.Fatal(err)
	}
	late := d
	late.At = at.Add(72 * time.Hour)
	lateAct := act
	lateAct.OccurredAt, lateAct.ReceivedAt = late.At, late.At
	rec, err = f.leads.SaveSubmission(ctx, late, lead.Submission{OccurredAt: late.At, Contact: sub.Contact}, lateAct, ok)
	if err != nil || !rec.Replayed || !rec.Late || rec.LeadID != first.LeadID {
		t.Errorf("a late retry: %+v %v", rec, err)
	}
	if acts, _ := f.leads.Activities(ctx, first.LeadID); len(acts) != 1 {
		t.Errorf("the late retry wrote %d activities", len(acts))
	}
	late.BodyHash = "another"
	if _, err := f.leads.SaveActivities(ctx, late, lead.LeadRef{ID: first.LeadID}, []lead.Activity{lateAct}, false, ok); !errors.Is(err, webhook.ErrDeliveryReused) {
		t.Errorf("a late retry with another body: %v", err)
	}
}

// TestMalformedItemsAreErrors: a stored item that does not read back names itself; it is never a zero value.
func TestMalformedItemsAreErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	put := func(item map[string]types.AttributeValue) {
		if _, err := f.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &f.tables.Leads, Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	put(map[string]types.AttributeValue{"pk": s("LEAD#ld_bad"), "sk": s("#PROFILE"), "leadId": s("ld_bad"), "stage": s("lead"),
		"createdAt": s("yesterday"), "updatedAt": s("2026-11-27T16:30:00.000Z"), "version": &types.AttributeValueMemberN{Value: "1"}})
	put(map[string]types.AttributeValue{"pk": s("LEAD#ld_worse"), "sk": s("#PROFILE"), "leadId": s("ld_worse"), "stage": s("lead"),
		"version": s("one")})
	for id, want := range map[string]string{"ld_bad": `LEAD#ld_bad/#PROFILE: createdAt: not an instant: "yesterday"`, "ld_worse": "LEAD#ld_worse/#PROFILE"} {
		if _, err := f.leads.Get(context.Background(), id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error naming the item", id, err)
		}
	}
}

// TestRescoreLosesNoUpdate: writers racing on one lead each see the others' work; the decision is asked again
// with the lead as it now is.
func TestRescoreLosesNoUpdate(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.submit("eva@laiterie.fr", "d1", at, lead.Contact{}).LeadID
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.leads.Rescore(context.Background(), id, func(l lead.Lead, _ []lead.Activity) *scoring.Change {
				// Each writer adds one point to what it reads: a lost update would lose a point.
				return &scoring.Change{Stage: l.Stage, At: at, Result: scoring.Result{Total: l.Score.Total + 1}}
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	l, err := f.leads.Get(context.Background(), id)
	if err != nil || l.Score.Total != 8 || l.Version != 9 {
		t.Errorf("after 8 concurrent re-scores: score %v, version %d (%v)", l.Score.Total, l.Version, err)
	}
	// A stage change writes its transition with the lead, for the month's records.
	_, err = f.leads.Rescore(context.Background(), id, func(l lead.Lead, _ []lead.Activity) *scoring.Change {
		return &scoring.Change{Stage: lead.StageSQL, At: at.Add(time.Hour), Move: &scoring.Move{From: l.Stage, To: lead.StageSQL, Cause: "demo"}}
	})
	if err != nil {
		t.Fatal(err)
	}
	l, _ = f.leads.Get(context.Background(), id)
	tr := f.item(f.tables.SLA, "LEAD#"+id, "EVT#2026-11-27T17:30:00.000Z#stage#sql")
	if !l.SQLAt.Equal(at.Add(time.Hour)) || testenv.Attr(tr, "monthSk") != "stage.sql#2026-11-27T17:30:00.000Z#"+id || testenv.Attr(tr, "source") != "site" {
		t.Errorf("sqlAt %s, transition %v", l.SQLAt, tr)
	}
	if _, err := f.leads.Rescore(context.Background(), "ld_nobody", func(lead.Lead, []lead.Activity) *scoring.Change { return nil }); !errors.Is(err, lead.ErrNotFound) {
		t.Errorf("an unknown lead: %v", err)
	}
}

// TestPagination: a history over 1 MB (DynamoDB's page) reads whole; the decay index is walked over every
// partition and page; many leads read in batches of 100.
func TestPagination(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	id := f.submit("big@history.fr", "d0", at, lead.Contact{}).LeadID
	big := strings.Repeat("x", 3000)
	for batch := 0; batch < 8; batch++ {
		var acts []lead.Activity
		for i := 0; i < 50; i++ {
			n := batch*50 + i
			acts = append(acts, lead.Activity{ID: fmt.Sprint("a", n), Type: "page_view", OccurredAt: at.Add(time.Duration(n) * time.Second),
				ReceivedAt: at, Source: "t", DeliveryID: fmt.Sprint("t", batch), Properties: map[string]string{"url": "https://x.fr/" + fmt.Sprint(n), "x_pad": big}})
		}
		if _, err := f.leads.SaveActivities(ctx, webhook.Delivery{Source: "t", ID: fmt.Sprint("t", batch), BodyHash: "h", At: at}, lead.LeadRef{ID: id}, acts, false, ok); err != nil {
			t.Fatal(err)
		}
	}
	acts, err := f.leads.Activities(ctx, id)
	if err != nil || len(acts) != 401 {
		t.Errorf("a 1.2 MB history read %d activities (%v), want 401", len(acts), err)
	}

	var ids []string
	for i := 0; i < 230; i++ {
		l := f.submit(fmt.Sprintf("lead%d@decay.fr", i), fmt.Sprint("s", i), at, lead.Contact{})
		ids = append(ids, l.LeadID)
		_, err := f.leads.Rescore(ctx, l.LeadID, func(l lead.Lead, _ []lead.Activity) *scoring.Change {
			return &scoring.Change{Stage: l.Stage, At: at, DecayAt: at.Add(time.Duration(i%2) * 48 * time.Hour)}
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	due := map[string]bool{}
	if err := f.leads.ForEachDecayDue(ctx, at.Add(time.Hour), func(id string) error { due[id] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(due) != 115 {
		t.Errorf("%d leads due for decay, want 115", len(due))
	}
	stop := errors.New("stop")
	seen := 0
	if err := f.leads.ForEachDecayDue(ctx, at.Add(time.Hour), func(string) error { seen++; return stop }); !errors.Is(err, stop) || seen != 1 {
		t.Errorf("a walk fn stops: %v after %d", err, seen)
	}
	got, err := f.leads.GetMany(ctx, append(ids, "ld_nobody"))
	if err != nil || len(got) != 230 {
		t.Errorf("GetMany: %d leads (%v)", len(got), err)
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.submit("ana@forges.fr", "d1", at, lead.Contact{JobTitle: "CEO"})
	f.submit("bob@gmail.com", "d2", at, lead.Contact{JobTitle: "CEO", FreeMail: true})
	var got []string
	err := store.ExportLeads(context.Background(), f.db, f.tables, func(l lead.Lead, acts []lead.Activity) error {
		p := scoring.ProfileOf(l)
		got = append(got, p["email"]+" "+p["free_mail"]+" "+acts[0].Type)
		return nil
	})
	if err != nil || len(got) != 2 {
		t.Fatalf("exported %q (%v)", got, err)
	}
	for _, want := range []string{"ana@forges.fr false form_submit", "bob@gmail.com true form_submit"} {
		if got[0] != want && got[1] != want {
			t.Errorf("export lacks %q: %q", want, got)
		}
	}
}
