package status

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/worktime"
)

func TestHandleSampleEvent(t *testing.T) {
	t.Parallel()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../../events/status/get-status.json")
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		now      time.Time
		open     bool
		nextOpen string
		due      string
	}{
		// Friday 17:30 in Paris: closed (Friday ends at 17:00), an SQL now is due Monday 14:00.
		{"friday evening", time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC), false, "2026-11-30T09:00:00+01:00", "2026-11-30T14:00:00+01:00"},
		// Monday 10:00 in Paris: open, due 15:00 (lunch 12:30–13:30 is not counted).
		{"monday morning", time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC), true, "2026-11-30T10:00:00+01:00", "2026-11-30T15:00:00+01:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			h := New(c, func() time.Time { return tc.now }, slog.New(slog.NewJSONHandler(&logs, nil)))
			resp, err := h.Handle(context.Background(), req)
			if err != nil || resp.StatusCode != 200 || resp.Headers["Content-Type"] != "application/json" {
				t.Fatalf("Handle = %+v, %v", resp, err)
			}
			var got Response
			if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
				t.Fatal(err)
			}
			if got.Contract.Version != "2026.12-1" || got.Contract.TimeZone != "Europe/Paris" || len(got.Contract.Digest) != 64 {
				t.Errorf("contract = %+v", got.Contract)
			}
			if got.BusinessHours.Open != tc.open || got.BusinessHours.NextOpen.Format(time.RFC3339) != tc.nextOpen {
				t.Errorf("business hours = %+v", got.BusinessHours)
			}
			if d := got.FirstContactDueIfHandedOffNow.Format(time.RFC3339); d != tc.due {
				t.Errorf("due = %s, want %s", d, tc.due)
			}
			if !strings.Contains(logs.String(), `"route":"GET /v1/status"`) {
				t.Errorf("no log line for the request: %s", logs.String())
			}
		})
	}
}

// TestHandleClockFailure: a calendar the clock cannot reach an opening of (Load refuses such a contract) answers
// 500 with the request ID, and logs why, instead of serving zero times or panicking.
func TestHandleClockFailure(t *testing.T) {
	t.Parallel()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var week worktime.Week
	week[time.Monday] = []worktime.Span{{Start: 9 * 60, End: 10 * 60}}
	closed := *c
	if closed.Calendar, err = worktime.New(c.Location, week, func(int, time.Month, int) bool { return true }); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := New(&closed, func() time.Time { return time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) }, slog.New(slog.NewJSONHandler(&logs, nil)))
	req := events.APIGatewayV2HTTPRequest{RouteKey: "GET /v1/status"}
	req.RequestContext.RequestID = "req-1"
	resp, err := h.Handle(context.Background(), req)
	if err != nil || resp.StatusCode != 500 || !strings.Contains(resp.Body, `"requestId":"req-1"`) {
		t.Fatalf("Handle = %+v, %v", resp, err)
	}
	if !strings.Contains(logs.String(), "beyond the clock's horizon") {
		t.Errorf("the log does not say why: %s", logs.String())
	}
}
