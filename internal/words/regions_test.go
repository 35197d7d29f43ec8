package words

import (
	"slices"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
)

// TestRegionNamesParity: every region has a name in every language (a region named in French and not in English
// would show its code in an English email only).
func TestRegionNamesParity(t *testing.T) {
	t.Parallel()
	codes := func(rs []regionName) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.code)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	fr, en := codes(regionsFR), codes(regionsEN)
	if len(fr) != len(regionsFR) || len(en) != len(regionsEN) {
		t.Errorf("a region is named twice in a language")
	}
	if !slices.Equal(fr, en) {
		t.Fatalf("French regions %v, English regions %v", fr, en)
	}
	for _, l := range []contract.Locale{contract.French, contract.English} {
		for _, code := range fr {
			if n, ok := RegionName(l, code); !ok || n == "" || n == code {
				t.Errorf("%s: %s is named %q", l, code, n)
			}
		}
	}
	if n, ok := RegionName(contract.French, "BE"); ok || n != "BE" {
		t.Errorf("a country code is named %q, %v; want itself", n, ok)
	}
}
