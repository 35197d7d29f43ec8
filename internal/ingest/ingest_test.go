package ingest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/store"
)

func (h *harness) leadByEmail(email string) map[string]types.AttributeValue {
	for _, l := range h.leads() {
		if str(l, "email") == email {
			return l
		}
	}
	return nil
}

func TestSubmissionCreatesThenMerges(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const email = `"email":"ana.lopez@forges-lopez.fr"`

	h.calls.Reset()
	resp, first := h.do(h.signed("zapier-linkedin", "submissions", "application/json", "d1",
		`{`+email+`,"first_name":"Ana","job_title":"Acheteuse","company":"Forges Lopez","occurred_at":"2026-11-27T16:00:00Z"}`))
	if resp.StatusCode != 202 || first.LeadID == "" {
		t.Fatalf("first submission: %d %s", resp.StatusCode, resp.Body)
	}
	if n := h.calls.Total(); n != 1 {
		t.Errorf("a new lead took %d DynamoDB requests, want 1 (one transaction)", n)
	}

	// Newer: its non-empty values win; empty ones leave the profile alone.
	h.calls.Reset()
	_, second := h.do(h.signed("zapier-linkedin", "submissions", "application/json", "d2",
		`{`+email+`,"first_name":"","job_title":"Directrice achats","phone":"+33 1 23 45 67 89","occurred_at":"2026-11-27T16:10:00Z"}`))
	if second.LeadID != first.LeadID {
		t.Fatalf("second submission made lead %s, want %s", second.LeadID, first.LeadID)
	}
	if n := h.calls.Total(); n != 2 {
		t.Errorf("a known lead took %d DynamoDB requests, want 2", n)
	}
	// Older than the profile: fills only what is still empty.
	_, third := h.do(h.signed("zapier-linkedin", "submissions", "application/json", "d3",
		`{`+email+`,"job_title":"Stagiaire","industry":"Métallurgie","occurred_at":"2026-11-27T15:00:00Z"}`))
	if third.LeadID != first.LeadID {
		t.Fatal("third submission landed elsewhere")
	}

	leads := h.leads()
	if len(leads) != 1 {
		t.Fatalf("%d leads, want 1", len(leads))
	}
	l := leads[0]
	for attr, want := range map[string]string{
		"firstName": "Ana", "jobTitle": "Directrice achats", "phone": "+33123456789", "industry": "Métallurgie",
		"company": "Forges Lopez", "companyDomain": "forges-lopez.fr", "stage": "lead", "profileAt": "2026-11-27T16:10:00.000Z",
	} {
		if got := str(l, attr); got != want {
			t.Errorf("lead %s = %q, want %q", attr, got, want)
		}
	}
	if v := l["version"].(*types.AttributeValueMemberN).Value; v != "3" {
		t.Errorf("version = %s, want 3", v)
	}
	// The history keeps every submitted value, old ones included, in time order.
	acts := h.activities()
	if len(acts) != 3 {
		t.Fatalf("%d activities, want 3", len(acts))
	}
	titles := []string{}
	for _, a := range acts {
		if str(a, "type") != "form_submit" || str(a, "leadId") != first.LeadID {
			t.Errorf("activity %v", a)
		}
		titles = append(titles, prop(a, "fields", "jobTitle"))
	}
	if got := strings.Join(titles, ","); got != "Stagiaire,Acheteuse,Directrice achats" {
		t.Errorf("job titles in the history = %s", got)
	}
}

