package email

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/words"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// frenchReason is an assignment's reason as routing writes it for a French contract (words.ForRouting): the
// fixtures' English reasons are what an English contract records.
func frenchReason(team string, before, weight int) string {
	w := words.ForRouting(contract.French)
	return fmt.Sprintf(w.Team, team) + fmt.Sprintf(w.Load, before, weight)
}

// scored is a lead as the pipeline stores it: profile, activities and the explanation scoring.Score computes
// from the example contract's rules at now.
func scored(t *testing.T, c *contract.Contract, profile scoring.Profile, acts []lead.Activity, now time.Time) lead.Lead {
	t.Helper()
	r := scoring.Score(c.Scoring, profile, acts, now)
	raw, err := json.Marshal(r.Explanation)
	if err != nil {
		t.Fatal(err)
	}
	l := *acme()
	l.Contact.JobTitle = profile["job_title"]
	l.Score = lead.Score{Total: r.Total, Fit: r.Fit, Behaviour: r.Behaviour, Explanation: string(raw)}
	l.Sources = []string{"site-contact"}
	l.Attribution = lead.Attribution{UTMSource: "linkedin", UTMMedium: "paid-social", UTMCampaign: "audit-2026"}
	l.Consent = &lead.Consent{Given: true, At: now.Add(-time.Hour)}
	return l
}

// activities are a week of a lead's life on the example contract's every behaviour rule and its hand-raiser.
func activities(now time.Time) []lead.Activity {
	at := func(days int, h int) time.Time {
		return now.Add(-time.Duration(days)*24*time.Hour - time.Duration(h)*time.Hour)
	}
	return []lead.Activity{
		{ID: "a1", Type: "page_view", OccurredAt: at(6, 2), Properties: map[string]string{"url": "https://www.maintenia.fr/tarifs"}},
		{ID: "a2", Type: "page_view", OccurredAt: at(3, 1), Properties: map[string]string{"url": "https://www.maintenia.fr/tarifs"}},
		{ID: "a3", Type: "page_view", OccurredAt: at(1, 5), Properties: map[string]string{"url": "https://www.maintenia.fr/tarifs?offre=pro"}},
		{ID: "a4", Type: "page_view", OccurredAt: at(5, 3), Properties: map[string]string{"url": "https://www.maintenia.fr/gmao"}},
		{ID: "a5", Type: "content_download", OccurredAt: at(4, 0), Properties: map[string]string{"content": "Livre blanc : la maintenance prédictive"}},
		{ID: "a6", Type: "webinar_attended", OccurredAt: at(9, 0), Properties: map[string]string{"webinar": "GMAO en 45 minutes"}},
		{ID: "a7", Type: "email_click", OccurredAt: at(2, 0), Properties: map[string]string{"campaign": "newsletter-novembre"}},
		{ID: "a8", Type: "trade_show_visit", OccurredAt: at(20, 0)},
		{ID: "a9", Type: "form_submit", OccurredAt: at(0, 2), Properties: map[string]string{"form": "contact"}},
		{ID: "a10", Type: "demo_request", OccurredAt: at(0, 1)},
	}
}

