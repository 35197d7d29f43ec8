package feedback_test

import (
	"context"
	"encoding/base64"
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
	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var (
	now = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	key = []byte("test-feedback-link-key-0123456789")
)

type fixture struct {
	t        *testing.T
	db       *dynamodb.Client
	tables   store.Tables
	page     *feedback.Page
	leadID   string
	handoff  handoff.Key
	handoffs *store.Handoffs
	c        *contract.Contract
}

// newFixture hands one SQL to thomas-martin, as notify would.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	names := testenv.Tables(t)
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: testenv.DynamoDB(t), c: c,
		tables: store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}}
	leads := store.NewLeads(f.db, f.tables)
	f.handoffs = store.NewHandoffs(f.db, f.tables)
	saved, err := leads.SaveSubmission(context.Background(), webhook.Delivery{Source: "s", ID: "d1", BodyHash: "h", At: now},
		lead.Submission{OccurredAt: now, Contact: lead.Contact{Email: "claire@acme-industrie.fr", FirstName: "Claire", LastName: "<i>Dubois</i>",
			Company: "ACME Industrie", Phone: "+33472000000"}},
		lead.Activity{ID: "a1", Type: lead.FormSubmit, OccurredAt: now, ReceivedAt: now, Source: "s", DeliveryID: "d1"},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		t.Fatal(err)
	}
	f.leadID = saved.LeadID
	f.handoff = testenv.HandOff(t, f.handoffs, c, f.leadID, "thomas-martin", now).Key
	f.page = feedback.NewPage(c, f.handoffs, leads, signed.Keys{key}, func() time.Time { return now }, testenv.Logger(t))
	return f
}

func (f *fixture) token(rep string, action handoff.Action, exp time.Time) string {
	return handoff.Sign(key, handoff.Link{Handoff: f.handoff, RepID: rep, Action: action, Expires: exp})
}

func (f *fixture) do(method, token, form string) events.APIGatewayV2HTTPResponse {
	return f.doWith(method, token, form, nil)
}

// doWith sends a request as API Gateway hands it over (lower-case header names, the host it was sent to).
func (f *fixture) doWith(method, token, form string, headers map[string]string) events.APIGatewayV2HTTPResponse {
	f.t.Helper()
	req := events.APIGatewayV2HTTPRequest{RawPath: "/v1/feedback/" + token, PathParameters: map[string]string{"token": token},
		Headers:        map[string]string{"host": "api.maintenia.fr", "x-forwarded-proto": "https"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method}}}
	if form != "" {
		req.Body, req.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(form)), true
		req.Headers["content-type"] = "application/x-www-form-urlencoded"
	}
	for k, v := range headers {
		req.Headers[k] = v
	}
	resp, err := f.page.Handle(testenv.AsFunction(context.Background(), "FeedbackFunction"), req)
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

