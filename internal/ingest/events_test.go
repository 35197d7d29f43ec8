package ingest_test

import (
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

var update = flag.Bool("update", false, "rewrite events/ingest/*.json from the definitions in this file")

// sample is one sample event of events/ingest and what it must produce.
type sample struct {
	file       string
	req        func(sec map[string]string) events.APIGatewayV2HTTPRequest
	status     int
	activities int    // activities stored
	leadEmail  string // the lead it lands on
	// values read: "lead.<attribute>" on the lead, "activity.<property>" on the delivery's first activity
	read map[string]string
}

func form(v map[string]string) string {
	q := url.Values{}
	for k, x := range v {
		q.Set(k, x)
	}
	return q.Encode()
}

func samples() []sample {
	const typeformBody = `{"event_id":"01JDQZ8K4T3YV6X2N9M0C7B5A1","event_type":"form_response","form_response":{"form_id":"lT4Z3j","token":"a3a12ec67a1365927098a606107fac15","landed_at":"2026-11-27T16:25:02Z","submitted_at":"2026-11-27T16:29:50Z","hidden":{"utm_source":"linkedin","utm_campaign":"audit-2026"},"definition":{"id":"lT4Z3j","title":"Audit de maintenance"},"answers":[{"type":"email","email":"marc.girard@transports-girard.fr","field":{"id":"f1","type":"email","ref":"work_email"}},{"type":"text","text":"Marc","field":{"id":"f2","type":"short_text","ref":"first_name"}},{"type":"text","text":"Girard","field":{"id":"f3","type":"short_text","ref":"last_name"}},{"type":"text","text":"Transports Girard","field":{"id":"f4","type":"short_text","ref":"company"}},{"type":"choice","choice":{"label":"Directeur technique"},"field":{"id":"f5","type":"multiple_choice","ref":"role"}},{"type":"number","number":120,"field":{"id":"f6","type":"number","ref":"fleet_size"}},{"type":"phone_number","phone_number":"+33472000000","field":{"id":"f7","type":"phone_number","ref":"phone"}},{"type":"boolean","boolean":true,"field":{"id":"f8","type":"yes_no","ref":"has_cmms"}}]}}`
	const webflowBody = `{"triggerType":"form_submission","payload":{"name":"Inscription webinar","siteId":"62749158efef318abc8d5a0f","data":{"Email":"lea.moreau@agro-ouest.fr","Name":"Moreau","Company":"Agro Ouest","Webinar":"Maintenance prédictive 2027"},"submittedAt":"2026-11-27T16:29:30.117Z","id":"6321ca84df3949bfc6752327","formId":"6321ca84df3949bfc675231f"}}`
	// Typeform's documented form_response (developers/webhooks/example-payload) with every answer type Handoff
	// reads: the definition lists each question and its choices (7 levels deep), choices with "Other", a
	// payment (only its amount is kept), a file upload, hidden fields, variables, the ending.
	const typeformAllTypes = `{"event_id":"01JDQZ9C2M7W4K8R1N3P5T6V8X","event_type":"form_response","form_response":{"form_id":"lT4Z3j","token":"b4e19f7c2d8a0b3e6f1c5d9a7e2b4c8f","response_url":"https://admin.typeform.com/form/lT4Z3j/results?responseId=b4e19f7c2d8a0b3e6f1c5d9a7e2b4c8f#responses","landed_at":"2026-11-27T16:21:40Z","submitted_at":"2026-11-27T16:28:12Z","calculated":{"score":9},"variables":[{"key":"score","type":"number","number":4},{"key":"segment","type":"text","text":"pme"}],"hidden":{"utm_source":"newsletter","utm_campaign":"audit-2026"},"definition":{"id":"lT4Z3j","title":"Audit de maintenance","fields":[{"id":"Xq1","title":"Votre e-mail professionnel","type":"email","ref":"work_email","properties":{}},{"id":"Xq2","title":"Votre rôle","type":"multiple_choice","ref":"role","allow_multiple_selections":false,"allow_other_choice":true,"properties":{},"choices":[{"id":"c1","label":"Directeur technique","ref":"dt"},{"id":"c2","label":"Responsable maintenance","ref":"rm"}]},{"id":"Xq3","title":"Vos sites","type":"multiple_choice","ref":"sites","allow_multiple_selections":true,"allow_other_choice":true,"properties":{},"choices":[{"id":"c3","label":"Lyon","ref":"lyon"},{"id":"c4","label":"Nantes","ref":"nantes"}]},{"id":"Xq4","title":"Acompte","type":"payment","ref":"deposit","properties":{}},{"id":"Xq5","title":"Plan du site","type":"file_upload","ref":"plan","properties":{}}],"endings":[{"id":"dN5FLyFpCMFo","ref":"01GRC8GR2017M6WW347T86VV39","title":"Merci !","type":"thankyou_screen","properties":{"button_text":"Retour","show_button":true,"share_icons":false,"button_mode":"default_redirect"}}]},"answers":[{"type":"email","email":"hugo.lambert@lambert-logistique.fr","field":{"id":"Xq1","type":"email","ref":"work_email"}},{"type":"text","text":"Hugo","field":{"id":"Xq6","type":"short_text","ref":"first_name"}},{"type":"choice","choice":{"id":"other","other":"Responsable de flotte"},"field":{"id":"Xq2","type":"multiple_choice","ref":"role"}},{"type":"choices","choices":{"ids":["c3","c4"],"labels":["Lyon","Nantes"],"refs":["lyon","nantes"],"other":"Lille"},"field":{"id":"Xq3","type":"multiple_choice","ref":"sites"}},{"type":"payment","payment":{"amount":"150.00","last4":"4242","name":"HUGO LAMBERT","success":true},"field":{"id":"Xq4","type":"payment","ref":"deposit"}},{"type":"file_url","file_url":"https://api.typeform.com/responses/files/8d0a0e/plan-entrepot.pdf","field":{"id":"Xq5","type":"file_upload","ref":"plan"}},{"type":"number","number":85,"field":{"id":"Xq7","type":"number","ref":"fleet_size"}},{"type":"boolean","boolean":true,"field":{"id":"Xq8","type":"yes_no","ref":"has_cmms"}},{"type":"date","date":"2027-01-15","field":{"id":"Xq9","type":"date","ref":"start"}},{"type":"url","url":"https://lambert-logistique.fr","field":{"id":"Xq10","type":"website","ref":"website"}},{"type":"choice","choice":{"id":"c9","label":"Moins de 3 mois","ref":"q3"},"field":{"id":"Xq11","type":"dropdown","ref":"horizon"}}],"ending":{"id":"dN5FLyFpCMFo","ref":"01GRC8GR2017M6WW347T86VV39"}}}`
	// Webflow's documented form_submission (data API v2, "Working with webhooks"): data nested in payload, a
	// schema list, a number where a form field holds digits.
	const webflowDocumented = `{"triggerType":"form_submission","payload":{"name":"Inscription webinar","siteId":"65427cf400e02b306eaa049c","data":{"Email":"zoe.faure@faure-transports.fr","Name":"Faure","Company":"Faure Transports","Phone Number":33612345678,"Newsletter":true},"schema":[{"fieldName":"Email","fieldType":"FormTextInput","fieldElementId":"285042f7-d554-dc7f-102c-aa10d6a2d2c4"},{"fieldName":"Name","fieldType":"FormTextInput","fieldElementId":"285042f7-d554-dc7f-102c-aa10d6a2d2c5"},{"fieldName":"Phone Number","fieldType":"FormTextInput","fieldElementId":"285042f7-d554-dc7f-102c-aa10d6a2d2c6"},{"fieldName":"Newsletter","fieldType":"FormCheckboxInput","fieldElementId":"285042f7-d554-dc7f-102c-aa10d6a2d2c7"}],"submittedAt":"2026-11-27T16:29:41.117Z","id":"6565f9a8b0b7a63c1cc3e4a1","formId":"65429eadebe8a9f3a30f62d0","formElementId":"285042f7-d554-dc7f-102c-aa10d6a2d2c2","pageId":"65427cf400e02b306eaa04a5","publishedPath":"/webinar"}}`
	return append([]sample{
		{file: "submission-typeform-answer-types.json", status: 202, activities: 1, leadEmail: "hugo.lambert@lambert-logistique.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "typeform-audit", "submissions", "application/json", "", typeformAllTypes)
			},
			read: map[string]string{"lead.jobTitle": "Responsable de flotte", "lead.companySize": "85", "lead.website": "https://lambert-logistique.fr",
				"lead.utmSource": "newsletter", "activity.x_sites": "Lyon, Nantes, Lille", "activity.x_deposit": "150.00",
				"activity.x_plan": "https://api.typeform.com/responses/files/8d0a0e/plan-entrepot.pdf", "activity.x_has_cmms": "true",
				"activity.x_start": "2027-01-15", "activity.x_horizon": "Moins de 3 mois", "activity.form_id": "lT4Z3j"}},
		{file: "submission-webflow-documented.json", status: 202, activities: 1, leadEmail: "zoe.faure@faure-transports.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "webflow-webinar", "submissions", "application/json", "", webflowDocumented)
			},
			read: map[string]string{"lead.lastName": "Faure", "lead.company": "Faure Transports", "activity.x_phone_number": "33612345678",
				"activity.x_newsletter": "true", "activity.form_id": "65429eadebe8a9f3a30f62d0", "activity.form_name": "Inscription webinar"}},
		{file: "submission-site-json.json", status: 202, activities: 1, leadEmail: "claire.dubois@acme-industrie.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "site-contact", "submissions", "application/json", "msg_2p4Lw0JvQ8fYtKx1",
					`{"E-mail professionnel":"Claire.Dubois@Acme-Industrie.fr","Prénom":"Claire","Nom":"Dubois","Téléphone":"04 72 00 00 00","Société":"ACME Industrie","Fonction":"Responsable maintenance","Effectif":"250-499","Secteur":"Agroalimentaire","Pays":"France","Message":"Nous avons 40 machines à suivre.","J'accepte d'être recontacté":"oui","utm_source":"google","utm_medium":"cpc","utm_campaign":"gmao-2026","referrer":"https://www.google.com/","page":"/contact"}`)
			}},
		{file: "submission-site-form.json", status: 202, activities: 1, leadEmail: "paul.henry@meca-precision.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "site-contact", "submissions", "application/x-www-form-urlencoded", "msg_2p4Lw5Xq7RbZe3Hk",
					form(map[string]string{"E-mail professionnel": "paul.henry@meca-precision.fr", "Prénom": "Paul", "Nom": "Henry", "Société": "Méca Précision", "Pays": "FR", "website_url": ""}))
			}},
		{file: "submission-typeform.json", status: 202, activities: 1, leadEmail: "marc.girard@transports-girard.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "typeform-audit", "submissions", "application/json", "", typeformBody)
			}},
		{file: "submission-webflow.json", status: 202, activities: 1, leadEmail: "lea.moreau@agro-ouest.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "webflow-webinar", "submissions", "application/json; charset=utf-8", "", webflowBody)
			}},
		{file: "submission-zapier.json", status: 202, activities: 1, leadEmail: "sarah.nguyen@logistique-nord.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "zapier-linkedin", "submissions", "application/json", "zap-7f3c2a91",
					`{"email":"sarah.nguyen@logistique-nord.fr","first_name":"Sarah","last_name":"Nguyen","company":"Logistique Nord","job_title":"COO","country":"FR","consent":true,"consent_at":"2026-11-27T16:20:00Z","utm_source":"linkedin","utm_medium":"paid-social"}`)
			}},
		{file: "submission-honeypot.json", status: 202, activities: 0,
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "site-contact", "submissions", "application/json", "msg_2p4LwBotBotBot01",
					`{"E-mail professionnel":"bot@spam.example","Prénom":"Bot","website_url":"http://spam.example"}`)
			}},
		{file: "activities-batch.json", status: 202, activities: 3, leadEmail: "claire.dubois@acme-industrie.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "tracking", "activities", "application/json", "msg_2p4M0aTrk000001",
					`{"email":"claire.dubois@acme-industrie.fr","activities":[{"type":"page_view","url":"https://maintenia.fr/tarifs","occurred_at":"2026-11-27T16:10:00Z"},{"type":"content_download","content":"Livre blanc GMAO 2026","occurred_at":"2026-11-27T16:12:00Z"},{"type":"webinar_attended","webinar":"Maintenance prédictive 2027","occurred_at":"2026-11-27T16:15:00Z","duration_minutes":52}]}`)
			}},
		{file: "outcome-won.json", status: 202, activities: 1, leadEmail: "claire.dubois@acme-industrie.fr",
			req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
				return signedWith(sec, "crm", "outcomes", "application/json", "msg_2p4M1crmWon0001",
					`{"email":"claire.dubois@acme-industrie.fr","type":"deal_won","amount":"18500","currency":"EUR","crm_id":"OPP-2026-0412","occurred_at":"2026-11-27T16:25:00Z"}`)
			}},
	}, contentSamples()...)
}

