package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// answer is an HTTP answer of the local API.
type answer struct {
	status  int
	headers http.Header
	body    string
	json    struct {
		LeadID, DeliveryID string
		Fields             []struct{ Field, Message string }
	}
}

func (s *stack) do(req *http.Request) answer {
	s.t.Helper()
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, headers: resp.Header, body: string(raw)}
	_ = json.Unmarshal(raw, &a.json)
	return a
}

// send posts a body to a source's route, signed as that source's sender signs (now), with raw bytes.
func (s *stack) send(source, route, contentType, id, body string, extra map[string]string) answer {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+"/v1/sources/"+source+"/"+route, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	secret := s.sourceSecret(source)
	now := s.now()
	switch source {
	case "typeform-audit":
		req.Header.Set("Typeform-Signature", webhook.SignTypeform(secret, []byte(body)))
	case "zapier-linkedin":
		req.Header.Set("Authorization", "Bearer "+secret)
		req.Header.Set("Idempotency-Key", id)
	default:
		req.Header.Set("Webhook-Id", id)
		req.Header.Set("Webhook-Timestamp", strconv.FormatInt(now.Unix(), 10))
		req.Header.Set("Webhook-Signature", webhook.SignStandard(secret, id, now, []byte(body)))
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	return s.do(req)
}

func (a answer) names(field string) bool {
	for _, f := range a.json.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// activities are a lead's activities, in time order.
func (s *stack) activities(leadID string) []map[string]types.AttributeValue {
	s.t.Helper()
	out, err := testenv.DynamoDB(s.t).Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(s.tables["ActivitiesTable"]),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "LEAD#" + leadID}}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		s.t.Fatal(err)
	}
	return out.Items
}

func field(it map[string]types.AttributeValue, m, k string) string {
	if v, ok := it[m].(*types.AttributeValueMemberM); ok {
		return str(v.Value, k)
	}
	return ""
}

