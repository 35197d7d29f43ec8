package forget_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/forget"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestForgetRoute: the sample event (an address typed with capitals) erases the lead ingest stored under its
// normal form, and says what it removed; again, there is nothing left to erase; a body that is not one email is
// a 400 naming the field. The email is never in the logs.
func TestForgetRoute(t *testing.T) {
	t.Parallel()
	names := testenv.Tables(t)
	db := testenv.DynamoDB(t)
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tables := store.TablesFrom(testenv.TableEnv(t, names), c)
	at := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	d := webhook.Delivery{Source: "site-contact", ID: "d1", BodyHash: "h", At: at}
	rec, err := store.NewLeads(db, tables).SaveSubmission(context.Background(), d,
		lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: "claire.dubois@acme-industrie.fr", FirstName: "Claire"}},
		lead.Activity{ID: "a1", Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := forget.New(store.NewPeople(db, tables), func() time.Time { return at.Add(time.Hour) }, slog.New(slog.NewJSONHandler(&logs, nil)))
	raw, err := os.ReadFile(testenv.Root() + "/events/forget/post-forget.json")
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	post := func(body string) (int, map[string]any) {
		t.Helper()
		r := req
		r.Body = body
		resp, err := h.Handle(testenv.AsFunction(context.Background(), "ForgetFunction"), r)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
		return resp.StatusCode, out
	}
	status, out := post(req.Body)
	if erased, _ := out["erased"].(map[string]any); status != 200 || out["status"] != forget.StatusErased || out["leadId"] != rec.LeadID ||
		erased["leads"] != 1.0 || erased["emailClaims"] != 1.0 || erased["activities"] != 1.0 {
		t.Errorf("the sample: %d %v", status, out)
	}
	if status, out := post(req.Body); status != 200 || out["status"] != forget.StatusNothing {
		t.Errorf("again: %d %v; want nothing to erase", status, out)
	}
	for _, tc := range []struct{ body, field string }{
		{`{"email": "Claire <claire@acme.fr>"}`, "email"},
		{`{"email": ""}`, "email"},
		{`{"mail": "claire@acme.fr"}`, "body"},
		{`claire@acme.fr`, "body"},
		{`{"email": "a@b.fr"} {"email": "c@d.fr"}`, "body"},
		{`{"email": "a@b.fr", "email": "claire.dubois@acme-industrie.fr"}`, "email"}, // two keys: which one to erase?
		{`{"emai\u006c": "a@b.fr", "email": "c@d.fr"}`, "email"},
	} {
		status, out := post(tc.body)
		fields, _ := out["fields"].([]any)
		if status != 400 || len(fields) != 1 || fields[0].(map[string]any)["field"] != tc.field {
			t.Errorf("%s: %d %v; want a 400 naming %s", tc.body, status, out, tc.field)
		}
	}
	if strings.Contains(strings.ToLower(logs.String()), "claire") || !strings.Contains(logs.String(), rec.LeadID) {
		t.Errorf("the logs name the person, or not the lead:\n%s", logs.String())
	}
}
