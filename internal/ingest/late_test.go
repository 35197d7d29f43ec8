package ingest_test

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/store"
)

// later is when late retries come: after the delivery records' 48 hours.
var later = now.Add(store.DeliveryTTL + time.Hour)

// expire makes a delivery's record gone as far as retries go: deleted (as TTL does), or past its expiresAt
// (TTL deletes within days, not at once).
func (h *harness) expire(source, id string, deleteIt bool) {
	h.t.Helper()
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: store.DeliveryKey("DELIVERY", source, id)}}
	var err error
	if deleteIt {
		_, err = h.db.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(h.tables.Deliveries), Key: key,
			ConditionExpression: aws.String("attribute_exists(pk)")})
	} else {
		_, err = h.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(h.tables.Deliveries), Key: key,
			UpdateExpression: aws.String("SET expiresAt = :past"), ConditionExpression: aws.String("attribute_exists(pk)"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":past": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix()-1, 10)}}})
	}
	if err != nil {
		h.t.Fatalf("expire delivery %s/%s: %v", source, id, err)
	}
}

// dump is every item of the tables ingest writes but the deliveries, in a stable order: what "nothing written"
// compares. (DynamoDB Local's TTL really deletes expired delivery records a few seconds later, at any time:
// delivery checks whether a retry rewrote its record.)
func (h *harness) dump() string {
	h.t.Helper()
	var rows []string
	for _, table := range []string{h.tables.Leads, h.tables.Activities, h.tables.SLA} {
		for _, it := range h.items(table) {
			rows = append(rows, table+" "+show(&types.AttributeValueMemberM{Value: it}))
		}
	}
	sort.Strings(rows)
	return strings.Join(rows, "\n")
}

