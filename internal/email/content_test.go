package email

import (
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
)

// TestSQLEmailContent: the SQL email lists the two most recent pieces relevant to the lead (its industry, the
// rep's segments, or no audience), newest first, with their type, date and why; none, and the block is absent.
func TestSQLEmailContent(t *testing.T) {
	t.Parallel()
	monday := paris(t, 2026, 11, 30, 10, 0)
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	newestFirst := []content.Piece{
		{ItemID: "smb", Title: "Pour les PME", URL: "https://maintenia.fr/smb", Segments: []string{"smb"}, PublishedAt: day(28)},
		{ItemID: "ind", Title: "Agro & maintenance", URL: "https://maintenia.fr/agro?a=1&b=2", Type: content.CaseStudy, Industries: []string{"Agroalimentaire"},
			Why: "Le cas à citer", PublishedAt: day(27)},
		{ItemID: "mid", Title: "Pour le mid-market", URL: "https://maintenia.fr/mid", Type: content.WhitePaper, Segments: []string{"mid-market"}, PublishedAt: day(26)},
		{ItemID: "all", Title: "Pour tous", URL: "https://maintenia.fr/all", PublishedAt: day(25)},
	}
	for _, tc := range []struct {
		name     string
		l        contract.Locale
		industry string
		pieces   []content.Piece
		want     []string // in order
		absent   []string
	}{
		{"the lead's industry, then the rep's segment", contract.French, "Agroalimentaire", newestFirst,
			[]string{"Contenus utiles pour ce lead", "Agro & maintenance (Étude de cas · publié le 27/11)", "Pourquoi c'est utile", "Pour le mid-market"},
			[]string{"Pour les PME", "Pour tous"}},
		{"another industry: the rep's segment, then everyone's", contract.English, "Transport", newestFirst,
			[]string{"Useful content for this lead", "Pour le mid-market (White paper · published 26 Nov)", "Pour tous"},
			[]string{"Agro", "Pour les PME"}},
		{"nothing relevant: no block", contract.French, "Transport", newestFirst[:1], nil, []string{"Contenus utiles", "Pour les PME"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := example(t, tc.l, nil)
			h := claimed(t, c, "thomas-martin", monday) // mid-market
			l := *acme()
			l.Contact.Industry = tc.industry
			m, err := sqlMessage(c, l, nil, *h, testLinks, monday, tc.pieces)
			if err != nil {
				t.Fatal(err)
			}
			rest := m.Text
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("the text lacks %q (or not in order):\n%s", w, m.Text)
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tc.absent {
				if strings.Contains(m.Text, w) || strings.Contains(m.HTML, w) {
					t.Errorf("the email shows %q", w)
				}
			}
			if len(tc.want) > 0 && !strings.Contains(m.HTML, `<div id="content">`) {
				t.Errorf("no content block in the HTML")
			}
			if tc.industry == "Agroalimentaire" && !strings.Contains(m.HTML, `href="https://maintenia.fr/agro?a=1&amp;b=2">Agro &amp; maintenance</a>`) {
				t.Errorf("the HTML's link:\n%s", m.HTML)
			}
		})
	}
}
