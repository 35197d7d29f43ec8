package feedback

import (
	"errors"
	"testing"
	"time"
)

// FuzzVerifyToken: a token comes from a URL anyone can type. Whatever it holds, Verify answers without
// panicking, and what it accepts is a claim the key signed.
func FuzzVerifyToken(f *testing.F) {
	key := []byte("fuzz-key-0123456789abcdef")
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	f.Add(Sign(key, Claim{LeadID: "ld_1", RepID: "thomas-martin", Action: Accept, Expires: now.Add(time.Hour)}))
	f.Add("bGR8cnxhY2NlcHR8MQ.AAAA")
	f.Add("...")
	f.Fuzz(func(t *testing.T, token string) {
		c, err := Verify(key, token, now)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrExpired) {
				t.Fatalf("error %v", err)
			}
			return
		}
		// What was accepted is exactly a claim the key signed: signing it again verifies to the same claim.
		if again, err := Verify(key, Sign(key, c), now); err != nil || again != c {
			t.Fatalf("accepted %q as %+v, which does not round-trip (%+v, %v)", token, c, again, err)
		}
		if c.Action != Contacted && c.Action != Accept && c.Action != Reject {
			t.Fatalf("accepted action %q", c.Action)
		}
	})
}
