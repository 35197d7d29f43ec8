package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// TestLinkKeyRotationThroughTheStack: the real function binaries read the link key secret at cold start from
// the emulated SSM, at their stage's path (the contract's ssm:/handoff/{stage}/feedback-links). In staging it
// holds a rotation, "new\nold": a link signed with the old key still opens, one signed with a key it does not
// list is refused. In prod it holds a short key: the feedback function refuses to start, naming the secret and
// never its value.
func TestLinkKeyRotationThroughTheStack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	newKey, oldKey, stranger := "the-new-link-key-of-december-2026-e2e", "the-old-link-key-of-november-2026-e2e", "a-key-the-secret-never-listed-0123456789"
	const short = "a-short-link-key"
	c, err := contract.Load(filepath.Join(testenv.Root(), "infra", "contract", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for stage, linkKey := range map[string]string{"staging": newKey + "\n" + oldKey, "prod": short} {
		if err := localaws.SeedSecrets(ctx, testenv.SecretsEndpoint(t), stage, testenv.DemoSecrets(t)); err != nil {
			t.Fatal(err)
		}
		if err := localaws.PutSecret(ctx, testenv.SecretsEndpoint(t), "ssm:/handoff/"+stage+"/feedback-links", linkKey); err != nil {
			t.Fatal(err)
		}
	}
	start := func(stage string, names map[string]string) *samlocal.Stack {
		s, err := samlocal.Start(ctx, samlocal.Options{
			Root: testenv.Root(), Template: testenv.Template(), TableNames: names, Params: map[string]string{"Stage": stage},
			BuildTags:      []string{platform.LocalBuildTag},
			DynamoEndpoint: testenv.DynamoEndpoint(t), SESEndpoint: testenv.SESEndpoint(t), SecretsEndpoint: testenv.SecretsEndpoint(t),
			StateDir: t.TempDir(), Logs: testenv.LogWriter(t),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}

	names := testenv.Tables(t)
	staging := start("staging", names)
	// A lead posted by the site (ingest reads the source's secret at staging's path), handed off a minute ago.
	body, id, now := `{"E-mail professionnel":"claire@rotation-co.fr","Nom":"Dubois"}`, "e2e-rotation", time.Now()
	src, _ := c.Source("site-contact")
	req, _ := http.NewRequest("POST", staging.URL()+"/v1/sources/site-contact/submissions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Webhook-Id", id)
	req.Header.Set("Webhook-Timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("Webhook-Signature", webhook.SignStandard(testenv.DemoSecret(t, src.Secret), id, now, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var accepted struct{ LeadID string }
	err = json.NewDecoder(resp.Body).Decode(&accepted)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("POST a submission at staging: %d %v", resp.StatusCode, err)
	}
	at := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	h := testenv.HandOff(t, store.NewHandoffs(testenv.DynamoDB(t), store.TablesFrom(testenv.TableEnv(t, names), c)), c, accepted.LeadID, "thomas-martin", at)
	for _, tc := range []struct {
		name, key string
		want      int
	}{
		{"signed with the new key", newKey, 200},
		{"signed with the old key, within the window", oldKey, 200},
		{"signed with a key the secret does not list", stranger, 403},
	} {
		token := handoff.Sign([]byte(tc.key), handoff.Link{Handoff: h.Key, RepID: "thomas-martin", Action: handoff.Contacted, Expires: at.Add(time.Hour)})
		resp, err := http.Get(staging.URL() + "/v1/feedback/" + token)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}

	prod := start("prod", names)
	_, err = prod.Invoke(ctx, "FeedbackFunction", []byte(`{}`))
	var fe *samlocal.FunctionError
	want := "feedback-links (ssm:/handoff/{stage}/feedback-links): key 1 is 16 bytes, at least 32 needed"
	if !errors.As(err, &fe) || fe.Type != "Runtime.InitError" || !strings.Contains(fe.Message, want) || strings.Contains(fe.Message, short) {
		t.Errorf("feedback with a short link key: %v; want an init error naming the secret: %q", err, want)
	}
}
