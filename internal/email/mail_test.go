package email

import (
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

func sample(l contract.Locale) SQL {
	paris, _ := time.LoadLocation("Europe/Paris")
	return SQL{
		Locale: l, Company: "Maintenia SAS", RepName: "Thomas Martin", LeadID: "ld_01m8fe8jfp5yanw3s778ka6pzj",
		Lead:   Person{Name: "Claire <b>Dubois</b>", Title: "Directrice technique", Company: "ACME Industrie\r\nBcc: x@evil.fr", Email: "claire@acme-industrie.fr", Phone: "+33472000000"},
		Source: "site-contact", UTM: "google / cpc / gmao-2026", Consent: "oui, 27/11/2026 17:20",
		Score: 91, Fit: 50, Behaviour: 41,
		Why:    []Line{{Label: "Décideur\u00a0: Directeur industriel", Value: "+20"}, {Label: "A consulté la page tarifs (2 fois)", Value: "+10"}},
		Recent: []Line{{Label: "page_view https://maintenia.fr/tarifs", Value: "27/11 17:10"}},
		Reason: "territoire Nord, round-robin (12 assigned before, weight 1)",
		Due:    time.Date(2026, 11, 30, 14, 0, 0, 0, paris), DueIn: "4h00",
		Feedback: Links{Contacted: "https://sla.maintenia.fr/v1/feedback/tok1", Accept: "https://sla.maintenia.fr/v1/feedback/tok2", Reject: "https://sla.maintenia.fr/v1/feedback/tok3"},
	}
}

func TestRenderSQL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		locale       contract.Locale
		subject, due string
		words        []string
	}{
		{contract.French, "Nouveau SQL : ACME Industrie  Bcc: x@evil.fr (score 91)", "lundi 30/11/2026 à 14:00", []string{"Bonjour Thomas Martin", "J&#39;accepte ce lead", "Pourquoi ce score"}},
		{contract.English, "New SQL: ACME Industrie  Bcc: x@evil.fr (score 91)", "Monday 30 Nov 2026 at 14:00", []string{"Hello Thomas Martin", "I accept this lead", "Why this score"}},
	} {
		s := sample(tc.locale)
		if got := s.Subject(); got != tc.subject || strings.ContainsAny(got, "\r\n") {
			t.Errorf("%s subject = %q", tc.locale, got)
		}
		html, text, err := s.Render()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range append(tc.words, tc.due, "https://sla.maintenia.fr/v1/feedback/tok2", "&#43;33472000000", "4h00") {
			if !strings.Contains(html, w) {
				t.Errorf("%s html lacks %q", tc.locale, w)
			}
		}
		if strings.Contains(html, "<b>Dubois</b>") || !strings.Contains(html, "Claire &lt;b&gt;Dubois&lt;/b&gt;") {
			t.Errorf("%s: a name with HTML must show as text", tc.locale)
		}
		if !strings.Contains(text, "Claire <b>Dubois</b>") || !strings.Contains(text, tc.due) || strings.Contains(text, "<table") {
			t.Errorf("%s text part:\n%s", tc.locale, text)
		}
	}
}

// TestScoreShownToTheCent: the email shows the stored score, its parts and its lines to the cent, so that the
// lines add up to the parts and the parts to the score (68 = 35 + 33 would hide 68.21 = 35 + 33.21).
func TestScoreShownToTheCent(t *testing.T) {
	t.Parallel()
	s := sample(contract.English)
	s.Score, s.Fit, s.Behaviour = 68.21, 35, 33.21
	s.Why = []Line{{Label: "webinar", Value: Points(20)}, {Label: "contact-form", Value: Points(13.21)}}
	html, text, err := s.Render()
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{html, text} {
		if !strings.Contains(body, "68.21") || !strings.Contains(body, "fit 35, behaviour 33.21") || !strings.Contains(body, "13.21") {
			t.Errorf("body:\n%s", body)
		}
	}
	if got := s.Subject(); !strings.HasSuffix(got, "(score 68.21)") {
		t.Errorf("subject %q", got)
	}
	for f, want := range map[float64]string{13.21: "+13.21", -15: "-15", 2.5: "+2.5", 0: "+0", 0.05: "+0.05", 100: "+100"} {
		if got := Points(f); got != want {
			t.Errorf("Points(%g) = %q, want %q", f, got, want)
		}
	}
}

// TestHeaderStaysOneLine: whatever a lead's fields carry, a header value is one line with nothing that reorders
// or hides what a reader sees (a C1 NEL or a Unicode line separator breaks lines in some clients).
func TestHeaderStaysOneLine(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"ACME\r\nBcc: x@evil.fr": "ACME  Bcc: x@evil.fr",
		"ACME\u0085Bcc: x":       "ACME Bcc: x",
		"ACME\u2028Bcc: x":       "ACME Bcc: x",
		"ACME\u2029\tIndustrie":  "ACME  Industrie",
		"ACME\u202eeirtsudnI":    "ACMEeirtsudnI",
		"\u2066ACME\u2069 \x7f":  "ACME  ",
		"Société Générale — été": "Société Générale — été",
	} {
		if got := header(in); got != want {
			t.Errorf("header(%q) = %q, want %q", in, got, want)
		}
	}
}