// diff shows the rows only one of two dumps has.
func diff(before, after string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	b, a := in(before), in(after)
	var out []string
	for l := range b {
		if !a[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range a {
		if !b[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// show writes an attribute value out in full, keys sorted.
func show(v types.AttributeValue) string {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return strconv.Quote(x.Value)
	case *types.AttributeValueMemberN:
		return x.Value
	case *types.AttributeValueMemberBOOL:
		return strconv.FormatBool(x.Value)
	case *types.AttributeValueMemberSS:
		return fmt.Sprint(x.Value)
	case *types.AttributeValueMemberM:
		keys := make([]string, 0, len(x.Value))
		for k := range x.Value {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ":" + show(x.Value[k])
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return fmt.Sprintf("%T", v)
}

// delivery is a delivery's record ("" when there is none), with its expiry.
func (h *harness) delivery(source, id string) string {
	h.t.Helper()
	out, err := h.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(h.tables.Deliveries), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: store.DeliveryKey("DELIVERY", source, id)}}})
	if err != nil {
		h.t.Fatal(err)
	}
	if out.Item == nil {
		return ""
	}
	return show(&types.AttributeValueMemberM{Value: out.Item})
}

// TestLateDuplicates: a sender retries the same signed delivery after its record expired (Typeform signs no
// timestamp; Zapier replays keep their Idempotency-Key; Standard Webhooks re-sign the same webhook-id). Every
// sender kind and route answers it as a replay — the first answer, Idempotent-Replayed — writes nothing, and
// logs one line saying so; the same ID with another body is still a 409.
func TestLateDuplicates(t *testing.T) {
	h := newHarness(t)
	existing := func(email string) func() {
		return func() {
			h.clock.set(now)
			if resp, _ := h.do(h.signed("zapier-linkedin", "submissions", "application/json", "setup-"+email, `{"email":"`+email+`","first_name":"Déjà"}`)); resp.StatusCode != 202 {
				t.Fatalf("setup: %d %s", resp.StatusCode, resp.Body)
			}
		}
	}
	typeform := func(email string) string {
		return `{"event_id":"01JLATE` + strings.ToUpper(email[:4]) + `","event_type":"form_response","form_response":{"form_id":"lT4Z3j","submitted_at":"2026-11-27T16:29:50Z","definition":{"id":"lT4Z3j","title":"Audit"},"answers":[{"type":"email","email":"` + email + `","field":{"id":"f1","type":"email","ref":"work_email"}}]}}`
	}
	webflow := func(email string) string {
		return `{"triggerType":"form_submission","payload":{"name":"Inscription webinar","siteId":"62749158efef318abc8d5a0f","data":{"Email":"` + email + `","Name":"Late"},"submittedAt":"2026-11-27T16:29:30.117Z","id":"6321ca84df3949bfc67523aa","formId":"6321ca84df3949bfc675231f"}}`
	}
	cases := []struct {
		name, source, route, contentType, id, body string
		setup                                      func()
		deleteRecord                               bool
	}{
		{name: "site JSON, new lead, no occurred_at", source: "site-contact", route: "submissions", contentType: "application/json", id: "late-1",
			body: `{"E-mail professionnel":"ana@late-one.fr","Prénom":"Ana"}`, deleteRecord: true},
		{name: "site form, existing lead, no occurred_at", source: "site-contact", route: "submissions", contentType: "application/x-www-form-urlencoded", id: "late-2",
			body: "E-mail+professionnel=bob%40late-two.fr&Nom=Martin", setup: existing("bob@late-two.fr")},
		{name: "Typeform, new lead (submitted_at)", source: "typeform-audit", route: "submissions", contentType: "application/json",
			body: typeform("cleo@late-three.fr")},
		{name: "Webflow, existing lead (submittedAt)", source: "webflow-webinar", route: "submissions", contentType: "application/json",
			body: webflow("dan@late-four.fr"), setup: existing("dan@late-four.fr"), deleteRecord: true},
		{name: "Zapier with Idempotency-Key and occurred_at, new lead", source: "zapier-linkedin", route: "submissions", contentType: "application/json", id: "zap-late-5",
			body: `{"email":"eve@late-five.fr","occurred_at":"2026-11-27T16:00:00Z"}`, deleteRecord: true},
		{name: "Zapier without Idempotency-Key, existing lead", source: "zapier-linkedin", route: "submissions", contentType: "application/json",
			body: `{"email":"fay@late-six.fr","job_title":"Acheteuse"}`, setup: existing("fay@late-six.fr")},
		{name: "activity batch with occurred_at, existing lead", source: "tracking", route: "activities", contentType: "application/json", id: "late-7",
			body: `{"email":"bob@late-two.fr","activities":[{"type":"page_view","url":"https://maintenia.fr/tarifs","occurred_at":"2026-11-27T16:10:00Z"},{"type":"demo_request","occurred_at":"2026-11-27T16:11:00Z"}]}`},
		{name: "activity without occurred_at, new subscriber", source: "tracking", route: "activities", contentType: "application/json", id: "late-8",
			body: `{"email":"gus@late-eight.fr","type":"page_view","url":"https://maintenia.fr/"}`, deleteRecord: true},
		{name: "activity without occurred_at, form post, existing lead", source: "tracking", route: "activities", contentType: "application/x-www-form-urlencoded", id: "late-9",
			body: "email=bob%40late-two.fr&type=email_click&campaign=relance"},
		{name: "outcome with occurred_at", source: "crm", route: "outcomes", contentType: "application/json", id: "late-10",
			body: `{"email":"bob@late-two.fr","type":"deal_won","amount":"18500","currency":"EUR","occurred_at":"2026-11-27T16:25:00Z"}`},
		{name: "outcome without occurred_at", source: "crm", route: "outcomes", contentType: "application/json", id: "late-11",
			body: `{"email":"ana@late-one.fr","type":"opportunity_created"}`, deleteRecord: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			if tc.setup != nil {
				tc.setup()
			}
			h.clock.set(now)
			first, a := h.do(signedAt(h.secrets, now, tc.source, tc.route, tc.contentType, tc.id, tc.body))
			if first.StatusCode != 202 {
				t.Fatalf("first delivery: %d %s", first.StatusCode, first.Body)
			}
			h.expire(tc.source, a.DeliveryID, tc.deleteRecord)
			before, lines := h.dump(), strings.Count(h.logs.String(), "\n")

			h.clock.set(later)
			retry, _ := h.do(signedAt(h.secrets, later, tc.source, tc.route, tc.contentType, tc.id, tc.body))
			if retry.StatusCode != 202 || retry.Body != first.Body || retry.Headers["Idempotent-Replayed"] != "true" {
				t.Errorf("late retry: %d %v %s, want the first answer %s as a replay", retry.StatusCode, retry.Headers, retry.Body, first.Body)
			}
			if after := h.dump(); after != before {
				t.Errorf("the late retry wrote:\n%s", diff(before, after))
			}
			if d := h.delivery(tc.source, a.DeliveryID); d != "" && !strings.Contains(d, "expiresAt:"+strconv.FormatInt(now.Unix()-1, 10)) {
				t.Errorf("the late retry rewrote the delivery record: %s", d)
			}
			logs := strings.Split(strings.TrimSpace(h.logs.String()), "\n")
			if len(logs) != lines+1 || !strings.Contains(logs[len(logs)-1], `"reason":"late duplicate`) || !strings.Contains(logs[len(logs)-1], `"level":"INFO"`) {
				t.Errorf("want one INFO line saying it is a late duplicate, got:\n%s", strings.Join(logs[lines:], "\n"))
			}

			// The same delivery ID with another body for the same lead, after expiry: still a reused ID. (For
			// another lead it cannot be told from a new delivery once the record is gone.)
			if tc.id != "" && tc.source != "zapier-linkedin" {
				other := tc.body + "&note=other" // the same lead, another body
				if strings.HasPrefix(tc.body, "{") {
					other = `{"note":"other",` + tc.body[1:]
				}
				resp, ans := h.do(signedAt(h.secrets, later, tc.source, tc.route, tc.contentType, tc.id, other))
				if resp.StatusCode != 409 || ans.Error != "delivery_id_reused" {
					t.Errorf("another body under the same ID: %d %s", resp.StatusCode, resp.Body)
				}
				if after := h.dump(); after != before {
					t.Errorf("the reused ID wrote something")
				}
			}
		})
	}
}

// TestLateSalesAnswer: the CRM's answers are recorded on the hand-off, once; the same answer sent again,
// however late, is a replay that writes nothing; another answer after the first is accepted without effect.
func TestLateSalesAnswer(t *testing.T) {
	h := newHarness(t)
	_, a := h.do(h.signed("site-contact", "submissions", "application/json", "m1", `{"E-mail professionnel":"ines@late-crm.fr"}`))
	testenv.HandOff(t, store.NewHandoffs(h.db, h.tables), h.c, a.LeadID, "julien-petit", now)
	send := func(at time.Time, id, body string) events.APIGatewayV2HTTPResponse {
		h.clock.set(at)
		resp, _ := h.do(signedAt(h.secrets, at, "crm", "outcomes", "application/json", id, body))
		return resp
	}
	const contacted = `{"email":"ines@late-crm.fr","type":"sales_contacted","channel":"phone"}`
	first := send(now, "s1", contacted)
	if first.StatusCode != 202 || first.Headers["Idempotent-Replayed"] != "" {
		t.Fatalf("first answer: %d %v %s", first.StatusCode, first.Headers, first.Body)
	}
	before := h.dump()
	retry := send(later, "s1", contacted)
	if retry.StatusCode != 202 || retry.Body != first.Body || retry.Headers["Idempotent-Replayed"] != "true" {
		t.Errorf("late retry: %d %v %s", retry.StatusCode, retry.Headers, retry.Body)
	}
	if rejected := send(later, "s2", `{"email":"ines@late-crm.fr","type":"sales_accepted"}`); rejected.StatusCode != 202 {
		t.Fatalf("accept: %d %s", rejected.StatusCode, rejected.Body)
	}
	if late := send(later, "s3", `{"email":"ines@late-crm.fr","type":"sales_rejected","reason":"no_budget"}`); late.StatusCode != 202 || late.Headers["Idempotent-Replayed"] != "" {
		t.Errorf("a different answer after the first is not a replay: %d %v", late.StatusCode, late.Headers)
	}
	if after := h.dump(); !strings.Contains(after, "sales_accepted") || strings.Contains(after, "sales_rejected") || strings.Count(after, "sales_contacted") != strings.Count(before, "sales_contacted") {
		t.Errorf("answers recorded:\n%s", after)
	}
	if !strings.Contains(h.logs.String(), `"reason":"answer already recorded"`) {
		t.Errorf("the replay is not logged as such:\n%s", h.logs.String())
	}
}
