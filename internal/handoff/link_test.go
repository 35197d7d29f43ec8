package handoff

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/signed"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	key := []byte("k3y")
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	c := Link{Handoff: Key{LeadID: "ld_1", At: now}, RepID: "thomas-martin", Action: Accept, Expires: now.Add(14 * 24 * time.Hour)}
	tok := Sign(key, c)
	got, err := Verify(signed.Keys{key}, tok, now)
	if err != nil || got.Handoff != c.Handoff || got.RepID != "thomas-martin" || got.Action != Accept || !got.Expires.Equal(c.Expires) {
		t.Fatalf("Verify = %+v, %v", got, err)
	}
	other := Sign(key, Link{Handoff: Key{LeadID: "ld_1", At: now}, RepID: "sophie-bernard", Action: Accept, Expires: c.Expires})
	payload, sig, _ := strings.Cut(tok, ".")
	otherPayload, _, _ := strings.Cut(other, ".")
	tests := map[string]struct {
		token string
		at    time.Time
		want  error
	}{
		"expired":                             {tok, c.Expires, ErrLinkExpired},
		"another key":                         {Sign([]byte("other"), c), now, ErrLinkInvalid},
		"another rep's payload, my signature": {otherPayload + "." + sig, now, ErrLinkInvalid},
		"tampered signature":                  {payload + "." + sig[:len(sig)-2] + "AA", now, ErrLinkInvalid},
		"no signature":                        {payload, now, ErrLinkInvalid},
		"garbage":                             {"%%%.%%%", now, ErrLinkInvalid},
		"unknown action":                      {Sign(key, Link{Handoff: Key{LeadID: "l", At: now}, RepID: "r", Action: "delete", Expires: c.Expires}), now, ErrLinkInvalid},
	}
	for name, tc := range tests {
		if _, err := Verify(signed.Keys{key}, tc.token, tc.at); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", name, err, tc.want)
		}
	}
}

// TestEveryAlteredTokenIsRefused: any change to a token — a character replaced, inserted or removed, anywhere —
// is refused. Base64's unused trailing bits and its ignored line breaks made some changes invisible.
func TestEveryAlteredTokenIsRefused(t *testing.T) {
	t.Parallel()
	key := []byte("k3y")
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	tok := Sign(key, Link{Handoff: Key{LeadID: "ld_01m8fds7fcg5jb1p85ky3qpd2s", At: now}, RepID: "thomas-martin", Action: Reject, Expires: now.Add(time.Hour)})
	alphabet := "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/\r\n %"
	tried := 0
	for _, m := range mutations(tok, alphabet) {
		tried++
		if _, err := Verify(signed.Keys{key}, m, now); err == nil {
			t.Errorf("altered token %q (from %q) is accepted", m, tok)
		}
	}
	if tried < 10000 {
		t.Fatalf("only %d alterations tried", tried)
	}
}

// mutations are tok with one character replaced, inserted or removed, each different from tok.
func mutations(tok, alphabet string) []string {
	var out []string
	for i := 0; i <= len(tok); i++ {
		for _, c := range alphabet {
			if i < len(tok) && tok[i] != byte(c) {
				out = append(out, tok[:i]+string(c)+tok[i+1:])
			}
			out = append(out, tok[:i]+string(c)+tok[i:])
		}
		if i < len(tok) {
			out = append(out, tok[:i]+tok[i+1:])
		}
	}
	return out
}
