// Package notify hands an SQL to sales: it assigns the lead to a rep (routing), computes the deadlines in
// business time, claims the hand-off, and emails the rep — exactly once, whatever the stream redelivers.
//
// Exactly once: the hand-off item is claimed (a conditional write) before the email is sent and confirmed
// after. A redelivered record finds the claim and sends nothing. A definite SES refusal releases the claim so a
// retry can send; throttling is retried with backoff first. When the outcome is unknown (a timeout after SES
// may have accepted the message) the claim is kept: no second email, and an error is logged for a person.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/mail"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/lead"
	mailer "github.com/handoff-sla/handoff/internal/mail"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// Hand-off statuses.
const (
	Claimed = "claimed" // the email is being sent (or its outcome is unknown)
	Sent    = "sent"
)

// Lead is an SQL as the hand-off needs it.
type Lead struct {
	ID                                string
	Stage                             lead.Stage
	Owner                             string
	FirstName, LastName, Email, Phone string
	Company, JobTitle                 string
	UTMSource, UTMMedium, UTMCampaign string
	Sources                           []string
	Consent                           *bool
	ConsentAt                         string
	Score, Fit, Behaviour             float64
	Explanation                       string // JSON, from scoring
	SQLAt                             time.Time
	Profile                           scoring.Profile
	Activities                        []lead.Activity
}

// Handoff is the claim: who, why, and the deadlines.
type Handoff struct {
	LeadID, RepID, Team, Reason string
	At                          time.Time // the hand-off instant (the lead's sqlAt): deadlines count from here
	FirstContactDue             time.Time
	FeedbackDue                 time.Time
	Reminders                   []time.Time
	NextCheck                   time.Time // the first reminder or deadline the deadline checker must look at
	ClaimedAt                   time.Time
	Month                       string
	ContractVersion             string
	Counted                     bool         // a round-robin assignment (not a kept owner, not the fallback)
	SeenLoad                    routing.Load // the rep's load the choice was made on
	Baseline                    int
	StartTeam                   []string // the team's other reps, whose counts start at 0 with this one
	KeptOwner                   bool     // the lead already had this rep as owner
	LeadName, LeadCompany       string   // shown on the feedback page
	MaxOpen                     int      // the rep's capacity (0: none), enforced by the claim
}

// Store errors.
var (
	ErrNoLead        = errors.New("no such lead")
	ErrCountConflict = errors.New("another assignment changed the rep's count")
)

// AlreadyClaimed is a hand-off that exists: the record was delivered before.
type AlreadyClaimed struct{ Status, RepID string }

func (a *AlreadyClaimed) Error() string { return "hand-off already " + a.Status }

// Store is what notify needs from storage.
type Store interface {
	LeadForHandoff(ctx context.Context, leadID string) (Lead, error)
	TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error)
	ClaimHandoff(ctx context.Context, h Handoff) error
	MarkSent(ctx context.Context, leadID, messageID string, at time.Time) error
	ReleaseHandoff(ctx context.Context, h Handoff) error
}

// Sender sends an email (mail.SES).
type Sender interface {
	Send(ctx context.Context, m mailer.Message) (string, error)
}

// Notifier hands SQLs to sales.
type Notifier struct {
	contract *contract.Contract
	store    Store
	sender   Sender
	linkKey  []byte
	baseURL  string // where feedback links point, e.g. https://sla.example.com
	now      func() time.Time
	log      *slog.Logger
	// LinkTTL is how long feedback links work.
	LinkTTL time.Duration
	// Backoff is the wait before retry n after throttling (tests shorten it).
	Backoff func(n int) time.Duration
}

// New builds a Notifier; the contract must have a routing section.
func New(c *contract.Contract, st Store, sender Sender, linkKey []byte, baseURL string, now func() time.Time, log *slog.Logger) (*Notifier, error) {
	if c.Routing == nil {
		return nil, errors.New("the contract has no routing section")
	}
	if len(linkKey) < 16 {
		return nil, errors.New("the feedback link key is shorter than 16 bytes")
	}
	return &Notifier{contract: c, store: st, sender: sender, linkKey: linkKey, baseURL: strings.TrimRight(baseURL, "/"),
		now: now, log: log, LinkTTL: 30 * 24 * time.Hour,
		Backoff: func(n int) time.Duration { return time.Duration(200<<n) * time.Millisecond }}, nil
}

