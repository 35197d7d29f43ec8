package ingest_test

import (
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"sort"
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
	return []sample{
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
	}
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
	}
	files, _ := filepath.Glob(eventPath("*.json"))
	sort.Strings(files)
	if len(files) != len(samples()) {
		t.Errorf("events/ingest has %d files, the definitions %d: remove the stale ones", len(files), len(samples()))
	}
}
