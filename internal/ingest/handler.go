// Package ingest receives leads, activities and sales outcomes from webhooks (POST
// /v1/sources/{sourceId}/submissions|activities|outcomes): it authenticates the delivery, reads the sender's
// format, validates and normalises, and stores the lead and its activities atomically and idempotently.
package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/ingest/intake"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// MaxBody is the largest body accepted.
const MaxBody = 64 << 10

// Leads keeps leads, activities and deliveries (store.Leads). Each call is atomic: everything or nothing is
// written, and a delivery already stored changes nothing and gets its first answer.
type Leads interface {
	// SaveSubmission creates or updates the lead with the submission's email and records its activity.
	SaveSubmission(ctx context.Context, d webhook.Delivery, s lead.Submission, act lead.Activity, answer func(leadID string) webhook.Answer) (webhook.Receipt, error)
	// SaveActivities records activities for a lead; createLead makes a subscriber lead for an unknown email,
	// otherwise an unknown lead is lead.ErrNotFound.
	SaveActivities(ctx context.Context, d webhook.Delivery, ref lead.LeadRef, acts []lead.Activity, createLead bool, answer func(leadID string) webhook.Answer) (webhook.Receipt, error)
	// CountDiscarded counts a submission dropped on purpose (a filled honeypot).
	CountDiscarded(ctx context.Context, source, reason string, at time.Time) error
	// FindLead resolves a lead reference to an ID ("" when there is no such lead).
	FindLead(ctx context.Context, ref lead.LeadRef) (string, error)
}

// Handoffs keeps the hand-offs the CRM answers (store.Handoffs).
type Handoffs interface {
	Latest(ctx context.Context, leadID string) (handoff.Handoff, error)
	Update(ctx context.Context, k handoff.Key, now time.Time, change handoff.Change) (handoff.Handoff, error)
}

type source struct {
	def      contract.Source
	verifier webhook.Verifier
}

// Handler serves the ingestion routes.
type Handler struct {
	contract *contract.Contract
	sources  map[string]source
	parser   intake.Parser
	leads    Leads
	handoffs Handoffs
	pieces   Pieces // the content route's store (WithContent); nil: no content source is served
	now      func() time.Time
	log      *slog.Logger
}

// New builds a Handler. secrets holds each source's resolved secret, by source ID.
func New(c *contract.Contract, secrets map[string]string, leads Leads, handoffs Handoffs, now func() time.Time, log *slog.Logger) (*Handler, error) {
	types := map[string]bool{}
	for _, t := range append(append([]string{}, contract.BuiltinActivityTypes...), c.ActivityTypes...) {
		types[t] = true
	}
	h := &Handler{
		contract: c,
		sources:  map[string]source{},
		parser:   intake.Parser{DefaultRegion: c.Country, ActivityTypes: types},
		leads:    leads, handoffs: handoffs, now: now, log: log,
	}
	var problems []string
	for _, s := range c.Sources {
		v, err := webhook.New(s.Auth, secrets[s.ID])
		if err != nil {
			problems = append(problems, fmt.Sprintf("source %s: %v", s.ID, err))
			continue
		}
		h.sources[s.ID] = source{def: s, verifier: v}
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return h, nil
}

// outcome is what a request came to, for the answer and the one log line.
type outcome struct {
	status  int
	body    any
	reason  string // why a request was refused, without personal data
	leadID  string
	created bool
	replay  bool
	count   int
	headers map[string]string
}

func refuse(status int, code, reason string) outcome {
	return outcome{status: status, body: map[string]string{"error": code}, reason: reason}
}

func invalid(err error) outcome {
	var fe lead.FieldErrors
	if !errors.As(err, &fe) {
		fe = lead.FieldErrors{{Field: "body", Message: "is invalid"}}
	}
	names := make([]string, len(fe))
	for i, f := range fe {
		names[i] = f.Field
	}
	return outcome{status: http.StatusBadRequest, body: map[string]any{"error": "invalid_request", "fields": fe},
		reason: "invalid fields: " + strings.Join(names, ",")}
}

// Handle answers one request. It never returns an error: failures are answers.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	// Two clocks: the injected one dates what is stored (the local stack moves it, tests fix it); the latency
	// logged is measured on the machine's monotonic clock, which no offset moves.
	began := time.Now()
	srcID := req.PathParameters["sourceId"]
	route := req.RawPath[strings.LastIndexByte(req.RawPath, '/')+1:]
	out := h.handle(ctx, req, srcID, route, h.now())

	requestID := req.RequestContext.RequestID
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		requestID = lc.AwsRequestID
	}
	if out.status >= 500 {
		out.body = map[string]string{"error": "internal", "requestId": requestID}
	}
	attrs := []any{"route", route, "source", srcID, "status", out.status, "ms", time.Since(began).Milliseconds()}
	if out.leadID != "" {
		attrs = append(attrs, "leadId", out.leadID, "created", out.created, "replayed", out.replay, "activities", out.count)
	}
	if out.leadID == "" && out.count > 0 {
		attrs = append(attrs, "pieces", out.count) // the content route: pieces, no lead
	}
	if out.reason != "" {
		attrs = append(attrs, "reason", out.reason)
	}
	level := slog.LevelInfo
	if out.status >= 500 {
		level = slog.LevelError
	}
	h.log.Log(ctx, level, "ingest", attrs...)

	body, ok := out.body.(string)
	if !ok {
		b, _ := json.Marshal(out.body)
		body = string(b)
	}
	headers := map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}
	for k, v := range out.headers {
		headers[k] = v
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: out.status, Headers: headers, Body: body}, nil
}

