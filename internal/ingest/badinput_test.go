package ingest_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/webhook"
)

// TestBadInputs: every bad request gets its documented status, names the bad field, and stores nothing.
func TestBadInputs(t *testing.T) {
	h := newHarness(t)
	site := func(contentType, body string) events.APIGatewayV2HTTPRequest {
		return h.signed("site-contact", "submissions", contentType, "bad-"+strconv.Itoa(len(body)), body)
	}
	zap := func(body string) events.APIGatewayV2HTTPRequest {
		return h.signed("zapier-linkedin", "submissions", "application/json", "", body)
	}
	zapKey := func(key string) events.APIGatewayV2HTTPRequest {
		return h.signed("zapier-linkedin", "submissions", "application/json", key, `{"email":"z@y-x.fr"}`)
	}
	track := func(body string) events.APIGatewayV2HTTPRequest {
		return h.signed("tracking", "activities", "application/json", "t-"+strconv.Itoa(len(body)), body)
	}
	crm := func(body string) events.APIGatewayV2HTTPRequest {
		return h.signed("crm", "outcomes", "application/json", "c-"+strconv.Itoa(len(body)), body)
	}
	restamp := func(req events.APIGatewayV2HTTPRequest, at time.Time, body string) events.APIGatewayV2HTTPRequest {
		req.Headers["webhook-timestamp"] = strconv.FormatInt(at.Unix(), 10)
		req.Headers["webhook-signature"] = webhook.SignStandard(h.secrets["site-contact"], req.Headers["webhook-id"], at, []byte(body))
		return req
	}
	const ok = `{"E-mail professionnel":"ok@valid-co.fr"}`
	deep := strings.Repeat(`{"a":`, 8) + `1` + strings.Repeat(`}`, 8)
	manyFields := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf(`"f%d":"v"`, i)
		}
		return `{"email":"x@y-z.fr",` + strings.Join(parts, ",") + `}`
	}
	batch := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = `{"type":"page_view","url":"https://maintenia.fr/"}`
		}
		return `{"email":"a@b-c.fr","activities":[` + strings.Join(items, ",") + `]}`
	}

	tests := []struct {
		name   string
		req    events.APIGatewayV2HTTPRequest
		status int
		field  string // the field the answer names (400/422), "" for other statuses
	}{
		{"malformed JSON", site("application/json", `{"E-mail professionnel": "a@b.fr"`), 400, "body"},
		{"JSON array", site("application/json", `[{"email":"a@b.fr"}]`), 400, "body"},
		{"two JSON values", site("application/json", ok+ok), 400, "body"},
		{"number where an email is expected", site("application/json", `{"E-mail professionnel": 42}`), 400, "email"},
		{"object where an email is expected", zap(`{"email":{"value":"a@b.fr"}}`), 400, "email"},
		{"list of objects in a field", zap(`{"email":"a@b-c.fr","tags":[{"x":1}]}`), 400, "tags"},
		{"1 MB body", site("application/json", `{"Message":"`+strings.Repeat("x", 1<<20)+`"}`), 413, ""},
		{"just over 64 KB", site("application/json", `{"Message":"`+strings.Repeat("x", 64<<10)+`"}`), 413, ""},
		{"invalid email", site("application/json", `{"E-mail professionnel":"claire@@acme"}`), 400, "email"},
		{"missing email", site("application/json", `{"Prénom":"Claire"}`), 400, "email"},
		{"CR/LF in a name", site("application/json", `{"E-mail professionnel":"a@b-c.fr","Prénom":"Claire\r\nBcc: x@evil.fr"}`), 400, "first_name"},
		{"HTML in a name", site("application/json", `{"E-mail professionnel":"a@b-c.fr","Nom":"<img src=x onerror=alert(1)>"}`), 400, "last_name"},
		{"invalid phone", site("application/json", `{"E-mail professionnel":"a@b-c.fr","Téléphone":"06 12"}`), 400, "phone"},
		{"unknown country", site("application/json", `{"E-mail professionnel":"a@b-c.fr","Pays":"Atlantide"}`), 400, "country"},
		{"consent that is not yes or no", site("application/json", `{"E-mail professionnel":"a@b-c.fr","J'accepte d'être recontacté":"peut-être"}`), 400, "consent"},
		{"occurred in the future", zap(`{"email":"a@b-c.fr","occurred_at":"2027-06-01T00:00:00Z"}`), 400, "occurred_at"},
		{"too many fields", zap(manyFields(201)), 400, "body"},
		{"unknown source", request("nope", "submissions", "application/json", ok, nil), 404, ""},
		{"source on the wrong route", h.signed("tracking", "submissions", "application/json", "w1", ok), 404, ""},
		{"stale timestamp", restamp(site("application/json", ok), now.Add(-10*time.Minute), ok), 401, ""},
		{"replayed signature on another body", func() events.APIGatewayV2HTTPRequest {
			r := site("application/json", ok)
			r.Body = `{"E-mail professionnel":"eve@attacker.fr"}`
			return r
		}(), 401, ""},
		{"wrong secret", signedWith(map[string]string{"site-contact": "whsec_d3Jvbmctc2VjcmV0"}, "site-contact", "submissions", "application/json", "w2", ok), 401, ""},
		{"missing signature", request("site-contact", "submissions", "application/json", ok, nil), 401, ""},
		{"wrong shared secret", request("zapier-linkedin", "submissions", "application/json", ok, map[string]string{"authorization": "Bearer guess"}), 401, ""},
		{"empty body", site("application/json", ""), 400, "body"},
		{"NUL bytes", site("application/json", "{\"E-mail professionnel\":\"a@b-c.fr\",\"Nom\":\"x\x00y\"}"), 400, "body"},
		{"deeply nested JSON", site("application/json", deep), 400, "body"},
		{"Typeform body nested beyond any documented shape", h.signed("typeform-audit", "submissions", "application/json", "",
			`{"event_id":"x","event_type":"form_response","form_response":{"x":`+strings.Repeat("[", 16)+strings.Repeat("]", 16)+`}}`), 400, "body"},
		{"invalid UTF-8", site("application/json", "{\"E-mail professionnel\":\"a@b-c.fr\",\"Nom\":\"\xff\xfe\"}"), 400, "last_name"},
		{"invalid UTF-8 outside strings", site("application/json", "{\"E-mail professionnel\":\"a@b-c.fr\"\xff}"), 400, "body"},
		{"invalid base64 from API Gateway", func() events.APIGatewayV2HTTPRequest {
			r := site("application/x-www-form-urlencoded", "a=b")
			r.Body = "%%%not-base64"
			return r
		}(), 400, "body"},
		{"plain text", site("text/plain", "email=a@b.fr"), 415, ""},
		{"multipart form", site("multipart/form-data; boundary=x", "--x--"), 415, ""},
		{"latin-1 charset", site("application/json; charset=iso-8859-1", ok), 415, ""},
		{"delivery ID too long", h.signed("site-contact", "submissions", "application/json", strings.Repeat("i", 201), ok), 400, "webhook-id"},
		{"delivery ID with a control character", h.signed("site-contact", "submissions", "application/json", "msg\x01x", ok), 400, "webhook-id"},
		{"Idempotency-Key too long", zapKey(strings.Repeat("k", 201)), 400, "idempotency-key"},
		{"Idempotency-Key not valid UTF-8", zapKey("k\xff\xfe"), 400, "idempotency-key"},
		{"Typeform event_id with a line break", h.signed("typeform-audit", "submissions", "application/json", "",
			`{"event_id":"01J\nX","event_type":"form_response","form_response":{"answers":[{"type":"email","email":"a@b-c.fr","field":{"ref":"work_email"}}]}}`), 400, "event_id"},
		{"unknown activity type", track(`{"email":"a@b-c.fr","type":"teleportation"}`), 400, "type"},
		{"activity without its url", track(`{"email":"a@b-c.fr","activities":[{"type":"page_view"}]}`), 400, "activities[0].url"},
		{"51 activities", track(batch(51)), 400, "activities"},
		{"activity that is not an object", track(`{"email":"a@b-c.fr","activities":["page_view"]}`), 400, "activities[0]"},
		{"deal won without amount", crm(`{"email":"a@b-c.fr","type":"deal_won"}`), 400, "amount"},
		{"bad currency", crm(`{"email":"a@b-c.fr","type":"opportunity_created","amount":"10","currency":"euros"}`), 400, "currency"},
		{"duplicate key: the last would win", track(`{"email":"a@b-c.fr","type":"page_view","url":"https://maintenia.fr/","type":"demo_request"}`), 400, "type"},
		{"duplicate key spelled with an escape", crm(`{"email":"a@b-c.fr","type":"deal_lost","typ\u0065":"deal_won","amount":"10"}`), 400, "type"},
		{"duplicate key in a batch's activity", track(`{"email":"a@b-c.fr","activities":[{"type":"page_view","url":"https://m.fr/"},{"url":"https://m.fr/","type":"page_view","type":"demo_request"}]}`), 400, "activities[1].type"},
		{"duplicate key in a Typeform answer", h.signed("typeform-audit", "submissions", "application/json", "",
			`{"event_id":"d1","event_type":"form_response","form_response":{"answers":[{"type":"email","email":"a@b-c.fr","email":"b@b-c.fr","field":{"ref":"work_email"}}]}}`), 400, "form_response.answers[0].email"},
		{"duplicate email in a form's JSON", site("application/json", `{"E-mail professionnel":"a@b-c.fr","E-mail professionnel":"eve@attacker.fr"}`), 400, "E-mail professionnel"},
		{"Typeform body that is not a response", h.signed("typeform-audit", "submissions", "application/json", "", `{"event_id":"x","event_type":"form_deleted"}`), 400, "body"},
		{"Webflow body that is not a submission", h.signed("webflow-webinar", "submissions", "application/json", "", `{"triggerType":"site_publish","payload":{"id":"x"}}`), 400, "body"},
	}
	if len(tests) < 30 {
		t.Fatalf("only %d bad inputs", len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, a := h.do(tc.req)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, clipBody(resp.Body))
			}
			if tc.field != "" {
				named := false
				for _, f := range a.Fields {
					named = named || f.Field == tc.field
				}
				if !named {
					t.Errorf("the answer does not name %s: %s", tc.field, clipBody(resp.Body))
				}
			}
			if resp.StatusCode == 401 && resp.Body != `{"error":"unauthorized"}` {
				t.Errorf("a 401 must not say why: %s", resp.Body)
			}
			if n := h.stored(); n != 0 {
				t.Fatalf("%d items stored", n)
			}
		})
	}
}

func clipBody(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}
