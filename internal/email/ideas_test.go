package email

import (
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// The SQL email carries the rep's ideas link, in both parts, and it opens the ideas page for that rep.
func TestSQLEmailCarriesTheIdeasLink(t *testing.T) {
	t.Parallel()
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, l := range contract.Locales {
		c := example(t, l, nil)
		h := sent(t, c, "thomas-martin", now)
		links := LinkSigner{Key: key, BaseURL: "https://sla.maintenia.fr"}.Links(*h, now)
		tok, ok := strings.CutPrefix(links.Ideas, "https://sla.maintenia.fr/v1/ideas/")
		if !ok {
			t.Fatalf("%s: ideas link %q", l, links.Ideas)
		}
		if link, err := ideas.Verify(signed.Keys{key}, tok, now); err != nil || link.RepID != "thomas-martin" {
			t.Fatalf("%s: the ideas link does not verify for the rep: %+v, %v", l, link, err)
		}
		s := sample(l)
		s.Feedback = links
		html, text, err := s.Render()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(html, `href="`+links.Ideas+`"`) || !strings.Contains(text, links.Ideas) {
			t.Errorf("%s: the SQL email does not carry the ideas link", l)
		}
		s.Feedback.Ideas = ""
		if html, text, _ := s.Render(); strings.Contains(html, `id="ideas"`) || strings.Contains(text, "/v1/ideas/") {
			t.Errorf("%s: an ideas block without a link", l)
		}
	}
}

// Marketing ops' email: to them, the rep named, the kind and category in words, the text escaped in HTML and
// whole in the text part.
func TestIdeaMessage(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		locale         contract.Locale
		kind, category string
		want           []string
	}{
		{contract.French, "feedback", "lead_quality", []string{"Thomas Martin", "un retour terrain", "Qualité des contacts"}},
		{contract.English, "feedback", "lead_quality", []string{"Thomas Martin", "field feedback", "Lead quality"}},
		{contract.English, "idea", "", []string{"Thomas Martin", "a content idea"}},
	} {
		c := example(t, tc.locale, nil)
		m, err := IdeaMessage(c, ideas.Record{Submission: ideas.Submission{ID: "x", RepID: "thomas-martin", Kind: ideas.Kind(tc.kind),
			Category: tc.category, Text: "<img src=x onerror=alert(1)>\nDeux lignes", At: at}})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.To) != 1 || m.To[0].Address != "marketing-ops@maintenia.fr" || strings.ContainsAny(m.Subject, "\r\n") {
			t.Errorf("to %v, subject %q", m.To, m.Subject)
		}
		for _, w := range tc.want {
			if !strings.Contains(m.Subject+m.HTML, w) || !strings.Contains(m.Text, w) {
				t.Errorf("%s %s: %q missing", tc.locale, tc.kind, w)
			}
		}
		if strings.Contains(m.HTML, "<img") || !strings.Contains(m.HTML, "&lt;img src=x") || !strings.Contains(m.Text, "<img src=x onerror=alert(1)>\nDeux lignes") {
			t.Errorf("text not escaped in HTML or not whole in text:\n%s\n%s", m.HTML, m.Text)
		}
	}
}

// TestIdeaMessageFrench: marketing ops' email of a French contract, and the SQL email's ideas block, hold no
// English word and no regular expression.
func TestIdeaMessageFrench(t *testing.T) {
	t.Parallel()
	c := example(t, contract.French, nil)
	for _, r := range []ideas.Record{
		{Submission: ideas.Submission{ID: "x", RepID: "thomas-martin", Kind: ideas.Feedback, Category: "targeting", Text: "Trop de PME", At: time.Now()}},
		{Submission: ideas.Submission{ID: "y", RepID: "parti", Kind: ideas.Idea, Text: "Un cas client", At: time.Now()}},
	} {
		m, err := IdeaMessage(c, r)
		if err != nil {
			t.Fatal(err)
		}
		wordstest.French(t, "ideas email (subject)", m.Subject)
		wordstest.French(t, "ideas email (html)", m.HTML)
		wordstest.French(t, "ideas email (text)", m.Text)
	}
}
