package feedback

import (
	"context"
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
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/words"
)

// IdeasStore records sales' ideas and field feedback (store.Ideas).
type IdeasStore interface {
	// Record records a submission once: false when its submission ID was recorded already.
	Record(ctx context.Context, s ideas.Submission) (bool, error)
}

var ideasPage = template.Must(template.New("ideas.html.tmpl").ParseFS(files, "templates/ideas.html.tmpl"))

// maxIdeasBody bounds a posted form: MaxText characters of up to 4 bytes, percent-encoded, and the other fields.
const maxIdeasBody = 32 << 10

// IdeasPage serves GET and POST /v1/ideas/{token}, the page a rep proposes a content idea or gives field feedback
// on (package ideas). GET shows the form, with a submission ID drawn for it; POST records the form once (the same
// form posted again records nothing more), then redirects to GET. Marketing ops' email is not sent here: the
// record is its outbox item, and the deadline checker sends it (package ideas' Relay).
type IdeasPage struct {
	contract *contract.Contract
	store    IdeasStore
	keys     signed.Keys
	now      func() time.Time
	log      *slog.Logger
}

// NewIdeasPage builds the ideas page's handler; keys are the answer links' (notify.link_secret, see NewPage).
func NewIdeasPage(c *contract.Contract, st IdeasStore, keys signed.Keys, now func() time.Time, log *slog.Logger) *IdeasPage {
	return &IdeasPage{contract: c, store: st, keys: keys, now: now, log: log}
}

type ideasView struct {
	Locale     contract.Locale
	W          *words.Ideas
	Company    string
	RepName    string
	Categories []option
	Submission string
	// The form as posted, shown again with its problem.
	Kind, Category, Text string
	Error                string // the field wrong (ErrorText says it)
	Denied               bool
	Done                 bool
	MaxText              int
}

// ErrorText says the form's problem.
func (v ideasView) ErrorText() string {
	if s, ok := v.W.FormError(v.Error); ok {
		return s
	}
	return v.W.ErrBadForm
}

// Handle answers one request; it never returns an error.
func (p *IdeasPage) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	method := req.RequestContext.HTTP.Method
	v := ideasView{Locale: p.contract.Locale, W: words.ForIdeas(p.contract.Locale), Company: p.contract.Company, MaxText: ideas.MaxText}
	link, err := ideas.Verify(p.keys, req.PathParameters["token"], p.now())
	if err != nil {
		p.log.InfoContext(ctx, "ideas", "method", method, "status", http.StatusForbidden, "reason", err.Error())
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	}
	rep, ok := p.contract.Rep(link.RepID)
	if !ok {
		// A rep who left the roster: their old links no longer record anything.
		p.log.InfoContext(ctx, "ideas", "repId", link.RepID, "method", method, "status", http.StatusForbidden, "reason", "not in the roster")
		v.Denied = true
		return p.render(http.StatusForbidden, v), nil
	}
	v.RepName = rep.Name
	for _, c := range p.contract.Sales.FeedbackCategories {
		label, _ := v.W.CategoryLabel(c)
		v.Categories = append(v.Categories, option{c.ID, label})
	}
	if method == http.MethodPost {
		if !sameOrigin(req.Headers) {
			p.log.InfoContext(ctx, "ideas", "repId", link.RepID, "method", method, "status", http.StatusForbidden, "reason", "post from another origin")
			v.Denied = true
			return p.render(http.StatusForbidden, v), nil
		}
		return p.post(ctx, req, link, v)
	}
	// GET: a fresh form, its own submission ID; ?done=1 after a POST says it went through. Nothing is written.
	v.Submission, v.Done = ideas.NewSubmissionID(), req.QueryStringParameters["done"] == "1"
	p.log.InfoContext(ctx, "ideas", "repId", link.RepID, "method", method, "status", http.StatusOK)
	return p.render(http.StatusOK, v), nil
}

func (p *IdeasPage) post(ctx context.Context, req events.APIGatewayV2HTTPRequest, link ideas.Link, v ideasView) (events.APIGatewayV2HTTPResponse, error) {
	body := req.Body
	if req.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return p.refuse(ctx, link, v, "bad_form"), nil
		}
		body = string(b)
	}
	form, err := url.ParseQuery(body)
	if err != nil || len(body) > maxIdeasBody {
		return p.refuse(ctx, link, v, "bad_form"), nil
	}
	v.Submission, v.Kind, v.Category, v.Text = form.Get("submission"), form.Get("kind"), form.Get("category"), form.Get("text")
	category := v.Category
	if v.Kind == string(ideas.Idea) {
		// The form's category list stays on screen whatever the kind: an idea's is not asked for, and ignored.
		category = ""
	}
	sub, err := ideas.New(p.contract.Sales, v.Submission, link.RepID, v.Kind, category, v.Text, p.now())
	var fe *ideas.FieldError
	if errors.As(err, &fe) {
		if fe.Field == "submission" {
			v.Submission = ideas.NewSubmissionID() // the form shown again gets a valid one
		}
		return p.refuse(ctx, link, v, fe.Field), nil
	}
	recorded, err := p.store.Record(ctx, sub)
	if err != nil {
		p.log.ErrorContext(ctx, "ideas", "repId", link.RepID, "error", err.Error())
		return internalError(), nil
	}
	// Only the rep, the kind and whether it was new: never the text.
	p.log.InfoContext(ctx, "ideas", "repId", link.RepID, "kind", sub.Kind, "category", sub.Category, "method", "POST", "recorded", recorded,
		"status", http.StatusSeeOther)
	// Post/redirect/get, whether recorded now or before (a double click): the page then says it went through.
	return events.APIGatewayV2HTTPResponse{StatusCode: http.StatusSeeOther, Headers: withSecurityHeaders(map[string]string{
		"Location": req.RawPath + "?done=1"})}, nil
}

// refuse shows the form again with its problem (400), the rep's input kept.
func (p *IdeasPage) refuse(ctx context.Context, link ideas.Link, v ideasView, field string) events.APIGatewayV2HTTPResponse {
	v.Error = field
	if v.Submission == "" {
		v.Submission = ideas.NewSubmissionID()
	}
	p.log.InfoContext(ctx, "ideas", "repId", link.RepID, "method", "POST", "status", http.StatusBadRequest, "field", field)
	return p.render(http.StatusBadRequest, v)
}

func (p *IdeasPage) render(status int, v ideasView) events.APIGatewayV2HTTPResponse {
	return renderHTML(p.log, ideasPage, status, v)
}

// Router is the feedback function's handler: the answer page (/v1/feedback/{token}) and the ideas page
// (/v1/ideas/{token}), by the route API Gateway matched.
func Router(answers *Page, ideasPage *IdeasPage) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		if strings.HasSuffix(req.RouteKey, " /v1/ideas/{token}") {
			return ideasPage.Handle(ctx, req)
		}
		return answers.Handle(ctx, req)
	}
}
