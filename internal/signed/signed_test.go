package signed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"testing"
)

// TestSeal: a token is the payload and HMAC-SHA256(key, domain+payload), unpadded base64url — the layout the
// answer links had before this package, so the links already in inboxes still open.
func TestSeal(t *testing.T) {
	key, domain, payload := []byte("k3y"), "handoff-feedback-v2|", "ld_1|1764576000000|thomas-martin|accept|1767168000"
	h := hmac.New(sha256.New, key)
	h.Write([]byte(domain + payload))
	want := base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(h.Sum(nil))
	if got := Seal(key, domain, payload); got != want {
		t.Fatalf("Seal = %s, want %s", got, want)
	}
	if got, err := Open(key, domain, want); err != nil || got != payload {
		t.Fatalf("Open = %q, %v", got, err)
	}
}

// TestOpenRefuses: another key, another domain, a changed payload or MAC, a non-canonical encoding, a line break.
func TestOpenRefuses(t *testing.T) {
	key, domain := []byte("k3y"), "d1|"
	good := Seal(key, domain, "rep|123")
	for name, tc := range map[string]struct {
		key    []byte
		domain string
		token  string
	}{
		"another key":       {[]byte("other"), domain, good},
		"another domain":    {key, "d2|", good},
		"payload changed":   {key, domain, base64.RawURLEncoding.EncodeToString([]byte("rep|124")) + good[len("cmVwfDEyMw"):]},
		"mac changed":       {key, domain, good[:len(good)-1] + map[bool]string{true: "A", false: "B"}[good[len(good)-1] != 'A']},
		"no dot":            {key, domain, "cmVwfDEyMw"},
		"line break":        {key, domain, good[:4] + "\n" + good[4:]},
		"padding":           {key, domain, good + "="},
		"empty":             {key, domain, ""},
		"trailing bits set": {key, domain, "cmVwfDEyMx." + good[len("cmVwfDEyMw."):]},
	} {
		if _, err := Open(tc.key, tc.domain, tc.token); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v, want ErrInvalid", name, err)
		}
	}
}
