// Package feedback serves the page sales answer an SQL on: a signed link (handoff.Link) opens it, GET only
// shows the lead and a form, POST records the answer by the hand-off's rules, then redirects to GET.
package feedback

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/words"
)

// Store keeps the hand-offs (store.Handoffs).
type Store interface {
	Get(ctx context.Context, k handoff.Key) (handoff.Handoff, error)
	Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error)
}

// Leads reads what the page shows of a lead, its name and company (store.Leads): the hand-off keeps no copy of
// the person's details.
type Leads interface {
	NameAndCompany(ctx context.Context, id string) (lead.Lead, error)
}

//go:embed templates
var files embed.FS

// page reads its words as fields of .W and .C (package words): a misspelt one fails the page's execution, which
// the page's tests do.
var page = template.Must(template.New("page.html.tmpl").ParseFS(files, "templates/page.html.tmpl"))

// Page serves GET and POST /v1/feedback/{token}. GET only shows; POST records, then redirects to GET.
type Page struct {
	contract *contract.Contract
	store    Store
	leads    Leads
	keys     signed.Keys
	now      func() time.Time
	log      *slog.Logger
}

// NewPage builds the page handler; keys are the link key secret's (notify.link_secret): a link signed with any
// of them opens.
func NewPage(c *contract.Contract, st Store, leads Leads, keys signed.Keys, now func() time.Time, log *slog.Logger) *Page {
	return &Page{contract: c, store: st, leads: leads, keys: keys, now: now, log: log}
}

type view struct {
	Locale   contract.Locale
	W        *words.Page   // the page's words in the contract's language
	C        *words.Common // and those it shares (none, the reject reasons)
	Company  string
	Action   string
	Title    string // the action's, in words
	State    state
	Due      string
	Contact  string // when the first contact was recorded, in the contract's zone
	Reasons  []option
	Channels []option
	Error    string // a form problem, shown above the form (its field; ErrorText says it)
	Denied   bool
	Done     bool // this action is recorded
}

// option is a choice of the form: its value, and its label in the contract's language.
type option struct{ Value, Label string }

// ErrorText says the form's problem; a field the words do not know is said as an unreadable form.
func (v view) ErrorText() string {
	if s, ok := v.W.FormError(v.Error); ok {
		return s
	}
	return v.W.ErrBadForm
}

// reason is a reject reason's label: a default reason's words, a contract's own reason as the contract names it.
func (v view) reason(id string) string {
	if s, ok := v.C.RejectReason(id); ok {
		return s
	}
	return id
}

// label is a stored value's label (a channel, a verdict) when the words know it, else the value as recorded.
func label(value string, lookup func(string) (string, bool)) string {
	if s, ok := lookup(value); ok {
		return s
	}
	return value
}

