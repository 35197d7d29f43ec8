// Package wordstest checks that what a French contract's people read is French: no regular expression (a rule's
// condition leaking into an email) and no English word. Every test that renders a French email, page or report
// calls French on it:
//
//	wordstest.French(t, "SQL email (html)", m.HTML)
//
// HTML is read as a browser shows it (tags, styles and scripts dropped, entities decoded, attributes' alt and
// title kept); links and email addresses are left out (a URL's path is no prose). The scan is a list (englishWords), so it
// catches what it lists and nothing else: a word goes in only when it cannot be French (never "score", "points",
// "contact", "date", "options", "minute", "fin"...), so that a French email never fails it — TestTheListIsNotFrench
// runs the list against every French word of package words.
package wordstest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// englishWords are the words French text must not hold, whole words, any case. They are the English that once leaked
// into French emails ("round-robin", "matches", the hand-raiser's "asked to talk to sales: SQL whatever the
// score", the decay notes "capped at … per … days", "decayed", "half-life", "not counted"), the English of the
// product's own emails and reports (reminder, deadline, breach, assigned, skipped, fallback, weight...), and the
// commonest English function words, none of which is a French word. Left out because French has them too:
// score, points, total, contact, date, match(es is kept: only a rule's condition says it), or, are, office, on.
var englishWords = []string{
	// what leaked: rule conditions, scoring notes, assignment reasons
	"matches", "round-robin", "whatever", "asked", "talk", "capped", "decayed", "half-life", "counted",
	"applied", "counts", "days", "weeks", "hours", "assigned", "skipped", "fallback", "weight", "owned",
	"reassigned", "available", "capacity",
	// the product's English words
	"reminder", "reminders", "deadline", "deadlines", "breach", "breached", "escalation", "escalated",
	"accepted", "rejected", "contacted", "answer", "answered", "feedback", "week", "month", "monthly",
	"yes", "none", "true", "false", "unknown", "missing", "behaviour", "behavior", "fit",
	"viewed", "downloaded", "attended", "clicked", "submitted", "requested", "request", "won", "lost",
	"page_view", "form_submit", "demo_request", "content_download", "webinar_attended", "email_click",
	"job_title", "company_size", "free_mail", "company_domain",
	// function words
	"the", "and", "with", "without", "of", "for", "from", "to", "is", "was", "were", "has", "have",
	"this", "that", "these", "which", "your", "you", "please", "never", "not", "before", "after", "per", "by",
	"at", "than", "left", "since", "until", "each", "every", "who", "what", "why", "when",
}

// regexSyntax is what a regular expression looks like and French prose never does.
var regexSyntax = []struct {
	name string
	re   *regexp.Regexp
}{
	{"a flag group such as (?i)", regexp.MustCompile(`\(\?[a-zA-Z:!=<P-]`)},
	{`an escape such as \b or \d`, regexp.MustCompile(`\\[bBdDwWsSpPAzZ.()\[\]|+*?^$]`)},
	{"a character class such as [a-z] or [^@]", regexp.MustCompile(`\[\^|\[[^\]\s]*[^\s\]\\]-[^\s\]\\][^\]\s]*\]`)},
	{"| between words", regexp.MustCompile(`[\p{L}\p{N})]\|[\p{L}\p{N}(]`)},
	{"a wildcard such as .* or .+", regexp.MustCompile(`\.[*+?]`)},
	{"a repetition such as {2,}", regexp.MustCompile(`[\p{L})\]]\{\d+(,\d*)?\}`)},
	{"an anchor such as ^… or …$", regexp.MustCompile(`(^|[\s(|])\^[\p{L}(\\\[]|[\p{L})\]]\$($|[\s)|])`)},
	{"a template's action left unrendered", regexp.MustCompile(`\{\{|\}\}|%!`)},
}

var (
	urls = regexp.MustCompile(`(?i)\b(https?://|mailto:)\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+`)
	// A word is letters, digits, "_" and "-" ("round-robin", "page_view", "e-mail"), whole.
	word    = regexp.MustCompile(`[\p{L}\p{N}_-]+`)
	english = func() map[string]bool {
		m := make(map[string]bool, len(englishWords))
		for _, w := range englishWords {
			m[w] = true
		}
		return m
	}()
)

// French fails t (Errorf: the test goes on) for each regular expression's syntax and each English word (englishWords)
// in text, what surface ("SQL email (text)", "answer page") shows a French contract's reader. HTML (text holding
// a closing tag) is read as shown.
func French(t testing.TB, surface, text string) {
	t.Helper()
	for _, p := range Problems(text) {
		t.Errorf("%s is not French: %s", surface, p)
	}
}

// Problems is what French reports about text, one line each, in the order found: for a check of one's own.
func Problems(text string) []string {
	if strings.Contains(text, "</") {
		text = visible(text)
	}
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = urls.ReplaceAllString(line, " ")
		for _, s := range regexSyntax {
			if m := s.re.FindString(line); m != "" {
				out = append(out, fmt.Sprintf("%s (%q) in %q", s.name, strings.TrimSpace(m), strings.TrimSpace(line)))
			}
		}
		for _, w := range word.FindAllString(line, -1) {
			if english[strings.ToLower(strings.Trim(w, "-"))] {
				out = append(out, fmt.Sprintf("the English word %q in %q", w, strings.TrimSpace(line)))
			}
		}
	}
	return out
}

// visible is the text a browser shows of an HTML document, a line per block of text; alt and title attributes
// too (a screen reader says them).
func visible(doc string) string {
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		return doc
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			if s := strings.TrimSpace(n.Data); s != "" {
				b.WriteString(s + "\n")
			}
		case html.ElementNode:
			switch n.Data {
			case "style", "script":
				return
			}
			for _, a := range n.Attr {
				if a.Key == "alt" || a.Key == "title" {
					b.WriteString(a.Val + "\n")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return b.String()
}
