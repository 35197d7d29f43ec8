package feedback

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/signed"
)

// answered is a store holding one hand-off, contacted by phone and rejected with a contract's own reason.
type answered struct{ h handoff.Handoff }

func (s answered) Get(context.Context, handoff.Key) (handoff.Handoff, error) { return s.h, nil }

func (s answered) Update(context.Context, handoff.Key, time.Time, handoff.Change) (handoff.Handoff, error) {
	return s.h, handoff.ErrNoChange
}

type nameless struct{}

func (nameless) NameAndCompany(context.Context, string) (lead.Lead, error) {
	return lead.Lead{}, lead.ErrNotFound
}

// TestPageInItsLanguage: the page says everything in the contract's language — the action, the form's choices,
// the recorded state, the dates as that language writes them — and a contract's own reject reason by its ID.
func TestPageInItsLanguage(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		l          contract.Locale
		action     handoff.Action
		want, not  []string
		formErrors string // a form posted with this body
	}{
		{contract.English, handoff.Reject, []string{"<h1>I reject this lead</h1>", "Contacted</dt><dd>30 Nov 2026 15:00 (Phone)",
			"rejected — too_small “trop petit”", `<option value="not_a_fit">Not a fit</option>`, `<option value="too_small">too_small</option>`,
			"Choose a reason."}, []string{"30/11/2026", "«"}, "reason=nope"},
		{contract.French, handoff.Reject, []string{"<h1>Je rejette ce lead</h1>", "Contacté le</dt><dd>30/11/2026 15:00 (Téléphone)",
			"rejeté — too_small « trop petit »", `<option value="no_budget">Pas de budget</option>`, "Choisissez un motif."},
			[]string{"Nov"}, "reason=nope"},
		{contract.English, handoff.Contacted, []string{"<h1>I contacted this lead</h1>", "<legend>How?</legend>",
			`value="meeting" required> Meeting</label>`, "The form could not be read."}, nil, "%zz"},
	} {
		t.Run(string(tc.l)+"/"+string(tc.action), func(t *testing.T) {
			t.Parallel()
			c, err := contract.Load("../../infra/contract/contract.yaml")
			if err != nil {
				t.Fatal(err)
			}
			c.Locale = tc.l
			c.Notify.RejectReasons = append(c.Notify.RejectReasons, "too_small")
			key := handoff.Key{LeadID: "ld_01kbpage000000000000000000", At: now}
			h := handoff.Handoff{Key: key, Assignments: []handoff.Assignment{{RepID: "thomas-martin", At: now}},
				FirstContactDue: now.Add(4 * time.Hour), Contact: handoff.Contact{At: now, Channel: "phone", RepID: "thomas-martin"}}
			if tc.action == handoff.Reject {
				h.Decision = handoff.Decision{Verdict: handoff.Rejected, At: now, Reason: "too_small", Comment: "trop petit"}
			}
			secret := []byte("test-feedback-link-key-0123456789")
			p := NewPage(c, answered{h}, nameless{}, signed.Keys{secret}, func() time.Time { return now }, slog.New(slog.NewTextHandler(io.Discard, nil)))
			token := handoff.Sign(secret, handoff.Link{Handoff: key, RepID: "thomas-martin", Action: tc.action, Expires: now.Add(time.Hour)})
			get, _ := p.Handle(context.Background(), events.APIGatewayV2HTTPRequest{PathParameters: map[string]string{"token": token},
				RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: http.MethodGet}}})
			post, _ := p.Handle(context.Background(), events.APIGatewayV2HTTPRequest{PathParameters: map[string]string{"token": token}, Body: tc.formErrors,
				RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: http.MethodPost}}})
			if get.StatusCode != http.StatusOK || post.StatusCode != http.StatusBadRequest {
				t.Fatalf("GET %d, POST %d:\n%s\n%s", get.StatusCode, post.StatusCode, get.Body, post.Body)
			}
			page := get.Body + post.Body
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("the page lacks %q:\n%s", w, page)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(page, w) {
					t.Errorf("the page has %q:\n%s", w, page)
				}
			}
		})
	}
}