// HandleStream consumes the leads stream (filtered to SQL transitions by the template). Each record is handled
// on its own; a failed one is reported by SequenceNumber.
func (n *Notifier) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	var resp events.DynamoDBEventResponse
	for _, rec := range ev.Records {
		id := rec.Change.NewImage["leadId"]
		if id.DataType() != events.DataTypeString || rec.Change.NewImage["stage"].DataType() != events.DataTypeString ||
			rec.Change.NewImage["stage"].String() != string(lead.StageSQL) {
			continue
		}
		if err := n.Handoff(ctx, id.String()); err != nil {
			n.log.ErrorContext(ctx, "hand-off failed", "leadId", id.String(), "error", err.Error())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: rec.Change.SequenceNumber})
		}
	}
	return resp, nil
}

// maxAssignAttempts bounds the re-choices when concurrent hand-offs keep changing a team's counts.
const maxAssignAttempts = 30

// Handoff assigns, claims and emails one SQL.
func (n *Notifier) Handoff(ctx context.Context, leadID string) error {
	for attempt := 0; attempt < maxAssignAttempts; attempt++ {
		ld, err := n.store.LeadForHandoff(ctx, leadID)
		if errors.Is(err, ErrNoLead) {
			n.log.WarnContext(ctx, "SQL of an unknown lead", "leadId", leadID)
			return nil
		}
		if err != nil {
			return err
		}
		h, rep, err := n.assign(ctx, ld)
		if err != nil {
			return err
		}
		err = n.store.ClaimHandoff(ctx, h)
		var already *AlreadyClaimed
		switch {
		case errors.As(err, &already):
			if already.Status == Claimed {
				n.log.WarnContext(ctx, "hand-off claimed but not confirmed: not sending again", "leadId", leadID, "repId", already.RepID)
			}
			return nil
		case errors.Is(err, ErrCountConflict):
			// Another SQL was assigned meanwhile: wait a little (jittered, so racers spread) and choose again.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(1+rand.IntN(5*(attempt+1))) * time.Millisecond):
			}
			continue
		case err != nil:
			return err
		}
		return n.send(ctx, ld, h, rep)
	}
	return fmt.Errorf("hand-off of %s: assignment kept conflicting", leadID)
}

// assign chooses the rep: the lead's owner if it has one, else the first matching team with someone available,
// else the fallback.
func (n *Notifier) assign(ctx context.Context, ld Lead) (Handoff, contract.Rep, error) {
	c := n.contract
	now := n.now()
	at := ld.SQLAt
	if at.IsZero() {
		at = now
	}
	h := Handoff{LeadID: ld.ID, At: at, ClaimedAt: now, ContractVersion: c.Version,
		Month: contract.MonthOf(at.In(c.Location)).String()}
	var errFirst, errFeedback, errReminders error
	h.FirstContactDue, errFirst = c.FirstContactDue(at)
	h.FeedbackDue, errFeedback = c.FeedbackDue(at)
	h.Reminders, errReminders = c.ReminderTimes(at)
	if err := errors.Join(errFirst, errFeedback, errReminders); err != nil {
		// Load refuses deadlines the clock cannot reach; failing the record (retried, then parked) beats a panic
		// that would fail the whole batch.
		return Handoff{}, contract.Rep{}, fmt.Errorf("deadlines of %s: %w", ld.ID, err)
	}
	h.NextCheck = h.FirstContactDue
	if len(h.Reminders) > 0 {
		h.NextCheck = h.Reminders[0]
	}
	h.LeadName, h.LeadCompany = strings.TrimSpace(ld.FirstName+" "+ld.LastName), ld.Company
	if rep, ok := c.Rep(ld.Owner); ok {
		h.RepID, h.Reason, h.KeptOwner = rep.ID, "already owned by "+rep.Name, true
		return h, rep, nil
	}
	for _, t := range routing.Teams(c.Routing, ld.Profile) {
		loads, err := n.store.TeamLoads(ctx, t.ID)
		if err != nil {
			return Handoff{}, contract.Rep{}, err
		}
		if ch, ok := routing.Pick(c, t, loads, now); ok {
			h.RepID, h.Team, h.Reason, h.Counted, h.SeenLoad, h.Baseline = ch.Rep.ID, t.ID, ch.Reason, true, loads[ch.Rep.ID], ch.Baseline
			h.MaxOpen = ch.Rep.MaxOpenSQLs
			if ch.NewTeam {
				for _, id := range t.Reps {
					if id != ch.Rep.ID {
						h.StartTeam = append(h.StartTeam, id)
					}
				}
			}
			return h, ch.Rep, nil
		}
	}
	rep, _ := c.Rep(c.Routing.Fallback)
	h.RepID, h.Reason = rep.ID, "fallback: no team had a rep available"
	return h, rep, nil
}

