package secrets_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/secrets"
)

// moto is moto's server (SSM and Secrets Manager), started once for this test binary: these tests run the calls
// a function makes at cold start against it, not against a stand-in written here.
var moto *localaws.Service

func TestMain(m *testing.M) {
	os.Exit(func() int {
		root, err := localaws.RepoRoot()
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			moto, err = localaws.StartMoto(ctx, filepath.Join(root, ".venv"), nil)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "moto:", err)
			return 1
		}
		defer moto.Stop()
		return m.Run()
	}())
}

var local = aws.Config{Region: localaws.Region, Credentials: credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, "")}

// put writes secrets into moto (references already expanded).
func put(t *testing.T, values map[string]string) {
	t.Helper()
	for ref, v := range values {
		if err := localaws.PutSecret(context.Background(), moto.Endpoint, ref, v); err != nil {
			t.Fatal(err)
		}
	}
}

// resolve is FromAWS as a function of stage would call it, pointed at moto. Not parallel: t.Setenv.
func resolve(t *testing.T, stage string, refs map[string]string) (map[string]string, error) {
	t.Helper()
	t.Setenv(secrets.StageEnv, stage)
	t.Setenv("AWS_ENDPOINT_URL_SSM", moto.Endpoint)
	t.Setenv("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.Endpoint)
	return secrets.FromAWS(context.Background(), local, refs)
}

// TestThroughMoto: SecureString parameters (decrypted: moto, like SSM, hands back the encrypted form without
// WithDecryption) and Secrets Manager secrets, by stage; a missing one is named with the service's error.
func TestThroughMoto(t *testing.T) {
	put(t, map[string]string{
		"ssm:/handoff/staging/sources/crm":                       "whsec_staging-crm",
		"ssm:/handoff/prod/sources/crm":                          "whsec_prod-crm",
		"secretsmanager:handoff/staging/sources/zapier-linkedin": "zap-staging",
	})
	got, err := resolve(t, "staging", map[string]string{"crm": "ssm:/handoff/{stage}/sources/crm", "zapier-linkedin": "secretsmanager:handoff/{stage}/sources/zapier-linkedin"})
	if err != nil || got["crm"] != "whsec_staging-crm" || got["zapier-linkedin"] != "zap-staging" {
		t.Fatalf("resolved %v, %v", got, err)
	}
	// Seeding again replaces the values (make run restarts against the same moto names).
	put(t, map[string]string{"secretsmanager:handoff/staging/sources/zapier-linkedin": "zap-staging-2"})
	if got, err := resolve(t, "staging", map[string]string{"z": "secretsmanager:handoff/{stage}/sources/zapier-linkedin"}); err != nil || got["z"] != "zap-staging-2" {
		t.Errorf("after a second seed: %v, %v", got, err)
	}
	_, err = resolve(t, "staging", map[string]string{"blog": "ssm:/handoff/{stage}/sources/blog", "tracking": "secretsmanager:handoff/{stage}/sources/tracking"})
	for _, want := range []string{"blog (ssm:/handoff/{stage}/sources/blog): ssm GetParameter: ParameterNotFound",
		"tracking (secretsmanager:handoff/{stage}/sources/tracking): secretsmanager GetSecretValue: ResourceNotFoundException"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing secrets: %v; want %q", err, want)
		}
	}
}

// TestLinkKeysThroughMoto: the link key secret holds one key, or two during a rotation (the new one first); a
// short key refuses the cold start, naming the secret, never its value.
func TestLinkKeysThroughMoto(t *testing.T) {
	newKey, oldKey := "the-new-link-key-of-december-2026-0123", "the-old-link-key-of-november-2026-0123"
	for _, tc := range []struct {
		stage, value string
		keys         []string
		err          string
	}{
		{"dev", newKey, []string{newKey}, ""},
		{"staging", newKey + "\n" + oldKey, []string{newKey, oldKey}, ""},
		{"prod", "short-link-key", nil, "secrets: feedback-links (ssm:/handoff/{stage}/feedback-links): key 1 is 14 bytes, at least 32 needed"},
	} {
		put(t, map[string]string{"ssm:/handoff/" + tc.stage + "/feedback-links": tc.value})
		t.Setenv("AWS_ENDPOINT_URL_SSM", moto.Endpoint)
		t.Setenv(secrets.StageEnv, tc.stage)
		keys, err := secrets.LinkKeys(context.Background(), local, "ssm:/handoff/{stage}/feedback-links")
		if tc.err != "" {
			if err == nil || err.Error() != tc.err || strings.Contains(err.Error(), tc.value) {
				t.Errorf("%s: %v, want %q", tc.stage, err, tc.err)
			}
			continue
		}
		if err != nil || len(keys) != len(tc.keys) {
			t.Fatalf("%s: %q, %v", tc.stage, keys, err)
		}
		for i := range keys {
			if string(keys[i]) != tc.keys[i] {
				t.Errorf("%s: key %d = %q", tc.stage, i+1, keys[i])
			}
		}
	}
}

// TestSeedingAgainOverwrites: the local stack seeds moto at every start; a Secrets Manager secret that exists is
// given its new value (CreateSecret refused as ResourceExistsException, then PutSecretValue), as is a parameter.
func TestSeedingAgainOverwrites(t *testing.T) {
	for _, v := range []string{"first-value", "second-value"} {
		put(t, map[string]string{
			"secretsmanager:handoff/staging/sources/reseeded": "sm-" + v,
			"ssm:/handoff/staging/sources/reseeded":           "ssm-" + v,
		})
	}
	got, err := resolve(t, "staging", map[string]string{
		"sm": "secretsmanager:handoff/{stage}/sources/reseeded", "ssm": "ssm:/handoff/{stage}/sources/reseeded"})
	if err != nil || got["sm"] != "sm-second-value" || got["ssm"] != "ssm-second-value" {
		t.Fatalf("got %v, %v; want the values seeded last", got, err)
	}
}
