package words

import (
	"reflect"
	"sort"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// TestFrenchWordsAreFrench runs the French scan (package wordstest) over every French word of every surface: a
// French word it flags is either English to fix here or a French word its list must not hold.
func TestFrenchWordsAreFrench(t *testing.T) {
	t.Parallel()
	for _, s := range surfaces {
		out := map[string]string{}
		leaves(t, "", reflect.ValueOf(s.lookup(contract.French)).Elem(), out)
		keys := make([]string, 0, len(out))
		for k := range out {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			wordstest.French(t, s.name+"."+k, out[k])
		}
	}
}
