package email

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

//go:embed templates
var files embed.FS

// SQL is what the SQL email shows a rep.
type SQL struct {
	Locale    contract.Locale
	Company   string // ours, from the contract
	RepName   string
	LeadID    string
	Lead      Person
	Source    string
	UTM       string // "linkedin / paid-social / audit-2026"
	Consent   string // "yes, 27/11/2026 17:20" or ""
	Score     float64
	Fit       float64
	Behaviour float64
	Why       []Line // the score's explanation
	Recent    []Line // the latest activities
	Reason    string // why this rep
	Due       time.Time
	DueIn     string // business time left, "4h00"
	Feedback  Links
	// ReassignedFrom names the rep who had the SQL before it was reassigned (after a breach), "" otherwise.
	ReassignedFrom string
	// ClockFrom is when the rep's deadline started (the reassignment, or a resend that restarted it): a resend
	// after a crash comes a minute after it.
	ClockFrom time.Time
	// PossibleDuplicate: this email is sent again because whether the first one left is unknown.
	PossibleDuplicate bool
	// Content is the two most recent pieces of content relevant to the lead; none: the block is absent.
	Content []ContentLine
}

// Person is the lead as the rep sees it.
type Person struct {
	Name, Title, Company, Email, Phone string
}

// Line is one row of a list: a label and a value (points, a date).
type Line struct {
	Label, Value string
}

// Links are the rep's answers; each opens a page (GET never changes anything), the page posts the answer.
type Links struct {
	Contacted, Accept, Reject string
	// Ideas is the rep's ideas and field feedback page (ideas.URL): not about this SQL, carried by every SQL email.
	Ideas string
}

var (
	htmlSQL = parseHTML("sql.html.tmpl")
	textSQL = texttemplate.Must(texttemplate.New("sql.txt.tmpl").Funcs(texttemplate.FuncMap{"words": words.ForEmail, "common": words.ForCommon, "score": score, "content": contentWords, "ideas": words.ForIdeas, "colon": colon}).ParseFS(files, "templates/sql.txt.tmpl"))
)

// Subject is the SQL email's subject: company and score, so a rep can triage from the inbox.
func (s SQL) Subject() string {
	who := s.Lead.Company
	if who == "" {
		who = s.Lead.Name
	}
	return header(fmt.Sprintf(words.ForEmail(s.Locale).Subject, who, score(s.Score)))
}

// Render produces the HTML and plain-text bodies.
func (s SQL) Render() (html, text string, err error) {
	var h, x bytes.Buffer
	if err := htmlSQL.Execute(&h, s); err != nil {
		return "", "", fmt.Errorf("render SQL email (html): %w", err)
	}
	if err := textSQL.Execute(&x, s); err != nil {
		return "", "", fmt.Errorf("render SQL email (text): %w", err)
	}
	return h.String(), x.String(), nil
}

// DueText is the deadline in the contract's words and zone.
func (s SQL) DueText() string { return words.ForCommon(s.Locale).Instant(s.Due) }

// ClockFromText is when the deadline started, in the contract's words and zone.
func (s SQL) ClockFromText() string { return words.ForCommon(s.Locale).Instant(s.ClockFrom) }

// Points renders an explanation line's points to the cent, signed ("+13.21", "-15", "+2.5"): the stored lines
// are in cents and add up to the stored fit and behaviour, so the email shows them as they are.
func Points(f float64) string { return trimCents(fmt.Sprintf("%+.2f", f)) }

// score renders a score to the cent ("68.21", "70"), as stored.
func score(f float64) string { return trimCents(fmt.Sprintf("%.2f", f)) }

func trimCents(s string) string { return strings.TrimSuffix(strings.TrimRight(s, "0"), ".") }