// Handle answers one request; it never returns an error.
func (p *Page) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	token := req.PathParameters["token"]
	method := req.RequestContext.HTTP.Method
	v := view{Locale: p.contract.Locale, W: words.ForPage(p.contract.Locale), C: words.ForCommon(p.contract.Locale), Company: p.contract.Company}
	for _, id := range p.contract.Notify.RejectReasons {
		v.Reasons = append(v.Reasons, option{id, v.reason(id)})
	}
	for _, c := range handoff.Channels {
		v.Channels = append(v.Channels, option{c, label(c, v.W.Channel)})
	}
	claim, err := handoff.Verify(p.keys, token, p.now())
	if err != nil {
		p.log.InfoContext(ctx, "feedback", "method", method, "status", http.StatusForbidden, "reason", err.Error())
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	}
	h, err := p.store.Get(ctx, claim.Handoff)
	switch {
	case errors.Is(err, handoff.ErrNotFound) || (err == nil && h.Rep() != claim.RepID):
		// A link for an SQL now held by someone else (reassigned), or never handed off: not this rep's to answer.
		p.log.InfoContext(ctx, "feedback", "leadId", claim.Handoff.LeadID, "method", method, "status", http.StatusForbidden, "reason", "not this rep's hand-off")
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	case err == nil && !h.Erased.IsZero():
		// The person was forgotten: nothing of theirs is shown, nothing more recorded.
		p.log.InfoContext(ctx, "feedback", "leadId", claim.Handoff.LeadID, "method", method, "status", http.StatusForbidden, "reason", "erased")
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	case err != nil:
		p.log.ErrorContext(ctx, "feedback", "leadId", claim.Handoff.LeadID, "error", err.Error())
		return internalError(), nil
	}
	// The lead's name, from its profile; a lead that is gone (erased, or past its retention) is shown by its ID.
	l, err := p.leads.NameAndCompany(ctx, h.LeadID)
	if err != nil && !errors.Is(err, lead.ErrNotFound) {
		p.log.ErrorContext(ctx, "feedback", "leadId", claim.Handoff.LeadID, "error", err.Error())
		return internalError(), nil
	}
	v.Action, v.State = string(claim.Action), stateOf(h, l)
	v.Title, _ = v.W.Action(v.Action) // a signed link's action is one of the three
	v.State.Channel, v.State.Answer = label(v.State.Channel, v.W.Channel), label(v.State.Answer, v.W.Verdict)
	if v.State.Reason != "" {
		v.State.Reason = v.reason(v.State.Reason)
	}
	v.Due = v.C.When(h.FirstContactDue.In(p.contract.Location))
	if h.Contacted() {
		v.Contact = v.C.When(h.Contact.At.In(p.contract.Location))
	}
	if method == http.MethodPost {
		if !sameOrigin(req.Headers) {
			p.log.InfoContext(ctx, "feedback", "leadId", claim.Handoff.LeadID, "method", method, "status", http.StatusForbidden, "reason", "post from another origin")
			v.Denied = true
			return p.render(http.StatusForbidden, v), nil
		}
		return p.post(ctx, req, claim, v)
	}
	v.Done = done(claim.Action, h)
	p.log.InfoContext(ctx, "feedback", "leadId", claim.Handoff.LeadID, "repId", claim.RepID, "action", claim.Action, "method", method, "status", http.StatusOK)
	return p.render(http.StatusOK, v), nil
}

// sameOrigin reports whether a POST comes from the page itself, as far as the browser says: the signed link is
// the first guard, this is the second, against a form on another site posting a link it learnt. A browser sends
// Sec-Fetch-Site (same-origin for our form) or at least Origin, which must then be this host; clients that send
// neither (curl, a script) are judged by the link alone. Header names are lower-case, as API Gateway passes them.
func sameOrigin(h map[string]string) bool {
	if site, ok := h["sec-fetch-site"]; ok {
		return site == "same-origin"
	}
	origin, ok := h["origin"]
	if !ok {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, h["host"]) {
		return false // "null" (an opaque origin) included
	}
	proto := h["x-forwarded-proto"]
	return proto == "" || u.Scheme == proto
}

// state is what the page shows of a hand-off.
type state struct {
	LeadID, LeadName, Company string
	Channel, Answer           string // in words; Answer "" before one
	Reason, Comment           string
}

// stateOf is what the page shows of hand-off h and its lead l (the zero lead when it is gone): the name from the
// profile, the company from the profile, else the hand-off's.
func stateOf(h handoff.Handoff, l lead.Lead) state {
	company := l.Contact.Company
	if company == "" {
		company = h.LeadCompany
	}
	return state{LeadID: h.LeadID, LeadName: l.Name(), Company: company, Channel: h.Contact.Channel,
		Answer: h.Decision.Verdict, Reason: h.Decision.Reason, Comment: h.Decision.Comment}
}

func done(action handoff.Action, h handoff.Handoff) bool {
	if action == handoff.Contacted {
		return h.Contacted()
	}
	return h.Answered()
}

