package report

import (
	"strconv"
	"strings"
)

// The HTML part is written by code, not by html/template: executing a template links text/template's
// reflection (reflect.Value.MethodByName), which makes the linker keep every exported method of every type in
// the binary — 2.5 MB more for a Lambda with the AWS SDK, past the report function's 12 MB. The safety
// html/template gives is kept by construction: markup is only ever a constant (type markup), and everything
// else — names, sources, campaigns, comments, numbers — goes through text, which escapes it. No value is
// written inside a style, a URL or a script; the only URL, an image's cid:, is built from the month.

// markup is HTML written by this package; only constants are converted to it.
type markup string

// htmlWriter writes HTML: markup as is, text escaped.
type htmlWriter struct{ b strings.Builder }

func (w *htmlWriter) raw(m markup) { w.b.WriteString(string(m)) }

// escaper is html.EscapeString's: the five characters that matter in content and quoted attributes. Package html
// itself would link its table of 2,000 entities (for unescaping) into the Lambda.
var escaper = strings.NewReplacer(`&`, "&amp;", `'`, "&#39;", `<`, "&lt;", `>`, "&gt;", `"`, "&#34;")

// text writes s escaped for an element's content or a double-quoted attribute.
func (w *htmlWriter) text(s string) { _, _ = escaper.WriteString(&w.b, s) }

// tone is the colour of a verdict.
func tone(t string) markup {
	switch t {
	case "met":
		return "color:#15803d"
	case "missed":
		return "color:#b91c1c"
	}
	return "color:#1f2933"
}

// writeHTML lays the report out for mail clients: nested tables, inline styles, fixed widths as attributes (for
// Outlook), no script, no external resource; the charts are inline parts referenced by cid:.
func writeHTML(v view) string {
	w := &htmlWriter{}
	w.raw(`<!DOCTYPE html>` + "\n" + `<html lang="`)
	w.text(v.Lang)
	w.raw(`">` + "\n" + `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>`)
	w.text(v.Subject)
	w.raw(`</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;color:#1f2933">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f4f5f7">
<tr><td align="center" style="padding:24px 8px">
<table role="presentation" width="680" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:680px;background:#ffffff;border:1px solid #e4e7eb">
<tr><td style="padding:24px 28px 8px 28px">
<p style="margin:0;font-size:13px;color:#52606d">`)
	w.text(v.Company)
	w.raw(`</p>` + "\n" + `<h1 style="margin:4px 0 0 0;font-size:22px;line-height:28px">`)
	w.text(v.Title)
	w.raw(`</h1>` + "\n" + `<p style="margin:4px 0 0 0;font-size:18px">`)
	w.text(v.Month)
	w.raw(`</p>` + "\n" + `<p style="margin:8px 0 0 0;font-size:12px;color:#52606d">`)
	w.text(v.AsOf + " · " + v.Judged)
	if v.Recorded != "" {
		w.text(" · " + v.Recorded)
	}
	w.raw(`</p>
</td></tr>
<tr><td style="padding:16px 28px 0 28px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>
`)
	for _, f := range v.Summary {
		w.raw(`<td width="50%" valign="top" style="padding:12px;border:1px solid #e4e7eb;background:#f9fafb">
<p style="margin:0;font-size:12px;color:#52606d">`)
		w.text(f.Label)
		w.raw(`</p>` + "\n" + `<p style="margin:4px 0 0 0;font-size:24px;font-weight:bold">`)
		w.text(f.Value)
		w.raw(`</p>` + "\n" + `<p style="margin:4px 0 0 0;font-size:13px;font-weight:bold;`)
		w.raw(tone(f.Tone))
		w.raw(`">`)
		w.text(f.Verdict)
		w.raw(`</p>` + "\n" + `</td>` + "\n")
	}
	w.raw(`</tr></table>
</td></tr>
<tr><td style="padding:16px 28px 0 28px">
<h2 style="margin:0 0 8px 0;font-size:16px">`)
	w.text(v.DiscussTitle)
	w.raw(`</h2>` + "\n")
	if len(v.Discuss) > 0 {
		w.list(v.Discuss, `<ul style="margin:0;padding-left:20px;font-size:14px;line-height:20px">`)
	} else {
		w.raw(`<p style="margin:0;font-size:14px">`)
		w.text(v.Nothing)
		w.raw(`</p>` + "\n")
	}
	w.raw(`</td></tr>` + "\n")
	for _, s := range v.Sections {
		w.raw(`<tr><td style="padding:24px 28px 0 28px">` + "\n" + `<h2 style="margin:0;font-size:18px;border-bottom:2px solid #1f2933;padding-bottom:4px">`)
		w.text(s.Title)
		w.raw(`</h2>` + "\n")
		for _, b := range s.Blocks {
			w.block(b)
		}
		w.raw(`</td></tr>` + "\n")
	}
	w.raw(`<tr><td style="padding:24px 28px 24px 28px">` + "\n" + `<p style="margin:0;font-size:13px">`)
	w.text(v.CSV)
	w.raw(`</p>` + "\n" + `<p style="margin:8px 0 0 0;font-size:11px;line-height:16px;color:#7b8794">`)
	w.text(v.How)
	w.raw(`</p>` + "\n" + `<p style="margin:8px 0 0 0;font-size:11px;color:#7b8794">`)
	w.text(v.Footer)
	w.raw(`</p>
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`)
	return w.b.String()
}