func eventPath(file string) string { return filepath.Join(testenv.Root(), "events", "ingest", file) }

// TestSampleEvents keeps events/ingest in step with the code (they never rot) and replays them in order: each
// lands where it should. `go test ./internal/ingest -run TestSampleEvents -update` rewrites them.
func TestSampleEvents(t *testing.T) {
	h := newHarness(t)
	for _, s := range samples() {
		req := s.req(h.secrets)
		want, _ := json.MarshalIndent(req, "", "  ")
		want = append(want, '\n')
		if *update {
			if err := os.MkdirAll(filepath.Dir(eventPath(s.file)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(eventPath(s.file), want, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := os.ReadFile(eventPath(s.file))
		if err != nil {
			t.Fatalf("%s: %v (run with -update to create it)", s.file, err)
		}
		if string(got) != string(want) {
			t.Fatalf("%s is out of date: run go test ./internal/ingest -run TestSampleEvents -update", s.file)
		}
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(got, &ev); err != nil {
			t.Fatal(err)
		}
		before := len(h.activities())
		resp, a := h.do(ev)
		if resp.StatusCode != s.status {
			t.Fatalf("%s: %d %s", s.file, resp.StatusCode, resp.Body)
		}
		if n := len(h.activities()) - before; n != s.activities {
			t.Errorf("%s stored %d activities, want %d", s.file, n, s.activities)
		}
		if s.leadEmail != "" {
			if lead := h.leadByEmail(s.leadEmail); lead == nil || str(lead, "leadId") != a.LeadID {
				t.Errorf("%s: answered lead %s, stored %v", s.file, a.LeadID, lead)
			}
		}
		for k, want := range s.read {
			where, name, _ := strings.Cut(k, ".")
			var got string
			if where == "lead" {
				got = str(h.leadByEmail(s.leadEmail), name)
			} else {
				for _, act := range h.activities() {
					if str(act, "deliveryId") == a.DeliveryID {
						got = prop(act, "properties", name)
					}
				}
			}
			if got != want {
				t.Errorf("%s: %s = %q, want %q", s.file, k, got, want)
			}
		}
	}
	files, _ := filepath.Glob(eventPath("*.json"))
	sort.Strings(files)
	if len(files) != len(samples()) {
		t.Errorf("events/ingest has %d files, the definitions %d: remove the stale ones", len(files), len(samples()))
	}
}