func (p *Page) post(ctx context.Context, req events.APIGatewayV2HTTPRequest, c handoff.Link, v view) (events.APIGatewayV2HTTPResponse, error) {
	body := req.Body
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			v.Error = "bad_form"
			return p.render(http.StatusBadRequest, v), nil
		}
		body = string(b)
	}
	form, err := url.ParseQuery(body)
	if err != nil || len(body) > 8<<10 {
		v.Error = "bad_form"
		return p.render(http.StatusBadRequest, v), nil
	}
	r := handoff.Response{Action: c.Action, RepID: c.RepID, At: p.now(), By: "page", Channel: form.Get("channel"),
		Reason: form.Get("reason"), Comment: form.Get("comment")}
	var fe lead.FieldErrors
	if err := handoff.Validate(&r, p.contract.Notify.RejectReasons); errors.As(err, &fe) {
		v.Error = fe[0].Field
		return p.render(http.StatusBadRequest, v), nil
	}
	recorded := false
	_, err = p.store.Update(ctx, c.Handoff, r.At, func(h *handoff.Handoff) ([]handoff.Event, error) {
		ok, err := h.Answer(r, p.contract)
		if err == nil && !ok {
			return nil, handoff.ErrNoChange // already recorded: the first answer stands
		}
		recorded = ok
		return nil, err
	})
	switch {
	case errors.Is(err, handoff.ErrNotYours), errors.Is(err, handoff.ErrErased):
		// Reassigned (or the person forgotten) between the page's GET and this POST.
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	case err != nil && !errors.Is(err, handoff.ErrNoChange):
		p.log.ErrorContext(ctx, "feedback", "leadId", c.Handoff.LeadID, "error", err.Error())
		return internalError(), nil
	}
	p.log.InfoContext(ctx, "feedback", "leadId", c.Handoff.LeadID, "repId", c.RepID, "action", c.Action, "method", "POST", "recorded", recorded, "status", http.StatusSeeOther)
	// Post/redirect/get: the page then shows the recorded state; a reload does not post again.
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusSeeOther, Headers: withSecurityHeaders(map[string]string{
		"Location": req.RawPath})}, nil
}

// withSecurityHeaders adds what every answer of both pages carries, whatever its status: no caching (the page
// shows a lead), no MIME sniffing, the link — a secret — sent as a referrer to this site only, no framing, no
// base URL, HTTPS only.
func withSecurityHeaders(h map[string]string) map[string]string {
	h["Cache-Control"], h["X-Content-Type-Options"], h["Referrer-Policy"] = "no-store", "nosniff", "same-origin"
	h["Content-Security-Policy"], h["X-Frame-Options"], h["Strict-Transport-Security"] = pageCSP, "DENY", hsts
	return h
}

// pageCSP lets the pages load nothing but their inline style and post their form to themselves. frame-ancestors
// 'none' is what browsers obey now instead of X-Frame-Options (no clickjacking of the answer buttons), and
// base-uri 'none' stops an injected <base> from redirecting the form's relative action elsewhere.
const pageCSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// hsts: the pages are only served over HTTPS (API Gateway); a browser that has seen them once never asks for
// them over plain HTTP, where the link (a secret) would travel in clear.
const hsts = "max-age=31536000; includeSubDomains"

func internalError() events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusInternalServerError, Body: "internal error",
		Headers: withSecurityHeaders(map[string]string{"Content-Type": "text/plain; charset=utf-8"})}
}

func (p *Page) render(status int, v view) events.APIGatewayV2HTTPResponse {
	return renderHTML(p.log, page, status, v)
}

// renderHTML is a page (the answer page, the ideas page) as an answer of status, with the security headers; a
// template that fails is a 500, logged. Referrer-Policy is same-origin, not no-referrer: with no-referrer a
// browser sends "Origin: null" on the form's own POST, which sameOrigin could not tell from a foreign one.
func renderHTML(log *slog.Logger, t *template.Template, status int, v any) events.APIGatewayV2HTTPResponse {
	var b bytes.Buffer
	if err := t.Execute(&b, v); err != nil {
		log.Error("render page", "page", t.Name(), "error", err.Error())
		return internalError()
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Body: b.String(), Headers: withSecurityHeaders(map[string]string{
		"Content-Type": "text/html; charset=utf-8",
	})}
}
