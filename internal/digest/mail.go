package digest

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"net/mail"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/words"
)

//go:embed templates
var files embed.FS

var (
	htmlDigest = email.WithLayout(htmltemplate.Must(htmltemplate.New("digest.html.tmpl").ParseFS(files, "templates/digest.html.tmpl")))
	textDigest = texttemplate.Must(texttemplate.New("digest.txt.tmpl").ParseFS(files, "templates/digest.txt.tmpl"))
)

// View is what a rep's digest shows.
type View struct {
	Locale  contract.Locale
	Subject string
	Hello   string
	Intro   string
	Pieces  []PieceView
	// IdeasURL is the rep's link to the ideas and field feedback page; the block is shown only when set.
	IdeasURL string
	Buttons  []Button // the ideas link as the shared layout draws buttons
	Because  string
	Footer   string
	Words    *words.Content
}

// Button is a link drawn as a button (the layout's "buttons").
type Button struct{ Label, URL, Color string }

// PieceView is one piece as the digest shows it.
type PieceView struct {
	Title, URL, Type, Published, For, Why string
}

// Compose is rep's digest of the period [from, to): the pieces its record lists, as published (a piece updated
// since shows its latest title), newest first.
func (d *Digester) Compose(rep contract.Rep, rec content.Digest, pieces []content.Piece, from, to time.Time) (email.Message, error) {
	byKey := map[string]content.Piece{}
	for _, p := range pieces {
		byKey[p.Key()] = p
	}
	var shared []content.Piece
	for _, k := range rec.Pieces {
		if p, ok := byKey[k]; ok {
			shared = append(shared, p)
		}
	}
	if len(shared) == 0 {
		// Every piece recorded was moved out of the week (republished later): nothing to send, ever.
		return email.Message{}, fmt.Errorf("%w: the digest of %s for %s has no piece left", outbox.ErrUnsendable, rec.Week, rep.ID)
	}
	ideas := ""
	if d.IdeasURL != nil {
		ideas = d.IdeasURL(rep, d.now())
	}
	m, err := Render(d.contract, rep, shared, from, to, ideas)
	m.Tags = mailtag.Ref{Kind: mailtag.KindDigest, Week: rec.Week, RepID: rep.ID}.Tags()
	return m, err
}

// Render makes the digest email of pieces (newest first) for rep.
func Render(c *contract.Contract, rep contract.Rep, pieces []content.Piece, from, to time.Time, ideasURL string) (email.Message, error) {
	w, cm := words.ForContent(c.Locale), words.ForCommon(c.Locale)
	loc := c.Marketing.Digest.Location
	last := to.In(loc).AddDate(0, 0, -1)
	count := w.Pieces.For(len(pieces))
	if strings.Contains(count, "%d") {
		count = fmt.Sprintf(count, len(pieces))
	}
	v := View{Locale: c.Locale, Words: w, Hello: fmt.Sprintf(w.Hello, rep.Name),
		Subject:  email.Header(fmt.Sprintf(w.Subject, c.Company, count)),
		Intro:    fmt.Sprintf(w.Intro, cm.Day(from.In(loc), false), cm.Day(last, true)),
		IdeasURL: ideasURL, Footer: fmt.Sprintf(cm.Footer, c.Company)}
	segs := w.Everyone
	if len(rep.Segments) > 0 {
		segs = strings.Join(names(rep.Segments, w.Segment), ", ")
	}
	v.Because = fmt.Sprintf(w.Because, segs)
	if ideasURL != "" {
		v.Buttons = []Button{{Label: w.IdeasButton, URL: ideasURL, Color: "#2563eb"}}
	}
	for _, p := range pieces {
		pv := PieceView{Title: p.Title, URL: p.URL, Type: w.Type(string(p.Type)), Why: p.Why,
			Published: fmt.Sprintf(w.Published, cm.Date(p.PublishedAt.In(loc)))}
		pv.For = w.Everyone
		if aud := append(names(p.Segments, w.Segment), p.Industries...); len(aud) > 0 {
			pv.For = fmt.Sprintf(w.For, strings.Join(aud, ", "))
		}
		v.Pieces = append(v.Pieces, pv)
	}
	var h, x bytes.Buffer
	if err := htmlDigest.Execute(&h, v); err != nil {
		return email.Message{}, fmt.Errorf("render the digest (html): %w", err)
	}
	if err := textDigest.Execute(&x, v); err != nil {
		return email.Message{}, fmt.Errorf("render the digest (text): %w", err)
	}
	return email.Message{From: c.Sender, To: []*mail.Address{{Name: rep.Name, Address: rep.Email}}, Subject: v.Subject,
		HTML: h.String(), Text: x.String()}, nil
}

// names are the words for ids (segments), in order.
func names(ids []string, name func(string) string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = name(id)
	}
	return out
}
