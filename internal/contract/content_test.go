package contract

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// withDigest is base with a marketing.digest section after the targets ("digest:" at line 22).
func withDigest(t *testing.T, section string) string {
	return edit(t, "      mqls: 200\n", "      mqls: 200\n  digest:"+section+"\n")
}

// TestDigestKey: marketing.digest's slot, its defaults (Monday 08:30, the contract's zone) and its absence (no
// digest, "not measured").
func TestDigestKey(t *testing.T) {
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	ny, _ := time.LoadLocation("America/New_York")
	for _, tc := range []struct {
		name, yaml string
		want       *Digest
	}{
		{"absent: no digest", base, nil},
		{"empty mapping: the defaults", withDigest(t, " {}"), &Digest{Day: time.Monday, Hour: 8, Minute: 30, Location: paris}},
		{"every key", withDigest(t, "\n    day: Friday\n    time: \"17:05\"\n    zone: America/New_York"), &Digest{Day: time.Friday, Hour: 17, Minute: 5, Location: ny}},
		{"an unquoted time", withDigest(t, "\n    time: 07:00"), &Digest{Day: time.Monday, Hour: 7, Location: paris}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("c.yaml", []byte(tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			got := c.Marketing.Digest
			if (got == nil) != (tc.want == nil) || got != nil && (got.Day != tc.want.Day || got.Hour != tc.want.Hour || got.Minute != tc.want.Minute ||
				got.Location.String() != tc.want.Location.String()) {
				t.Errorf("digest %+v, want %+v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, section string
		want          []string
	}{
		{"a day that is not one", "\n    day: lundi", []string{`c.yaml:23: marketing.digest.day: must be a weekday (monday … sunday), got "lundi"`}},
		{"a time past midnight", "\n    time: \"24:30\"", []string{`c.yaml:23: marketing.digest.time: must be a time of day such as "08:30", got "24:30"`}},
		{"a time without minutes", "\n    time: \"8h\"", []string{`c.yaml:23: marketing.digest.time: must be a time of day such as "08:30", got "8h"`}},
		{"a zone that is not one", "\n    zone: Paris", []string{`c.yaml:23: marketing.digest.zone: must be an IANA time zone such as "Europe/Paris", got "Paris"`}},
		{"an unknown key", "\n    hour: 8", []string{`c.yaml:23: marketing.digest.hour: unknown key (allowed here: day, time, zone)`}},
		{"nothing", "", []string{`c.yaml:22: marketing.digest: must be a mapping (day, time, zone; each optional), got nothing; remove the key for no digest`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			problems(t, withDigest(t, tc.section), tc.want)
		})
	}
}

// problems parses a contract that must be refused with exactly want.
func problems(t *testing.T, yaml string, want []string) {
	t.Helper()
	_, err := Parse("c.yaml", []byte(yaml))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("accepted, want %v", want)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.String("c.yaml"))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// contentSource appends one source ("sources:" at line 42, the source's keys from line 43).
func contentSource(kind, format, auth, extra string) string {
	return base + "sources:\n  - id: cms\n    kind: " + kind + "\n    format: " + format + "\n    auth: " + auth + "\n    secret: env:CMS\n" + extra
}

// TestContentSources: a content source maps its CMS's fields to content fields, may have a base_url, and is
// generic, webflow or wordpress; the other kinds keep to lead fields.
func TestContentSources(t *testing.T) {
	t.Parallel()
	c, err := Parse("c.yaml", []byte(contentSource("content", "webflow", "webflow",
		"    base_url: https://test.fr/ressources\n    mapping:\n      type-de-contenu: type\n      cible: segments\n      pourquoi: why\n")))
	if err != nil {
		t.Fatal(err)
	}
	s, _ := c.Source("cms")
	if s.Kind != ContentSource || s.BaseURL != "https://test.fr/ressources/" || s.Mapping["cible"] != "segments" || s.Mapping["pourquoi"] != "why" {
		t.Errorf("source %+v", s)
	}
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"a content source mapping a lead field", contentSource("content", "generic", "standard-webhooks", "    mapping:\n      E-mail: email\n"),
			[]string{`c.yaml:49: sources[0].mapping.E-mail: must be a content field (id, title, url, slug, type, segments, industries, why, published_at, updated_at), got "email"`}},
		{"a form mapping a content field", contentSource("form", "generic", "standard-webhooks", "    mapping:\n      Pourquoi: why\n"),
			[]string{`c.yaml:49: sources[0].mapping.Pourquoi: why is a content field: only a source of kind content maps it`}},
		{"a WordPress form", contentSource("form", "wordpress", "shared-secret", ""),
			[]string{`c.yaml:44: sources[0].kind: a wordpress source sends published posts: kind must be content`}},
		{"Typeform content", contentSource("content", "typeform", "typeform", ""),
			[]string{`c.yaml:44: sources[0].kind: a typeform source sends form submissions: kind must be form`}},
		{"Webflow activities", contentSource("activities", "webflow", "webflow", ""),
			[]string{`c.yaml:44: sources[0].kind: a webflow source sends form submissions (kind form) or CMS items (kind content)`}},
		{"a base_url on a form", contentSource("form", "generic", "standard-webhooks", "    base_url: https://test.fr/\n"),
			[]string{`c.yaml:43: sources[0].base_url: only a source of kind content has a base_url`}},
		{"a base_url that is not one", contentSource("content", "generic", "standard-webhooks", "    base_url: test.fr/blog\n"),
			[]string{`c.yaml:48: sources[0].base_url: must be an absolute http(s) URL without query or fragment, such as "https://example.com/blog/", got "test.fr/blog"`}},
	} {
		t.Run(tc.name, func(t *testing.T) { problems(t, tc.yaml, tc.want) })
	}
}
