// Package signed seals a short text payload under an HMAC-SHA256 key into a token safe in a URL path: the links
// the emails carry (answer links, package handoff; ideas links, package ideas). Each kind of link seals under its
// own domain, so a token of one kind never opens as another, even under the same key.
package signed

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// ErrInvalid is a token that is not one Seal made under that key and domain.
var ErrInvalid = errors.New("signed: invalid token")

// b64 decodes strictly: no unused trailing bits set. Strict still skips CR and LF, so decode also checks that
// the text is the canonical encoding of what it decoded: any change to a token is a different, refused token.
var b64 = base64.RawURLEncoding.Strict()

// Seal is "<payload>.<mac>", both unpadded base64url, the MAC being HMAC-SHA256 under key of domain + payload.
func Seal(key []byte, domain, payload string) string {
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(mac(key, domain, payload))
}

// Open checks a token's form and MAC under key and domain, and returns its payload.
func Open(key []byte, domain, token string) (string, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", ErrInvalid
	}
	payload, err1 := decode(p)
	got, err2 := decode(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(got, mac(key, domain, string(payload))) {
		return "", ErrInvalid
	}
	return string(payload), nil
}

func decode(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s {
		return nil, ErrInvalid
	}
	return b, nil
}

func mac(key []byte, domain, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(domain + payload))
	return h.Sum(nil)
}
