package handoff

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Link is what a feedback link allows: one action, on one hand-off, by one rep, until Expires. Links only ever
// open a page (GET changes nothing: mail scanners open every link); the page posts the answer.
type Link struct {
	Handoff Key
	RepID   string
	Action  Action
	Expires time.Time
}

// LinkTTL is how long a feedback link works.
const LinkTTL = 30 * 24 * time.Hour

// Link errors; the page answers both with 403.
var (
	ErrLinkInvalid = errors.New("feedback link: invalid")
	ErrLinkExpired = errors.New("feedback link: expired")
)

// b64 decodes strictly: no unused trailing bits set. Strict still skips CR and LF, so decode also checks that
// the text is the canonical encoding of what it decoded: any change to a token is a different, refused token.
var b64 = base64.RawURLEncoding.Strict()

func decode(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s {
		return nil, ErrLinkInvalid
	}
	return b, nil
}

// Sign makes a link's token: its payload and an HMAC-SHA256 of it under key.
func Sign(key []byte, l Link) string {
	payload := strings.Join([]string{l.Handoff.LeadID, strconv.FormatInt(l.Handoff.At.UnixMilli(), 10), l.RepID, string(l.Action),
		strconv.FormatInt(l.Expires.Unix(), 10)}, "|")
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(mac(key, payload))
}

// Verify checks a token's signature, then its expiry, and returns its link.
func Verify(key []byte, token string, now time.Time) (Link, error) {
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return Link{}, ErrLinkInvalid
	}
	payload, err1 := decode(p)
	got, err2 := decode(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(got, mac(key, string(payload))) {
		return Link{}, ErrLinkInvalid
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 5 {
		return Link{}, ErrLinkInvalid
	}
	at, err1 := strconv.ParseInt(parts[1], 10, 64)
	exp, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil {
		return Link{}, ErrLinkInvalid
	}
	l := Link{Handoff: Key{LeadID: parts[0], At: time.UnixMilli(at).UTC()}, RepID: parts[2], Action: Action(parts[3]), Expires: time.Unix(exp, 0)}
	switch l.Action {
	case Contacted, Accept, Reject:
	default:
		return Link{}, ErrLinkInvalid
	}
	if !now.Before(l.Expires) {
		return l, ErrLinkExpired
	}
	return l, nil
}

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("handoff-feedback-v2|" + payload))
	return h.Sum(nil)
}
