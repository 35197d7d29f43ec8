// Package forget erases a person (GDPR's right to erasure): the handler of POST /v1/ops/forget, an IAM-authorised
// route for marketing ops or the DPO, and the code `handoff forget` runs, so both erase the same way. What is
// removed, and what is kept as anonymous counts, is store.People's to say; this package finds the person by
// their email as ingest identifies leads (package address) and answers what was done.
package forget

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/jsonkeys"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/lead/address"
)

// People erases a person by their normalised email (store.People): the lead erased ("" for an unknown email)
// and what was done.
type People interface {
	Forget(ctx context.Context, email string, now time.Time) (string, lead.Erased, error)
}

// Result is what an erasure did; the route answers it as JSON, `handoff forget` prints it.
type Result struct {
	// Status is "erased" (something was removed now), "nothing to erase" (an unknown email, or one erased
	// already: running it again is safe).
	Status string      `json:"status"`
	LeadID string      `json:"leadId,omitempty"`
	Erased lead.Erased `json:"erased"`
}

// Statuses of a Result.
const (
	StatusErased  = "erased"
	StatusNothing = "nothing to erase"
)

// ErrInvalidEmail: the value is not an email address.
var ErrInvalidEmail = errors.New("email: must be an email address such as name@company.com")

// Person erases the person behind email (as typed on a form: it is normalised as ingest does).
func Person(ctx context.Context, people People, email string, now time.Time) (Result, error) {
	e, err := address.Normalise(strings.TrimSpace(email))
	if err != nil {
		return Result{}, ErrInvalidEmail
	}
	id, done, err := people.Forget(ctx, e, now)
	if err != nil {
		return Result{LeadID: id, Erased: done}, err
	}
	r := Result{Status: StatusNothing, LeadID: id, Erased: done}
	if done.Total() > 0 {
		r.Status = StatusErased
	}
	return r, nil
}

// Handler serves POST /v1/ops/forget.
type Handler struct {
	people People
	now    func() time.Time
	log    *slog.Logger
}

// New builds the route's handler.
func New(people People, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{people: people, now: now, log: log}
}

// Request is the route's body.
type Request struct {
	Email string `json:"email"`
}

// Handle answers POST /v1/ops/forget {"email": "…"}: 200 with the Result; 400 naming the field when the body is
// not one email. The email is never logged: the lead's ID is.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	rid := req.RequestContext.RequestID
	var in Request
	dec := json.NewDecoder(bytes.NewReader([]byte(req.Body)))
	dec.DisallowUnknownFields()
	if req.IsBase64Encoded || dec.Decode(&in) != nil || dec.More() {
		return reply(http.StatusBadRequest, invalid("body", `must be JSON: {"email": "name@company.com"}`)), nil
	}
	if path, dup := jsonkeys.Duplicate([]byte(req.Body)); dup { // encoding/json would keep the last one silently
		return reply(http.StatusBadRequest, invalid(path, "appears twice in one JSON object")), nil
	}
	r, err := Person(ctx, h.people, in.Email, h.now())
	switch {
	case errors.Is(err, ErrInvalidEmail):
		return reply(http.StatusBadRequest, invalid("email", "must be an email address such as name@company.com")), nil
	case err != nil:
		// What was erased before the failure stays erased; running it again finishes it.
		h.log.ErrorContext(ctx, "forget failed; run it again to finish", "leadId", r.LeadID, "requestId", rid, "error", err.Error())
		return reply(http.StatusInternalServerError, map[string]string{"error": "internal error", "requestId": rid}), nil
	}
	h.log.InfoContext(ctx, "forget", "status", r.Status, "leadId", r.LeadID, "leads", r.Erased.Leads, "activities", r.Erased.Activities,
		"handoffs", r.Erased.Handoffs, "reports", r.Erased.Reports, "requestId", rid)
	return reply(http.StatusOK, r), nil
}

func invalid(field, message string) map[string]any {
	return map[string]any{"error": "invalid_request", "fields": []map[string]string{{"field": field, "message": message}}}
}

func reply(status int, body any) events.APIGatewayV2HTTPResponse {
	b, _ := json.Marshal(body)
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Body: string(b),
		Headers: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}}
}
