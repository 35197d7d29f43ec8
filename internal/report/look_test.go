package report

import (
	"bytes"
	"html/template"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
)

// TestReportWearsTheSharedLook: the report's HTML is the card every Handoff email shares (the SQL email's, the
// checker's), not a look of its own: it opens with the shared layout's "top" for its language and subject and
// closes with its "bottom", in both languages.
func TestReportWearsTheSharedLook(t *testing.T) {
	layout := email.WithLayout(template.New("look"))
	for _, l := range []contract.Locale{contract.French, contract.English} {
		t.Run(string(l), func(t *testing.T) {
			e := renderJuly(t, l)
			var top, bottom bytes.Buffer
			if err := layout.ExecuteTemplate(&top, "top", struct{ Locale, Subject string }{string(l), e.Subject}); err != nil {
				t.Fatal(err)
			}
			if err := layout.ExecuteTemplate(&bottom, "bottom", nil); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(e.HTML, top.String()) {
				t.Errorf("the report does not open with the shared card:\n%.600s\nwant it to start with\n%s", e.HTML, top.String())
			}
			if !strings.HasSuffix(strings.TrimSpace(e.HTML), strings.TrimSpace(bottom.String())) {
				t.Errorf("the report does not close with the shared card; it ends with\n%s", e.HTML[max(0, len(e.HTML)-300):])
			}
			if n := strings.Count(e.HTML, "<body"); n != 1 {
				t.Errorf("%d <body> in the report's HTML, want 1", n)
			}
		})
	}
}
