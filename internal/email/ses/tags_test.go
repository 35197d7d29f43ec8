package ses_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/mailtag"
)

// TestConfigurationSetAndTags: every email names the sender's configuration set (whose event destination publishes its
// bounces) and carries its tags, as SES v2's SendEmail request spells them; without one it names none.
func TestConfigurationSetAndTags(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, set string
		env       bool
	}{{"configured", "handoff-dev", true}, {"not configured", "", false}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got struct {
				ConfigurationSetName *string
				EmailTags            []struct{ Name, Value string }
			}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
					t.Error(err)
				}
				accept(w)
			}))
			t.Cleanup(srv.Close)
			cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}
			s := ses.New(ses.NewClient(cfg, aws.String(srv.URL)))
			if tc.env {
				s.ConfigurationSet = tc.set
			}
			m := email.Message{From: &mail.Address{Address: "sla@example.com"}, To: []*mail.Address{{Address: "rep@example.com"}},
				Subject: "s", HTML: "<p>h</p>", Text: "t", Tags: mailtag.SQL("ld_X", at, 1).Tags()}
			if _, err := s.Send(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			if tc.env && (got.ConfigurationSetName == nil || *got.ConfigurationSetName != tc.set) || !tc.env && got.ConfigurationSetName != nil {
				t.Errorf("ConfigurationSetName %v, want %q", got.ConfigurationSetName, tc.set)
			}
			tags := map[string][]string{}
			for _, tg := range got.EmailTags {
				tags[tg.Name] = append(tags[tg.Name], tg.Value)
			}
			if ref, err := mailtag.Parse(tags); err != nil || ref.Kind != mailtag.KindSQL || ref.LeadID != "ld_X" || !ref.HandoffAt.Equal(at) || ref.Assignment != 1 {
				t.Errorf("tags %v read as %+v, %v", got.EmailTags, ref, err)
			}
		})
	}
}
