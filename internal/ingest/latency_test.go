package ingest_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/store"
)

// The latency ingest logs ("ms") is the request's real duration, whatever the handler's clock says: the local
// stack moves that clock by hours or days (platform's clock offset) and the tests fix it, and a latency taken
// from it was off by the whole offset (a day ahead logged -86400000 ms). The clock still dates what is stored.
func TestLatencyIsMeasuredOnTheRealClock(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for i, tc := range []struct {
		name  string
		clock func() time.Time
	}{
		{"a day ahead, as the local stack's clock offset moves it", func() time.Time { return time.Now().Add(24 * time.Hour) }},
		{"a day behind", func() time.Time { return time.Now().Add(-24 * time.Hour) }},
		{"a fixed instant, as the tests fix it", func() time.Time { return now }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			logs := &testenv.SyncBuffer{}
			handler, err := ingest.New(h.c, h.secrets, store.NewLeads(h.db, h.tables), store.NewHandoffs(h.db, h.tables), tc.clock,
				slog.New(slog.NewJSONHandler(logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			email := fmt.Sprintf("latence%02d@horloge-decalee.fr", i)
			at := tc.clock()
			req := signedAt(h.secrets, at, "site-contact", "submissions", "application/x-www-form-urlencoded", fmt.Sprint("latency-", i),
				form(map[string]string{"E-mail professionnel": email, "Nom": "Horloge"}))
			began := time.Now()
			resp, err := handler.Handle(t.Context(), req)
			took := time.Since(began)
			if err != nil || resp.StatusCode != 202 {
				t.Fatalf("Handle: %d %s, %v; want 202", resp.StatusCode, resp.Body, err)
			}
			var line struct {
				Msg string `json:"msg"`
				MS  *int64 `json:"ms"`
			}
			if err := json.Unmarshal([]byte(strings.TrimSpace(logs.String())), &line); err != nil || line.Msg != "ingest" || line.MS == nil {
				t.Fatalf("want one ingest line with ms, got %q (%v)", logs.String(), err)
			}
			if *line.MS < 0 || *line.MS > took.Milliseconds() {
				t.Errorf("logged latency %d ms; want the request's own duration, 0 to %d ms", *line.MS, took.Milliseconds())
			}
			// What is stored is dated by the handler's clock, not the machine's.
			l := h.leadByEmail(email)
			if l == nil {
				t.Fatalf("lead %s not stored", email)
			}
			created, err := time.Parse(time.RFC3339Nano, str(l, "createdAt"))
			if err != nil {
				t.Fatal(err)
			}
			if d := created.Sub(at); d <= -time.Millisecond || d > time.Minute { // stored to the millisecond
				t.Errorf("lead created at %s; want the handler's clock, %s", created, at)
			}
		})
	}
}
