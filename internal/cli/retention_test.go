package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/readme"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// TestRetentionBackfill: `handoff retention backfill` gives a lead stored before retention (no expiresAt) the
// expiry the example contract's retention gives it; --dry-run says so and writes nothing; a wrong command line
// is a usage error.
func TestRetentionBackfill(t *testing.T) {
	t.Parallel()
	c, err := contract.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	tables := store.TablesFrom(testenv.TableEnv(t, names), c)
	db := testenv.DynamoDB(t)
	at := time.Date(2027, 11, 27, 16, 30, 0, 0, time.UTC)
	d := webhook.Delivery{Source: "site-contact", ID: "d-backfill", BodyHash: "h", At: at}
	rec, err := store.NewLeads(db, tables).SaveSubmission(context.Background(), d, lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: "old@forges.fr"}},
		lead.Activity{ID: "a-backfill", Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		t.Fatal(err)
	}
	profile := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + rec.LeadID}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}
	if _, err := db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: &tables.Leads, Key: profile,
		UpdateExpression: aws.String("REMOVE expiresAt")}); err != nil {
		t.Fatal(err)
	}
	expiry := func() string {
		out, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &tables.Leads, Key: profile, ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		return testenv.Attr(out.Item, "expiresAt")
	}
	base := []string{"retention", "backfill", "--contract", example, "--endpoint", testenv.DynamoEndpoint(t), "--leads-table", tables.Leads,
		"--activities-table", tables.Activities, "--deliveries-table", tables.Deliveries, "--sla-table", tables.SLA}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(append(base, args...), &out, &errOut, fixedNow)
		return code, out.String(), errOut.String()
	}
	code, out, errOut := run("--dry-run")
	if code != 0 || expiry() != "" {
		t.Fatalf("dry run: exit %d, expiry %q: %s", code, expiry(), errOut)
	}
	for _, want := range []string{"leads 36 months, activities 24 months, hand-offs 36 months",
		"lead profiles                               1 item(s): 1 to give their expiry, 0 already right", "dry run: nothing written"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run: output lacks %q:\n%s", want, out)
		}
	}
	if code, out, errOut = run(); code != 0 || !strings.Contains(out, "1 item(s): 1 given their expiry") {
		t.Fatalf("exit %d:\n%s%s", code, out, errOut)
	}
	// README.md shows it with the contract's path as given from the repository's root.
	readme.Hold(t, "retention-backfill", strings.ReplaceAll(out, example, "infra/contract/contract.yaml"))
	// 36 months after 27 November 2027 16:30, to the next midnight UTC: 28 November 2030.
	if got := expiry(); got != "1922054400" {
		t.Errorf("the lead's expiry %s, want 1922054400 (2030-11-28T00:00:00Z)", got)
	}
	var o, e bytes.Buffer
	if code := Run([]string{"retention", "backfill", "now"}, &o, &e, fixedNow); code != 2 || !strings.Contains(e.String(), "unexpected argument now") {
		t.Errorf("a stray argument: exit %d, %s", code, e.String())
	}
	if code := Run([]string{"retention"}, &o, &e, fixedNow); code != 2 || !strings.Contains(e.String(), "usage: handoff retention backfill") {
		t.Errorf("no subcommand: exit %d, %s", code, e.String())
	}
}
