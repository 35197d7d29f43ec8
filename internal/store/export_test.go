package store_test

import (
	"context"
	"sort"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/score"
	"github.com/handoff-sla/handoff/internal/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestExportLeads(t *testing.T) {
	t.Parallel()
	names := testenv.Tables(t)
	db := testenv.DynamoDB(t)
	leads := store.NewLeads(db, store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"]})
	ctx := context.Background()
	at := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	ok := func(string) ingest.Answer { return ingest.Answer{Status: 202} }
	for i, email := range []string{"ana@forges.fr", "bob@gmail.com"} {
		d := ingest.Delivery{Source: "s", ID: email, BodyHash: "h", At: at}
		sub := lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: email, JobTitle: "CEO", FreeMail: i == 1}}
		saved, err := leads.SaveSubmission(ctx, d, sub, lead.Activity{ID: "f" + email, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: "s", DeliveryID: email}, ok)
		if err != nil {
			t.Fatal(err)
		}
		acts := []lead.Activity{{ID: "p" + email, Type: "page_view", OccurredAt: at, ReceivedAt: at, Source: "t", DeliveryID: "t" + email, Properties: map[string]string{"url": "/tarifs"}}}
		if _, err := leads.SaveActivities(ctx, ingest.Delivery{Source: "t", ID: "t" + email, BodyHash: "h", At: at}, lead.LeadRef{ID: saved.LeadID}, acts, false, ok); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	err := leads.ExportLeads(ctx, db, func(ld score.Lead, acts []lead.Activity) error {
		got = append(got, ld.Profile["email"]+" "+ld.Profile["job_title"]+" free="+ld.Profile["free_mail"]+" "+acts[0].Type+" "+acts[1].Properties["url"])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(got)
	want := []string{"ana@forges.fr CEO free=false form_submit /tarifs", "bob@gmail.com CEO free=true form_submit /tarifs"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("exported %q, want %q", got, want)
	}
}
