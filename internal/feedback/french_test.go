package feedback

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// named is a lead store that finds the lead's name and company.
type named struct{}

func (named) NameAndCompany(context.Context, string) (lead.Lead, error) {
	return lead.Lead{Contact: lead.Contact{FirstName: "Claire", LastName: "Dubois", Company: "ACME Industrie"}}, nil
}

// TestFrenchPage: every state of the answer page of a French contract — each action's form, each answer
// recorded, a form that could not be read, a link expired, reassigned or forged — holds no English word and
// no regular expression.
func TestFrenchPage(t *testing.T) {
	t.Parallel()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Locale != contract.French {
		t.Fatalf("the example contract is in %q, want French", c.Locale)
	}
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	key := handoff.Key{LeadID: "ld_01kbpage000000000000000000", At: now}
	open := handoff.Handoff{Key: key, Assignments: []handoff.Assignment{{RepID: "thomas-martin", At: now}}, FirstContactDue: now.Add(4 * time.Hour)}
	contacted := open
	contacted.Contact = handoff.Contact{At: now, Channel: "phone", RepID: "thomas-martin"}
	accepted := contacted
	accepted.Decision = handoff.Decision{Verdict: handoff.Accepted, At: now.Add(time.Hour)}
	rejected := contacted
	rejected.Decision = handoff.Decision{Verdict: handoff.Rejected, At: now.Add(time.Hour), Reason: "no_budget", Comment: "pas avant 2027"}
	secret := []byte("test-feedback-link-key-0123456789")
	for _, tc := range []struct {
		name   string
		h      handoff.Handoff
		rep    string
		expiry time.Duration
		method string
		body   string
		status int
	}{
		{"open", open, "thomas-martin", time.Hour, http.MethodGet, "", http.StatusOK},
		{"contacted", contacted, "thomas-martin", time.Hour, http.MethodGet, "", http.StatusOK},
		{"accepted", accepted, "thomas-martin", time.Hour, http.MethodGet, "", http.StatusOK},
		{"rejected", rejected, "thomas-martin", time.Hour, http.MethodGet, "", http.StatusOK},
		{"a form that could not be read", open, "thomas-martin", time.Hour, http.MethodPost, "%zz", http.StatusBadRequest},
		{"a reason not offered", rejected, "thomas-martin", time.Hour, http.MethodPost, "reason=nope", 0},
		{"an expired link", open, "thomas-martin", -time.Hour, http.MethodGet, "", 0},
		{"a link of another rep", open, "sophie-bernard", time.Hour, http.MethodGet, "", http.StatusForbidden},
	} {
		for _, action := range []handoff.Action{handoff.Contacted, handoff.Accept, handoff.Reject} {
			t.Run(tc.name+"/"+string(action), func(t *testing.T) {
				t.Parallel()
				p := NewPage(c, answered{tc.h}, named{}, signed.Keys{secret}, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
				token := handoff.Sign(secret, handoff.Link{Handoff: key, RepID: tc.rep, Action: action, Expires: now.Add(tc.expiry)})
				resp, _ := p.Handle(context.Background(), events.APIGatewayV2HTTPRequest{PathParameters: map[string]string{"token": token}, Body: tc.body,
					RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: tc.method}}})
				if tc.status != 0 && resp.StatusCode != tc.status {
					t.Fatalf("status %d, want %d:\n%s", resp.StatusCode, tc.status, resp.Body)
				}
				if resp.StatusCode != http.StatusSeeOther && len(resp.Body) < 200 {
					t.Fatalf("status %d, a page of %d bytes: nothing to scan", resp.StatusCode, len(resp.Body))
				}
				wordstest.French(t, "answer page ("+tc.name+", "+string(action)+")", resp.Body)
			})
		}
	}
	t.Run("a forged link", func(t *testing.T) {
		t.Parallel()
		p := NewPage(c, answered{open}, named{}, signed.Keys{secret}, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
		resp, _ := p.Handle(context.Background(), events.APIGatewayV2HTTPRequest{PathParameters: map[string]string{"token": "forged"},
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: http.MethodGet}}})
		wordstest.French(t, "answer page (a forged link)", resp.Body)
	})
}
