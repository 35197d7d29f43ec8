package pipeline_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/report"
)

const question = "J'accepte d'être recontacté"

// form is a site-contact submission (its field names, the contract's mapping) from a director of a 120-person
// industrial company: a good fit. answer is the consent question's answer, "" for a form without it.
func form(address, answer string) string {
	consent := ""
	if answer != "" {
		consent = fmt.Sprintf(`,%q:%q`, question, answer)
	}
	return fmt.Sprintf(`{"E-mail professionnel":%q,"Prénom":"Paul","Nom":"Henry","Société":"Méca Précision","Fonction":"Directeur industriel",`+
		`"Effectif":"120","Secteur":"Industrie","Pays":"France","Téléphone":"06 12 34 56 78","Message":"Rappelez-moi au 06 12 34 56 78"%s}`, address, consent)
}

func activity(address, typ, extra string) string {
	return fmt.Sprintf(`{"email":%q,"type":%q%s}`, address, typ, extra)
}

// TestRefusedConsentIsNeverHandedOff: a lead that answered no is never an SQL, whether it raises its hand (a demo
// request) or its score reaches the SQL threshold: notify never sees it, no SQL email leaves, no hand-off is
// recorded; the lead stays with marketing (an MQL), held, without its phone or message; the month's report counts
// it as an SQL held for want of consent, once, however often it qualifies again.
func TestRefusedConsentIsNeverHandedOff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, qualifies, cause string
	}{
		{"hand-raiser", activity("%s", "demo_request", ""), "demo-request"},
		{"by its score", activity("%s", "webinar_attended", `,"webinar":"GMAO 2027"`), "sql_threshold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPipeline(t, contract.AllowMissing)
			address := "paul.henry@refus-" + strings.ReplaceAll(tc.cause, "_", "-") + ".fr"
			id := p.post("site-contact", "submissions", form(address, "non"))
			p.clock.add(time.Minute)
			p.post("tracking", "activities", fmt.Sprintf(tc.qualifies, address))
			p.settle()
			heldAt := p.clock.now()

			l := p.lead(id)
			if l.Stage != lead.StageMQL || l.Held == nil || l.Held.Reason != lead.ConsentRefused || l.Held.Cause != tc.cause || !l.Held.At.Equal(heldAt) || !l.SQLAt.IsZero() {
				t.Fatalf("the lead: stage %s, held %+v, sqlAt %s; want an MQL held since %s (consent refused, by %s), never an SQL",
					l.Stage, l.Held, l.SQLAt, heldAt, tc.cause)
			}
			if l.Score.Qualifies != lead.StageSQL {
				t.Fatalf("the lead does not qualify for sales (%s): the test proves nothing", l.Score.Qualifies)
			}
			if l.Contact.Phone != "" || l.Message != "" || l.Contact.Email != address || l.Consent == nil || l.Consent.Given {
				t.Errorf("a refusing lead keeps phone %q, message %q, email %q, consent %+v; want the email and the refusal only",
					l.Contact.Phone, l.Message, l.Contact.Email, l.Consent)
			}
			// It qualifies again the next day: still held, from the same instant.
			p.clock.add(24 * time.Hour)
			p.post("tracking", "activities", activity(address, "demo_request", ""))
			p.settle()
			if l := p.lead(id); l.Stage != lead.StageMQL || l.Held == nil || !l.Held.At.Equal(heldAt) {
				t.Errorf("the next day: stage %s, held %+v", l.Stage, l.Held)
			}
			if p.toNotify != 0 || len(p.handoffs(id)) != 0 || len(p.sqlEmails(address)) != 0 {
				t.Errorf("handed to sales: %d record(s) to notify, hand-offs %v, %d SQL email(s); want none",
					p.toNotify, p.handoffs(id), len(p.sqlEmails(address)))
			}
			// The score function says it held the lead, by its ID; no function logs who the person is.
			logs := p.logs.String()
			if !strings.Contains(logs, `"leadId":"`+id+`","trigger":"activity"`) || !strings.Contains(logs, `"held":"consent_refused"`) {
				t.Errorf("the score function's log does not say it held %s:\n%s", id, logs)
			}
			for _, personal := range []string{address, "Henry", "12 34 56 78", "612345678", "Méca"} {
				if strings.Contains(logs, personal) {
					t.Errorf("the logs hold %q", personal)
				}
			}
			r := p.november(reportTime)
			if m := r.Marketing; m.HeldRefused != 1 || m.HeldMissing != 0 || m.SQLs != 0 || m.MQLs != 1 {
				t.Errorf("November: %d held (refused), %d held (never answered), %d SQLs, %d MQLs; want 1, 0, 0, 1",
					m.HeldRefused, m.HeldMissing, m.SQLs, m.MQLs)
			}
			e, err := report.Render(r)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(e.Text, "SQL retenus\u00a0: pas de consentement (non transmis aux ventes)") || !strings.Contains(e.Text, "1 refus") {
				t.Errorf("the report's text lacks the held SQL:\n%s", e.Text)
			}
		})
	}
}

