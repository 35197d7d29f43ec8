package e2e_test

import (
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// TestPostalCodeRoutesThroughTheStack: a French form that gives only a postal code in Lille — no region, no
// country — is placed in Hauts-de-France and routed to the "territoire Nord" team's rep, whose territory covers
// it; the SQL email, read back from SES local, says why. The region is derived when read, not stored.
func TestPostalCodeRoutesThroughTheStack(t *testing.T) {
	s := startStack(t, "fr")
	email := "direction.lille@acme-lille.fr"
	out := s.post("site-contact", "submissions", "pc-lille", `{"E-mail professionnel":"`+email+`","Prénom":"Claire","Nom":"Lefebvre","Société":"ACME Lille","Fonction":"Directrice technique","Effectif":"250-499","Code postal":"59000"}`)
	id, _ := out["leadId"].(string)
	if id == "" {
		t.Fatalf("the submission was refused: %v", out)
	}
	s.post("tracking", "activities", "pc-lille-t", `{"email":"`+email+`","type":"demo_request"}`)
	var mails []testenv.Mail
	waitFor(t, "the SQL email", func() bool { return len(testenv.Mails(t, id)) >= 1 })
	s.idle()
	if mails = testenv.Mails(t, id); len(mails) != 1 {
		t.Fatalf("%d SQL emails, want 1", len(mails))
	}
	h := s.handoff(id)
	if h.Rep() != "thomas-martin" || h.Team() != "nord" {
		t.Fatalf("handed to %s in team %q, want thomas-martin in nord", h.Rep(), h.Team())
	}
	m := mails[0]
	if to := strings.Join(m.Destination.To, ","); !strings.Contains(to, "thomas.martin@maintenia.fr") {
		t.Errorf("the SQL email went to %s", to)
	}
	want := "région déduite du code postal 59000 : Hauts-de-France ; territoire Nord, Thomas Martin couvre Hauts-de-France"
	for part, body := range map[string]string{"text": m.Body.Text, "HTML": m.Body.HTML} {
		if !strings.Contains(strings.ReplaceAll(body, "&#39;", "'"), want) {
			t.Errorf("the email's %s part does not say %q:\n%s", part, want, body)
		}
	}
	wordstest.French(t, "SQL email routed by postal code (text)", m.Body.Text)
	wordstest.French(t, "SQL email routed by postal code (html)", m.Body.HTML)
	if got := h.Assignments[0].Reason; got != want {
		t.Errorf("assignment reason %q", got)
	}
	l := s.lead(id)
	if str(l, "postalCode") != "59000" || l["region"] != nil {
		t.Errorf("stored postal code %q, region %v: the postal code is kept, the region derived when read", str(l, "postalCode"), l["region"])
	}
}
