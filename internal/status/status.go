// Package status answers GET /v1/status: which contract is in force and whether the SLA clock is running.
package status

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
)

// Handler serves the status route.
type Handler struct {
	contract *contract.Contract
	now      func() time.Time
	log      *slog.Logger
}

// New builds a Handler.
func New(c *contract.Contract, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{contract: c, now: now, log: log}
}

// Response is the JSON body of GET /v1/status.
type Response struct {
	Contract struct {
		Version  string `json:"version"`
		Digest   string `json:"digest"`
		Company  string `json:"company"`
		Locale   string `json:"locale"`
		TimeZone string `json:"timeZone"`
	} `json:"contract"`
	Now           time.Time `json:"now"`
	BusinessHours struct {
		Open     bool      `json:"open"`
		NextOpen time.Time `json:"nextOpen"`
	} `json:"businessHours"`
	// An SQL handed off now would be due for first contact at this instant.
	FirstContactDueIfHandedOffNow time.Time `json:"firstContactDueIfHandedOffNow"`
}

// Handle answers the request; it never fails.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	c := h.contract
	now := h.now().In(c.Location)
	var r Response
	r.Contract.Version, r.Contract.Digest, r.Contract.Company = c.Version, c.Digest, c.Company
	r.Contract.Locale, r.Contract.TimeZone = string(c.Locale), c.Location.String()
	r.Now = now
	r.BusinessHours.Open = c.Calendar.IsOpen(now)
	var errOpen, errDue error
	r.BusinessHours.NextOpen, errOpen = c.Calendar.NextOpen(now)
	r.FirstContactDueIfHandedOffNow, errDue = c.FirstContactDue(now)
	if err := errors.Join(errOpen, errDue); err != nil {
		// Load refuses a contract whose deadlines the clock cannot reach, so this is a bug: say so, do not
		// serve zero times.
		h.log.ErrorContext(ctx, "status: the SLA clock failed", "route", req.RouteKey, "requestId", req.RequestContext.RequestID,
			"status", http.StatusInternalServerError, "error", err.Error())
		body, _ := json.Marshal(map[string]string{"error": "internal error", "requestId": req.RequestContext.RequestID})
		return events.APIGatewayV2HTTPResponse{
			StatusCode: http.StatusInternalServerError,
			Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
			Body:       string(body),
		}, nil
	}
	body, _ := json.Marshal(r) // plain struct of strings, bools and times: cannot fail
	h.log.InfoContext(ctx, "status", "route", req.RouteKey, "status", http.StatusOK)
	return events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusOK,
		Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
		Body:       string(body),
	}, nil
}
