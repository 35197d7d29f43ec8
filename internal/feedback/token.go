// Package feedback is how sales answer an SQL: signed, expiring links bound to a lead, a rep and an action.
package feedback

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Actions a rep can take on an SQL.
const (
	Contacted = "contacted"
	Accept    = "accept"
	Reject    = "reject"
)

// Claim is what a link allows: one action, on one lead, by one rep, until Expires.
type Claim struct {
	LeadID, RepID, Action string
	Expires               time.Time
}

// Token errors; a page answers both with 403.
var (
	ErrInvalid = errors.New("feedback link: invalid")
	ErrExpired = errors.New("feedback link: expired")
)

// b64 decodes strictly: no unused trailing bits set. Strict still skips CR and LF, so decode also checks that
// the text is the canonical encoding of what it decoded: any change to a token is a different, refused token.
var b64 = base64.RawURLEncoding.Strict()

func decode(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s {
		return nil, ErrInvalid
	}
	return b, nil
}

// Sign makes the link token for a claim.
func Sign(key []byte, c Claim) string {
	payload := strings.Join([]string{c.LeadID, c.RepID, c.Action, strconv.FormatInt(c.Expires.Unix(), 10)}, "|")
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(mac(key, payload))
}

// Verify checks a token's signature, then its expiry, and returns its claim.
func Verify(key []byte, token string, now time.Time) (Claim, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Claim{}, ErrInvalid
	}
	payload, err1 := decode(p)
	got, err2 := decode(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(got, mac(key, string(payload))) {
		return Claim{}, ErrInvalid
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 4 {
		return Claim{}, ErrInvalid
	}
	exp, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil {
		return Claim{}, ErrInvalid
	}
	c := Claim{LeadID: parts[0], RepID: parts[1], Action: parts[2], Expires: time.Unix(exp, 0)}
	switch c.Action {
	case Contacted, Accept, Reject:
	default:
		return Claim{}, ErrInvalid
	}
	if !now.Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("handoff-feedback-v1|" + payload))
	return h.Sum(nil)
}