// TestIngestionAndLinksThroughTheStack: the defects of issue #9, each through the whole local stack — HTTP,
// the local API Gateway, the real function binaries, DynamoDB Local — as a sender or a browser meets them.
func TestIngestionAndLinksThroughTheStack(t *testing.T) {
	s := startStack(t, "fr")

	t.Run("invalid UTF-8 in a signed JSON body is a 400 naming the field, not a 401", func(t *testing.T) {
		s.t = t
		a := s.send("site-contact", "submissions", "application/json", "e2e-utf8", "{\"E-mail professionnel\":\"a@utf8-co.fr\",\"Nom\":\"\xff\xfe\"}", nil)
		if a.status != 400 || !a.names("last_name") {
			t.Errorf("%d %s", a.status, a.body)
		}
	})
	t.Run("a form's %FF%FE and JSON's lone surrogate are 400s naming the field", func(t *testing.T) {
		s.t = t
		if a := s.send("site-contact", "submissions", "application/x-www-form-urlencoded", "e2e-form", "E-mail+professionnel=a%40utf8-co.fr&Nom=%FF%FE", nil); a.status != 400 || !a.names("last_name") {
			t.Errorf("form: %d %s", a.status, a.body)
		}
		if a := s.send("site-contact", "submissions", "application/json", "e2e-surrogate", `{"E-mail professionnel":"a@utf8-co.fr","Prénom":"\ud800"}`, nil); a.status != 400 || !a.names("first_name") {
			t.Errorf("JSON: %d %s", a.status, a.body)
		}
		if a := s.send("site-contact", "submissions", "application/json", "e2e-bidi", `{"E-mail professionnel":"a@utf8-co.fr","Nom":"\u202eDubois"}`, nil); a.status != 400 || !a.names("last_name") {
			t.Errorf("bidi override: %d %s", a.status, a.body)
		}
	})
	t.Run("a lower-case bearer scheme and a UTF-8 domain are accepted", func(t *testing.T) {
		s.t = t
		secret := s.sourceSecret("zapier-linkedin")
		a := s.send("zapier-linkedin", "submissions", "application/json", "e2e-bearer", `{"email":"claire@société-générale.fr"}`, map[string]string{"Authorization": "bearer " + secret})
		if a.status != 202 {
			t.Fatalf("%d %s", a.status, a.body)
		}
		if l := s.lead(a.json.LeadID); str(l, "email") != "claire@xn--socit-gnrale-eebbcb.fr" {
			t.Errorf("lead email %q", str(l, "email"))
		}
	})
	t.Run("a Typeform multi-select answer is read", func(t *testing.T) {
		s.t = t
		body := `{"event_id":"01JE2ETYPEFORM","event_type":"form_response","form_response":{"form_id":"lT4Z3j","submitted_at":"` + time.Now().UTC().Format(time.RFC3339) + `","definition":{"id":"lT4Z3j","title":"Audit","fields":[{"id":"f2","type":"multiple_choice","ref":"sites","choices":[{"id":"c1","label":"Lyon"},{"id":"c2","label":"Nantes"}]}]},"answers":[{"type":"email","email":"marc@typeform-co.fr","field":{"id":"f1","type":"email","ref":"work_email"}},{"type":"choices","choices":{"labels":["Lyon","Nantes"]},"field":{"id":"f2","type":"multiple_choice","ref":"sites"}}]}}`
		a := s.send("typeform-audit", "submissions", "application/json", "", body, nil)
		if a.status != 202 {
			t.Fatalf("%d %s", a.status, a.body)
		}
		if acts := s.activities(a.json.LeadID); len(acts) != 1 || field(acts[0], "properties", "x_sites") != "Lyon, Nantes" {
			t.Errorf("activities %v", acts)
		}
	})
	t.Run("consent is kept on each submission's activity", func(t *testing.T) {
		s.t = t
		a := s.send("site-contact", "submissions", "application/x-www-form-urlencoded", "e2e-consent",
			"E-mail+professionnel=lea%40consent-co.fr&J%27accepte+d%27%C3%AAtre+recontact%C3%A9=oui", nil)
		if a.status != 202 {
			t.Fatalf("%d %s", a.status, a.body)
		}
		acts := s.activities(a.json.LeadID)
		if len(acts) != 1 || field(acts[0], "fields", "consent") != "true" || field(acts[0], "fields", "consentField") != "J'accepte d'être recontacté" || field(acts[0], "fields", "consentAt") == "" {
			t.Errorf("activities %v", acts)
		}
	})
	t.Run("a retry after the delivery record is gone is a replay", func(t *testing.T) {
		s.t = t
		const body = `{"E-mail professionnel":"ana@late-co.fr","Prénom":"Ana"}`
		first := s.send("site-contact", "submissions", "application/json", "e2e-late", body, nil)
		if first.status != 202 {
			t.Fatalf("%d %s", first.status, first.body)
		}
		if _, err := testenv.DynamoDB(t).DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(s.tables["DeliveriesTable"]),
			Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: store.DeliveryKey("DELIVERY", "site-contact", "e2e-late")}}}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // a later second: without occurred_at, the retry's receipt time differs
		retry := s.send("site-contact", "submissions", "application/json", "e2e-late", body, nil)
		if retry.status != 202 || retry.body != first.body || retry.headers.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry: %d %v %s", retry.status, retry.headers, retry.body)
		}
		if acts := s.activities(first.json.LeadID); len(acts) != 1 {
			t.Errorf("%d activities after the retry, want 1", len(acts))
		}
	})
	t.Run("feedback links: altered tokens, nosniff, posts from another origin", func(t *testing.T) {
		s.t = t
		a := s.send("site-contact", "submissions", "application/json", "e2e-link", `{"E-mail professionnel":"paul@link-co.fr","Nom":"Henry"}`, nil)
		if a.status != 202 {
			t.Fatalf("%d %s", a.status, a.body)
		}
		// Handed off a minute ago, as notify would have done.
		at := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
		h := testenv.HandOff(t, s.handoffs, s.contract, a.json.LeadID, "thomas-martin", at)
		token := handoff.Sign([]byte(s.secret(s.contract.Notify.LinkSecret)), handoff.Link{Handoff: h.Key, RepID: "thomas-martin", Action: handoff.Contacted, Expires: at.Add(time.Hour)})
		page := s.URL() + "/v1/feedback/" + token
		get := func(u string) answer {
			req, _ := http.NewRequest("GET", u, nil)
			return s.do(req)
		}
		if g := get(page); g.status != 200 || g.headers.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET: %d %v", g.status, g.headers)
		}
		last := token[len(token)-1]
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		altered := token[:len(token)-1] + string(alphabet[strings.IndexByte(alphabet, last)^1])
		if g := get(s.URL() + "/v1/feedback/" + altered); g.status != 403 {
			t.Errorf("altered token: %d", g.status)
		}
		post := func(headers map[string]string) answer {
			req, _ := http.NewRequest("POST", page, strings.NewReader(url.Values{"channel": {"phone"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range headers {
				req.Header.Set(k, v)
			}
			return s.do(req)
		}
		if p := post(map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}); p.status != 403 {
			t.Errorf("POST from another site: %d", p.status)
		}
		if s.handoff(a.json.LeadID).Contacted() {
			t.Fatal("the foreign POST was recorded")
		}
		if p := post(map[string]string{"Origin": s.URL(), "Sec-Fetch-Site": "same-origin"}); p.status != 303 || !s.handoff(a.json.LeadID).Contacted() {
			t.Errorf("POST from the page: %d", p.status)
		}
	})
}