// snapshot is everything a request could change: the hand-off, the activities, the rep's load.
func (f *fixture) snapshot() string {
	f.t.Helper()
	var b strings.Builder
	for _, table := range []string{f.tables.SLA, f.tables.Activities} {
		out, err := f.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
		if err != nil {
			f.t.Fatal(err)
		}
		for _, it := range out.Items {
			for _, k := range []string{"pk", "sk", "open", "type", "version", "contact", "decision"} {
				switch v := it[k].(type) {
				case *types.AttributeValueMemberS:
					b.WriteString(k + "=" + v.Value + " ")
				case *types.AttributeValueMemberN:
					b.WriteString(k + "=" + v.Value + " ")
				case *types.AttributeValueMemberM:
					for _, f := range []string{"at", "channel", "verdict", "reason"} {
						if s, ok := v.Value[f].(*types.AttributeValueMemberS); ok {
							b.WriteString(k + "." + f + "=" + s.Value + " ")
						}
					}
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// unusedBitsFlipped is the base64url character that differs from c only in the lowest bit: the last character
// of a 32-byte signature carries 2 bits the decoder ignores unless it is strict.
func unusedBitsFlipped(c byte) byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	return alphabet[strings.IndexByte(alphabet, c)^1]
}

func TestDeniedLinksAndGETChangeNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	before := f.snapshot()
	good := f.token("thomas-martin", handoff.Contacted, now.Add(time.Hour))
	payload, sig, _ := strings.Cut(good, ".")
	tests := []struct {
		name, token string
		status      int
	}{
		{"valid link", good, 200},
		{"tampered", payload + "x." + sig, 403},
		{"signature's unused bits changed", payload + "." + sig[:len(sig)-1] + string(unusedBitsFlipped(sig[len(sig)-1])), 403},
		{"line break in the signature", payload + "." + sig[:10] + "\n" + sig[10:], 403},
		{"expired", f.token("thomas-martin", handoff.Contacted, now), 403},
		{"another rep's link", f.token("sophie-bernard", handoff.Accept, now.Add(time.Hour)), 403},
		{"another key", handoff.Sign([]byte("attacker-key-0123456789"), handoff.Link{Handoff: f.handoff, RepID: "thomas-martin", Action: handoff.Accept, Expires: now.Add(time.Hour)}), 403},
		{"a lead never handed off", handoff.Sign(key, handoff.Link{Handoff: handoff.Key{LeadID: "ld_01jdqz5v8p0000000000000000", At: now}, RepID: "thomas-martin", Action: handoff.Accept, Expires: now.Add(time.Hour)}), 403},
		{"another hand-off of the lead", handoff.Sign(key, handoff.Link{Handoff: handoff.Key{LeadID: f.leadID, At: now.Add(-time.Hour)}, RepID: "thomas-martin", Action: handoff.Accept, Expires: now.Add(time.Hour)}), 403},
	}
	for _, tc := range tests {
		for i := 0; i < 3; i++ { // mail scanners open links, sometimes several times
			resp := f.do("GET", tc.token, "")
			if resp.StatusCode != tc.status {
				t.Errorf("%s: GET %d, want %d", tc.name, resp.StatusCode, tc.status)
			}
			if tc.status == 403 && !strings.Contains(resp.Body, "Ce lien n&#39;est pas valide") {
				t.Errorf("%s: the 403 page:\n%s", tc.name, resp.Body)
			}
		}
		if tc.status == 403 {
			if resp := f.do("POST", tc.token, "channel=phone&reason=no_budget"); resp.StatusCode != 403 {
				t.Errorf("%s: POST %d, want 403", tc.name, resp.StatusCode)
			}
		}
	}
	if after := f.snapshot(); after != before {
		t.Errorf("GETs and refused POSTs changed the data:\n%s\nthen\n%s", before, after)
	}
	page := f.do("GET", good, "").Body
	if !strings.Contains(page, `<form method="post"`) || !strings.Contains(page, "Claire &lt;i&gt;Dubois&lt;/i&gt;") || !strings.Contains(page, "30/11/2026 14:00") {
		t.Errorf("the page:\n%s", page)
	}
}

func TestAnswersAreRecordedOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	contacted := f.token("thomas-martin", handoff.Contacted, now.Add(time.Hour))
	if resp := f.do("POST", contacted, "channel=carrier-pigeon"); resp.StatusCode != 400 || !strings.Contains(resp.Body, "Choisissez un moyen de contact") {
		t.Errorf("bad channel: %d", resp.StatusCode)
	}
	for i := 0; i < 2; i++ { // a double click
		if resp := f.do("POST", contacted, "channel=phone"); resp.StatusCode != 303 || resp.Headers["Location"] != "/v1/feedback/"+contacted {
			t.Fatalf("POST contacted: %d %v", resp.StatusCode, resp.Headers)
		}
	}
	if page := f.do("GET", contacted, "").Body; !strings.Contains(page, `id="done"`) || !strings.Contains(page, "(Téléphone)") {
		t.Errorf("after the answer:\n%s", page)
	}
	reject := f.token("thomas-martin", handoff.Reject, now.Add(time.Hour))
	for form, want := range map[string]string{"reason=": "Choisissez un motif", "reason=other&comment=+": "Un commentaire est nécessaire", "reason=maybe": "Choisissez un motif"} {
		if resp := f.do("POST", reject, form); resp.StatusCode != 400 || !strings.Contains(resp.Body, want) {
			t.Errorf("reject %q: %d", form, resp.StatusCode)
		}
	}
	if resp := f.do("POST", reject, "reason=no_budget&comment=Budget+gel%C3%A9+jusqu%27en+mars"); resp.StatusCode != 303 {
		t.Fatalf("reject: %d", resp.StatusCode)
	}
	// A late accept changes nothing: the first answer stands.
	if resp := f.do("POST", f.token("thomas-martin", handoff.Accept, now.Add(time.Hour)), ""); resp.StatusCode != 303 {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	snap := f.snapshot()
	for _, want := range []string{"contact.at=2026-11-27T16:30:00.000Z", "contact.channel=phone", "decision.verdict=rejected", "decision.reason=no_budget", "open=0", "type=sales_contacted", "type=sales_rejected"} {
		if !strings.Contains(snap, want) {
			t.Errorf("data lacks %s:\n%s", want, snap)
		}
	}
	if strings.Count(snap, "type=sales_") != 2 || strings.Contains(snap, "sales_accepted") {
		t.Errorf("answers recorded more than once:\n%s", snap)
	}
}

// TestSampleEvent: events/feedback's GET (signed with the local demo key) shows the page for a handed-off lead.
func TestSampleEvent(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(testenv.Root() + "/events/feedback/get-page.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	linkKeys, err := secrets.ParseLinkKeys(f.c.Notify.LinkSecret, testenv.DemoSecret(t, f.c.Notify.LinkSecret))
	if err != nil {
		t.Fatal(err)
	}
	claim, err := handoff.Verify(linkKeys, ev.PathParameters["token"], now)
	if err != nil {
		t.Fatalf("the sample's token: %v", err)
	}
	if _, err := f.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &f.tables.Leads, Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "LEAD#" + claim.Handoff.LeadID}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}}); err != nil {
		t.Fatal(err)
	}
	testenv.HandOff(t, f.handoffs, f.c, claim.Handoff.LeadID, claim.RepID, claim.Handoff.At)
	page := feedback.NewPage(f.c, f.handoffs, store.NewLeads(f.db, f.tables), linkKeys, func() time.Time { return now }, testenv.Logger(t))
	resp, err := page.Handle(testenv.AsFunction(context.Background(), "FeedbackFunction"), ev)
	if err != nil || resp.StatusCode != 200 || !strings.Contains(resp.Body, `<form method="post"`) {
		t.Fatalf("GET sample: %d %v", resp.StatusCode, err)
	}
}

