package webhook

import (
	"errors"
	"testing"
	"time"
)

// FuzzVerify: whatever the headers and body, every scheme answers without panicking, and a failure is always
// ErrUnauthorized.
func FuzzVerify(f *testing.F) {
	now := time.Unix(1614265330, 0)
	f.Add("msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", []byte(`{"test": 2432232314}`))
	f.Add("", "", "sha256=abc", []byte("a=b"))
	f.Add("x", "-1", "v1, v1,", []byte{})
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		for _, scheme := range []string{"standard-webhooks", "typeform", "webflow", "shared-secret"} {
			v, err := New(scheme, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
			if err != nil {
				t.Fatal(err)
			}
			h := map[string]string{"webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig,
				"typeform-signature": sig, "x-webflow-timestamp": ts, "x-webflow-signature": sig, "authorization": sig}
			if _, err := v.Verify(h, body, now); err != nil && !errors.Is(err, ErrUnauthorized) {
				t.Fatalf("%s: %v is not ErrUnauthorized", scheme, err)
			}
		}
	})
}
