package email

import (
	htmltemplate "html/template"
	"strings"
	"sync"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// parseHTML parses one email's HTML template with the shared look (templates/layout.html.tmpl). Templates read
// their words as fields, (words .Locale).Hello and (common .Locale).Footer: a misspelt one fails the template's
// execution, which every render test does in every language.
func parseHTML(name string) *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New(name).Funcs(htmltemplate.FuncMap{"words": words.ForEmail, "common": words.ForCommon,
		"score": score, "box": newBox, "answers": answers, "content": contentWords, "ideas": words.ForIdeas}).
		ParseFS(files, "templates/layout.html.tmpl", "templates/"+name))
}

// WithLayout adds the look every Handoff email shares (templates/layout.html.tmpl: the card, "top" and
// "bottom" around the content, and its parts) to t, for an email composed elsewhere — the monthly report — to
// render on it.
func WithLayout(t *htmltemplate.Template) *htmltemplate.Template {
	return htmltemplate.Must(t.ParseFS(files, "templates/layout.html.tmpl"))
}

// box is a highlighted paragraph: Tone "alert" (red) or "warn" (amber); ID names it in the HTML.
type box struct {
	ID, Tone, Text string
}

func newBox(id, tone, text string) box { return box{ID: id, Tone: tone, Text: text} }

// button is one answer link.
type button struct {
	Label, URL, Color string
}

// answers are the answer buttons of links, in the SQL email's order and colours; contacted is left out once
// the lead is contacted.
func answers(l contract.Locale, links Links, contacted bool) []button {
	var out []button
	w := words.ForEmail(l)
	if contacted {
		out = append(out, button{w.Contacted, links.Contacted, "#2563eb"})
	}
	return append(out, button{w.Accept, links.Accept, "#16a34a"}, button{w.Reject, links.Reject, "#dc2626"})
}

// htmlEvent is parsed on first use: notify links this package but sends no event email, so its cold start
// does not pay for this template (nor does its binary carry the event emails' code).
var htmlEvent = sync.OnceValue(func() *htmltemplate.Template { return parseHTML("event.html.tmpl") })

// eventView is what an event's email shows, top to bottom; each kind fills what it needs (events.go) and one
// template lays it out, so every kind looks alike and the text part says the same as the HTML.
type eventView struct {
	Locale  contract.Locale
	Subject string
	Hello   string
	Boxes   []box    // highlighted notes under the greeting
	Paras   []string // what happened
	Due     string   // the deadline in large, in local time; "" for none
	DueNote string   // the business time left, or how late
	After   []string // under the deadline
	// Sections are titled lists of details (the lead, the people concerned).
	Sections  []section
	NextTitle string
	Next      []string // what to do, or what happens next
	// AnswerNote introduces the answer buttons.
	AnswerNote string
	Buttons    []button
	Footer     string
}

type section struct {
	Title string
	Rows  []row
}

// row is a label and its value; Mailto or Tel make the value a link (already fit for a URL).
type row struct {
	Label, Value, Mailto, Tel string
}

// text is the plain-text part: the same content, one value per line.
func (v eventView) text() string {
	var b strings.Builder
	line := func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
		b.WriteByte('\n')
	}
	w := words.ForEmail(v.Locale)
	sep := words.ForCommon(v.Locale).Colon
	line(v.Hello)
	for _, x := range v.Boxes {
		line()
		line("[!] ", x.Text)
	}
	line()
	for _, p := range v.Paras {
		line(p)
	}
	if v.Due != "" {
		line("  ", v.Due, " (", v.DueNote, ")")
	}
	for _, p := range v.After {
		line(p)
	}
	for _, s := range v.Sections {
		line()
		line(s.Title)
		for _, r := range s.Rows {
			line("  ", r.Label, sep, r.Value)
		}
	}
	if len(v.Next) > 0 {
		line()
		line(v.NextTitle)
		for _, p := range v.Next {
			line(p)
		}
	}
	if len(v.Buttons) > 0 {
		line()
		line(strings.TrimSuffix(w.Answer+sep, " "))
		if v.AnswerNote != "" {
			line(v.AnswerNote)
		}
		for _, x := range v.Buttons {
			line("  ", x.Label, sep, x.URL)
		}
		line(w.Pages)
	}
	line()
	line("-- ")
	b.WriteString(v.Footer)
	return b.String()
}
