package ops_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/ops"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func paris(t *testing.T, s string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Paris")
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestOpenSQLs: the sample event (state=awaiting_contact) and the whole list, soonest deadline first, with
// where each stands and the business time left or past — and nothing that names the lead.
func TestOpenSQLs(t *testing.T) {
	t.Parallel()
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	hs := store.NewHandoffs(testenv.DynamoDB(t), store.TablesFrom(testenv.TableEnv(t, names), c))
	ctx := context.Background()
	for _, id := range []string{"ld_late", "ld_contacted", "ld_answered"} {
		// The lead itself (a hand-off makes its rep the owner): only its key matters here.
		if _, err := testenv.DynamoDB(t).PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(names["LeadsTable"]), Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}}); err != nil {
			t.Fatal(err)
		}
	}
	// Monday 10:00 (due 15:00) and 10:30 (due 15:30) to Thomas; the second contacted at 11:00 (answer due
	// Wednesday 10:30: 2h50 on Monday after 15:10, 8h on Tuesday, 1h30 on Wednesday); a third answered (not listed).
	late := testenv.HandOff(t, hs, c, "ld_late", "thomas-martin", paris(t, "2026-11-30 10:00"))
	contacted := testenv.HandOff(t, hs, c, "ld_contacted", "thomas-martin", paris(t, "2026-11-30 10:30"))
	answered := testenv.HandOff(t, hs, c, "ld_answered", "thomas-martin", paris(t, "2026-11-30 10:30"))
	record := func(k handoff.Key, r handoff.Response) {
		if _, err := hs.Update(ctx, k, r.At, func(h *handoff.Handoff) ([]handoff.Event, error) {
			_, err := h.Record(r, c.Calendar)
			return nil, err
		}); err != nil {
			t.Fatal(err)
		}
	}
	record(contacted.Key, handoff.Response{Action: handoff.Contacted, Channel: "phone", At: paris(t, "2026-11-30 11:00")})
	record(answered.Key, handoff.Response{Action: handoff.Accept, At: paris(t, "2026-11-30 11:00")})

	now := paris(t, "2026-11-30 15:10")
	h := ops.New(c, hs, func() time.Time { return now }, testenv.Logger(t))
	raw, err := os.ReadFile(testenv.Root() + "/events/ops/get-open-sqls.json")
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	get := func(req events.APIGatewayV2HTTPRequest) (int, ops.Response, string) {
		resp, err := h.Handle(testenv.AsFunction(ctx, "OpsFunction"), req)
		if err != nil {
			t.Fatal(err)
		}
		var body ops.Response
		_ = json.Unmarshal([]byte(resp.Body), &body)
		if resp.Headers["Cache-Control"] != "no-store" {
			t.Errorf("headers %v", resp.Headers)
		}
		return resp.StatusCode, body, resp.Body
	}
	status, body, text := get(req)
	if status != 200 || body.Count != 1 || body.SQLs[0].LeadID != late.LeadID || body.SQLs[0].State != ops.AwaitingContact ||
		body.SQLs[0].Late != "0h10" || body.SQLs[0].Rep != "Thomas Martin" || !body.SQLs[0].Due.Equal(paris(t, "2026-11-30 15:00")) {
		t.Errorf("awaiting contact: %d %s", status, text)
	}
	req.QueryStringParameters = nil
	status, body, text = get(req)
	if status != 200 || body.Count != 2 || body.SQLs[0].LeadID != late.LeadID || body.SQLs[1].LeadID != contacted.LeadID ||
		body.SQLs[1].State != ops.AwaitingAnswer || body.SQLs[1].Left != "12h20" {
		t.Errorf("all open: %d %s", status, text)
	}
	if strings.Contains(text, "@") || strings.Contains(text, "Dubois") {
		t.Errorf("the list names the lead: %s", text)
	}
	// Thomas's SQL email bounced: listed as bounced, with no deadline, first (it needs someone now).
	at := paris(t, "2026-11-30 15:11")
	if _, err := hs.Update(ctx, late.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail.Status = outbox.MailSent
		return h.RecordBounce(handoff.Bounce{ID: "f1", Kind: handoff.BouncePermanent, At: at}, at)
	}); err != nil {
		t.Fatal(err)
	}
	req.QueryStringParameters = map[string]string{"state": "bounced"}
	status, body, text = get(req)
	if status != 200 || body.Count != 1 || body.SQLs[0].LeadID != late.LeadID || body.SQLs[0].Email != "bounced" ||
		!body.SQLs[0].Due.IsZero() || body.SQLs[0].Late != "" || strings.Contains(text, `"due"`) {
		t.Errorf("bounced: %d %s", status, text)
	}
	req.QueryStringParameters = map[string]string{"state": "overdue"}
	if status, _, text := get(req); status != 400 || !strings.Contains(text, `"field":"state"`) {
		t.Errorf("a bad state: %d %s", status, text)
	}
}