// deliverMany sends one delivery n times with the given parallelism and checks every answer is the first one.
func deliverMany(t *testing.T, h *harness, n, parallel int) {
	req := h.signed("site-contact", "submissions", "application/json", "msg_retry_storm",
		`{"E-mail professionnel":"hugo.petit@scierie-petit.fr","Prénom":"Hugo","Société":"Scierie Petit"}`)
	var (
		mu      sync.Mutex
		bodies  = map[string]int{}
		wg      sync.WaitGroup
		work    = make(chan int)
		replays int
	)
	for w := 0; w < parallel; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				resp, err := h.h.Handle(t.Context(), req)
				mu.Lock()
				if err != nil || resp.StatusCode != 202 {
					bodies[fmt.Sprintf("%d %v %s", resp.StatusCode, err, resp.Body)]++
				} else {
					bodies[resp.Body]++
				}
				if resp.Headers["Idempotent-Replayed"] == "true" {
					replays++
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		work <- i
	}
	close(work)
	wg.Wait()
	if len(bodies) != 1 {
		t.Fatalf("%d different answers to one delivery: %v", len(bodies), bodies)
	}
	if replays != n-1 {
		t.Errorf("%d answers marked as replays, want %d", replays, n-1)
	}
	if l, a := len(h.leads()), len(h.activities()); l != 1 || a != 1 {
		t.Errorf("%d leads and %d activities after %d deliveries, want 1 and 1", l, a, n)
	}
}

func TestOneThousandDeliveriesSequential(t *testing.T) {
	t.Parallel()
	deliverMany(t, newHarness(t), 1000, 1)
}

func TestOneThousandDeliveriesFiftyConcurrent(t *testing.T) {
	t.Parallel()
	deliverMany(t, newHarness(t), 1000, 50)
}

func TestFiftyConcurrentSubmissionsForOneEmail(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var wg sync.WaitGroup
	ids := make([]string, 50)
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, a := h.do(h.signed("site-contact", "submissions", "application/json", fmt.Sprintf("msg_conc_%02d", i),
				fmt.Sprintf(`{"E-mail professionnel":"Nina.Roux@Roux-SA.fr","Fonction":"Poste %d","Message":"demande %d"}`, i, i)))
			ids[i] = a.LeadID
		}()
	}
	wg.Wait()
	for i, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("submission %d answered lead %q, the first %q", i, id, ids[0])
		}
	}
	if l := h.leads(); len(l) != 1 || str(l[0], "email") != "nina.roux@roux-sa.fr" {
		t.Fatalf("leads = %v", l)
	}
	if a := h.activities(); len(a) != 50 {
		t.Errorf("%d activities, want 50", len(a))
	}
	if v := h.leads()[0]["version"].(*types.AttributeValueMemberN).Value; v != "50" {
		t.Errorf("lead version = %s, want 50 (one per submission, none lost)", v)
	}
}

