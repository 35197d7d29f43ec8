package ingest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestConsentIsKeptPerSubmission: the proof of consent (GDPR) is each submission's: what was answered, when,
// to which question of which form, on its form_submit activity; the lead holds the latest answer. A refusal keeps
// no contact detail.
func TestConsentIsKeptPerSubmission(t *testing.T) {
	h := newHarness(t)
	const question = "J'accepte d'être recontacté"
	h.clock.set(now.Add(-time.Hour))
	resp, a := h.do(signedAt(h.secrets, now.Add(-time.Hour), "site-contact", "submissions", "application/x-www-form-urlencoded", "k1",
		form(map[string]string{"E-mail professionnel": "lea@consent-co.fr", question: "oui", "page": "/contact",
			"Téléphone": "06 12 34 56 78", "Message": "Rappelez-moi"})))
	if resp.StatusCode != 202 {
		t.Fatalf("first: %d %s", resp.StatusCode, resp.Body)
	}
	h.clock.set(now)
	if resp, _ := h.do(h.signed("site-contact", "submissions", "application/json", "k2",
		`{"E-mail professionnel":"lea@consent-co.fr","Prénom":"Léa","`+question+`":"non","Téléphone":"06 98 76 54 32","Message":"Au 06 98 76 54 32","Portable":"07 11 22 33 44"}`)); resp.StatusCode != 202 {
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
	// The refusal keeps who refused and the proof, not the means to reach them: no phone, message or unmapped
	// field on its activity, none left on the lead. The first submission's activity is history (consent given).
	for _, act := range h.activities() {
		switch str(act, "deliveryId") {
		case "k1":
			if prop(act, "fields", "phone") != "+33612345678" {
				t.Errorf("the consenting submission's activity lost its phone: %v", act["fields"])
			}
		case "k2":
			if prop(act, "fields", "phone") != "" || prop(act, "fields", "message") != "" || prop(act, "properties", "x_Portable") != "" ||
				prop(act, "fields", "email") != "lea@consent-co.fr" || prop(act, "fields", "firstName") != "Léa" {
				t.Errorf("the refusing submission's activity keeps %v %v, want the email and name, no phone, message or unmapped field",
					act["fields"], act["properties"])
			}
		}
	}
	l := h.leadByEmail("lea@consent-co.fr")
	if str(l, "phone") != "" || str(l, "message") != "" || str(l, "email") != "lea@consent-co.fr" {
		t.Errorf("the refusing lead holds phone %q, message %q, email %q; want the email only", str(l, "phone"), str(l, "message"), str(l, "email"))
	}
	if v, ok := l["consent"].(*types.AttributeValueMemberBOOL); !ok || v.Value || str(l, "consentAt") != "2026-11-27T16:30:00.000Z" || str(l, "leadId") != a.LeadID {
		t.Errorf("lead consent = %v at %q", l["consent"], str(l, "consentAt"))
	}
}

// TestListedFormAnswersWithItsQuestionOnly: a form the contract's consent.questions lists answers with that
// question, and with nothing else: a field named consent it also sends (a newsletter's box, say) is not the answer
// to whether sales may contact the lead — without the question (an unticked box is not sent) the form did not
// answer — and it is kept on the activity as a field no mapping names. A form whose question is named consent
// answers with it.
func TestListedFormAnswersWithItsQuestionOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const question = "J'accepte d'être recontacté"
	tests := []struct {
		name, source, body string
		consent            string // the lead's answer: "true", "false", "" (none)
		extra              string // the activity's x_consent
	}{
		{"listed, its question absent", "site-contact", `{"E-mail professionnel":"q1@liste.fr","consent":"oui"}`, "", "oui"},
		{"listed, its question no", "site-contact", `{"E-mail professionnel":"q2@liste.fr","consent":"oui","` + question + `":"non"}`, "false", ""},
		{"listed, its question yes", "site-contact", `{"E-mail professionnel":"q3@liste.fr","consent":"non","` + question + `":"oui"}`, "true", "non"},
		{"listed, its question named consent", "zapier-linkedin", `{"email":"q4@liste.fr","consent":"non"}`, "false", ""},
	}
	for i, tc := range tests {
		if resp, _ := h.do(h.signed(tc.source, "submissions", "application/json", fmt.Sprint("q", i), tc.body)); resp.StatusCode != 202 {
			t.Fatalf("%s: %d %s", tc.name, resp.StatusCode, resp.Body)
		}
	}
	acts := h.activities()
	for i, tc := range tests {
		l := h.leadByEmail(fmt.Sprintf("q%d@liste.fr", i+1))
		got := ""
		if v, ok := l["consent"].(*types.AttributeValueMemberBOOL); ok {
			got = fmt.Sprint(v.Value)
		}
		if got != tc.consent {
			t.Errorf("%s: the lead's answer %q, want %q", tc.name, got, tc.consent)
		}
		for _, act := range acts {
			if str(act, "deliveryId") == fmt.Sprint("q", i) && prop(act, "properties", "x_consent") != tc.extra {
				t.Errorf("%s: the activity keeps x_consent %q, want %q", tc.name, prop(act, "properties", "x_consent"), tc.extra)
			}
		}
	}
}