func (w *htmlWriter) list(items []string, open markup) {
	w.raw(open + "\n")
	for _, it := range items {
		w.raw(`<li style="margin:0 0 4px 0">`)
		w.text(it)
		w.raw(`</li>` + "\n")
	}
	w.raw(`</ul>` + "\n")
}

func (w *htmlWriter) block(b block) {
	if b.Heading != "" {
		w.raw(`<h3 style="margin:16px 0 6px 0;font-size:14px">`)
		w.text(b.Heading)
		w.raw(`</h3>` + "\n")
	}
	if len(b.Facts) > 0 {
		w.raw(`<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin-top:8px;font-size:14px">` + "\n")
		for _, f := range b.Facts {
			w.raw(`<tr><td width="60%" style="padding:5px 8px 5px 0;border-bottom:1px solid #e4e7eb;color:#52606d">`)
			w.text(f.Label)
			w.raw(`</td><td align="right" style="padding:5px 8px;border-bottom:1px solid #e4e7eb;font-weight:bold;white-space:nowrap">`)
			w.text(f.Value)
			w.raw(`</td><td align="right" style="padding:5px 0 5px 8px;border-bottom:1px solid #e4e7eb;white-space:nowrap;font-size:13px;`)
			w.raw(tone(f.Tone))
			w.raw(`">`)
			w.text(f.Verdict)
			w.raw(`</td></tr>` + "\n")
		}
		w.raw(`</table>` + "\n")
	}
	if p := b.Image; p != nil {
		w.raw(`<p style="margin:12px 0 0 0"><img src="cid:`)
		w.text(p.ContentID)
		w.raw(`" width="`)
		w.text(strconv.Itoa(p.Width))
		w.raw(`" height="`)
		w.text(strconv.Itoa(p.Height))
		w.raw(`" alt="`)
		w.text(p.Alt)
		w.raw(`" style="display:block;width:100%;height:auto;border:0"></p>` + "\n")
	}
	if t := b.Table; t != nil {
		w.table(t)
	}
	if len(b.Items) > 0 {
		w.list(b.Items, `<ul style="margin:8px 0 0 0;padding-left:20px;font-size:13px;line-height:18px">`)
	}
	if b.Note != "" {
		w.raw(`<p style="margin:8px 0 0 0;font-size:12px;color:#52606d">`)
		w.text(b.Note)
		w.raw(`</p>` + "\n")
	}
}

func (w *htmlWriter) table(t *table) {
	align := func(i int) markup {
		if t.Numeric[i] {
			return `right`
		}
		return `left`
	}
	w.raw(`<table width="100%" cellpadding="0" cellspacing="0" border="0" style="margin-top:8px;font-size:13px;border-collapse:collapse">` + "\n<tr>")
	for i, h := range t.Head {
		w.raw(`<th align="` + align(i) + `" style="padding:5px 6px;background:#f4f5f7;border-bottom:1px solid #cbd2d9;font-weight:bold">`)
		w.text(h)
		w.raw(`</th>`)
	}
	w.raw("</tr>\n")
	for _, row := range t.Rows {
		w.raw(`<tr>`)
		for i, c := range row {
			w.raw(`<td align="` + align(i) + `" style="padding:5px 6px;border-bottom:1px solid #e4e7eb;`)
			if t.NoWrap || t.Numeric[i] {
				w.raw(`white-space:nowrap;`)
			}
			w.raw(tone(c.Tone))
			w.raw(`">`)
			if len(c.Lines) == 0 {
				w.text(c.Text)
			}
			for j, l := range c.Lines {
				if j > 0 {
					w.raw(`<br>`)
				}
				w.text(l)
			}
			w.raw(`</td>`)
		}
		w.raw("</tr>\n")
	}
	w.raw(`</table>` + "\n")
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
		line(f.Label, ": ", f.Value, " (", f.Verdict, ")")
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
					line("  ", f.Label, ": ", f.Value, " (", f.Verdict, ")")
				} else {
					line("  ", f.Label, ": ", f.Value)
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
