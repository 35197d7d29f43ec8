package words

import (
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
)

// TestScoreWordsCoverTheContract: every fit field and every activity type a rule may name without a label has
// words in every language — the contract lets such a rule go unlabelled because of them.
func TestScoreWordsCoverTheContract(t *testing.T) {
	t.Parallel()
	for _, l := range contract.Locales {
		s := ForScore(l)
		for _, f := range contract.FitFields {
			if w, ok := s.Field(f); !ok || w == "" {
				t.Errorf("%s: no words for fit field %q", l, f)
			}
		}
		for _, typ := range contract.ScoringActivityTypes {
			if w, ok := s.Activity(typ); !ok || w == "" {
				t.Errorf("%s: no words for activity type %q", l, typ)
			}
		}
		if _, ok := s.Activity("trade_show_visit"); ok {
			t.Errorf("%s: a custom activity type has words: only its rule's label may name it", l)
		}
		if got := s.Value("true"); got == "true" {
			t.Errorf("%s: Value(true) = %q, want a word", l, got)
		}
	}
}