// TestPageShowsTheLeadFromItsProfile: the page shows the lead's name from its profile (the hand-off keeps no copy
// of it) and none of its contact details; a lead that is gone (erased, or past its retention) is shown by its ID
// and the company the hand-off keeps, and can still be answered.
func TestPageShowsTheLeadFromItsProfile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	link := f.token("thomas-martin", handoff.Accept, now.Add(time.Hour))
	page := f.do("GET", link, "").Body
	if !strings.Contains(page, "Claire &lt;i&gt;Dubois&lt;/i&gt;") || !strings.Contains(page, "ACME Industrie") ||
		strings.Contains(page, "claire@acme-industrie.fr") || strings.Contains(page, "472000000") {
		t.Errorf("the page shows:\n%s", page)
	}
	if _, err := f.db.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: &f.tables.Leads, Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "LEAD#" + f.leadID}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}}); err != nil {
		t.Fatal(err)
	}
	resp := f.do("GET", link, "")
	if resp.StatusCode != 200 || strings.Contains(resp.Body, "Dubois") || !strings.Contains(resp.Body, f.leadID) || !strings.Contains(resp.Body, "ACME Industrie") {
		t.Fatalf("a lead gone: %d\n%s", resp.StatusCode, resp.Body)
	}
	if resp := f.do("POST", link, ""); resp.StatusCode != 303 {
		t.Errorf("accepting the SQL of a lead gone: %d", resp.StatusCode)
	}
}

