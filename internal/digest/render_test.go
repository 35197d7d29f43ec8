package digest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/digest"
)

// TestRender: the digest in each language — its subject, the period, each piece with its type, date, audience
// and why — and the ideas link only when one is given.
func TestRender(t *testing.T) {
	pieces := []content.Piece{
		{Source: "blog", ItemID: "a", Title: "Agro <Ouest> & co", URL: "https://maintenia.fr/a?x=1&y=2", Type: content.CaseStudy,
			Segments: []string{"enterprise"}, Why: "Le cas à citer", PublishedAt: time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)},
		{Source: "blog", ItemID: "b", Title: "Guide", URL: "https://maintenia.fr/b", Type: content.Guide, PublishedAt: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)},
	}
	from, to := at(time.November, 30, 8, 30), at(time.December, 7, 8, 30)
	for _, tc := range []struct {
		locale string
		want   []string
	}{
		{"fr", []string{"2 contenus pour vous cette semaine", "Bonjour Amélie Robert,", "du lundi 30/11 au dimanche 06/12/2026", "Étude de cas", "publié le",
			"Pourquoi c'est utile", "Pour\u00a0: enterprise", "Pour tous"}},
		{"en", []string{"2 new pieces for you this week", "Hello Amélie Robert,", "Case study", "published", "Why it matters:", "For: enterprise", "For everyone"}},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			f := newFixture(t, tc.locale)
			rep, _ := f.c.Rep("amelie-robert")
			m, err := digest.Render(f.c, rep, pieces, from, to, "")
			if err != nil {
				t.Fatal(err)
			}
			all := m.Subject + "\n" + m.Text
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("no %q in\n%s", w, all)
				}
			}
			if !strings.Contains(m.HTML, "Agro &lt;Ouest&gt; &amp; co") || !strings.Contains(m.HTML, `href="https://maintenia.fr/a?x=1&amp;y=2"`) {
				t.Errorf("the HTML does not escape the title or the link:\n%s", m.HTML)
			}
			if len(m.To) != 1 || m.To[0].Address != rep.Email {
				t.Errorf("to %v", m.To)
			}
			if strings.Contains(m.HTML, "ideas") || strings.Contains(m.Text, "https://sla.maintenia.fr/ideas") {
				t.Errorf("an ideas link without a URL")
			}
			with, err := digest.Render(f.c, rep, pieces, from, to, "https://sla.maintenia.fr/ideas/tok")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(with.HTML, `href="https://sla.maintenia.fr/ideas/tok"`) || !strings.Contains(with.Text, "https://sla.maintenia.fr/ideas/tok") {
				t.Errorf("no ideas link:\n%s", with.Text)
			}
		})
	}
}
