package handoff

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/signed"
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

// domain is what answer links are sealed under (package signed): "v2" since links name the rep.
const domain = "handoff-feedback-v2|"

// Sign makes a link's token: its payload and an HMAC-SHA256 of it under key.
func Sign(key []byte, l Link) string {
	payload := strings.Join([]string{l.Handoff.LeadID, strconv.FormatInt(l.Handoff.At.UnixMilli(), 10), l.RepID, string(l.Action),
		strconv.FormatInt(l.Expires.Unix(), 10)}, "|")
	return signed.Seal(key, domain, payload)
}

// Verify checks a token's signature under any of keys (the link key secret's: during a rotation, a link signed
// with the old key still opens), then its expiry, and returns its link.
func Verify(keys signed.Keys, token string, now time.Time) (Link, error) {
	payload, err := keys.Open(domain, token)
	if err != nil {
		return Link{}, ErrLinkInvalid
	}
	parts := strings.Split(payload, "|")
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
