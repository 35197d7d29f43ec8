// Package ops answers marketing ops' read-only route, GET /v1/ops/sqls: the SQLs sales have not finished with,
// their deadlines and where each stands, soonest deadline first. It shows IDs, the company and the reps, never
// a lead's name, email or phone: the route is for watching the SLA, the SQL email is for working the lead. The
// route is authenticated by IAM at API Gateway (signed requests only).
package ops

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/words"
)

// Handoffs lists the open hand-offs (store.Handoffs).
type Handoffs interface {
	ForEachOpen(ctx context.Context, fn func(handoff.Handoff) error) error
}

// Handler serves the route.
type Handler struct {
	contract *contract.Contract
	handoffs Handoffs
	now      func() time.Time
	log      *slog.Logger
}

// New builds a Handler.
func New(c *contract.Contract, handoffs Handoffs, now func() time.Time, log *slog.Logger) *Handler {
	return &Handler{contract: c, handoffs: handoffs, now: now, log: log}
}

// States of an open SQL, as the route reports them.
const (
	// AwaitingEmail: the SQL email is not confirmed sent yet (the rep may not have it).
	AwaitingEmail = "awaiting_email"
	// AwaitingContact: the rep has it and has not recorded a first contact.
	AwaitingContact = "awaiting_contact"
	// AwaitingAnswer: contacted, not accepted or rejected yet.
	AwaitingAnswer = "awaiting_answer"
	// Bounced: SES reported the SQL email bounced (or the rep complained of it): nobody has the SQL, no deadline
	// runs. Held, ops pass it on by hand; else the checker reassigns it within a minute.
	Bounced = "bounced"
)

// SQL is one open SQL.
type SQL struct {
	LeadID      string    `json:"leadId"`
	HandedOffAt time.Time `json:"handedOffAt"`
	Company     string    `json:"company,omitempty"`
	RepID       string    `json:"repId"`
	Rep         string    `json:"rep"`
	Team        string    `json:"team,omitempty"`
	State       string    `json:"state"`
	Email       string    `json:"email"` // the SQL email: claimed, sending, sent, abandoned, bounced
	// Due is the deadline the SQL runs against now: first contact, or the answer once contacted.
	Due time.Time `json:"due,omitzero"`
	// Left is the business time left before Due ("1h30"); Late the business time past it, when it passed.
	Left string `json:"left,omitempty"`
	Late string `json:"late,omitempty"`

	FirstContactDue time.Time `json:"firstContactDue"`
	FeedbackDue     time.Time `json:"feedbackDue"`
	RemindersSent   int       `json:"remindersSent"`
	Breaches        int       `json:"firstContactBreaches"`
	FeedbackBreach  bool      `json:"feedbackBreach"`
	Reassignments   int       `json:"reassignments"`
}

// Response is the route's JSON body.
type Response struct {
	AsOf  time.Time `json:"asOf"`
	Count int       `json:"count"`
	SQLs  []SQL     `json:"sqls"`
}

// Handle answers GET /v1/ops/sqls[?state=awaiting_contact|awaiting_answer|awaiting_email|bounced].
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	state := req.QueryStringParameters["state"]
	switch state {
	case "", AwaitingEmail, AwaitingContact, AwaitingAnswer, Bounced:
	default:
		return reply(http.StatusBadRequest, map[string]any{"error": "invalid query", "fields": []map[string]string{{"field": "state",
			"message": "must be " + AwaitingEmail + ", " + AwaitingContact + ", " + AwaitingAnswer + " or " + Bounced}}}), nil
	}
	c := h.contract
	now := h.now().In(c.Location)
	resp := Response{AsOf: now, SQLs: []SQL{}}
	err := h.handoffs.ForEachOpen(ctx, func(o handoff.Handoff) error {
		if o.Answered() {
			return nil // leaving the index (its pending emails go first)
		}
		s := h.describe(o, now)
		if state == "" || s.State == state {
			resp.SQLs = append(resp.SQLs, s)
		}
		return nil
	})
	if err != nil {
		h.log.ErrorContext(ctx, "ops: list the open SQLs", "requestId", req.RequestContext.RequestID, "error", err.Error())
		return reply(http.StatusInternalServerError, map[string]string{"error": "internal error", "requestId": req.RequestContext.RequestID}), nil
	}
	sort.Slice(resp.SQLs, func(i, j int) bool {
		a, b := resp.SQLs[i], resp.SQLs[j]
		if !a.Due.Equal(b.Due) {
			return a.Due.Before(b.Due)
		}
		return a.LeadID < b.LeadID
	})
	resp.Count = len(resp.SQLs)
	h.log.InfoContext(ctx, "ops: open SQLs", "route", req.RouteKey, "state", state, "count", resp.Count, "status", http.StatusOK)
	return reply(http.StatusOK, resp), nil
}

func (h *Handler) describe(o handoff.Handoff, now time.Time) SQL {
	c := h.contract
	loc := c.Location
	s := SQL{LeadID: o.LeadID, HandedOffAt: o.At.In(loc), Company: o.LeadCompany, RepID: o.Rep(), Rep: o.Rep(), Team: o.Team(),
		Email: string(o.Mail.Status), FirstContactDue: o.FirstContactDue.In(loc), FeedbackDue: o.FeedbackDue.In(loc),
		RemindersSent: o.Reminded + o.FeedbackReminded, Breaches: o.FirstContactBreaches, FeedbackBreach: o.FeedbackBreached,
		Reassignments: o.Reassignments}
	if r, ok := c.Rep(o.Rep()); ok {
		s.Rep = r.Name
	}
	switch {
	case o.Mail.Status == outbox.MailBounced:
		s.State = Bounced // no deadline: Due, Left and Late stay empty
		return s
	case o.Mail.Outstanding():
		s.State, s.Due = AwaitingEmail, s.FirstContactDue
	case !o.Contacted():
		s.State, s.Due = AwaitingContact, s.FirstContactDue
	default:
		s.State, s.Due = AwaitingAnswer, s.FeedbackDue
	}
	if s.Due.After(now) {
		s.Left = hours(c.Calendar.Between(now, s.Due))
	} else {
		s.Late = hours(c.Calendar.Between(s.Due, now))
	}
	return s
}

// hours renders business time as "4h00", as every surface writes it.
func hours(d time.Duration) string { return words.Duration(d) }

func reply(status int, body any) events.APIGatewayV2HTTPResponse {
	raw, _ := json.Marshal(body)
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Body: string(raw),
		Headers: map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}}
}