// TestPostsFromAnotherSiteAreRefused: the link is the first guard; where the browser says where a POST comes
// from (Sec-Fetch-Site, Origin), a form on another site is refused too, even with a valid link. Clients that
// send neither (a script, curl) are judged by the link alone.
func TestPostsFromAnotherSiteAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	link := f.token("thomas-martin", handoff.Contacted, now.Add(time.Hour))
	before := f.snapshot()
	for name, headers := range map[string]map[string]string{
		"another site":                          {"sec-fetch-site": "cross-site", "origin": "https://evil.example"},
		"a sibling subdomain":                   {"sec-fetch-site": "same-site", "origin": "https://www.maintenia.fr"},
		"no fetch metadata, foreign":            {"origin": "https://evil.example"},
		"no fetch metadata, our host over http": {"origin": "http://api.maintenia.fr"},
		"an opaque origin":                      {"origin": "null"},
		"a bookmark or typed URL (none)":        {"sec-fetch-site": "none"},
	} {
		if resp := f.doWith("POST", link, "channel=phone", headers); resp.StatusCode != 403 || resp.Headers["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("%s: POST %d %v, want 403", name, resp.StatusCode, resp.Headers)
		}
	}
	if after := f.snapshot(); after != before {
		t.Fatalf("a refused POST changed the data:\n%s\nthen\n%s", before, after)
	}
	for name, headers := range map[string]map[string]string{
		"same origin (a browser)":       {"sec-fetch-site": "same-origin", "origin": "https://api.maintenia.fr"},
		"same origin, host in capitals": {"origin": "https://API.maintenia.fr"},
		"no browser headers":            nil,
	} {
		if resp := f.doWith("POST", link, "channel=phone", headers); resp.StatusCode != 303 {
			t.Errorf("%s: POST %d, want 303", name, resp.StatusCode)
		}
	}
	if !strings.Contains(f.snapshot(), "contact.channel=phone") {
		t.Error("the same-origin answer was not recorded")
	}
}

// TestPageHeaders: every answer of the page forbids MIME sniffing and framing, and sends the link (a secret)
// to no other site.
func TestPageHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := f.token("thomas-martin", handoff.Reject, now.Add(time.Hour))
	for name, resp := range map[string]events.APIGatewayV2HTTPResponse{
		"page":     f.do("GET", good, ""),
		"denied":   f.do("GET", "nope", ""),
		"bad form": f.do("POST", good, "reason=maybe"),
		"redirect": f.do("POST", good, "reason=no_budget"),
	} {
		if resp.Headers["X-Content-Type-Options"] != "nosniff" || resp.Headers["Referrer-Policy"] != "same-origin" || resp.Headers["Cache-Control"] != "no-store" {
			t.Errorf("%s (%d): headers %v", name, resp.StatusCode, resp.Headers)
		}
		if resp.StatusCode != 303 && resp.Headers["X-Frame-Options"] != "DENY" {
			t.Errorf("%s: headers %v", name, resp.Headers)
		}
	}
}

// TestAnErasedLeadsLinksAreDenied: once the person behind the lead is forgotten, the rep's links show nothing of
// them and record nothing.
func TestAnErasedLeadsLinksAreDenied(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if _, _, err := store.NewPeople(f.db, f.tables).Forget(context.Background(), "claire@acme-industrie.fr", now); err != nil {
		t.Fatal(err)
	}
	before := f.snapshot()
	link := f.token("thomas-martin", handoff.Accept, now.Add(time.Hour))
	for _, method := range []string{"GET", "POST"} {
		resp := f.do(method, link, "")
		if resp.StatusCode != 403 || strings.Contains(resp.Body, "Dubois") || strings.Contains(resp.Body, "ACME") {
			t.Errorf("%s on an erased lead's link: %d\n%s", method, resp.StatusCode, resp.Body)
		}
	}
	if after := f.snapshot(); after != before {
		t.Errorf("an erased lead's link changed the data:\n%s\nthen\n%s", before, after)
	}
}