// TestFrenchSQLEmail: the SQL email of a French contract, from its real rules and a realistic lead, says every
// score line in French — what the lead is and did, its values, no rule's condition — and no English anywhere.
func TestFrenchSQLEmail(t *testing.T) {
	t.Parallel()
	monday := paris(t, 2026, 11, 30, 10, 0)
	c := example(t, contract.French, nil)
	type variant struct {
		name    string
		profile scoring.Profile
		edit    func(*handoff.Handoff, *lead.Lead)
		want    []string // lines the text must hold
	}
	variants := []variant{
		{"a decision-maker who asked for a demo", scoring.Profile{"job_title": "Directeur industriel", "company_size": "1 200",
			"industry": "Industrie", "country": "FR", "free_mail": "false"}, nil,
			[]string{"+20  Décideur" + nb + ": Directeur industriel", "+25.42  A consulté la page tarifs (3 fois)", "+2.78  A consulté le site (4 fois)", "+25  Est venu sur notre stand",
				"SQL  A demandé une démo le 30/11" + nb + ": transmis aux ventes quel que soit le score", "+5  Pays francophone" + nb + ": FR"}},
		{"a student with a personal address and an ambiguous size, resent and reassigned", scoring.Profile{"job_title": "Étudiant ingénieur",
			"company_size": "1,200", "country": "FR", "free_mail": "true"},
			func(h *handoff.Handoff, l *lead.Lead) {
				d, err := handoff.DeadlinesFrom(c, monday)
				if err != nil {
					t.Fatal(err)
				}
				h.Reassign(handoff.Assignment{RepID: "julien-petit", Team: "sud-ouest", Reason: frenchReason("territoire Sud et Ouest", 3, 2), At: monday}, d, monday)
				h.Mail.PossibleDuplicate = true
			},
			[]string{"-15  Adresse e-mail personnelle" + nb + ": oui", "non compté (nombre ambigu)  Effectif dans la cible" + nb + ": 1,200",
				"jamais MQL ni SQL  Étudiant ou stagiaire" + nb + ": Étudiant ingénieur"}},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			// A declared custom type no rule scores: named by its label in activity_types.
			acts := append(activities(monday), lead.Activity{ID: "a11", Type: "free_trial_started", OccurredAt: monday.Add(-time.Minute)})
			l := scored(t, c, v.profile, acts, monday)
			h := claimed(t, c, "thomas-martin", monday)
			h.Assignments[0].Reason = frenchReason("territoire Nord", 12, 1)
			if v.edit != nil {
				v.edit(h, &l)
			}
			m, err := SQLMessage(c, l, acts, *h, testLinks, monday)
			if err != nil {
				t.Fatal(err)
			}
			wordstest.French(t, "SQL email (subject)", m.Subject)
			wordstest.French(t, "SQL email (text)", m.Text)
			wordstest.French(t, "SQL email (html)", m.HTML)
			for _, w := range v.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("the text lacks %q:\n%s", w, m.Text)
				}
			}
			// The template's labels set off by the words' colon (a no-break space before it in French).
			for _, w := range []string{"A commencé un essai gratuit", "\n  Nom" + nb + ": ", "\n  Consentement" + nb + ": ",
				"\nPourquoi ce score" + nb + ":\n", "\nActivités récentes" + nb + ":\n", "\nAttribution" + nb + ": ", "\nVotre retour" + nb + ":\n",
				"\n  J'accepte ce lead" + nb + ": "} {
				if !strings.Contains(m.Text, w) {
					t.Errorf("the text lacks %q:\n%s", w, m.Text)
				}
			}
			for _, never := range []string{"matches", "(?i)", "decision-maker", "pricing-page", "page_view", "trade_show_visit", "free_trial_started"} {
				if strings.Contains(m.Text, never) || strings.Contains(m.HTML, never) {
					t.Errorf("the email says %q:\n%s", never, m.Text)
				}
			}
		})
	}
}

// TestFrenchEventEmails: every email of the deadline checker, in French, holds no English and no regular
// expression, the lead's details shown or erased (the assignment reasons as routing writes them for a French
// contract).
func TestFrenchEventEmails(t *testing.T) {
	t.Parallel()
	for _, tc := range eventCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := example(t, contract.French, tc.edit)
			h, e, now := tc.event(t, c)
			for i := range h.Assignments {
				h.Assignments[i].Reason = frenchReason("territoire Nord", 12, 1)
			}
			for who, l := range map[string]*lead.Lead{"": acme(), ", the lead erased": nil} {
				m, err := EventMessage(c, h, l, e, testLinks, now)
				if err != nil {
					t.Fatal(err)
				}
				wordstest.French(t, tc.name+who+" (subject)", m.Subject)
				wordstest.French(t, tc.name+who+" (text)", m.Text)
				wordstest.French(t, tc.name+who+" (html)", m.HTML)
			}
		})
	}
}

