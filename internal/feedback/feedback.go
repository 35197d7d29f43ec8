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
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
)

// State is what was recorded on a hand-off.
type State struct {
	LeadID, RepID              string
	HandoffAt, FirstContactDue time.Time
	ContactedAt, AnsweredAt    time.Time
	Channel, Answer            string // Answer: "", "accepted" or "rejected"
	Reason, Comment            string
	LeadName, Company          string
}

// Answer is one answer to record.
type Answer struct {
	LeadID, RepID, Action string
	Channel               string // contacted: phone, email or meeting
	Reason, Comment       string // reject
	At                    time.Time
	By                    string // "page" or the CRM source's ID
}

// MaxComment is the longest comment of a rejection, in characters.
const MaxComment = 1000

// Problem names the field of an answer that breaks the answer rules ("" when none does): a contact's channel
// is one of Channels; a rejection's reason is one of the contract's, and "other" needs a comment. The page and
// the CRM's answers go through this one rule.
func (a Answer) Problem(reasons []string) string {
	switch a.Action {
	case Contacted:
		if !contains(Channels, a.Channel) {
			return "channel"
		}
	case Reject:
		switch {
		case !contains(reasons, a.Reason):
			return "reason"
		case a.Reason == "other" && strings.TrimSpace(a.Comment) == "", utf8.RuneCountInString(a.Comment) > MaxComment:
			return "comment"
		}
	}
	return ""
}

// ErrNoHandoff: the lead was never handed off.
var ErrNoHandoff = errors.New("no hand-off for this lead")

// Store keeps the answers.
type Store interface {
	HandoffState(ctx context.Context, leadID string) (State, error)
	// RecordFeedback records an answer; false when it was already recorded (nothing changed).
	RecordFeedback(ctx context.Context, a Answer) (bool, error)
}

// Channels a first contact can take.
var Channels = []string{"phone", "email", "meeting"}

//go:embed templates
var files embed.FS

var page = template.Must(template.New("page.html.tmpl").Funcs(template.FuncMap{"t": word}).ParseFS(files, "templates/page.html.tmpl"))

// Page serves GET and POST /v1/feedback/{token}. GET only shows; POST records, then redirects to GET.
type Page struct {
	contract *contract.Contract
	store    Store
	key      []byte
	now      func() time.Time
	log      *slog.Logger
}

// NewPage builds the page handler.
func NewPage(c *contract.Contract, st Store, key []byte, now func() time.Time, log *slog.Logger) *Page {
	return &Page{contract: c, store: st, key: key, now: now, log: log}
}

type view struct {
	Locale   contract.Locale
	Company  string
	Action   string
	State    State
	Due      string
	Contact  string // when the first contact was recorded, in the contract's zone
	Reasons  []string
	Channels []string
	Error    string // a form problem, shown above the form
	Denied   bool
	Done     bool // this action is recorded
}

// Handle answers one request; it never returns an error.
func (p *Page) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	token := req.PathParameters["token"]
	method := req.RequestContext.HTTP.Method
	v := view{Locale: p.contract.Locale, Company: p.contract.Company, Reasons: p.contract.Notify.RejectReasons, Channels: Channels}
	claim, err := Verify(p.key, token, p.now())
	if err != nil {
		p.log.InfoContext(ctx, "feedback", "method", method, "status", http.StatusForbidden, "reason", err.Error())
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	}
	st, err := p.store.HandoffState(ctx, claim.LeadID)
	switch {
	case errors.Is(err, ErrNoHandoff) || (err == nil && st.RepID != claim.RepID):
		// A link for a lead now handed to someone else, or never handed off: not this rep's to answer.
		p.log.InfoContext(ctx, "feedback", "leadId", claim.LeadID, "method", method, "status", http.StatusForbidden, "reason", "not this rep's hand-off")
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	case err != nil:
		p.log.ErrorContext(ctx, "feedback", "leadId", claim.LeadID, "error", err.Error())
		return internalError(), nil
	}
	v.Action, v.State = claim.Action, st
	v.Due = st.FirstContactDue.In(p.contract.Location).Format("02/01/2006 15:04")
	if !st.ContactedAt.IsZero() {
		v.Contact = st.ContactedAt.In(p.contract.Location).Format("02/01/2006 15:04")
	}
	if method == http.MethodPost {
		if !sameOrigin(req.Headers) {
			p.log.InfoContext(ctx, "feedback", "leadId", claim.LeadID, "method", method, "status", http.StatusForbidden, "reason", "post from another origin")
			v.Denied = true
			return p.render(http.StatusForbidden, v), nil
		}
		return p.post(ctx, req, claim, v)
	}
	v.Done = done(claim.Action, st)
	p.log.InfoContext(ctx, "feedback", "leadId", claim.LeadID, "repId", claim.RepID, "action", claim.Action, "method", method, "status", http.StatusOK)
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

func done(action string, st State) bool {
	if action == Contacted {
		return !st.ContactedAt.IsZero()
	}
	return st.Answer != ""
}

func (p *Page) post(ctx context.Context, req events.APIGatewayV2HTTPRequest, c Claim, v view) (events.APIGatewayV2HTTPResponse, error) {
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
	a := Answer{LeadID: c.LeadID, RepID: c.RepID, Action: c.Action, At: p.now(), By: "page"}
	switch c.Action {
	case Contacted:
		a.Channel = form.Get("channel")
	case Reject:
		a.Reason, a.Comment = form.Get("reason"), strings.TrimSpace(form.Get("comment"))
	}
	if v.Error = a.Problem(p.contract.Notify.RejectReasons); v.Error != "" {
		return p.render(http.StatusBadRequest, v), nil
	}
	recorded, err := p.store.RecordFeedback(ctx, a)
	if err != nil {
		p.log.ErrorContext(ctx, "feedback", "leadId", c.LeadID, "error", err.Error())
		return internalError(), nil
	}
	p.log.InfoContext(ctx, "feedback", "leadId", c.LeadID, "repId", c.RepID, "action", c.Action, "method", "POST", "recorded", recorded, "status", http.StatusSeeOther)
	// Post/redirect/get: the page then shows the recorded state; a reload does not post again.
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusSeeOther, Headers: withSecurityHeaders(map[string]string{
		"Location": req.RawPath})}, nil
}

// withSecurityHeaders adds what every answer of the page carries: no caching (the page shows a lead), no MIME
// sniffing, and the link — a secret — sent as a referrer to this site only.
func withSecurityHeaders(h map[string]string) map[string]string {
	h["Cache-Control"], h["X-Content-Type-Options"], h["Referrer-Policy"] = "no-store", "nosniff", "same-origin"
	return h
}

func internalError() events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusInternalServerError, Body: "internal error",
		Headers: withSecurityHeaders(map[string]string{"Content-Type": "text/plain; charset=utf-8"})}
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (p *Page) render(status int, v view) events.APIGatewayV2HTTPResponse {
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		p.log.Error("render feedback page", "error", err.Error())
		return internalError()
	}
	// Referrer-Policy is same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on the
	// form's own POST, which sameOrigin could not tell from a foreign one.
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Body: b.String(), Headers: withSecurityHeaders(map[string]string{
		"Content-Type": "text/html; charset=utf-8", "X-Frame-Options": "DENY",
		"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
	})}
}
