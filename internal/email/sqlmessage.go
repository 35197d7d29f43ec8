package email

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/words"
)

// LinkSigner makes the feedback links of a hand-off for the rep who holds it.
type LinkSigner struct {
	Key     []byte // the link key secret's signing key (signed.Keys.Signing): links are signed with it alone
	BaseURL string // where the feedback page is served, e.g. https://sla.example.com
}

// Links are the three answers' links of a hand-off for its current rep, valid handoff.LinkTTL from now, and the
// rep's ideas link (ideas.URL, valid ideas.LinkTTL).
func (s LinkSigner) Links(h handoff.Handoff, now time.Time) Links {
	exp := now.Add(handoff.LinkTTL)
	link := func(a handoff.Action) string {
		return strings.TrimRight(s.BaseURL, "/") + "/v1/feedback/" + handoff.Sign(s.Key, handoff.Link{Handoff: h.Key, RepID: h.Rep(), Action: a, Expires: exp})
	}
	return Links{Contacted: link(handoff.Contacted), Accept: link(handoff.Accept), Reject: link(handoff.Reject),
		Ideas: s.IdeasLink(h.Rep(), now)}
}

// LeadReader reads the lead an SQL email is about (store.Leads).
type LeadReader interface {
	Get(ctx context.Context, id string) (lead.Lead, error)
	Activities(ctx context.Context, id string) ([]lead.Activity, error)
	// RecentContent is the newest pieces of content, newest first, at most n: the email lists the two most
	// relevant to the lead.
	RecentContent(ctx context.Context, n int) ([]content.Piece, error)
}

// ComposeSQL is the SQL email of hand-off h as the outbox composes it past the gate, whoever sends it (notify,
// the checker's reassignment or resend): from the lead as it is now, so that a no to the consent question
// recorded since the lead was first read keeps the email in — outbox.ErrUnsendable then, and the hand-off's
// gate withdraws it. A failed read is an error: the email is claimed again for a later try.
func ComposeSQL(ctx context.Context, c *contract.Contract, leads LeadReader, h handoff.Handoff, links LinkSigner, now time.Time) (Message, error) {
	l, err := leads.Get(ctx, h.LeadID)
	if err != nil {
		return Message{}, err
	}
	acts, err := leads.Activities(ctx, h.LeadID)
	if err != nil {
		return Message{}, err
	}
	newest, err := leads.RecentContent(ctx, recentPieces)
	if err != nil {
		return Message{}, err
	}
	m, err := sqlMessage(c, l, acts, h, links.Links(h, now), now, newest)
	if errors.Is(err, lead.ErrConsentRefused) {
		return m, fmt.Errorf("%w: %w", outbox.ErrUnsendable, err)
	}
	return m, err
}

// SQLMessage composes the SQL email to the rep who holds a hand-off: the lead, why it scored, what it did lately,
// the deadline in local time with the business time left, and the three links. A reassigned SQL says from whom
// and why; a resend whose first sending may have left says it may be a duplicate. The rep's manager is in copy
// when the contract says so.
//
// It is never composed for a lead whose latest answer to the consent question is no (lead.ErrConsentRefused),
// whoever sends it — notify, a retry, the checker's resend or reassignment: the caller withdraws the hand-off.
func SQLMessage(c *contract.Contract, l lead.Lead, acts []lead.Activity, h handoff.Handoff, links Links, now time.Time) (Message, error) {
	return sqlMessage(c, l, acts, h, links, now, nil)
}

// recentPieces is how many of the newest pieces the SQL email looks through for two relevant to the lead.
const recentPieces = 50

// sqlMessage is SQLMessage with the newest pieces of content (newest first), of which the email lists the two
// most recent relevant to the lead (content.Relevant): none, and the block is absent.
func sqlMessage(c *contract.Contract, l lead.Lead, acts []lead.Activity, h handoff.Handoff, links Links, now time.Time, newest []content.Piece) (Message, error) {
	if l.Consent.Refused() {
		return Message{}, fmt.Errorf("SQL email of %s: %w", h.Key, lead.ErrConsentRefused)
	}
	rep, ok := c.Rep(h.Rep())
	if !ok {
		return Message{}, fmt.Errorf("rep %s of %s is not in the contract's roster", h.Rep(), h.Key)
	}
	cm := words.ForCommon(c.Locale)
	sql := SQL{
		Locale: c.Locale, Company: c.Company, RepName: rep.Name, LeadID: l.ID,
		Lead:   Person{Name: l.Name(), Title: l.Contact.JobTitle, Company: l.Contact.Company, Email: l.Contact.Email, Phone: l.Contact.Phone},
		Source: strings.Join(l.Sources, ", "), UTM: joinNonEmpty(" / ", l.Attribution.UTMSource, l.Attribution.UTMMedium, l.Attribution.UTMCampaign),
		Score: l.Score.Total, Fit: l.Score.Fit, Behaviour: l.Score.Behaviour, Reason: h.Assignments[len(h.Assignments)-1].Reason,
		Due: h.FirstContactDue.In(c.Location), DueIn: words.Duration(c.Calendar.Between(now, h.FirstContactDue)), ClockFrom: h.ClockFrom.In(c.Location),
		Why: explanation(c, l.Score.Explanation), Recent: recent(c, acts, 5), Feedback: links,
		PossibleDuplicate: h.Mail.PossibleDuplicate,
	}
	sql.Content = contentLines(c, content.Relevant(newest, l.Contact.Industry, rep, 2))
	if n := len(h.Assignments); n > 1 {
		from := h.Assignments[n-2].RepID
		if r, ok := c.Rep(from); ok {
			from = r.Name
		}
		sql.ReassignedFrom = from
	}
	if l.Consent != nil {
		sql.Consent = map[bool]string{true: "✔ ", false: "✘ "}[l.Consent.Given] + cm.When(l.Consent.At.In(c.Location))
	}
	html, text, err := sql.Render()
	if err != nil {
		return Message{}, err
	}
	m := Message{From: c.Sender, To: []*mail.Address{{Name: rep.Name, Address: rep.Email}}, Subject: sql.Subject(), HTML: html, Text: text,
		Tags: mailtag.SQL(h.LeadID, h.At, len(h.Assignments)-1).Tags()}
	if c.Notify.CCManager {
		if mgr, ok := c.Manager(rep.Manager); ok {
			m.Cc = append(m.Cc, &mail.Address{Name: mgr.Name, Address: mgr.Email})
		}
	}
	return m, nil
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
