package region_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/region"
	"github.com/handoff-sla/handoff/internal/region/regiongen"
	"github.com/handoff-sla/handoff/internal/words"
)

// nodeModules is infra/local/node_modules, where make project-deps (npm ci) installs the Etalab package.
func nodeModules(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "infra", "local", "node_modules")
}

// TestTableIsThePackages: the committed table is what go generate writes from the Etalab package installed (the
// version package.json pins): updating the package without regenerating, or editing the table by hand, fails here.
func TestTableIsThePackages(t *testing.T) {
	t.Parallel()
	d, err := regiongen.Read(nodeModules(t))
	if err != nil {
		t.Fatalf("%v (make project-deps installs it)", err)
	}
	want, err := regiongen.Source(d)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("table_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("table_gen.go is not what %s %s gives: run go generate ./internal/region", regiongen.Package, d.Version)
	}
	if region.Source != regiongen.Package+" "+d.Version {
		t.Errorf("Source %q, installed %s", region.Source, d.Version)
	}
	// Every region has its official name in the French words, and a name in every other language.
	for code, name := range d.Regions {
		if got, _ := words.RegionName(contract.French, code); got != name {
			t.Errorf("%s is named %q in the French words, %q by Etalab", code, got, name)
		}
		if _, ok := words.RegionName(contract.English, code); !ok {
			t.Errorf("%s has no English name", code)
		}
	}
}

// TestEveryCommunesPostalCode: the postal code of every commune of the package (and of each municipal
// arrondissement) places it in its own region — or, for the few codes shared by communes of two regions, in one
// of theirs.
func TestEveryCommunesPostalCode(t *testing.T) {
	t.Parallel()
	d, err := regiongen.Read(nodeModules(t))
	if err != nil {
		t.Fatalf("%v (make project-deps installs it)", err)
	}
	raw, err := os.ReadFile(filepath.Join(nodeModules(t), regiongen.Package, "data", "communes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var communes []struct {
		Nom, Type, Departement string
		CodesPostaux           []string
	}
	if err := json.Unmarshal(raw, &communes); err != nil {
		t.Fatal(err)
	}
	regions := map[string]map[string]bool{} // postal code -> the regions of the communes using it
	for _, c := range communes {
		if c.Type != "commune-actuelle" && c.Type != "arrondissement-municipal" {
			continue
		}
		for _, p := range c.CodesPostaux {
			if regions[p] == nil {
				regions[p] = map[string]bool{}
			}
			regions[p][d.Departements[c.Departement]] = true
		}
	}
	if len(regions) < 6000 {
		t.Fatalf("only %d postal codes read", len(regions))
	}
	wrong := 0
	for p, rs := range regions {
		got := region.Derive("", p, "FR", "")
		if got.From != region.PostalCode || !rs[got.Region] {
			if wrong++; wrong <= 10 {
				t.Errorf("%s placed in %+v; its communes are in %v", p, got, rs)
			}
		}
	}
	if wrong > 0 {
		t.Errorf("%d of %d postal codes misplaced", wrong, len(regions))
	}
}
