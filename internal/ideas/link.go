package ideas

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/signed"
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
const (
	prefix = "i1."
	domain = "handoff-ideas-v1|"
)

// Sign makes a link's token, signed with key (the answer links' key, notify.link_secret).
func Sign(key []byte, l Link) string {
	payload := l.RepID + "|" + strconv.FormatInt(l.Expires.Unix(), 10)
	return prefix + signed.Seal(key, domain, payload)
}

// Verify checks a token's form and its signature under any of keys (see handoff.Verify), then its expiry, and
// returns its link.
func Verify(keys signed.Keys, token string, now time.Time) (Link, error) {
	rest, ok := strings.CutPrefix(token, prefix)
	if !ok {
		return Link{}, ErrLinkInvalid
	}
	payload, err := keys.Open(domain, rest)
	if err != nil {
		return Link{}, ErrLinkInvalid
	}
	rep, exp, ok := strings.Cut(payload, "|")
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
