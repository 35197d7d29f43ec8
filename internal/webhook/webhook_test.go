package webhook

import (
	"errors"
	"strconv"
	"testing"
	"time"
)

// The example from the Standard Webhooks specification: an independent check of the scheme.
func TestStandardWebhooksSpecVector(t *testing.T) {
	t.Parallel()
	v, err := New("standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	h := map[string]string{
		"webhook-id":        "msg_p5jXN8AQM9LWM0D4loKWxJek",
		"webhook-timestamp": "1614265330",
		"webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
	}
	id, err := v.Verify(h, []byte(`{"test": 2432232314}`), time.Unix(1614265330, 0).Add(time.Minute))
	if err != nil || id != "msg_p5jXN8AQM9LWM0D4loKWxJek" {
		t.Fatalf("Verify = %q, %v", id, err)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	body := []byte(`{"email":"ana@acme.fr"}`)
	const sw, sw2 = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24="
	stdHeaders := func(secret string, at time.Time, b []byte) map[string]string {
		return map[string]string{"webhook-id": "msg_1", "webhook-timestamp": strconv.FormatInt(at.Unix(), 10),
			"webhook-signature": SignStandard(secret, "msg_1", at, b)}
	}
	wfHeaders := func(secret string, at time.Time, b []byte) map[string]string {
		ts, sig := SignWebflow(secret, at, b)
		return map[string]string{"x-webflow-timestamp": ts, "x-webflow-signature": sig}
	}
	tests := []struct {
		name, scheme, secret string
		headers              map[string]string
		body                 []byte
		wantID               string
		ok                   bool
	}{
		{"standard: valid", "standard-webhooks", sw, stdHeaders(sw, now, body), body, "msg_1", true},
		{"standard: tampered body", "standard-webhooks", sw, stdHeaders(sw, now, body), []byte(`{"email":"eve@x.fr"}`), "", false},
		{"standard: wrong secret", "standard-webhooks", sw, stdHeaders(sw2, now, body), body, "", false},
		{"standard: stale timestamp (replay)", "standard-webhooks", sw, stdHeaders(sw, now.Add(-6*time.Minute), body), body, "", false},
		{"standard: timestamp from the future", "standard-webhooks", sw, stdHeaders(sw, now.Add(6*time.Minute), body), body, "", false},
		{"standard: just inside the tolerance", "standard-webhooks", sw, stdHeaders(sw, now.Add(-4*time.Minute), body), body, "msg_1", true},
		{"standard: missing headers", "standard-webhooks", sw, map[string]string{"webhook-id": "msg_1"}, body, "", false},
		{"standard: sender rotating, two signatures", "standard-webhooks", sw, func() map[string]string {
			h := stdHeaders(sw, now, body)
			h["webhook-signature"] = SignStandard(sw2, "msg_1", now, body) + " " + h["webhook-signature"]
			return h
		}(), body, "msg_1", true},
		{"standard: receiver rotating, two secrets", "standard-webhooks", sw2 + " " + sw, stdHeaders(sw, now, body), body, "msg_1", true},
		{"standard: other version ignored", "standard-webhooks", sw, func() map[string]string {
			h := stdHeaders(sw, now, body)
			h["webhook-signature"] = "v1a," + h["webhook-signature"][3:]
			return h
		}(), body, "", false},
		{"typeform: valid", "typeform", "tf-secret", map[string]string{"typeform-signature": SignTypeform("tf-secret", body)}, body, "", true},
		{"typeform: wrong secret", "typeform", "tf-secret", map[string]string{"typeform-signature": SignTypeform("other", body)}, body, "", false},
		{"typeform: not base64", "typeform", "tf-secret", map[string]string{"typeform-signature": "sha256=%%%"}, body, "", false},
		{"typeform: missing", "typeform", "tf-secret", map[string]string{}, body, "", false},
		{"webflow: valid", "webflow", "wf-secret", wfHeaders("wf-secret", now, body), body, "", true},
		{"webflow: stale", "webflow", "wf-secret", wfHeaders("wf-secret", now.Add(-10*time.Minute), body), body, "", false},
		{"webflow: tampered", "webflow", "wf-secret", wfHeaders("wf-secret", now, body), append(body, ' '), "", false},
		{"shared: bearer", "shared-secret", "s3cret-token", map[string]string{"authorization": "Bearer s3cret-token", "idempotency-key": "zap-42"}, body, "zap-42", true},
		{"shared: header", "shared-secret", "s3cret-token", map[string]string{"x-handoff-token": "s3cret-token"}, body, "", true},
		{"shared: scheme in lower case", "shared-secret", "s3cret-token", map[string]string{"authorization": "bearer s3cret-token"}, body, "", true},
		{"shared: scheme in capitals, two spaces", "shared-secret", "s3cret-token", map[string]string{"authorization": "BEARER  s3cret-token"}, body, "", true},
		{"shared: another scheme", "shared-secret", "s3cret-token", map[string]string{"authorization": "Basic s3cret-token"}, body, "", false},
		{"shared: scheme glued to the token", "shared-secret", "s3cret-token", map[string]string{"authorization": "Bearers3cret-token"}, body, "", false},
		{"shared: wrong", "shared-secret", "s3cret-token", map[string]string{"authorization": "Bearer s3cret-tokem"}, body, "", false},
		{"shared: prefix of the secret", "shared-secret", "s3cret-token", map[string]string{"x-handoff-token": "s3cret"}, body, "", false},
		{"shared: missing", "shared-secret", "s3cret-token", map[string]string{}, body, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := New(tc.scheme, tc.secret)
			if err != nil {
				t.Fatal(err)
			}
			id, err := v.Verify(tc.headers, tc.body, now)
			if tc.ok {
				if err != nil || id != tc.wantID {
					t.Fatalf("Verify = %q, %v; want %q", id, err, tc.wantID)
				}
				return
			}
			var f *Failure
			if !errors.Is(err, ErrUnauthorized) || !errors.As(err, &f) || f.Reason == "" {
				t.Fatalf("Verify = %q, %v; want ErrUnauthorized with a reason", id, err)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ scheme, secret string }{{"standard-webhooks", "whsec_%%%"}, {"typeform", "  "}, {"hmac-md5", "x"}} {
		if _, err := New(c.scheme, c.secret); err == nil {
			t.Errorf("New(%q, %q) succeeded", c.scheme, c.secret)
		}
	}
}
