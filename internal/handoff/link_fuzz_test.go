package handoff

import (
	"errors"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/signed"
)

// FuzzVerifyLink: a token comes from a URL anyone can type. Whatever it holds, Verify answers without
// panicking, and what it accepts is a claim the key signed.
func FuzzVerifyLink(f *testing.F) {
	key := []byte("fuzz-key-0123456789abcdef")
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	f.Add(Sign(key, Link{Handoff: Key{LeadID: "ld_1", At: now}, RepID: "thomas-martin", Action: Accept, Expires: now.Add(time.Hour)}))
	f.Add("bGR8cnxhY2NlcHR8MQ.AAAA")
	f.Add("...")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := Verify(signed.Keys{key}, token, now)
		if err != nil {
			if !errors.Is(err, ErrLinkInvalid) && !errors.Is(err, ErrLinkExpired) {
				t.Fatalf("error %v", err)
			}
			return
		}
		// What was accepted is exactly a claim the key signed: signing it again verifies to the same claim.
		if again, err := Verify(signed.Keys{key}, Sign(key, c), now); err != nil || again != c {
			t.Fatalf("accepted %q as %+v, which does not round-trip (%+v, %v)", token, c, again, err)
		}
		if c.Action != Contacted && c.Action != Accept && c.Action != Reject {
			t.Fatalf("accepted action %q", c.Action)
		}
	})
}

// FuzzAlteredLink: whatever change the fuzzer makes to a valid token (bytes replaced, inserted, removed at any
// place), the result is refused unless it is the very same token.
func FuzzAlteredLink(f *testing.F) {
	key := []byte("fuzz-key-0123456789abcdef")
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	tok := Sign(key, Link{Handoff: Key{LeadID: "ld_01m8fds7fcg5jb1p85ky3qpd2s", At: now}, RepID: "thomas-martin", Action: Accept, Expires: now.Add(time.Hour)})
	f.Add(uint16(len(tok)-1), uint8(1), []byte("B"))  // the last character of the signature
	f.Add(uint16(len(tok)/2), uint8(0), []byte("\n")) // a line break inside, which base64 skips
	f.Add(uint16(10), uint8(2), []byte("="))
	f.Fuzz(func(t *testing.T, at uint16, cut uint8, insert []byte) {
		i := int(at) % (len(tok) + 1)
		j := min(i+int(cut%4), len(tok))
		altered := tok[:i] + string(insert) + tok[j:]
		if altered == tok {
			return
		}
		if c, err := Verify(signed.Keys{key}, altered, now); err == nil {
			t.Fatalf("altered token %q (from %q) is accepted as %+v", altered, tok, c)
		}
	})
}
