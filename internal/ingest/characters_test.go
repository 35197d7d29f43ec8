package ingest_test

import (
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// TestCharacterRulesThroughTheHandler: text that is not valid Unicode — invalid bytes in a form or a JSON
// body, JSON's lone surrogates that encoding/json would silently turn into U+FFFD — bidirectional controls
// and invisible-only names get a 400 naming the field (the lead field a mapping names, else the sender's),
// and nothing is stored.
func TestCharacterRulesThroughTheHandler(t *testing.T) {
	h := newHarness(t)
	site := func(contentType, id, body string) events.APIGatewayV2HTTPRequest {
		return h.signed("site-contact", "submissions", contentType, id, body)
	}
	typeformAnswer := func(answer string) string {
		return `{"event_id":"01JCHARSTYPEFORM","event_type":"form_response","form_response":{"form_id":"lT4Z3j","submitted_at":"2026-11-27T16:29:50Z","answers":[{"type":"email","email":"a@b-c.fr","field":{"id":"f1","type":"email","ref":"work_email"}},` + answer + `]}}`
	}
	tests := []struct {
		name  string
		req   events.APIGatewayV2HTTPRequest
		field string
	}{
		{"form: %FF%FE in a name", site("application/x-www-form-urlencoded", "c1", "E-mail+professionnel=a%40b-c.fr&Nom=%FF%FE"), "last_name"},
		{"form: invalid UTF-8 in an unmapped field", site("application/x-www-form-urlencoded", "c2", "E-mail+professionnel=a%40b-c.fr&page=%2Fcontact%E9"), "page"},
		{"form: invalid UTF-8 in a field name", site("application/x-www-form-urlencoded", "c3", "E-mail+professionnel=a%40b-c.fr&%FF=x"), "body"},
		{"JSON: lone high surrogate", site("application/json", "c4", `{"E-mail professionnel":"a@b-c.fr","Nom":"\ud800"}`), "last_name"},
		{"JSON: lone low surrogate", site("application/json", "c5", `{"E-mail professionnel":"a@b-c.fr","Prénom":"An\udc00a"}`), "first_name"},
		{"JSON: high surrogate then a letter", site("application/json", "c6", `{"E-mail professionnel":"a@b-c.fr","Société":"\ud83d\u0041"}`), "company"},
		{"JSON: invalid bytes in a value", site("application/json", "c7", "{\"E-mail professionnel\":\"a@b-c.fr\",\"Nom\":\"\xff\xfe\"}"), "last_name"},
		{"JSON: invalid bytes in the email", site("application/json", "c8", "{\"E-mail professionnel\":\"a\xc3@b-c.fr\"}"), "email"},
		{"JSON: lone surrogate in a field name", site("application/json", "c9", `{"E-mail professionnel":"a@b-c.fr","x\udfff":"1"}`), "body"},
		{"Typeform: lone surrogate in an answer", h.signed("typeform-audit", "submissions", "application/json", "", typeformAnswer(`{"type":"text","text":"\udbff","field":{"id":"f2","type":"short_text","ref":"first_name"}}`)), "first_name"},
		{"activity: lone surrogate in a URL", h.signed("tracking", "activities", "application/json", "c10", `{"email":"a@b-c.fr","activities":[{"type":"page_view","url":"https://maintenia.fr/\ud800"}]}`), "activities[0].url"},
		{"right-to-left override in a name", site("application/json", "c11", `{"E-mail professionnel":"a@b-c.fr","Nom":"\u202eDubois"}`), "last_name"},
		{"override in the email", site("application/json", "c12", `{"E-mail professionnel":"rf.c-b@a\u202e"}`), "email"},
		{"zero-width-only first name", site("application/json", "c13", `{"E-mail professionnel":"a@b-c.fr","Prénom":"\u200b\u200d"}`), "first_name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			resp, a := h.do(tc.req)
			if resp.StatusCode != 400 {
				t.Fatalf("status %d, want 400: %s", resp.StatusCode, clipBody(resp.Body))
			}
			named := false
			for _, f := range a.Fields {
				named = named || f.Field == tc.field
			}
			if !named {
				t.Errorf("the answer does not name %s: %s", tc.field, resp.Body)
			}
			if n := h.stored(); n != 0 {
				t.Fatalf("%d items stored", n)
			}
		})
	}
}

// TestValidTextIsKept: what the rules must not refuse — surrogate pairs, joiners inside words, text around
// invisible characters — and emails that are the same mailbox once normalised land on one lead.
func TestValidTextIsKept(t *testing.T) {
	h := newHarness(t)
	resp, a := h.do(h.signed("site-contact", "submissions", "application/json", "v1",
		`{"E-mail professionnel":"kate@acme-industrie.fr","Prénom":"\ufeffKate\u200b","Message":"Merci \ud83d\ude00","Société":"Mehr\u200cnoush"}`))
	if resp.StatusCode != 202 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	l := h.leadByEmail("kate@acme-industrie.fr")
	if str(l, "firstName") != "Kate" || str(l, "company") != "Mehr\u200cnoush" || str(l, "message") != "Merci 😀" {
		t.Errorf("lead = %v %q %q", str(l, "firstName"), str(l, "company"), str(l, "message"))
	}
	// The Kelvin sign and full-width letters: the same address once normalised (NFKC), so the same lead; the
	// address as typed stays on the submission's activity.
	for i, typed := range []string{"\u212Aate@acme-industrie.fr", "ｋａｔｅ＠ＡＣＭＥ-industrie.fr"} {
		resp, b := h.do(h.signed("zapier-linkedin", "submissions", "application/json", "v"+string(rune('2'+i)), `{"email":"`+typed+`"}`))
		if resp.StatusCode != 202 || b.LeadID != a.LeadID {
			t.Errorf("%q: %d %s, want lead %s", typed, resp.StatusCode, resp.Body, a.LeadID)
		}
	}
	originals := map[string]bool{}
	for _, act := range h.activities() {
		originals[prop(act, "fields", "emailOriginal")] = true
	}
	if !originals["\u212Aate@acme-industrie.fr"] || !originals["ｋａｔｅ＠ＡＣＭＥ-industrie.fr"] {
		t.Errorf("addresses as typed on the activities: %v", originals)
	}
	// A UTF-8 domain is the mailbox's ASCII (punycode) domain.
	resp, c := h.do(h.signed("zapier-linkedin", "submissions", "application/json", "v9", `{"email":"Claire@Société-Générale.fr"}`))
	if resp.StatusCode != 202 {
		t.Fatalf("UTF-8 domain: %d %s", resp.StatusCode, resp.Body)
	}
	if l := h.leadByEmail("claire@xn--socit-gnrale-eebbcb.fr"); str(l, "leadId") != c.LeadID || str(l, "companyDomain") != "xn--socit-gnrale-eebbcb.fr" {
		t.Errorf("lead for a UTF-8 domain = %v", l)
	}
}