// TestConsentGivenLaterHandsOffOnce: a lead held for its refusal says yes later: it is handed off then — its
// hand-off instant is the consenting submission's, its deadlines run from it — exactly once: one hand-off, one
// SQL email, whatever it does next. November's report counts it as an SQL, not as held; taken before the consent,
// it counted it as held.
func TestConsentGivenLaterHandsOffOnce(t *testing.T) {
	t.Parallel()
	p := newPipeline(t, contract.AllowMissing)
	const address = "paul.henry@consent-plus-tard.fr"
	id := p.post("site-contact", "submissions", form(address, "non"))
	p.clock.add(time.Minute)
	p.post("tracking", "activities", activity(address, "demo_request", ""))
	p.settle()
	heldAt := p.clock.now()
	if l := p.lead(id); l.Held == nil || p.toNotify != 0 {
		t.Fatalf("the refusing hand-raiser: held %+v, %d record(s) to notify", l.Held, p.toNotify)
	}

	p.clock.add(2 * time.Hour)
	consented := p.clock.now()
	p.post("site-contact", "submissions", form(address, "oui"))
	p.settle()
	l := p.lead(id)
	if l.Stage != lead.StageSQL || l.Held != nil || !l.SQLAt.Equal(consented) {
		t.Fatalf("after consent: stage %s, held %+v, sqlAt %s; want an SQL handed off at %s", l.Stage, l.Held, l.SQLAt, consented)
	}
	// It goes on: another demo request, a page view, a later day.
	p.clock.add(time.Hour)
	p.post("tracking", "activities", activity(address, "demo_request", ""))
	p.clock.add(24 * time.Hour)
	p.post("tracking", "activities", activity(address, "page_view", `,"url":"https://maintenia.fr/tarifs"`))
	p.settle()

	if ats := p.handoffs(id); len(ats) != 1 || ats[0] != consented.Format("2006-01-02T15:04:05.000Z") {
		t.Errorf("hand-offs at %v, want one, at the consent (%s)", ats, consented)
	}
	mails := p.sqlEmails(address)
	if len(mails) != 1 || p.toNotify != 1 {
		t.Fatalf("%d SQL email(s), %d record(s) to notify; want one of each", len(mails), p.toNotify)
	}
	// The rep sees the answer that allows it.
	if !strings.Contains(mails[0].Body.Text, "Consentement\u00a0: ✔") {
		t.Errorf("the SQL email does not show the consent given:\n%s", mails[0].Body.Text)
	}
	if m := p.november(reportTime).Marketing; m.SQLs != 1 || m.Held() != 0 {
		t.Errorf("November as of 1 December: %d SQL(s), %d held; want 1 and 0", m.SQLs, m.Held())
	}
	if m := p.november(heldAt.Add(time.Hour)).Marketing; m.SQLs != 0 || m.HeldRefused != 1 {
		t.Errorf("November as of an hour after the hold: %d SQL(s), %d held; want 0 and 1", m.SQLs, m.HeldRefused)
	}
}

// TestMissingConsentFollowsTheContract: a lead that never answered (its form does not ask) is held under
// consent.missing: hold — no SQL, no email, counted as held (never answered) — until it says yes; under allow,
// it is handed off at once.
func TestMissingConsentFollowsTheContract(t *testing.T) {
	t.Parallel()
	tests := []struct {
		missing contract.MissingConsent
		held    bool
	}{
		{contract.HoldMissing, true},
		{contract.AllowMissing, false},
	}
	for _, tc := range tests {
		t.Run(string(tc.missing), func(t *testing.T) {
			t.Parallel()
			p := newPipeline(t, tc.missing)
			address := "paul.henry@sans-reponse-" + string(tc.missing) + ".fr"
			id := p.post("site-contact", "submissions", form(address, ""))
			p.clock.add(time.Minute)
			asked := p.clock.now()
			p.post("tracking", "activities", activity(address, "demo_request", ""))
			p.settle()

			l := p.lead(id)
			if l.Consent != nil {
				t.Fatalf("the lead has a consent answer %+v: the test proves nothing", l.Consent)
			}
			n := len(p.sqlEmails(address))
			m := p.november(reportTime).Marketing
			switch {
			case tc.held && (l.Stage != lead.StageMQL || l.Held == nil || l.Held.Reason != lead.ConsentMissing || n != 0 || len(p.handoffs(id)) != 0):
				t.Errorf("missing: hold: stage %s, held %+v, %d SQL email(s), hand-offs %v; want held, nothing sent", l.Stage, l.Held, n, p.handoffs(id))
			case tc.held && (m.HeldMissing != 1 || m.HeldRefused != 0 || m.SQLs != 0):
				t.Errorf("missing: hold: November counts %d held (never answered), %d (refused), %d SQLs; want 1, 0, 0", m.HeldMissing, m.HeldRefused, m.SQLs)
			case !tc.held && (l.Stage != lead.StageSQL || l.Held != nil || !l.SQLAt.Equal(asked) || n != 1 || len(p.handoffs(id)) != 1):
				t.Errorf("missing: allow: stage %s, held %+v, sqlAt %s, %d SQL email(s); want handed off at %s, one email", l.Stage, l.Held, l.SQLAt, n, asked)
			case !tc.held && (m.SQLs != 1 || m.Held() != 0):
				t.Errorf("missing: allow: November counts %d SQLs, %d held; want 1, 0", m.SQLs, m.Held())
			}
			if !tc.held {
				return
			}
			// It says yes on the next form: handed off then, once.
			p.clock.add(time.Hour)
			consented := p.clock.now()
			p.post("site-contact", "submissions", form(address, "oui"))
			p.settle()
			if l := p.lead(id); l.Stage != lead.StageSQL || !l.SQLAt.Equal(consented) || len(p.sqlEmails(address)) != 1 || len(p.handoffs(id)) != 1 {
				t.Errorf("after consent: stage %s, sqlAt %s, %d SQL email(s), hand-offs %v; want one hand-off at %s",
					l.Stage, l.SQLAt, len(p.sqlEmails(address)), p.handoffs(id), consented)
			}
		})
	}
}
