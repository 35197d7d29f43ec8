package samlocal

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// transformed is testdata/ses-template.yaml, its rule given an input transformer (transformer: the lines under
// InputTransformer).
func transformed(t *testing.T, transformer string) *samtemplate.Template {
	t.Helper()
	raw, err := os.ReadFile("testdata/ses-template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.TrimRight(string(raw), "\n") + "\n            InputTransformer:\n" + transformer
	tpl, err := samtemplate.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// TestSESEventThroughAnInputTransformer: the function of a rule with an InputTransformer gets what EventBridge
// would give it — the transformed event, the bouncing recipients a JSONPath wildcard's array — and nothing else of
// SES's event (no subject, no headers, no sender); a transformer the stack cannot apply as EventBridge does stops
// the start, named.
func TestSESEventThroughAnInputTransformer(t *testing.T) {
	t.Parallel()
	var n atomic.Int64
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"MessageId":"local-%d"}`, n.Add(1))
	}))
	t.Cleanup(upstream.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	opts := func(tpl *samtemplate.Template) Options {
		return Options{Root: testenv.Root(), CodeRoot: "internal/devstack/samlocal/testdata", Template: tpl,
			DynamoEndpoint: testenv.DynamoEndpoint(t), SESEndpoint: upstream.URL, StateDir: t.TempDir(), Logs: &testenv.SyncBuffer{}}
	}

	if _, err := Start(ctx, opts(transformed(t, `              InputTemplate: '{"rule": <aws.events.rule-name>}'
`))); err == nil || !strings.Contains(err.Error(), "MirrorFunction/Bounces: InputTransformer") || !strings.Contains(err.Error(), "aws.events.rule-name") {
		t.Errorf("a predefined variable: %v, want the start refused naming it", err)
	}

	s, err := Start(ctx, opts(transformed(t, `              InputPathsMap:
                type: $.detail-type
                messageId: $.detail.mail.messageId
                kind: $.detail.mail.tags.kind[0]
                to: $.detail.bounce.bouncedRecipients[*].emailAddress
                complaint: $.detail.complaint.feedbackId
              InputTemplate: >-
                {"type": <type>, "messageId": <messageId>, "about": "a <kind> email", "to": <to>, "complaint": <complaint>}
`)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	body := `{"FromEmailAddress":"Handoff <sla@example.com>","Destination":{"ToAddresses":["rep@example.com"],"CcAddresses":["boss@example.com"]},` +
		`"EmailTags":[{"Name":"kind","Value":"sql"}],"ConfigurationSetName":"handoff-local",` +
		`"Content":{"Simple":{"Subject":{"Data":"SQL : Acme"},"Body":{"Text":{"Data":"t"}}}}}`
	resp, err := http.Post(s.ses.endpoint()+"/v2/email/outbound-emails", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var sent struct{ MessageId string }
	_ = json.NewDecoder(resp.Body).Decode(&sent)
	resp.Body.Close()
	resp, err = http.Post(s.URL()+"/_local/ses/bounce", "application/json", strings.NewReader(`{"messageId":"`+sent.MessageId+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Deliveries []struct {
			Function string
			Result   json.RawMessage
			Error    string
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK || len(out.Deliveries) != 1 {
		t.Fatalf("bounce injected: %d %+v %v", resp.StatusCode, out, err)
	}
	want := `{"type":"Email Bounced","messageId":"` + sent.MessageId + `","about":"a sql email","to":["rep@example.com"],"complaint":""}`
	if got := string(out.Deliveries[0].Result); got != want {
		t.Errorf("the function got\n %s\nwant\n %s", got, want)
	}
}
