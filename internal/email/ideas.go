package email

import (
	"bytes"
	"fmt"
	"net/mail"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/words"
)

var (
	htmlIdea = parseHTML("idea.html.tmpl")
	textIdea = texttemplate.Must(texttemplate.New("idea.txt.tmpl").ParseFS(files, "templates/idea.txt.tmpl"))
)

// ideaView is what the ideas email shows: the rep's text as written (escaped by html/template in the HTML part).
type ideaView struct {
	Locale   contract.Locale
	Subject  string
	Intro    string
	W        *words.Ideas
	Kind     string
	Category string // a feedback's, in words
	When     string
	Text     string
	Footer   string
}

// IdeaMessage is the email that tells marketing ops of a rep's idea or field feedback (the record as the outbox
// passed its gate). A contract that names no marketing ops makes it unsendable (outbox.ErrUnsendable, wrapping
// ErrNoRecipient): the submission stays in the monthly report.
func IdeaMessage(c *contract.Contract, r ideas.Record) (Message, error) {
	if len(c.Recipients.MarketingOps) == 0 {
		return Message{}, fmt.Errorf("%w: %w (recipients.marketing_ops)", outbox.ErrUnsendable, ErrNoRecipient)
	}
	w, cm := words.ForIdeas(c.Locale), words.ForCommon(c.Locale)
	rep := r.RepID
	if p, ok := c.Rep(r.RepID); ok {
		rep = p.Name
	}
	v := ideaView{Locale: c.Locale, W: w, Text: r.Text, When: cm.When(r.At.In(c.Location)), Footer: fmt.Sprintf(cm.Footer, c.Company)}
	v.Kind, _ = w.KindLabel(string(r.Kind))
	subject := v.Kind
	if r.Kind == ideas.Feedback {
		cat, ok := c.Sales.FeedbackCategory(r.Category)
		if !ok {
			cat = contract.FeedbackCategory{ID: r.Category} // a category the contract no longer lists: its id
		}
		v.Category, _ = w.CategoryLabel(cat)
		subject += " — " + v.Category
	}
	v.Subject = oneLine(fmt.Sprintf(w.OpsSubject, rep, subject))
	v.Intro = fmt.Sprintf(w.OpsIntro, rep)
	var h, t bytes.Buffer
	if err := htmlIdea.Execute(&h, v); err != nil {
		return Message{}, fmt.Errorf("ideas email: %w", err)
	}
	if err := textIdea.Execute(&t, v); err != nil {
		return Message{}, fmt.Errorf("ideas email: %w", err)
	}
	m := Message{From: c.Sender, Subject: v.Subject, HTML: h.String(), Text: t.String(), Tags: mailtag.Ref{Kind: mailtag.KindIdea}.Tags()}
	for _, a := range c.Recipients.MarketingOps {
		m.To = append(m.To, &mail.Address{Address: a})
	}
	return m, nil
}

// IdeasLink is rep's ideas and field feedback link (ideas.URL), valid ideas.LinkTTL from now: what the weekly
// digest carries (the SQL email has it in Links.Ideas).
func (s LinkSigner) IdeasLink(repID string, now time.Time) string {
	return ideas.URL(s.Key, s.BaseURL, repID, now)
}

// oneLine keeps a header's text on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