var routeKinds = map[string]contract.SourceKind{
	"submissions": contract.FormSource, "activities": contract.ActivitySource, "outcomes": contract.OutcomeSource,
	"content": contract.ContentSource,
}

func (h *Handler) handle(ctx context.Context, req events.APIGatewayV2HTTPRequest, srcID, route string, now time.Time) outcome {
	src, ok := h.sources[srcID]
	if !ok || routeKinds[route] != src.def.Kind {
		return refuse(http.StatusNotFound, "unknown_source", "unknown source for this route")
	}
	body := []byte(req.Body)
	if req.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return invalid(bodyError("is not valid base64"))
		}
		body = decoded
	}
	if len(body) > MaxBody {
		return refuse(http.StatusRequestEntityTooLarge, "too_large", fmt.Sprintf("body of %d bytes", len(body)))
	}
	isJSON, ok := contentType(header(req.Headers, "content-type"))
	if !ok {
		return refuse(http.StatusUnsupportedMediaType, "unsupported_media_type", "content type not JSON or a form")
	}
	deliveryID, err := src.verifier.Verify(lowerKeys(req.Headers), body, now)
	if err != nil {
		var f *webhook.Failure
		reason := "unauthorized"
		if errors.As(err, &f) {
			reason = f.Reason
		}
		return refuse(http.StatusUnauthorized, "unauthorized", reason)
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return invalid(bodyError("is empty"))
	}
	if err := validText(body); err != nil {
		return invalid(err)
	}
	if src.def.Kind == contract.ContentSource {
		return h.content(ctx, src.def, isJSON, body, now)
	}
	if src.def.Kind == contract.FormSource && honeypotFilled(src.def, isJSON, body) {
		// A normal answer, so the bot learns nothing; the submission is only counted.
		if err := h.leads.CountDiscarded(ctx, src.def.ID, "honeypot", now); err != nil {
			h.log.WarnContext(ctx, "count discarded submission", "source", src.def.ID, "error", err.Error())
		}
		return outcome{status: http.StatusAccepted, body: map[string]any{"status": "accepted", "leadId": lead.NewLeadID(now)}, reason: "honeypot"}
	}
	p, err := parsePayload(src.def, isJSON, body)
	if err != nil {
		return invalid(err)
	}
	sum := sha256.Sum256(body)
	d := webhook.Delivery{Source: src.def.ID, ID: firstNonEmpty(deliveryID, p.deliveryID), BodyHash: hex.EncodeToString(sum[:]), At: now}
	if d.ID == "" {
		d.ID = "sha256:" + d.BodyHash // a sender without IDs: the same body is the same delivery
	}
	if msg := checkDeliveryID(d.ID); msg != "" {
		// Named after where this sender puts it. Invalid UTF-8 would reach DynamoDB as U+FFFD, so that two IDs
		// could be taken for one.
		field := map[string]string{"shared-secret": "idempotency-key", "typeform": "event_id", "webflow": "payload.id"}[src.def.Auth]
		if deliveryID == "" && p.deliveryID == "" {
			field = "body"
		}
		return invalid(lead.FieldErrors{{Field: firstNonEmpty(field, "webhook-id"), Message: msg}})
	}
	switch src.def.Kind {
	case contract.FormSource:
		return h.submission(ctx, d, p)
	case contract.ActivitySource:
		return h.activities(ctx, d, p)
	default:
		return h.outcome(ctx, d, p)
	}
}