func (n *Notifier) send(ctx context.Context, ld Lead, h Handoff, rep contract.Rep) error {
	m, err := n.message(ld, h, rep)
	if err != nil {
		return n.release(ctx, h, err)
	}
	for try := 0; ; try++ {
		id, err := n.sender.Send(ctx, m)
		switch {
		case err == nil:
			if err := n.store.MarkSent(ctx, ld.ID, id, n.now()); err != nil {
				// The email left; only its confirmation failed. Retrying would find the claim: log, do not fail.
				n.log.ErrorContext(ctx, "SQL email sent but not confirmed", "leadId", ld.ID, "error", err.Error())
			}
			n.log.InfoContext(ctx, "SQL handed off", "leadId", ld.ID, "repId", h.RepID, "team", h.Team,
				"firstContactDue", h.FirstContactDue.UTC().Format(time.RFC3339), "messageId", id)
			return nil
		case errors.Is(err, mailer.ErrThrottled) && try < 3:
			n.log.WarnContext(ctx, "SES throttled; retrying", "leadId", ld.ID, "try", try+1)
			select {
			case <-ctx.Done():
				return n.release(ctx, h, ctx.Err())
			case <-time.After(n.Backoff(try)):
			}
		case errors.Is(err, mailer.ErrThrottled), errors.Is(err, mailer.ErrRejected):
			return n.release(ctx, h, err)
		default:
			n.log.ErrorContext(ctx, "SQL email outcome unknown: kept as claimed, not resent", "leadId", ld.ID, "error", err.Error())
			return nil
		}
	}
}

// release undoes a claim after a definite failure and returns the failure, so the record is retried.
func (n *Notifier) release(ctx context.Context, h Handoff, cause error) error {
	if err := n.store.ReleaseHandoff(context.WithoutCancel(ctx), h); err != nil {
		return errors.Join(cause, err)
	}
	return fmt.Errorf("SQL email not sent (claim released): %w", cause)
}

func (n *Notifier) message(ld Lead, h Handoff, rep contract.Rep) (mailer.Message, error) {
	c := n.contract
	name := strings.TrimSpace(ld.FirstName + " " + ld.LastName)
	sql := mailer.SQL{
		Locale: c.Locale, Company: c.Company, RepName: rep.Name, LeadID: ld.ID,
		Lead:   mailer.Person{Name: name, Title: ld.JobTitle, Company: ld.Company, Email: ld.Email, Phone: ld.Phone},
		Source: strings.Join(ld.Sources, ", "), UTM: joinNonEmpty(" / ", ld.UTMSource, ld.UTMMedium, ld.UTMCampaign),
		Score: ld.Score, Fit: ld.Fit, Behavior: ld.Behaviour, Reason: h.Reason,
		Due: h.FirstContactDue.In(c.Location), DueIn: hours(c.Calendar.Between(n.now(), h.FirstContactDue)),
		Why: explanation(ld.Explanation, c.Location), Recent: recent(ld.Activities, c.Location, 5),
	}
	if ld.Consent != nil {
		sql.Consent = map[bool]string{true: "✔ ", false: "✘ "}[*ld.Consent] + ld.ConsentAt
	}
	exp := n.now().Add(n.LinkTTL)
	link := func(action string) string {
		return n.baseURL + "/v1/feedback/" + feedback.Sign(n.linkKey, feedback.Claim{LeadID: ld.ID, RepID: rep.ID, Action: action, Expires: exp})
	}
	sql.Feedback = mailer.Links{Contacted: link(feedback.Contacted), Accept: link(feedback.Accept), Reject: link(feedback.Reject)}
	html, text, err := sql.Render()
	if err != nil {
		return mailer.Message{}, err
	}
	m := mailer.Message{From: c.Sender, To: []*mail.Address{{Name: rep.Name, Address: rep.Email}}, Subject: sql.Subject(), HTML: html, Text: text}
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

func hours(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%dh%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
