package cli

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// TestSendSignsAsTheSenderWould: what `handoff send` posts passes the very verifier ingest uses.
func TestSendSignsAsTheSenderWould(t *testing.T) {
	t.Parallel()
	c, sec := exampleSources(t)
	now := time.Now()
	var gotPath, gotType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// send first asks the stack for its clock (a path outside /v1/sources): not a local stack here.
		parts := strings.Split(r.URL.Path, "/")
		if len(parts) < 5 || parts[2] != "sources" {
			http.NotFound(w, r)
			return
		}
		id := parts[3]
		src, _ := c.Source(id)
		v, err := webhook.New(src.Auth, sec[id])
		if err != nil {
			t.Error(err)
		}
		body, _ := io.ReadAll(r.Body)
		headers := map[string]string{}
		for k := range r.Header {
			headers[strings.ToLower(k)] = r.Header.Get(k)
		}
		gotPath, gotType = r.URL.Path, r.Header.Get("Content-Type")
		if _, err := v.Verify(headers, body, now); err != nil {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		w.WriteHeader(202)
		_, _ = w.Write([]byte(`{"status":"accepted"}`))
	}))
	defer srv.Close()

	tests := []struct {
		source, path string
		form         bool
	}{
		{"site-contact", "/v1/sources/site-contact/submissions", false},
		{"typeform-audit", "/v1/sources/typeform-audit/submissions", false},
		{"webflow-webinar", "/v1/sources/webflow-webinar/submissions", false},
		{"zapier-linkedin", "/v1/sources/zapier-linkedin/submissions", true},
		{"tracking", "/v1/sources/tracking/activities", false},
		{"crm", "/v1/sources/crm/outcomes", false},
		{"blog", "/v1/sources/blog/content", false},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		args := []string{"--url", srv.URL, "--contract", example, "--secrets", "../../infra/local/secrets.seed", "--source", tc.source, "--data", `{"email":"a@b.fr"}`}
		if tc.form {
			args = append(args, "--form")
		}
		code := send(args, &out, &errOut, func() time.Time { return now }, srv.Client())
		if code != 0 || gotPath != tc.path || !strings.HasPrefix(out.String(), "202 Accepted") {
			t.Errorf("%s: exit %d, path %s, out %q, err %q", tc.source, code, gotPath, out.String(), errOut.String())
		}
		if tc.form && gotType != "application/x-www-form-urlencoded" {
			t.Errorf("%s: content type %s", tc.source, gotType)
		}
	}
	var out, errOut bytes.Buffer
	if code := send([]string{"--url", srv.URL, "--contract", example, "--source", "nope", "--data", "{}"}, &out, &errOut, time.Now, srv.Client()); code != 1 {
		t.Errorf("unknown source: exit %d", code)
	}
}

// TestSendSignsAtAMovedStacksClock: against `make run` with its clock moved (POST /_local/clock), the stack
// checks timestamps against its own clock: send signs at it, which GET /_local/ tells. Elsewhere (no such route,
// or a stack on the real clock) it signs at the real time.
func TestSendSignsAtAMovedStacksClock(t *testing.T) {
	t.Parallel()
	c, sec := exampleSources(t)
	src, _ := c.Source("tracking")
	real := time.Now()
	for _, tc := range []struct {
		name, describe string
		stackNow       time.Time
	}{
		{"moved 72h ahead", `{"Clock":"` + real.Add(72*time.Hour).Format(time.RFC3339Nano) + `","ClockOffset":"72h0m0s"}`, real.Add(72 * time.Hour)},
		{"on the real clock", `{"Clock":"` + real.Format(time.RFC3339Nano) + `"}`, real},
		{"not a local stack", "", real},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet && r.URL.Path == "/_local/" {
					if tc.describe == "" {
						http.NotFound(w, r)
						return
					}
					_, _ = w.Write([]byte(tc.describe))
					return
				}
				v, err := webhook.New(src.Auth, sec[src.ID])
				if err != nil {
					t.Error(err)
				}
				body, _ := io.ReadAll(r.Body)
				headers := map[string]string{}
				for k := range r.Header {
					headers[strings.ToLower(k)] = r.Header.Get(k)
				}
				if _, err := v.Verify(headers, body, tc.stackNow); err != nil {
					http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized)
					return
				}
				w.WriteHeader(202)
			}))
			defer srv.Close()
			var out, errOut bytes.Buffer
			args := []string{"--url", srv.URL, "--contract", example, "--secrets", "../../infra/local/secrets.seed", "--source", "tracking", "--data", `{"email":"a@b.fr"}`}
			if code := send(args, &out, &errOut, func() time.Time { return real }, srv.Client()); code != 0 {
				t.Errorf("exit %d: %s %s", code, out.String(), errOut.String())
			}
		})
	}
}

// exampleSources is the example contract and its sources' secrets as make run resolves them (infra/local).
func exampleSources(t *testing.T) (*contract.Contract, map[string]string) {
	t.Helper()
	c, err := contract.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	seed, err := secrets.ReadSeedFile("../../infra/local/secrets.seed")
	if err != nil {
		t.Fatal(err)
	}
	sec := map[string]string{}
	for _, s := range c.Sources {
		if sec[s.ID] = seed[s.Secret]; sec[s.ID] == "" {
			t.Fatalf("no demo secret for %s (%s)", s.ID, s.Secret)
		}
	}
	return c, sec
}
