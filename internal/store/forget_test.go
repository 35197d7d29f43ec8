package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// TestForget: a person with a submission, a page view, a hand-off that the rep rejected with a comment naming
// them, and a month's report of record holding that comment — and another person, who stays. Forget leaves none
// of the first person's values in any table (the report's figures read through their compression), keeps the
// hand-off as a count (ended, its comment gone, the report's figures still adding up), lets a new submission of
// the same email start a new lead, and a second run finds nothing to do.
func TestForget(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	people := store.NewPeople(f.db, f.tables)
	when := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	zoe := lead.Contact{FirstName: "Zoé", LastName: "Quintrell", Phone: "+33612345678", Company: "Quintrell Forges", JobTitle: "Gérante"}
	const zoeEmail = "zoe.quintrell@quintrell-forges.fr"
	id := f.submit(zoeEmail, "d-zoe", when, zoe).LeadID
	if _, err := f.leads.SaveActivities(ctx, webhook.Delivery{Source: "tracking", ID: "d-zoe-view", BodyHash: "h", At: when.Add(time.Hour)},
		lead.LeadRef{ID: id}, []lead.Activity{{ID: "a-zoe-view", LeadID: id, Type: "page_view", OccurredAt: when.Add(time.Hour), ReceivedAt: when.Add(time.Hour),
			Source: "tracking", DeliveryID: "d-zoe-view", Properties: map[string]string{"url": "https://maintenia.fr/tarifs?email=zoe.quintrell@quintrell-forges.fr"}}},
		false, ok); err != nil {
		t.Fatal(err)
	}
	keep := f.submit("paul.henry@meca-precision.fr", "d-paul", when, lead.Contact{FirstName: "Paul", LastName: "Henry", Phone: "+33472000000"}).LeadID

	// Zoé's SQL, handed to Thomas (her company names her), rejected with a comment naming her.
	d, err := handoff.DeadlinesFrom(f.c, when)
	if err != nil {
		t.Fatal(err)
	}
	h := handoff.New(handoff.Key{LeadID: id, At: when}, handoff.Assignment{RepID: "thomas-martin", Reason: "test", At: when}, d, f.c.Version, when)
	h.LeadCompany = zoe.Company
	if _, err := f.handoffs.Claim(ctx, h, nil, when); err != nil {
		t.Fatal(err)
	}
	if _, err := f.handoffs.Update(ctx, h.Key, when, func(h *handoff.Handoff) ([]handoff.Event, error) {
		_, err := h.Record(handoff.Response{Action: handoff.Reject, Reason: "other", Comment: "Zoé Quintrell a déjà un contrat", At: when.Add(2 * time.Hour), By: "page"}, f.c.Calendar)
		return nil, err
	}); err != nil {
		t.Fatal(err)
	}
	// An open SQL of hers too, to Thomas: erasure ends it and gives Thomas his capacity back.
	open := handoff.New(handoff.Key{LeadID: id, At: when.Add(48 * time.Hour)}, handoff.Assignment{RepID: "thomas-martin", Reason: "test", At: when.Add(48 * time.Hour)}, d, f.c.Version, when)
	if _, err := f.handoffs.Claim(ctx, open, nil, when.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := f.loads("nord")["thomas-martin"].Open; got != 1 {
		t.Fatalf("Thomas holds %d open SQLs before the erasure, want 1", got)
	}

	// November's report of record, with her comment in a row and among the "other" comments.
	november := contract.Month{Year: 2026, Month: time.November}
	in, err := store.NewMonths(f.db, f.tables).Read(ctx, november, time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	figures, err := report.Encode(report.Compute(f.c, in))
	if err != nil {
		t.Fatal(err)
	}
	reports := store.NewReports(f.db, f.tables)
	if _, err := reports.Create(ctx, records.Stored{Month: november, AsOf: in.AsOf, ComputedAt: in.AsOf, Contract: f.c.Version, Figures: figures, SQLs: 2,
		Mail: outbox.Mail{Status: outbox.MailSent, SentAt: in.AsOf}}); err != nil {
		t.Fatal(err)
	}
	tables := []string{f.tables.Leads, f.tables.Activities, f.tables.Deliveries, f.tables.SLA}
	values := []string{zoeEmail, "Quintrell", "Zoé", "33612345678", "612345678"}
	if hits := testenv.Occurrences(t, f.db, tables, values...); len(hits) < 5 {
		t.Fatalf("before the erasure, her values are in %d places (the test would prove nothing):\n%s", len(hits), strings.Join(hits, "\n"))
	}

	erasedAt := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	gotID, done, err := people.Forget(ctx, zoeEmail, erasedAt)
	if err != nil {
		t.Fatal(err)
	}
	// Activities: the submission, the page view, and the rejection (an answer is an activity of the lead).
	if gotID != id || done != (lead.Erased{Leads: 1, Claims: 1, Activities: 3, Handoffs: 2, Reports: 1}) {
		t.Errorf("forget: %s, %+v; want %s, 1 lead, 1 claim, 3 activities, 2 hand-offs, 1 report", gotID, done, id)
	}
	if hits := testenv.Occurrences(t, f.db, tables, values...); len(hits) > 0 {
		t.Errorf("after the erasure her values remain:\n%s", strings.Join(hits, "\n"))
	}
	if hits := testenv.Occurrences(t, f.db, tables, "paul.henry@meca-precision.fr", "Henry"); len(hits) == 0 {
		t.Error("the other person's data went too")
	}
	if _, err := f.leads.Get(ctx, keep); err != nil {
		t.Errorf("the other lead: %v", err)
	}

	// The hand-offs stay, as counts: ended, nothing more to check, Thomas's capacity back.
	for _, k := range []handoff.Key{h.Key, open.Key} {
		got := f.get(k)
		if got.Erased.IsZero() || !got.NextCheck(erasedAt).IsZero() || got.Decision.Comment != "" || got.LeadCompany != "" {
			t.Errorf("hand-off %s after the erasure: erased %v, next check %v, comment %q", k, got.Erased, got.NextCheck(erasedAt), got.Decision.Comment)
		}
	}
	if got := f.loads("nord")["thomas-martin"].Open; got != 0 {
		t.Errorf("Thomas holds %d open SQLs after the erasure, want 0", got)
	}
	var listed []string
	if err := f.handoffs.ForEachOpen(ctx, func(o handoff.Handoff) error { listed = append(listed, o.LeadID); return nil }); err != nil {
		t.Fatal(err)
	}
	if slices.Contains(listed, id) {
		t.Error("the erased lead's open SQL is still listed for ops")
	}
	// The report of record: the same figures, her comment gone (its digest checked by Get).
	st, err := reports.Get(ctx, november, true)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := report.Decode(st.Figures)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Marketing.SQLs != 2 || rep.Sales.Acceptance.D != 1 || len(rep.Sales.Rejections) != 1 || rep.Sales.Rejections[0].Count != 1 ||
		len(rep.Sales.Rejections[0].Comments) != 0 || rep.SQLs[0].RejectComment != "" || rep.SQLs[0].RejectReason != "other" {
		t.Errorf("the report after the erasure: %d SQLs, rejections %+v, row %+v", rep.Marketing.SQLs, rep.Sales.Rejections, rep.SQLs[0])
	}
	if _, err := report.Render(rep); err != nil {
		t.Errorf("the stored report no longer renders: %v", err)
	}

	// Again: nothing left to do. Then a new submission of the email is a new lead.
	if again, done, err := people.Forget(ctx, zoeEmail, erasedAt.Add(time.Minute)); err != nil || again != "" || done.Total() != 0 {
		t.Errorf("a second erasure: %q, %+v, %v; want nothing", again, done, err)
	}
	if fresh := f.submit(zoeEmail, "d-zoe-again", erasedAt.Add(time.Hour), lead.Contact{FirstName: "Zoé"}).LeadID; fresh == id {
		t.Error("a submission after the erasure found the erased lead")
	}
}

// TestErasedHandoffTakesNoAnswer: an erased hand-off is no longer checked, due or answerable.
func TestErasedHandoffTakesNoAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.claimed("erased@example.com", "thomas-martin")
	if !h.Forget(at) || h.Forget(at.Add(time.Minute)) {
		t.Fatal("Forget changes a hand-off once")
	}
	if !h.NextCheck(at).IsZero() || len(h.Due(at.Add(30*24*time.Hour))) != 0 {
		t.Error("an erased hand-off is still checked")
	}
	if _, err := h.Record(handoff.Response{Action: handoff.Accept, At: at}, f.c.Calendar); err != handoff.ErrErased {
		t.Errorf("an answer on an erased hand-off: %v", err)
	}
}

func (f *fixture) get(k handoff.Key) handoff.Handoff {
	f.t.Helper()
	h, err := f.handoffs.Get(context.Background(), k)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}
