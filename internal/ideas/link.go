package ideas

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Link is what an ideas link allows: one rep proposing ideas and giving field feedback until Expires. It is about
// no hand-off: a rep's link, carried by every SQL email and weekly digest the rep receives.
type Link struct {
	RepID   string
	Expires time.Time
}

// LinkTTL is how long an ideas link works: past a month, so that the link of the last digest or SQL email of a
// quiet month still works when the next arrives.
const LinkTTL = 35 * 24 * time.Hour

// Link errors; the page answers both with 403.
var (
	ErrLinkInvalid = errors.New("ideas link: invalid")
	ErrLinkExpired = errors.New("ideas link: expired")
)

// prefix starts every ideas token. An answer link's token (handoff.Sign) is two base64 parts; this one is three,
// the first "i1", and its MAC is under another domain ("handoff-ideas-v1|"): neither verifies as the other, even
// under the same key.
const prefix = "i1."

var b64 = base64.RawURLEncoding.Strict()

// decode decodes strictly and only the canonical encoding (as handoff's links): a changed token is refused.
func decode(s string) ([]byte, error) {
	b, err := b64.DecodeString(s)
	if err != nil || b64.EncodeToString(b) != s {
		return nil, ErrLinkInvalid
	}
	return b, nil
}

// Sign makes a link's token, signed with key (the answer links' key, notify.link_secret).
func Sign(key []byte, l Link) string {
	payload := l.RepID + "|" + strconv.FormatInt(l.Expires.Unix(), 10)
	return prefix + b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(mac(key, payload))
}

// Verify checks a token's form and signature, then its expiry, and returns its link.
func Verify(key []byte, token string, now time.Time) (Link, error) {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok {
		return Link{}, ErrLinkInvalid
	}
	p, sig, ok := strings.Cut(rest, ".")
	if !ok {
		return Link{}, ErrLinkInvalid
	}
	payload, err1 := decode(p)
	got, err2 := decode(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(got, mac(key, string(payload))) {
		return Link{}, ErrLinkInvalid
	}
	rep, exp, ok := strings.Cut(string(payload), "|")
	if !ok || rep == "" {
		return Link{}, ErrLinkInvalid
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return Link{}, ErrLinkInvalid
	}
	l := Link{RepID: rep, Expires: time.Unix(sec, 0).UTC()}
	if !now.Before(l.Expires) {
		return l, ErrLinkExpired
	}
	return l, nil
}

// URL is rep's ideas link, valid LinkTTL from now, on the page served at baseURL (e.g. https://sla.example.com):
// what the SQL email and the weekly digest carry.
func URL(key []byte, baseURL, repID string, now time.Time) string {
	return strings.TrimRight(baseURL, "/") + "/v1/ideas/" + Sign(key, Link{RepID: repID, Expires: now.Add(LinkTTL)})
}

func mac(key []byte, payload string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("handoff-ideas-v1|" + payload))
	return h.Sum(nil)
}
