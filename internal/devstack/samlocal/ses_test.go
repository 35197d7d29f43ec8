package samlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// TestSESEventsThroughTheRules: the functions' SES endpoint is the stack's emulation in front of SES (here a stand-in
// that accepts every message, as SES local does). A configuration set the template does not declare is refused as
// SES refuses it; a bounce injected for a message sent with the template's configuration set reaches the rule that
// matches it, in SES's documented shape with the message's tags; a complaint the rule's pattern leaves out reaches
// nobody; a message without a configuration set publishes nothing; mail to the simulator's bounce address
// publishes its bounce by itself.
func TestSESEventsThroughTheRules(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"MessageId":"local-%d"}`, n.Add(1))
	}))
	t.Cleanup(upstream.Close)
	tpl, err := samtemplate.Load("testdata/ses-template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	logs := &testenv.SyncBuffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Root: testenv.Root(), CodeRoot: "internal/devstack/samlocal/testdata", Template: tpl,
		DynamoEndpoint: testenv.DynamoEndpoint(t), SESEndpoint: upstream.URL, StateDir: t.TempDir(), Logs: logs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	send := func(set, to string) (int, string) {
		t.Helper()
		body := `{"FromEmailAddress":"Handoff <sla@example.com>","Destination":{"ToAddresses":["` + to + `"],"CcAddresses":["boss@example.com"]},` +
			`"EmailTags":[{"Name":"kind","Value":"sql"},{"Name":"lead","Value":"ld_X"}],"Content":{"Simple":{"Subject":{"Data":"s"},"Body":{"Text":{"Data":"t"}}}}`
		if set != "" {
			body += `,"ConfigurationSetName":"` + set + `"`
		}
		resp, err := http.Post(s.ses.endpoint()+"/v2/email/outbound-emails", "application/json", strings.NewReader(body+"}"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out struct{ MessageId string }
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out.MessageId
	}
	inject := func(body string) (int, map[string]any) {
		t.Helper()
		resp, err := http.Post(s.URL()+"/_local/ses/bounce", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}

	if status, _ := send("someone-elses", "rep@example.com"); status != http.StatusNotFound {
		t.Errorf("an unknown configuration set: %d, want 404 as SES answers", status)
	}
	status, id := send("handoff-local", "rep@example.com")
	if status != http.StatusOK || id == "" {
		t.Fatalf("send: %d %q", status, id)
	}
	if got := s.Emails(); got["sql"] != 1 || len(got) != 1 {
		t.Errorf("emails counted by kind = %v, want the accepted one as sql (the refused one not at all)", got)
	}
	status, out := inject(`{"messageId":"` + id + `"}`)
	deliveries, _ := out["deliveries"].([]any)
	if status != http.StatusOK || len(deliveries) != 1 {
		t.Fatalf("bounce injected: %d %v", status, out)
	}
	d := deliveries[0].(map[string]any)
	var ev struct {
		DetailType string `json:"detail-type"`
		Source     string
		Detail     struct {
			EventType string
			Mail      struct {
				MessageID string `json:"messageId"`
				Tags      map[string][]string
			}
			Bounce struct {
				BounceType        string
				BouncedRecipients []struct{ EmailAddress string }
				FeedbackID        string `json:"feedbackId"`
			}
		}
	}
	raw, _ := json.Marshal(d["result"])
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if d["function"] != "MirrorFunction" || ev.DetailType != "Email Bounced" || ev.Source != "aws.ses" || ev.Detail.EventType != "Bounce" ||
		ev.Detail.Mail.MessageID != id || ev.Detail.Bounce.BounceType != "Permanent" || ev.Detail.Bounce.FeedbackID == "" ||
		len(ev.Detail.Bounce.BouncedRecipients) != 1 || ev.Detail.Bounce.BouncedRecipients[0].EmailAddress != "rep@example.com" ||
		ev.Detail.Mail.Tags["kind"][0] != "sql" || ev.Detail.Mail.Tags["ses:configuration-set"][0] != "handoff-local" {
		t.Errorf("delivered %s", raw)
	}
	if status, out := inject(`{"messageId":"` + id + `","type":"complaint"}`); status != http.StatusOK || len(out["deliveries"].([]any)) != 0 {
		t.Errorf("a complaint the pattern leaves out: %d %v", status, out)
	}
	_, bare := send("", "rep@example.com")
	for _, tc := range []struct {
		body string
		want int
	}{
		{`{"messageId":"` + bare + `"}`, http.StatusConflict},
		{`{"messageId":"nope"}`, http.StatusNotFound},
		{`{"messageId":"` + id + `","type":"soft"}`, http.StatusBadRequest},
		{`{"type":"permanent"}`, http.StatusBadRequest},
		{`{"messageId":"` + id + `","extra":1}`, http.StatusBadRequest},
	} {
		if status, out := inject(tc.body); status != tc.want {
			t.Errorf("%s: %d %v, want %d", tc.body, status, out, tc.want)
		}
	}
	if status, _ := send("handoff-local", "bounce@simulator.amazonses.com"); status != http.StatusOK {
		t.Fatalf("send to the simulator: %d", status)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "SES event published") || strings.Count(logs.String(), "SES event published") < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("the simulator's bounce was not published:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
