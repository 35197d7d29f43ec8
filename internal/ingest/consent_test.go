package ingest_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestConsentIsKeptPerSubmission: the proof of consent (GDPR) is each submission's: what was answered, when,
// to which question of which form, on its form_submit activity; the lead holds the latest answer.
func TestConsentIsKeptPerSubmission(t *testing.T) {
	h := newHarness(t)
	const question = "J'accepte d'être recontacté"
	h.clock.set(now.Add(-time.Hour))
	resp, a := h.do(signedAt(h.secrets, now.Add(-time.Hour), "site-contact", "submissions", "application/x-www-form-urlencoded", "k1",
		form(map[string]string{"E-mail professionnel": "lea@consent-co.fr", question: "oui", "page": "/contact"})))
	if resp.StatusCode != 202 {
		t.Fatalf("first: %d %s", resp.StatusCode, resp.Body)
	}
	h.clock.set(now)
	if resp, _ := h.do(h.signed("site-contact", "submissions", "application/json", "k2",
		`{"E-mail professionnel":"lea@consent-co.fr","`+question+`":"non"}`)); resp.StatusCode != 202 {
		t.Fatalf("second: %d %s", resp.StatusCode, resp.Body)
	}
	if resp, _ := h.do(h.signed("zapier-linkedin", "submissions", "application/json", "k3",
		`{"email":"lea@consent-co.fr","job_title":"Acheteuse"}`)); resp.StatusCode != 202 { // no consent field: changes nothing
		t.Fatalf("third: %d %s", resp.StatusCode, resp.Body)
	}

	got := map[string][3]string{} // delivery -> consent, consentAt, question
	for _, act := range h.activities() {
		got[str(act, "deliveryId")] = [3]string{prop(act, "fields", "consent"), prop(act, "fields", "consentAt"), prop(act, "fields", "consentField")}
		if str(act, "deliveryId") != "k3" && str(act, "source") != "site-contact" {
			t.Errorf("activity source = %q", str(act, "source"))
		}
	}
	want := map[string][3]string{
		"k1": {"true", "2026-11-27T15:30:00.000Z", question},
		"k2": {"false", "2026-11-27T16:30:00.000Z", question},
		"k3": {"", "", ""},
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("activity of %s: consent %q at %q for %q, want %q", id, got[id][0], got[id][1], got[id][2], w)
		}
	}
	l := h.leadByEmail("lea@consent-co.fr")
	if v, ok := l["consent"].(*types.AttributeValueMemberBOOL); !ok || v.Value || str(l, "consentAt") != "2026-11-27T16:30:00.000Z" || str(l, "leadId") != a.LeadID {
		t.Errorf("lead consent = %v at %q", l["consent"], str(l, "consentAt"))
	}
}