func TestActivitiesAndOutcomes(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, known := h.do(h.signed("site-contact", "submissions", "application/json", "m1", `{"E-mail professionnel":"eva@laiterie-b.fr"}`))

	// A batch for a known lead, by email.
	h.calls.Reset()
	resp, a := h.do(h.signed("tracking", "activities", "application/json", "t1",
		`{"email":"EVA@laiterie-b.fr","activities":[{"type":"page_view","url":"https://maintenia.fr/tarifs"},{"type":"trade_show_visit","stand":"B12"}]}`))
	if resp.StatusCode != 202 || a.LeadID != known.LeadID || a.Activities != 2 {
		t.Fatalf("batch: %d %s", resp.StatusCode, resp.Body)
	}
	if n := h.calls.Total(); n != 2 {
		t.Errorf("a batch for a known email took %d requests, want 2 (find, then one transaction: a late duplicate is recognised in it)", n)
	}
	h.calls.Reset()
	resp, a = h.do(h.signed("tracking", "activities", "application/json", "t1b",
		`{"email":"eva@laiterie-b.fr","activities":[{"type":"page_view","url":"https://maintenia.fr/","occurred_at":"2026-11-27T16:20:00Z"}]}`))
	if resp.StatusCode != 202 || a.LeadID != known.LeadID {
		t.Fatalf("batch with occurred_at: %d %s", resp.StatusCode, resp.Body)
	}
	if n := h.calls.Total(); n != 2 {
		t.Errorf("a batch with occurred_at for a known email took %d requests, want 2 (find, then one transaction)", n)
	}
	// One activity by lead ID, as a form post.
	resp, a = h.do(h.signed("tracking", "activities", "application/x-www-form-urlencoded", "t2",
		"lead_id="+known.LeadID+"&type=email_click&url=https%3A%2F%2Fmaintenia.fr%2Fdemo&campaign=relance-nov"))
	if resp.StatusCode != 202 || a.LeadID != known.LeadID {
		t.Fatalf("by id: %d %s", resp.StatusCode, resp.Body)
	}
	// An unknown email becomes a subscriber.
	resp, sub := h.do(h.signed("tracking", "activities", "application/json", "t3", `{"email":"new@visitor.fr","type":"demo_request"}`))
	if resp.StatusCode != 202 || sub.LeadID == known.LeadID {
		t.Fatalf("unknown email: %d %s", resp.StatusCode, resp.Body)
	}
	if l := h.leadByEmail("new@visitor.fr"); str(l, "stage") != "subscriber" {
		t.Errorf("new visitor = %v", l)
	}
	// Outcomes never invent a lead.
	resp, out := h.do(h.signed("crm", "outcomes", "application/json", "c1", `{"email":"ghost@nowhere.fr","type":"opportunity_created"}`))
	if resp.StatusCode != 422 || out.Error != "unknown_lead" {
		t.Errorf("outcome for an unknown lead: %d %s", resp.StatusCode, resp.Body)
	}
	resp, _ = h.do(h.signed("crm", "outcomes", "application/json", "c2", `{"lead_id":"ld_01jdqz5v8p0000000000000000","type":"deal_lost","reason":"budget"}`))
	if resp.StatusCode != 422 {
		t.Errorf("outcome for an unknown lead ID: %d %s", resp.StatusCode, resp.Body)
	}
	resp, _ = h.do(h.signed("crm", "outcomes", "application/json", "c3", `{"lead_id":"`+known.LeadID+`","type":"deal_lost","reason":"Budget gelé"}`))
	if resp.StatusCode != 202 {
		t.Fatalf("outcome: %d %s", resp.StatusCode, resp.Body)
	}
	types := map[string]int{}
	for _, act := range h.activities() {
		types[str(act, "type")]++
		if str(act, "type") == "deal_lost" && prop(act, "properties", "reason") != "Budget gelé" {
			t.Errorf("deal_lost reason = %q", prop(act, "properties", "reason"))
		}
		if str(act, "type") == "trade_show_visit" && prop(act, "properties", "x_stand") != "B12" {
			t.Errorf("custom property lost: %v", act["properties"])
		}
	}
	want := map[string]int{"form_submit": 1, "page_view": 2, "trade_show_visit": 1, "email_click": 1, "demo_request": 1, "deal_lost": 1}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Errorf("activities by type = %v, want %v", types, want)
	}
}

func TestDeliveryIDReusedWithAnotherBody(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(h.signed("site-contact", "submissions", "application/json", "same-id", `{"E-mail professionnel":"a@b-c.fr"}`))
	resp, a := h.do(h.signed("site-contact", "submissions", "application/json", "same-id", `{"E-mail professionnel":"z@y-x.fr"}`))
	if resp.StatusCode != 409 || a.Error != "delivery_id_reused" {
		t.Errorf("reused delivery ID: %d %s", resp.StatusCode, resp.Body)
	}
	if len(h.leads()) != 1 {
		t.Error("the second body was stored")
	}
}

func TestHoneypotIsAcceptedAndDiscarded(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i, body := range []string{
		`{"E-mail professionnel":"bot@spam.example","website_url":"http://spam.example"}`,
		`{"E-mail professionnel":"bot2@spam.example","website_url":"x"}`,
	} {
		resp, a := h.do(h.signed("site-contact", "submissions", "application/json", fmt.Sprint("hp", i), body))
		if resp.StatusCode != 202 || a.LeadID == "" {
			t.Errorf("honeypot answer: %d %s (a bot must not tell the difference)", resp.StatusCode, resp.Body)
		}
	}
	if n := len(h.items(h.tables.Leads)) + len(h.activities()) + len(h.items(h.tables.Deliveries)); n != 0 {
		t.Errorf("%d items stored for honeypot submissions", n)
	}
	counters := h.items(h.tables.SLA)
	if len(counters) != 1 || str(counters[0], "sk") != "DISCARDED#honeypot#site-contact" ||
		counters[0]["count"].(*types.AttributeValueMemberN).Value != "2" {
		t.Errorf("discard counters = %v", counters)
	}
}

