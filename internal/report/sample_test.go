package report

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
)

var preview = flag.String("preview", "", "write a sample report (HTML with its images as files, text, CSV) to this directory, fr and en")

// exampleContract is the repository's example contract (Maintenia SAS, fr, Europe/Paris).
func exampleContract(t testing.TB) *contract.Contract {
	t.Helper()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// synthetic is reporttest.Synthetic: a plausible month of any size.
func synthetic(c *contract.Contract, m contract.Month, leads, sqls int, seed uint64) Input {
	return reporttest.Synthetic(c, m, leads, sqls, seed)
}

// TestRenderPreview renders a plausible month in French and English; with -preview=DIR it writes the parts
// for a human (and Chromium) to look at, the cid: images pointing at the PNG files.
func TestRenderPreview(t *testing.T) {
	t.Parallel()
	c := exampleContract(t)
	in := synthetic(c, contract.Month{Year: 2026, Month: time.November}, 1200, 48, 1)
	for _, l := range []contract.Locale{contract.French, contract.English} {
		c := *c
		c.Locale = l
		e, err := Render(Compute(&c, in))
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Inline) != 2 || len(e.Attachments) != 1 {
			t.Fatalf("%s: %d inline parts, %d attachments", l, len(e.Inline), len(e.Attachments))
		}
		if *preview == "" {
			continue
		}
		dir := filepath.Join(*preview, string(l))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, p := range append(e.Inline, e.Attachments...) {
			if err := os.WriteFile(filepath.Join(dir, p.Filename), p.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name, body := range map[string]string{"report.html": e.FileHTML(), "report.txt": e.Text, "subject.txt": e.Subject} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
