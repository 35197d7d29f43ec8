package ingest_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSecrets()) }

// now is the instant every test (and every sample event's signature) lives at.
var now = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)

type harness struct {
	t       testing.TB
	clock   *clock
	h       *ingest.Handler
	db      *dynamodb.Client
	calls   *testenv.Counter
	tables  store.Tables
	c       *contract.Contract
	secrets map[string]string // by source ID
	logs    *testenv.SyncBuffer
}

func exampleContract(t testing.TB) *contract.Contract {
	t.Helper()
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sourceSecrets resolves the example contract's sources as the function's cold start does: SSM and Secrets
// Manager calls to moto, which holds the demo secrets (infra/local/secrets.seed).
func sourceSecrets(t testing.TB, c *contract.Contract) map[string]string {
	t.Helper()
	return testenv.Secrets(t, ingest.SecretRefs(c))
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	names := testenv.Tables(t)
	db, calls := testenv.CountingDynamoDB(t)
	c := exampleContract(t)
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}
	sec := sourceSecrets(t, c)
	logs := &testenv.SyncBuffer{}
	clk := &clock{}
	clk.set(now)
	h, err := ingest.New(c, sec, store.NewLeads(db, tables), store.NewHandoffs(db, tables), clk.now, slog.New(slog.NewJSONHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h.WithContent(store.NewContent(db, tables))
	return &harness{t: t, clock: clk, h: h, db: db, calls: calls, tables: tables, c: c, secrets: sec, logs: logs}
}

// clock is the handler's clock; tests move it (a retry two days later).
type clock struct{ unixNano atomic.Int64 }

func (c *clock) set(t time.Time) { c.unixNano.Store(t.UnixNano()) }
func (c *clock) now() time.Time  { return time.Unix(0, c.unixNano.Load()).UTC() }

// request builds an API Gateway v2 event for a route, as API Gateway would hand it over.
func request(sourceID, route, contentType, body string, headers map[string]string) events.APIGatewayV2HTTPRequest {
	h := map[string]string{"content-type": contentType, "host": "api.maintenia.fr", "user-agent": "test"}
	for k, v := range headers {
		h[k] = v
	}
	path := "/v1/sources/" + sourceID + "/" + route
	req := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "POST /v1/sources/{sourceId}/" + route, RawPath: path, Headers: h,
		PathParameters: map[string]string{"sourceId": sourceID},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "POST /v1/sources/{sourceId}/" + route, Stage: "$default", RequestID: "req-1", APIID: "abc123",
			DomainName: "api.maintenia.fr", Time: now.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.7", UserAgent: "test"},
		},
		Body: body,
	}
	if !strings.HasPrefix(contentType, "application/json") {
		req.Body, req.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(body)), true
	}
	return req
}

// signed signs a body the way the source's sender does and returns the request.
func (h *harness) signed(sourceID, route, contentType, deliveryID, body string) events.APIGatewayV2HTTPRequest {
	return signedWith(h.secrets, sourceID, route, contentType, deliveryID, body)
}

func signedWith(sec map[string]string, sourceID, route, contentType, deliveryID, body string) events.APIGatewayV2HTTPRequest {
	return signedAt(sec, now, sourceID, route, contentType, deliveryID, body)
}

// signedAt signs as the sender does at an instant (a retry is signed anew when it is sent).
func signedAt(sec map[string]string, at time.Time, sourceID, route, contentType, deliveryID, body string) events.APIGatewayV2HTTPRequest {
	now := at
	secret := sec[sourceID]
	headers := map[string]string{}
	switch sourceID {
	case "typeform-audit":
		headers["typeform-signature"] = webhook.SignTypeform(secret, []byte(body))
	case "webflow-webinar", "ressources":
		headers["x-webflow-timestamp"], headers["x-webflow-signature"] = webhook.SignWebflow(secret, now, []byte(body))
	case "zapier-linkedin", "actualites":
		headers["authorization"] = "Bearer " + secret
		if deliveryID != "" {
			headers["idempotency-key"] = deliveryID
		}
	default:
		headers["webhook-id"] = deliveryID
		headers["webhook-timestamp"] = strconv.FormatInt(now.Unix(), 10)
		headers["webhook-signature"] = webhook.SignStandard(secret, deliveryID, now, []byte(body))
	}
	return request(sourceID, route, contentType, body, headers)
}

type answer struct {
	Status     string
	LeadID     string
	DeliveryID string
	Activities int
	Error      string
	Fields     []struct{ Field, Message string }
}

func (h *harness) do(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, answer) {
	h.t.Helper()
	resp, err := h.h.Handle(context.Background(), req)
	if err != nil {
		h.t.Fatalf("Handle returned an error: %v", err)
	}
	var a answer
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil {
		h.t.Fatalf("answer is not JSON: %q", resp.Body)
	}
	return resp, a
}

// items reads a whole test table (tests only: no function scans).
func (h *harness) items(table string) []map[string]types.AttributeValue {
	h.t.Helper()
	var out []map[string]types.AttributeValue
	var start map[string]types.AttributeValue
	for {
		page, err := h.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true)})
		if err != nil {
			h.t.Fatal(err)
		}
		out = append(out, page.Items...)
		if start = page.LastEvaluatedKey; start == nil {
			return out
		}
	}
}

func (h *harness) leads() []map[string]types.AttributeValue {
	var out []map[string]types.AttributeValue
	for _, it := range h.items(h.tables.Leads) {
		if str(it, "type") == "lead" {
			out = append(out, it)
		}
	}
	return out
}

func (h *harness) activities() []map[string]types.AttributeValue { return h.items(h.tables.Activities) }

// stored counts every item ingest could have written.
func (h *harness) stored() int {
	return len(h.items(h.tables.Leads)) + len(h.items(h.tables.Activities)) + len(h.items(h.tables.Deliveries))
}

var str = testenv.Attr

func prop(it map[string]types.AttributeValue, mapName, k string) string {
	m, ok := it[mapName].(*types.AttributeValueMemberM)
	if !ok {
		return ""
	}
	return str(m.Value, k)
}
