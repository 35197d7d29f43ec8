package contract

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ContentFields are the fields a content source's mapping may fill, from the CMS's own field names: the piece's
// CMS item ID, title, URL (or slug, with the source's base_url), type, audience (segments, industries), when it
// was published and last updated, and marketing's one line on why it matters to sales.
var ContentFields = []string{"id", "title", "url", "slug", "type", "segments", "industries", "why", "published_at", "updated_at"}

var contentFields = setOf(ContentFields)

// mappingTarget is a mapping's value as written, kept to say where a target does not fit the source's kind.
type mappingTarget struct {
	node *yaml.Node
	path string
}

// checkContentSource holds a source's format and mapping to its kind: a content source is generic, webflow
// (Webflow CMS) or wordpress, and maps CMS fields to content fields; a wordpress format sends only content; any
// other source maps to lead fields only. base_url belongs to content sources.
func (r *reader) checkContentSource(s Source, item *yaml.Node, p string, kind *yaml.Node, targets []mappingTarget) {
	leadFields := setOf(LeadFields)
	switch {
	case s.Kind != "" && s.Kind != ContentSource && s.Kind != FormSource && s.Format == "webflow":
		r.fail(kind, join(p, "kind"), "a webflow source sends form submissions (kind form) or CMS items (kind content)")
	case s.Kind != "" && s.Kind != ContentSource && s.Format == "wordpress":
		r.fail(kind, join(p, "kind"), "a wordpress source sends published posts: kind must be content")
	}
	for _, t := range targets {
		v := t.node.Value
		switch {
		case s.Kind == ContentSource && !contentFields[v]:
			r.fail(t.node, t.path, "must be a content field (%s), got %q", strings.Join(ContentFields, ", "), v)
		case s.Kind != ContentSource && s.Kind != "" && !leadFields[v]:
			r.fail(t.node, t.path, "%s is a content field: only a source of kind content maps it", v)
		}
	}
	if s.BaseURL != "" && s.Kind != "" && s.Kind != ContentSource {
		r.fail(item, join(p, "base_url"), "only a source of kind content has a base_url")
	}
}

// baseURL reads a content source's base URL: absolute https (or http), ending where a slug is appended.
func (r *reader) baseURL(n *yaml.Node, path string) string {
	v, ok := r.scalar(n, path, `a URL such as "https://example.com/blog/"`)
	if !ok {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		r.fail(n, path, `must be an absolute http(s) URL without query or fragment, such as "https://example.com/blog/", got %q`, v)
		return ""
	}
	if !strings.HasSuffix(v, "/") {
		v += "/"
	}
	return v
}

// Digest is the weekly email that shares with each rep the content published for their segments: its slot is
// Day at Hour:Minute in Location (the contract's time_zone unless the key says another).
type Digest struct {
	Day          time.Weekday
	Hour, Minute int
	Location     *time.Location
}

var clock = regexp.MustCompile(`^(\d{2}):(\d{2})$`)

// digest reads marketing.digest: {day: monday, time: "08:30", zone: Europe/Paris}, each key optional (Monday,
// 08:30, the contract's zone).
func (r *reader) digest(n *yaml.Node, path string) *Digest {
	d := &Digest{Day: time.Monday, Hour: 8, Minute: 30}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		r.fail(n, path, "must be a mapping (day, time, zone; each optional), got nothing; remove the key for no digest")
		return nil
	}
	r.mapping(n, path, map[string]field{
		"day": {false, func(n *yaml.Node, p string) {
			v, ok := r.scalar(n, p, "a weekday")
			if !ok {
				return
			}
			wd, known := weekdays[strings.ToLower(v)]
			if !known {
				r.fail(n, p, "must be a weekday (monday … sunday), got %q", v)
				return
			}
			d.Day = wd
		}},
		"time": {false, func(n *yaml.Node, p string) {
			v, ok := r.scalar(n, p, `a time of day such as "08:30"`)
			if !ok {
				return
			}
			m := clock.FindStringSubmatch(v)
			var h, mi int
			if m != nil {
				h, _ = strconv.Atoi(m[1])
				mi, _ = strconv.Atoi(m[2])
			}
			if m == nil || h > 23 || mi > 59 {
				r.fail(n, p, `must be a time of day such as "08:30", got %q`, v)
				return
			}
			d.Hour, d.Minute = h, mi
		}},
		"zone": {false, func(n *yaml.Node, p string) { d.Location = r.zone(n, p) }},
	})
	return d
}