func (h *Handler) submission(ctx context.Context, d webhook.Delivery, p payload) outcome {
	s, err := h.parser.Submission(p.top.fields, p.top.extra, d.At)
	if err != nil {
		return invalid(err)
	}
	if s.Consent != nil {
		s.Consent.Field = p.top.consentField
	}
	s = s.Minimised() // a refusal keeps no phone, message or unmapped field
	act := lead.Activity{
		ID: lead.ActivityID(d.Source, d.ID, 0), Type: lead.FormSubmit, OccurredAt: s.OccurredAt, ReceivedAt: d.At.UTC(),
		Source: d.Source, DeliveryID: d.ID, Properties: map[string]string{},
	}
	for k, v := range s.Extra {
		act.Properties["x_"+k] = v
	}
	for k, v := range map[string]string{"form_id": p.formID, "form_name": p.formName} {
		// Which form it was, when the sender says: part of the proof of consent, and of the history.
		if v = strings.TrimSpace(v); v != "" && utf8.ValidString(v) && len(v) <= 200 {
			act.Properties[k] = v
		}
	}
	saved, err := h.leads.SaveSubmission(ctx, d, s, act, accepted(d, 1))
	return h.stored(saved, err, 1)
}

func (h *Handler) activities(ctx context.Context, d webhook.Delivery, p payload) outcome {
	items := p.batch
	if len(items) == 0 {
		items = []item{p.top}
	}
	var errs lead.FieldErrors
	var ref lead.LeadRef
	acts := make([]lead.Activity, 0, len(items))
	for i, it := range items {
		fields := intake.Fields{}
		for k, v := range p.top.fields { // the lead is named once, at the top
			fields[k] = v
		}
		for k, v := range it.fields {
			fields[k] = v
		}
		r, a, err := h.parser.Activity(fields, it.extra, d.At)
		if err != nil {
			var fe lead.FieldErrors
			errors.As(err, &fe)
			for _, f := range fe {
				if len(p.batch) > 0 && f.Field != "email" && f.Field != "lead_id" {
					f.Field = fmt.Sprintf("activities[%d].%s", i, f.Field)
				}
				errs = append(errs, f)
			}
			continue
		}
		a.ID, a.Source, a.DeliveryID = lead.ActivityID(d.Source, d.ID, i), d.Source, d.ID
		ref = r
		acts = append(acts, a)
	}
	if len(errs) > 0 {
		return invalid(dedupe(errs))
	}
	saved, err := h.leads.SaveActivities(ctx, d, ref, acts, true, accepted(d, len(acts)))
	return h.stored(saved, err, len(acts))
}

func (h *Handler) outcome(ctx context.Context, d webhook.Delivery, p payload) outcome {
	ref, a, err := h.parser.Outcome(p.top.fields, d.At)
	if err != nil {
		return invalid(err)
	}
	switch a.Type {
	case lead.SalesContacted, lead.SalesAccepted, lead.SalesRejected:
		return h.salesAnswer(ctx, d, ref, a)
	}
	a.ID, a.Source, a.DeliveryID = lead.ActivityID(d.Source, d.ID, 0), d.Source, d.ID
	saved, err := h.leads.SaveActivities(ctx, d, ref, []lead.Activity{a}, false, accepted(d, 1))
	return h.stored(saved, err, 1)
}

