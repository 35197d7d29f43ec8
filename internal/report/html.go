package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/email"
)

// The HTML part is an html/template (templates/report.html.tmpl): every value is escaped for where it lands
// (element text, a quoted attribute, the cid: URL of an image), so no name, source, campaign or comment can add
// markup, a script or an attribute. The template itself only holds constants: styles, and the layout mail
// clients need (nested tables, inline styles, widths as attributes for Outlook, no script, no external image).
//
// It is parsed on first use rather than at package initialisation, so a program that only reads this package's
// types pays nothing for it.

//go:embed templates/report.html.tmpl
var templates embed.FS

var htmlTemplate = sync.OnceValue(func() *template.Template {
	t := email.WithLayout(template.New("report.html.tmpl").Funcs(template.FuncMap{"breakable": breakable}))
	return template.Must(t.ParseFS(templates, "templates/report.html.tmpl"))
})

// breakable lets a long unbroken value (a 200-character UTM campaign) wrap in a table cell: a zero-width space
// after every 20 characters of a run longer than 24. Not a CSS rule that lets every cell wrap anywhere: that
// would let a narrow column break short names letter by letter. The HTML part only.
func breakable(s string) string {
	const run, every = 24, 20
	if len(s) <= run {
		return s
	}
	var b strings.Builder
	n := 0
	for _, w := range strings.SplitAfter(s, " ") {
		if utf8.RuneCountInString(w) <= run {
			b.WriteString(w)
			continue
		}
		n = 0
		for _, r := range w {
			if n > 0 && n%every == 0 && r != ' ' {
				b.WriteRune('\u200b')
			}
			b.WriteRune(r)
			n++
		}
	}
	return b.String()
}

// writeHTML executes the template on the view.
func writeHTML(v view) (string, error) {
	var b bytes.Buffer
	if err := htmlTemplate().Execute(&b, v); err != nil {
		return "", fmt.Errorf("render report (html): %w", err)
	}
	return b.String(), nil
}

// Align is a column's alignment: numbers to the right.
func (t *table) Align(i int) string {
	if t.Numeric[i] {
		return "right"
	}
	return "left"
}

// NoWrapAt reports a column whose cells never wrap: numbers, and every column of a short table of figures.
func (t *table) NoWrapAt(i int) bool { return t.NoWrap || t.Numeric[i] }

// plain makes a value shown in the report inert as text, in both parts: control characters (a CR or LF that
// would break the plain-text layout), line and paragraph separators become spaces, and bidirectional embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069, which reorder what a reader sees, as in a campaign named
// to look like another) and direction marks are dropped. Ingestion refuses most of these already; the report
// does not rely on it.
func plain(s string) string {
	if strings.IndexFunc(s, needsCleaning) < 0 && utf8.ValidString(s) {
		return s
	}
	// strings.Map writes each byte that is not UTF-8 as U+FFFD.
	return strings.Map(func(r rune) rune {
		switch {
		case bidi(r):
			return -1
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return ' '
		}
		return r
	}, s)
}

func needsCleaning(r rune) bool {
	return bidi(r) || unicode.IsControl(r) || r == '\u2028' || r == '\u2029'
}

// bidi reports the direction marks and the bidirectional embeddings, overrides and isolates.
func bidi(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// clean applies plain to every text of the view.
func (v *view) clean() {
	for _, p := range []*string{&v.Locale, &v.Subject, &v.Company, &v.Title, &v.Month, &v.AsOf, &v.Judged, &v.Recorded,
		&v.DiscussTitle, &v.Nothing, &v.CSV, &v.How, &v.Footer, &v.Notice} {
		*p = plain(*p)
	}
	cleanFacts(v.Summary)
	for i := range v.Discuss {
		v.Discuss[i] = plain(v.Discuss[i])
	}
	for i := range v.Sections {
		s := &v.Sections[i]
		s.Title = plain(s.Title)
		for j := range s.Blocks {
			b := &s.Blocks[j]
			b.Heading, b.Note = plain(b.Heading), plain(b.Note)
			cleanFacts(b.Facts)
			for k := range b.Items {
				b.Items[k] = plain(b.Items[k])
			}
			if p := b.Image; p != nil {
				p.Alt = plain(p.Alt)
			}
			if t := b.Table; t != nil {
				for k := range t.Head {
					t.Head[k] = plain(t.Head[k])
				}
				for _, row := range t.Rows {
					for k := range row {
						row[k].Text = plain(row[k].Text)
						for l := range row[k].Lines {
							row[k].Lines[l] = plain(row[k].Lines[l])
						}
					}
				}
			}
		}
	}
}

func cleanFacts(fs []fact) {
	for i := range fs {
		f := &fs[i]
		f.Label, f.Value, f.Verdict = plain(f.Label), plain(f.Value), plain(f.Verdict)
	}
}

// writeText is the plain-text part: the same content, tables laid out in columns.
func writeText(v view) string {
	var b strings.Builder
	line := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteString("\n")
	}
	if v.Notice != "" {
		line("*** ", v.Notice, " ***")
		line()
	}
	line(v.Title, " — ", v.Month)
	line(v.Company)
	line(v.AsOf)
	if v.Recorded != "" {
		line(v.Judged, "; ", v.Recorded)
	} else {
		line(v.Judged)
	}
	line()
	for _, f := range v.Summary {
		line(f.Label, v.Colon, f.Value, " (", f.Verdict, ")")
	}
	line()
	line(v.DiscussTitle)
	for _, d := range v.Discuss {
		line("  - ", d)
	}
	if len(v.Discuss) == 0 {
		line("  ", v.Nothing)
	}
	for _, s := range v.Sections {
		line()
		line()
		line(strings.ToUpper(s.Title))
		for _, bl := range s.Blocks {
			if bl.Heading != "" {
				line()
				line(bl.Heading)
			}
			for _, f := range bl.Facts {
				if f.Verdict != "" {
					line("  ", f.Label, v.Colon, f.Value, " (", f.Verdict, ")")
				} else {
					line("  ", f.Label, v.Colon, f.Value)
				}
			}
			if bl.Table != nil {
				b.WriteString(columns(bl.Table))
			}
			for _, it := range bl.Items {
				line("  - ", it)
			}
			if bl.Note != "" {
				line("  ", bl.Note)
			}
		}
	}
	line()
	line(v.CSV)
	line()
	line(v.How)
	line()
	line("-- ")
	line(v.Footer)
	return b.String()
}
