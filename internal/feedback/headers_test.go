package feedback_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/ideas"
)

// securityHeaders: what every response of both pages must carry, whatever its status.
var securityHeaders = map[string]string{
	"Content-Security-Policy":   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	"Strict-Transport-Security": "max-age=31536000; includeSubDomains",
	"X-Frame-Options":           "DENY",
	"X-Content-Type-Options":    "nosniff",
	"Referrer-Policy":           "same-origin",
	"Cache-Control":             "no-store",
}

// TestEveryPageResponseCarriesTheSecurityHeaders: the answer page and the ideas page, shown, refused (403),
// rejected (400) and redirected (303), all forbid framing and a <base> and ask for HTTPS only.
func TestEveryPageResponseCarriesTheSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	good := f.token("thomas-martin", handoff.Reject, now.Add(time.Hour))
	cross := map[string]string{"sec-fetch-site": "cross-site", "origin": "https://evil.example"}
	i := newIdeasFixture(t, "fr")
	tok := ideasToken("sophie-bernard", now.Add(time.Hour))
	idea := url.Values{"submission": {ideas.NewSubmissionID()}, "kind": {"idea"}, "text": {"Un cas client"}}.Encode()
	for _, tc := range []struct {
		name   string
		resp   events.APIGatewayV2HTTPResponse
		status int
	}{
		{"answer page", f.do("GET", good, ""), 200},
		{"answer page: denied link", f.do("GET", "nope", ""), 403},
		{"answer page: another site's POST", f.doWith("POST", good, "reason=no_budget", cross), 403},
		{"answer page: bad form", f.do("POST", good, "reason=maybe"), 400},
		{"answer page: recorded", f.do("POST", good, "reason=no_budget"), 303},
		{"ideas page", i.do("GET", tok, "", nil), 200},
		{"ideas page: expired link", i.do("GET", ideasToken("sophie-bernard", now), "", nil), 403},
		{"ideas page: another site's POST", i.do("POST", tok, idea, cross), 403},
		{"ideas page: bad form", i.do("POST", tok, url.Values{"submission": {ideas.NewSubmissionID()}, "kind": {"complaint"}, "text": {"x"}}.Encode(), nil), 400},
		{"ideas page: recorded", i.do("POST", tok, idea, nil), 303},
	} {
		if tc.resp.StatusCode != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, tc.resp.StatusCode, tc.status)
		}
		for h, want := range securityHeaders {
			if got := tc.resp.Headers[h]; got != want {
				t.Errorf("%s (%d): %s = %q, want %q", tc.name, tc.resp.StatusCode, h, got, want)
			}
		}
	}
}
