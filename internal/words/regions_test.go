package words

import (
	"maps"
	"slices"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
)

// TestRegionNamesParity: every region has a name in every language (a region named in French and not in English
// would show its code in an English email only).
func TestRegionNamesParity(t *testing.T) {
	t.Parallel()
	fr, en := slices.Sorted(maps.Keys(regionsFR)), slices.Sorted(maps.Keys(regionsEN))
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