// salesAnswer records sales' answer from the CRM by the hand-off's rules, exactly as the feedback page does: on
// the lead's latest hand-off, once, the first answer standing. A retry finds it recorded and gets the same
// answer.
func (h *Handler) salesAnswer(ctx context.Context, d webhook.Delivery, ref lead.LeadRef, a lead.Activity) outcome {
	action := map[string]handoff.Action{lead.SalesContacted: handoff.Contacted, lead.SalesAccepted: handoff.Accept, lead.SalesRejected: handoff.Reject}[a.Type]
	r := handoff.Response{Action: action, Channel: a.Properties["channel"], Reason: a.Properties["reason"], Comment: a.Properties["comment"],
		At: a.OccurredAt, By: d.Source}
	if err := handoff.Validate(&r, h.contract.Notify.RejectReasons); err != nil {
		return invalid(err)
	}
	id, err := h.leads.FindLead(ctx, ref)
	if err != nil {
		return outcome{status: http.StatusInternalServerError, reason: err.Error()}
	}
	var latest handoff.Handoff
	if id != "" {
		latest, err = h.handoffs.Latest(ctx, id)
	}
	switch {
	case id == "", errors.Is(err, handoff.ErrNotFound):
		return outcome{status: http.StatusUnprocessableEntity, reason: "no hand-off", body: map[string]any{
			"error": "not_handed_off", "fields": lead.FieldErrors{{Field: "lead", Message: "no SQL hand-off for this lead"}}}}
	case err != nil:
		return outcome{status: http.StatusInternalServerError, reason: err.Error()}
	}
	recorded := false
	stored, err := h.handoffs.Update(ctx, latest.Key, d.At, func(ho *handoff.Handoff) ([]handoff.Event, error) {
		ok, err := ho.Answer(r, h.contract)
		if err == nil && !ok {
			return nil, handoff.ErrNoChange
		}
		recorded = ok
		return nil, err
	})
	if err != nil && !errors.Is(err, handoff.ErrNoChange) {
		return outcome{status: http.StatusInternalServerError, reason: err.Error()}
	}
	ans := accepted(d, 1)(id)
	o := outcome{status: ans.Status, body: ans.Body, leadID: id, count: 1, replay: !recorded}
	switch {
	case recorded:
	case sameAnswer(action, stored):
		// Recorded before (by this delivery or the same answer from the page), however long ago: a replay.
		o.headers, o.reason = map[string]string{"Idempotent-Replayed": "true"}, "answer already recorded"
	default:
		o.reason = "another answer was recorded first: it stands"
	}
	return o
}

// sameAnswer reports whether the hand-off already holds this action's answer.
func sameAnswer(action handoff.Action, h handoff.Handoff) bool {
	switch action {
	case handoff.Contacted:
		return h.Contacted()
	case handoff.Accept:
		return h.Decision.Verdict == handoff.Accepted
	}
	return h.Decision.Verdict == handoff.Rejected
}

func (h *Handler) stored(saved webhook.Receipt, err error, count int) outcome {
	switch {
	case errors.Is(err, lead.ErrNotFound):
		return outcome{status: http.StatusUnprocessableEntity, reason: "unknown lead", body: map[string]any{
			"error": "unknown_lead", "fields": lead.FieldErrors{{Field: "lead", Message: "no lead has this lead_id or email"}}}}
	case errors.Is(err, webhook.ErrDeliveryReused):
		return refuse(http.StatusConflict, "delivery_id_reused", "delivery ID reused with another body")
	case err != nil:
		return outcome{status: http.StatusInternalServerError, reason: err.Error()}
	}
	o := outcome{status: saved.Answer.Status, body: saved.Answer.Body, leadID: saved.LeadID, created: saved.Created, replay: saved.Replayed, count: count}
	if saved.Replayed {
		o.headers = map[string]string{"Idempotent-Replayed": "true"}
	}
	if saved.Late {
		o.reason = "late duplicate: its answer expired, the delivery is recorded"
	}
	return o
}

// accepted builds the 202 answer once the lead is known.
func accepted(d webhook.Delivery, count int) func(string) webhook.Answer {
	return func(leadID string) webhook.Answer {
		b, _ := json.Marshal(map[string]any{"status": "accepted", "leadId": leadID, "deliveryId": d.ID, "activities": count})
		return webhook.Answer{Status: http.StatusAccepted, Body: string(b)}
	}
}

// checkDeliveryID says what is wrong with a delivery ID, "" when nothing is.
func checkDeliveryID(id string) string {
	if len(id) > 200 {
		return "must be at most 200 characters"
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return "must be printable UTF-8 text"
		}
	}
	return ""
}

func dedupe(errs lead.FieldErrors) lead.FieldErrors {
	seen := map[lead.FieldError]bool{}
	var out lead.FieldErrors
	for _, e := range errs {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

func contentType(v string) (isJSON, ok bool) {
	mt, params, err := mime.ParseMediaType(v)
	if err != nil {
		return false, false
	}
	if cs, has := params["charset"]; has && !strings.EqualFold(cs, "utf-8") {
		return false, false
	}
	switch mt {
	case "application/json":
		return true, true
	case "application/x-www-form-urlencoded":
		return false, true
	}
	return false, false
}

func header(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

func lowerKeys(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	for k, v := range h {
		out[strings.ToLower(k)] = v
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// SecretRefs are the secret references of the contract's sources, by source ID.
func SecretRefs(c *contract.Contract) map[string]string {
	refs := make(map[string]string, len(c.Sources))
	for _, s := range c.Sources {
		refs[s.ID] = s.Secret
	}
	return refs
}
