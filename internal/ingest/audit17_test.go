package ingest_test

// Independent audit of the GDPR work (issue 17): consent as ingest reads it, against the contract key table's
// `consent.questions` row ("answered yes or no (oui/non, true/false, 1/0, on/off) … a form not listed answers
// with a field named consent, if it sends one") and README "Consent" (a refusal keeps no phone, message or
// unmapped field); and README "Where it lives": "Logs carry lead IDs, never a name, an email or a phone".

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/store"
)

func consentOf(l map[string]types.AttributeValue) string {
	if v, ok := l["consent"].(*types.AttributeValueMemberBOOL); ok {
		return fmt.Sprint(v.Value)
	}
	return "none"
}

// TestAudit17ConsentAnswersAndLogs: every spelling of yes and no the contract lists, in any case and with
// spaces, on the listed form's question; an unlisted form's field named consent (Webflow, Typeform's legal
// field); a refusal keeps no phone or message on the lead; a bad answer is refused naming the field. Nothing
// of the people posted reaches the logs.
func TestAudit17ConsentAnswersAndLogs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const question = "J'accepte d'être recontacté"
	var names, phones []string
	for i, tc := range []struct{ answer, want string }{
		{"non", "false"}, {"NON", "false"}, {" Non ", "false"}, {"no", "false"}, {"No", "false"}, {"false", "false"}, {"FALSE", "false"},
		{"0", "false"}, {"off", "false"}, {"Off", "false"},
		{"oui", "true"}, {"Oui", "true"}, {"OUI", "true"}, {"yes", "true"}, {"true", "true"}, {"1", "true"}, {"on", "true"}, {"ON", "true"},
		{"peut-être", "400"},
	} {
		email := fmt.Sprintf("Personne.Audit%02d@Consent-Audit.FR", i)
		name, phone := fmt.Sprintf("Quintrellan%02d", i), fmt.Sprintf("06 55 44 33 %02d", i)
		names, phones = append(names, name, email, strings.ToLower(email)), append(phones, fmt.Sprintf("6554433%02d", i))
		resp, _ := h.do(h.signed("site-contact", "submissions", "application/x-www-form-urlencoded", fmt.Sprint("c", i),
			form(map[string]string{"E-mail professionnel": email, "Nom": name, "Téléphone": phone, "Message": "Appelez " + name, question: tc.answer})))
		if tc.want == "400" {
			if resp.StatusCode != 400 || !strings.Contains(resp.Body, `"consent"`) && !strings.Contains(resp.Body, question) {
				t.Errorf("%q: %d %s; want 400 naming the field", tc.answer, resp.StatusCode, resp.Body)
			}
			continue
		}
		l := h.leadByEmail(strings.ToLower(email))
		if resp.StatusCode != 202 || l == nil {
			t.Errorf("%q: %d %s", tc.answer, resp.StatusCode, resp.Body)
			continue
		}
		if got := consentOf(l); got != tc.want {
			t.Errorf("%q: consent %s, want %s", tc.answer, got, tc.want)
		}
		if tc.want == "false" && (str(l, "phone") != "" || str(l, "message") != "") {
			t.Errorf("%q: the refusing lead holds phone %q, message %q", tc.answer, str(l, "phone"), str(l, "message"))
		}
	}
	// A form the contract does not list answers with a field named consent.
	webflow := `{"triggerType":"form_submission","payload":{"name":"Inscription webinar","siteId":"62749158efef318abc8d5a0f","data":{"Email":"wf.audit@consent-audit.fr","Name":"Quintrellanwf","Company":"Agro Ouest","consent":"non"},"submittedAt":"2026-11-27T16:29:30.117Z","id":"6321ca84df3949bfc6752399","formId":"6321ca84df3949bfc675231f"}}`
	if resp, _ := h.do(h.signed("webflow-webinar", "submissions", "application/json", "", webflow)); resp.StatusCode != 202 {
		t.Errorf("webflow: %d %s", resp.StatusCode, resp.Body)
	} else if got := consentOf(h.leadByEmail("wf.audit@consent-audit.fr")); got != "false" {
		t.Errorf("webflow's field consent: non: consent %s, want false", got)
	}
	typeform := `{"event_id":"01JDQZ8K4T3YV6X2N9M0C7B5ZZ","event_type":"form_response","form_response":{"form_id":"lT4Z3j","token":"a3a12ec67a1365927098a606107fac99","submitted_at":"2026-11-27T16:29:50Z","definition":{"id":"lT4Z3j","title":"Audit de maintenance"},"answers":[{"type":"email","email":"tf.audit@consent-audit.fr","field":{"id":"f1","type":"email","ref":"work_email"}},{"type":"text","text":"Quintrellantf","field":{"id":"f3","type":"short_text","ref":"last_name"}},{"type":"phone_number","phone_number":"+33655443399","field":{"id":"f7","type":"phone_number","ref":"phone"}},{"type":"boolean","boolean":false,"field":{"id":"f9","type":"legal","ref":"consent"}}]}}`
	names, phones = append(names, "Quintrellanwf", "wf.audit", "Quintrellantf", "tf.audit"), append(phones, "655443399")
	if resp, _ := h.do(h.signed("typeform-audit", "submissions", "application/json", "", typeform)); resp.StatusCode != 202 {
		t.Errorf("typeform: %d %s", resp.StatusCode, resp.Body)
	} else if l := h.leadByEmail("tf.audit@consent-audit.fr"); consentOf(l) != "false" || str(l, "phone") != "" {
		t.Errorf("typeform's legal field consent: false: consent %s, phone %q; want a refusal without the phone", consentOf(l), str(l, "phone"))
	}
	// Refused requests too: a bad email, a bad phone.
	h.do(h.signed("site-contact", "submissions", "application/x-www-form-urlencoded", "bad1",
		form(map[string]string{"E-mail professionnel": "Quintrellan.bad@", "Nom": "Quintrellanbad", "Téléphone": "06 55 44 33 77 88 99 00"})))
	names, phones = append(names, "Quintrellan.bad", "Quintrellanbad"), append(phones, "55 44 33 77 88")
	logs := h.logs.String()
	for _, v := range append(names, phones...) {
		if strings.Contains(strings.ToLower(logs), strings.ToLower(v)) {
			t.Errorf("ingest's logs hold %q", v)
		}
	}
}

// TestAudit17DeliveryKeysAfterErasure: README "Erasure": "DeliveriesTable: webhook deliveries — kept until they
// expire: they hold the lead's ID and the answer given, no personal data"; "Where it lives": the delivery marker
// holds "no value the sender posted". The delivery's ID is a value the sender posts, kept in the marker's and the
// answer's keys (and the answer's body) for retention.activities: a sender whose idempotency key names the person
// (Zapier's is a template: "{{email}}-{{submitted_at}}") leaves her address in DeliveriesTable after her erasure.
func TestAudit17DeliveryKeysAfterErasure(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const email = "zoe.quintrell@quintrell-forges.fr"
	if resp, _ := h.do(h.signed("zapier-linkedin", "submissions", "application/json", email+"-2026-11-27T16:29:00Z",
		`{"email":"`+email+`","last_name":"Quintrellan","consent":"oui"}`)); resp.StatusCode != 202 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	if _, _, err := store.NewPeople(h.db, h.tables).Forget(context.Background(), email, now); err != nil {
		t.Fatal(err)
	}
	for _, hit := range testenv.Occurrences(t, h.db, []string{h.tables.Leads, h.tables.Activities, h.tables.Deliveries, h.tables.SLA}, email, "Quintrellan") {
		t.Errorf("left after the erasure: %s", hit)
	}
}