// TestExplanationOfOlderRecords: lines stored before explanations were data (an English note holding the rule's
// condition, no field or value) are phrased from the contract's rule of the same ID, and their note never shows.
func TestExplanationOfOlderRecords(t *testing.T) {
	t.Parallel()
	raw := `[{"rule":"decision-maker","kind":"fit","points":20,"note":"job_title matches (?i)\\b(directeur|responsable)\\b"},` +
		`{"rule":"pricing-page","kind":"behaviour","points":7.07,"activityId":"p1","activityType":"page_view","at":"2026-11-20T10:00:00Z","note":"10 decayed to 71% (half-life 14 days)"},` +
		`{"rule":"pricing-page","kind":"behaviour","points":10,"activityId":"p2","activityType":"page_view","at":"2026-11-27T10:00:00Z"},` +
		`{"rule":"demo-request","kind":"hand_raiser","points":0,"activityId":"x","activityType":"demo_request","at":"2026-11-27T16:20:00Z","note":"asked to talk to sales: SQL whatever the score"},` +
		`{"rule":"gone-rule","kind":"fit","points":5,"note":"country equals FR"},` +
		`{"rule":"student","kind":"disqualifier","points":0,"note":"job_title matches (?i)(étudiant): never MQL or SQL"}]`
	for _, tc := range []struct {
		l    contract.Locale
		want []Line
	}{
		{contract.French, []Line{{"Décideur", "+20"}, {"A consulté la page tarifs (2 fois)", "+17.07"},
			{"A demandé une démo le 27/11" + nb + ": transmis aux ventes quel que soit le score", "SQL"}, {"gone-rule", "+5"},
			{"Étudiant ou stagiaire", "jamais MQL ni SQL"}}},
		{contract.English, []Line{{"Decision-maker", "+20"}, {"Viewed the pricing page (2 times)", "+17.07"},
			{"Asked for a demo on 27 Nov: handed to sales whatever the score", "SQL"}, {"gone-rule", "+5"},
			{"Student or intern", "never MQL or SQL"}}},
	} {
		got := explanation(example(t, tc.l, nil), raw)
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s:\n got %q\nwant %q", tc.l, got, tc.want)
		}
	}
}

// TestExplanationWithoutLabels: a contract without labels still says every line in words — the field's name
// and the lead's value, the activity's name — and a boolean in words, not "true".
func TestExplanationWithoutLabels(t *testing.T) {
	t.Parallel()
	c := example(t, contract.French, func(c *contract.Contract) {
		s := *c.Scoring
		s.Fit = append([]contract.FitRule(nil), s.Fit...)
		for i := range s.Fit {
			s.Fit[i].Label = nil
		}
		s.Behaviour = append([]contract.BehaviourRule(nil), s.Behaviour...)
		for i := range s.Behaviour {
			s.Behaviour[i].Label = nil
		}
		s.HandRaisers = []contract.HandRaiser{{ID: "demo-request", Type: "demo_request"}}
		c.Scoring = &s
	})
	monday := paris(t, 2026, 11, 30, 10, 0)
	l := scored(t, c, scoring.Profile{"job_title": "Directrice maintenance", "free_mail": "true"}, activities(monday), monday)
	got := explanation(c, l.Score.Explanation)
	var labels []string
	for _, x := range got {
		labels = append(labels, x.Label)
	}
	for _, w := range []string{"Fonction" + nb + ": Directrice maintenance", "Adresse e-mail personnelle" + nb + ": oui",
		"A consulté une page" + nb + ": https://www.maintenia.fr/tarifs (2 fois)", "A consulté une page" + nb + ": https://www.maintenia.fr/tarifs?offre=pro",
		"A consulté une page (4 fois)",
		"A téléchargé un contenu", "A demandé une démo le 30/11" + nb + ": transmis aux ventes quel que soit le score"} {
		found := false
		for _, x := range labels {
			found = found || x == w
		}
		if !found {
			t.Errorf("no line %q in %q", w, labels)
		}
	}
	wordstest.French(t, "explanation without labels", strings.Join(labels, "\n"))
}

// TestExplanationValuesAreEscaped: the lead's value a line shows is the lead's text, escaped by html/template
// like every other value of the email.
func TestExplanationValuesAreEscaped(t *testing.T) {
	t.Parallel()
	monday := paris(t, 2026, 11, 30, 10, 0)
	c := example(t, contract.French, nil)
	l := scored(t, c, scoring.Profile{"job_title": `Directeur <script>alert("x")</script>`, "country": "FR"}, nil, monday)
	h := claimed(t, c, "thomas-martin", monday)
	m, err := SQLMessage(c, l, nil, *h, testLinks, monday)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "Décideur"+nb+": Directeur &lt;script&gt;") {
		t.Errorf("the value is not escaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, `Décideur`+nb+`: Directeur <script>alert("x")</script>`) {
		t.Errorf("the text part lacks the value as typed:\n%s", m.Text)
	}
}
