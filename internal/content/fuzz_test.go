package content_test

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/lead"
)

// FuzzParse: whatever a CMS posts, in any format, Parse never panics, refuses with field errors only, and what it
// accepts is fit to store and show: an item ID and a title, one line each, an absolute http(s) URL, a known
// type, and a publication instant.
func FuzzParse(f *testing.F) {
	c := example(f)
	for _, file := range []string{"content-generic.json", "content-webflow-documented.json", "content-wordpress-documented.json"} {
		body, isJSON := sampleBody(f, file)
		f.Add(body, isJSON, map[string]string{"content-generic.json": "blog", "content-webflow-documented.json": "ressources"}[file])
	}
	f.Add([]byte(`{"pieces":[{"id":"1","title":"a\nb","url":"http://x"}]}`), true, "blog")
	f.Add([]byte(`hook=publish_post&ID=1&post_title=T&post_url=https%3A%2F%2Fm.fr`), false, "actualites")
	f.Fuzz(func(t *testing.T, body []byte, isJSON bool, source string) {
		src, ok := c.Source(source)
		if !ok {
			src, _ = c.Source("actualites")
		}
		ps, err := content.Parse(c, src, isJSON, body, received)
		if err != nil {
			var fe lead.FieldErrors
			if !errors.As(err, &fe) || len(fe) == 0 {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		for _, p := range content.Published(ps) {
			u, uerr := url.Parse(p.URL)
			if p.Title == "" || strings.ContainsAny(p.Title+p.Why, "\r\n") || !utf8.ValidString(p.Title) ||
				uerr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (p.PublishedAt.IsZero() && !p.UpdatedAt.IsZero()) {
				t.Fatalf("accepted %+v", p)
			}
			known := false
			for _, ty := range content.Types {
				known = known || ty == p.Type
			}
			if !known {
				t.Fatalf("type %q", p.Type)
			}
		}
	})
}
