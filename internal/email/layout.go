package email

import (
	"fmt"
	htmltemplate "html/template"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// parseHTML parses one email's HTML template with the shared look (templates/layout.html.tmpl).
func parseHTML(name string) *htmltemplate.Template {
	return htmltemplate.Must(htmltemplate.New(name).Funcs(htmltemplate.FuncMap{"t": t, "score": score, "box": newBox, "answers": answers}).
		ParseFS(files, "templates/layout.html.tmpl", "templates/"+name))
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
	if contacted {
		out = append(out, button{t(l, "contacted"), links.Contacted, "#2563eb"})
	}
	return append(out, button{t(l, "accept"), links.Accept, "#16a34a"}, button{t(l, "reject"), links.Reject, "#dc2626"})
}

var weekdays = map[contract.Locale][]string{
	contract.French:  {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	contract.English: {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
}

// dayText is t's date in the locale's words, in t's zone: "lundi 30/11/2026", "Monday 30 Nov 2026".
func dayText(l contract.Locale, t time.Time) string {
	if l == contract.French {
		return weekdays[l][t.Weekday()] + " " + t.Format("02/01/2006")
	}
	return weekdays[contract.English][t.Weekday()] + " " + t.Format("2 Jan 2006")
}

// instantText is t to the minute in the locale's words, in t's zone: "lundi 30/11/2026 à 15:00",
// "Monday 30 Nov 2026 at 15:00".
func instantText(l contract.Locale, t time.Time) string {
	if l == contract.French {
		return fmt.Sprintf("%s à %s", dayText(l, t), t.Format("15:04"))
	}
	return fmt.Sprintf("%s at %s", dayText(l, t), t.Format("15:04"))
}
