package report

import (
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
)

// TestFileHTML: written to disk, the HTML shows each chart from its file; nothing else of the HTML changes.
func TestFileHTML(t *testing.T) {
	t.Parallel()
	e := renderJuly(t, contract.English)
	got := e.FileHTML()
	srcs := imgSrc.FindAllStringSubmatch(got, -1)
	if len(srcs) != len(e.Inline) || strings.Contains(got, "cid:") {
		t.Fatalf("%d images for %d charts; cid: left: %v", len(srcs), len(e.Inline), strings.Contains(got, "cid:"))
	}
	back := got
	for i, p := range e.Inline {
		if srcs[i][1] != p.Filename {
			t.Errorf("image %d shows %q, want the file %q", i, srcs[i][1], p.Filename)
		}
		back = strings.Replace(back, `src="`+p.Filename+`"`, `src="cid:`+p.ContentID+`"`, 1)
	}
	if back != e.HTML {
		t.Error("FileHTML changed more than the images' sources")
	}
}
