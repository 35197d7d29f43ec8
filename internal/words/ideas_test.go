package words

import (
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
)

// Every default feedback category and every form field of the ideas page has its words in every language.
func TestIdeasWordsCoverTheDefaults(t *testing.T) {
	t.Parallel()
	for _, l := range contract.Locales {
		w := ForIdeas(l)
		for _, c := range contract.DefaultFeedbackCategories() {
			if s, ok := w.CategoryLabel(c); !ok || s == "" || s == c.ID {
				t.Errorf("%s: category %s has no words (%q)", l, c.ID, s)
			}
		}
		if s, _ := w.CategoryLabel(contract.FeedbackCategory{ID: "pricing", Label: "Prix"}); s != "Prix" {
			t.Errorf("%s: a labelled category is %q, want its label", l, s)
		}
		for _, f := range []string{"kind", "category", "text", "submission", "bad_form"} {
			if _, ok := w.FormError(f); !ok {
				t.Errorf("%s: no words for a problem with %s", l, f)
			}
		}
	}
}