func TestLogsHoldNoPersonalData(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.do(h.signed("zapier-linkedin", "submissions", "application/json", "p1",
		`{"email":"jules.verne@nautilus.fr","first_name":"Jules","last_name":"Vernesque","phone":"+33 6 12 34 56 78","company":"Nautilus"}`))
	h.do(h.signed("zapier-linkedin", "submissions", "application/json", "p2", `{"email":"jules.verne@nautilus","first_name":"Jules<b>"}`))
	logs := h.logs.String()
	if !strings.Contains(logs, `"msg":"ingest"`) || strings.Count(logs, "\n") != 2 {
		t.Fatalf("want one line per request, got:\n%s", logs)
	}
	for _, pii := range []string{"jules", "verne", "Vernesque", "nautilus", "+33", "612345678"} {
		if strings.Contains(strings.ToLower(logs), strings.ToLower(pii)) {
			t.Errorf("the logs contain %q:\n%s", pii, logs)
		}
	}
	if !strings.Contains(logs, `"reason":"invalid fields: email,first_name"`) {
		t.Errorf("a refusal names its fields (not their values):\n%s", logs)
	}
}

func TestSalesFeedbackFromTheCRM(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, a := h.do(h.signed("site-contact", "submissions", "application/json", "m1", `{"E-mail professionnel":"eva@laiterie-b.fr"}`))
	handoffs := store.NewHandoffs(h.db, h.tables)
	testenv.HandOff(t, handoffs, h.c, a.LeadID, "julien-petit", now)
	post := func(id, body string) (int, string) {
		resp, ans := h.do(h.signed("crm", "outcomes", "application/json", id, body))
		return resp.StatusCode, ans.Error + resp.Body
	}
	if code, body := post("c0", `{"email":"eva@laiterie-b.fr","type":"sales_rejected","reason":"too_expensive"}`); code != 400 || !strings.Contains(body, "reason") {
		t.Errorf("unknown reason: %d %s", code, body)
	}
	// The page's rule: "other" needs a comment.
	if code, body := post("c0b", `{"email":"eva@laiterie-b.fr","type":"sales_rejected","reason":"other"}`); code != 400 || !strings.Contains(body, `"field":"comment"`) {
		t.Errorf("other without a comment: %d %s", code, body)
	}
	if code, body := post("c1", `{"email":"eva@laiterie-b.fr","type":"sales_contacted","channel":"meeting"}`); code != 202 {
		t.Fatalf("contacted: %d %s", code, body)
	}
	first, _ := post("c2", `{"lead_id":"`+a.LeadID+`","type":"sales_rejected","reason":"no_budget","comment":"Budget gelé"}`)
	retryCode, _ := post("c2", `{"lead_id":"`+a.LeadID+`","type":"sales_rejected","reason":"no_budget","comment":"Budget gelé"}`)
	lateCode, _ := post("c3", `{"lead_id":"`+a.LeadID+`","type":"sales_accepted"}`)
	if first != 202 || retryCode != 202 || lateCode != 202 {
		t.Errorf("answers %d, retry %d, late accept %d", first, retryCode, lateCode)
	}
	st, err := handoffs.Latest(context.Background(), a.LeadID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Decision.Verdict != "rejected" || st.Decision.Reason != "no_budget" || st.Contact.Channel != "meeting" || st.Decision.Comment != "Budget gelé" {
		t.Errorf("hand-off = %+v", st)
	}
	if code, body := post("c4", `{"email":"ghost@nowhere.fr","type":"sales_accepted"}`); code != 422 || !strings.Contains(body, "not_handed_off") {
		t.Errorf("a lead never handed off: %d %s", code, body)
	}
}
