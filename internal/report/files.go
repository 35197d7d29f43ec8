package report

import (
	"html"
	"net/url"
	"strings"
)

// FileHTML is the HTML part for a copy of the email written to disk beside its charts: each `src="cid:…"` of an
// inline part becomes the part's file name, so that a browser, which cannot resolve cid:, shows the charts.
func (e Email) FileHTML() string {
	out := e.HTML
	for _, p := range e.Inline {
		if p.ContentID == "" {
			continue
		}
		cid := `src="` + html.EscapeString("cid:"+p.ContentID) + `"`
		out = strings.ReplaceAll(out, cid, `src="`+html.EscapeString((&url.URL{Path: p.Filename}).EscapedPath())+`"`)
	}
	return out
}
