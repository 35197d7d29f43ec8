package bench

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// TestSizeLimitsFromTheMakefile: the bootstrap rows check the limits make sizes checks, read from the Makefile.
func TestSizeLimitsFromTheMakefile(t *testing.T) {
	t.Parallel()
	limits, def, err := sizeLimits("MAX_MB           := 12\nMAX_MB_Ingest    := 16\nMAX_MB_Report := 15\nLIMITS := $(foreach v,...)\n")
	if err != nil || def != 12 || !reflect.DeepEqual(limits, map[string]int{"Ingest": 16, "Report": 15}) {
		t.Errorf("limits %v, default %d, %v", limits, def, err)
	}
	if _, _, err := sizeLimits("MAX_MB_Ingest := 16\n"); err == nil {
		t.Error("a Makefile with no MAX_MB: no error")
	}
	b, err := os.ReadFile(filepath.Join("..", "..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if _, def, err := sizeLimits(string(b)); err != nil || def == 0 {
		t.Errorf("the project's Makefile: default %d, %v", def, err)
	}
}

func TestUnits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		ops         map[string]int
		read, write float64
	}{
		{"none", nil, 0, 0},
		{"single-item reads and writes", map[string]int{"GetItem": 2, "Query": 3, "PutItem": 1, "UpdateItem": 4, "DeleteItem": 1}, 5, 6},
		{"a transaction's items twice", map[string]int{"TransactWriteItems": 3, "TransactGetItems": 2}, 4, 6},
		{"batches per item", map[string]int{"BatchGetItem": 10, "BatchWriteItem": 25}, 10, 25},
		{"what bills nothing", map[string]int{"DescribeTable": 1, "ListTables": 1}, 0, 0},
	} {
		if r, w := units(tc.ops); r != tc.read || w != tc.write {
			t.Errorf("%s: %v read, %v write; want %v, %v", tc.name, r, w, tc.read, tc.write)
		}
	}
}
