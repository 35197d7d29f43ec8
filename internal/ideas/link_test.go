package ideas

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/signed"
)

var key = []byte("0123456789abcdef0123456789abcdef")

func TestLink(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	good := Sign(key, Link{RepID: "thomas-martin", Expires: now.Add(LinkTTL)})
	answer := handoff.Sign(key, handoff.Link{Handoff: handoff.Key{LeadID: "ld_1", At: now}, RepID: "thomas-martin", Action: handoff.Accept, Expires: now.Add(time.Hour)})
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	for _, tc := range []struct {
		name  string
		key   []byte
		token string
		at    time.Time
		want  error
	}{
		{"good", key, good, now, nil},
		{"just before expiry", key, good, now.Add(LinkTTL - time.Second), nil},
		{"expired", key, good, now.Add(LinkTTL), ErrLinkExpired},
		{"another key", []byte("another key, 32 bytes long......"), good, now, ErrLinkInvalid},
		{"payload tampered", key, flip(good, len(prefix)+2), now, ErrLinkInvalid},
		{"signature tampered", key, flip(good, len(good)-3), now, ErrLinkInvalid},
		{"no prefix", key, strings.TrimPrefix(good, prefix), now, ErrLinkInvalid},
		{"an answer link's token", key, answer, now, ErrLinkInvalid},
		{"an answer link's token behind the prefix", key, prefix + answer, now, ErrLinkInvalid},
		{"empty", key, "", now, ErrLinkInvalid},
		{"line break inside", key, good[:10] + "\n" + good[10:], now, ErrLinkInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l, err := Verify(signed.Keys{tc.key}, tc.token, tc.at)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if err == nil && (l.RepID != "thomas-martin" || !l.Expires.Equal(now.Add(LinkTTL))) {
				t.Errorf("link = %+v", l)
			}
		})
	}
	// The other way: an ideas token is never an answer link.
	if _, err := handoff.Verify(signed.Keys{key}, good, now); !errors.Is(err, handoff.ErrLinkInvalid) {
		t.Errorf("handoff.Verify(an ideas token) = %v, want ErrLinkInvalid", err)
	}
}

func TestURL(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	u := URL(key, "https://sla.example.com/", "sophie-bernard", now)
	token, ok := strings.CutPrefix(u, "https://sla.example.com/v1/ideas/")
	if !ok {
		t.Fatalf("URL = %q", u)
	}
	l, err := Verify(signed.Keys{key}, token, now)
	if err != nil || l.RepID != "sophie-bernard" {
		t.Fatalf("Verify(URL's token) = %+v, %v", l, err)
	}
}

func FuzzVerify(f *testing.F) {
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	f.Add(Sign(key, Link{RepID: "r", Expires: now.Add(time.Hour)}))
	f.Add("i1..")
	f.Fuzz(func(t *testing.T, token string) {
		l, err := Verify(signed.Keys{key}, token, now)
		if err == nil && Sign(key, l) != token {
			t.Errorf("Verify accepted %q, not what Sign makes of its link", token)
		}
	})
}
