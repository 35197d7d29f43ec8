// Package webhook authenticates webhook deliveries: the Standard Webhooks scheme, Typeform's and Webflow's
// signatures, and a shared secret for senders that can only set a header (Zapier, Make, WordPress plugins).
// Every comparison is constant-time, and a failure says nothing to the caller beyond ErrUnauthorized.
package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrUnauthorized is every authentication failure; Reason (for logs) says which.
var ErrUnauthorized = errors.New("unauthorized")

// Tolerance is how far a signed timestamp may be from now: older deliveries are replays.
const Tolerance = 5 * time.Minute

// Failure is an authentication failure with its reason, for the logs only.
type Failure struct{ Reason string }

func (f *Failure) Error() string        { return "unauthorized: " + f.Reason }
func (f *Failure) Is(target error) bool { return target == ErrUnauthorized }

func fail(format string, args ...any) error { return &Failure{Reason: fmt.Sprintf(format, args...)} }

// Verifier authenticates one source's deliveries. Headers have lower-case names (as API Gateway passes them).
// It returns the delivery ID the scheme carries ("" when it has none).
type Verifier interface {
	Verify(headers map[string]string, body []byte, now time.Time) (deliveryID string, err error)
}

// New builds the verifier of a scheme. The secret may hold several values separated by white space: during a
// rotation the old and the new secret are both accepted.
func New(scheme, secret string) (Verifier, error) {
	secrets := strings.Fields(secret)
	if len(secrets) == 0 {
		return nil, errors.New("empty secret")
	}
	switch scheme {
	case "standard-webhooks":
		var keys [][]byte
		for _, s := range secrets {
			k, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(s, "whsec_"))
			if err != nil {
				return nil, errors.New("a standard-webhooks secret is whsec_ followed by base64")
			}
			keys = append(keys, k)
		}
		return standard{keys}, nil
	case "typeform":
		return typeform{raw(secrets)}, nil
	case "webflow":
		return webflow{raw(secrets)}, nil
	case "shared-secret":
		return shared{raw(secrets)}, nil
	}
	return nil, fmt.Errorf("unknown scheme %q", scheme)
}

func raw(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

func mac(key []byte, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

// fresh checks a signed timestamp against the tolerance.
func fresh(ts, now time.Time) error {
	if d := now.Sub(ts); d > Tolerance || d < -Tolerance {
		return fail("timestamp %s is outside ±%s", ts.UTC().Format(time.RFC3339), Tolerance)
	}
	return nil
}

// standard is https://www.standardwebhooks.com: webhook-id, webhook-timestamp (Unix seconds) and
// webhook-signature ("v1,<base64>" values separated by spaces) over "id.timestamp.body".
type standard struct{ keys [][]byte }

func (s standard) Verify(h map[string]string, body []byte, now time.Time) (string, error) {
	id, ts, sigs := h["webhook-id"], h["webhook-timestamp"], h["webhook-signature"]
	if id == "" || ts == "" || sigs == "" {
		return "", fail("missing webhook-id, webhook-timestamp or webhook-signature")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", fail("webhook-timestamp is not a number")
	}
	if err := fresh(time.Unix(sec, 0), now); err != nil {
		return "", err
	}
	for _, k := range s.keys {
		want := mac(k, []byte(id), []byte("."), []byte(ts), []byte("."), body)
		for _, sig := range strings.Fields(sigs) {
			version, value, ok := strings.Cut(sig, ",")
			if !ok || version != "v1" {
				continue
			}
			got, err := base64.StdEncoding.DecodeString(value)
			if err == nil && hmac.Equal(got, want) {
				return id, nil
			}
		}
	}
	return "", fail("no signature matches")
}

// typeform: Typeform-Signature: sha256=<base64 HMAC-SHA256 of the body>.
type typeform struct{ keys [][]byte }

func (t typeform) Verify(h map[string]string, body []byte, _ time.Time) (string, error) {
	v, ok := strings.CutPrefix(h["typeform-signature"], "sha256=")
	if !ok {
		return "", fail("missing typeform-signature")
	}
	got, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", fail("typeform-signature is not base64")
	}
	for _, k := range t.keys {
		if hmac.Equal(got, mac(k, body)) {
			return "", nil
		}
	}
	return "", fail("no signature matches")
}

// webflow: x-webflow-timestamp (Unix milliseconds) and x-webflow-signature (hex HMAC-SHA256 of
// "timestamp:body").
type webflow struct{ keys [][]byte }

func (w webflow) Verify(h map[string]string, body []byte, now time.Time) (string, error) {
	ts, sig := h["x-webflow-timestamp"], h["x-webflow-signature"]
	if ts == "" || sig == "" {
		return "", fail("missing x-webflow-timestamp or x-webflow-signature")
	}
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", fail("x-webflow-timestamp is not a number")
	}
	if err := fresh(time.UnixMilli(ms), now); err != nil {
		return "", err
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return "", fail("x-webflow-signature is not hex")
	}
	for _, k := range w.keys {
		if hmac.Equal(got, mac(k, []byte(ts), []byte(":"), body)) {
			return "", nil
		}
	}
	return "", fail("no signature matches")
}

// shared: "Authorization: Bearer <secret>" or "X-Handoff-Token: <secret>"; an Idempotency-Key header, when
// present, is the delivery ID.
type shared struct{ keys [][]byte }

func (s shared) Verify(h map[string]string, _ []byte, _ time.Time) (string, error) {
	token := h["x-handoff-token"]
	// RFC 9110 §11.1: the scheme is case-insensitive; one or more spaces separate it from the token.
	if scheme, credentials, ok := strings.Cut(h["authorization"], " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimLeft(credentials, " ")
	}
	if token == "" {
		return "", fail("missing authorization or x-handoff-token")
	}
	// Hash both sides so the comparison takes the same time whatever the lengths.
	got := sha256.Sum256([]byte(token))
	for _, k := range s.keys {
		want := sha256.Sum256(k)
		if hmac.Equal(got[:], want[:]) {
			return h["idempotency-key"], nil
		}
	}
	return "", fail("token does not match")
}

// SignStandard signs a body the Standard Webhooks way; senders (and tests, and the local demo) use it.
func SignStandard(secret, id string, ts time.Time, body []byte) string {
	k, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	t := strconv.FormatInt(ts.Unix(), 10)
	return "v1," + base64.StdEncoding.EncodeToString(mac(k, []byte(id), []byte("."), []byte(t), []byte("."), body))
}

// SignTypeform signs a body the way Typeform does.
func SignTypeform(secret string, body []byte) string {
	return "sha256=" + base64.StdEncoding.EncodeToString(mac([]byte(secret), body))
}

// SignWebflow signs a body the way Webflow does, for a timestamp in milliseconds.
func SignWebflow(secret string, ts time.Time, body []byte) (timestamp, signature string) {
	t := strconv.FormatInt(ts.UnixMilli(), 10)
	return t, hex.EncodeToString(mac([]byte(secret), []byte(t), []byte(":"), body))
}
