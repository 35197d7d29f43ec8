package email

import (
	"fmt"
	"strings"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// ContentLine is a piece of content as the SQL email lists it: its title (a link), its type and date, and
// marketing's line on why it matters.
type ContentLine struct {
	Title, URL, Meta, Why string
}

func contentLines(c *contract.Contract, pieces []content.Piece) []ContentLine {
	if len(pieces) == 0 {
		return nil
	}
	w, cm := words.ForContent(c.Locale), words.ForCommon(c.Locale)
	out := make([]ContentLine, 0, len(pieces))
	for _, p := range pieces {
		meta := w.Type(string(p.Type)) + " · " + fmt.Sprintf(w.Published, cm.Date(p.PublishedAt.In(c.Location)))
		out = append(out, ContentLine{Title: p.Title, URL: p.URL, Meta: meta, Why: strings.TrimSpace(p.Why)})
	}
	return out
}

// contentWords is the words of the SQL email's block of content (templates: (content .Locale).SQLTitle).
func contentWords(l contract.Locale) *words.Content { return words.ForContent(l) }
