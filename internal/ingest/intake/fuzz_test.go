package intake

import (
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/lead"
)

// FuzzSubmission: whatever the values, validation never panics, and an accepted submission is clean: a
// lower-case email, names without markup or line breaks, an E.164 phone (or the one written, without a region).
func FuzzSubmission(f *testing.F) {
	f.Add("Claire.Dubois@Acme.fr", "Claire", "Dubois", "06 12 34 56 78", "FR", "2026-11-27T16:00:00Z")
	f.Add("a@b.c", "<b>", "x\r\ny", "+1 415 555 2671", "france", "")
	f.Fuzz(func(t *testing.T, email, first, last, phone, country, at string) {
		s, err := parser.Submission(Fields{"email": email, "first_name": first, "last_name": last, "phone": phone,
			"country": country, "occurred_at": at}, nil, now)
		if err != nil {
			if _, ok := err.(lead.FieldErrors); !ok {
				t.Fatalf("error %T", err)
			}
			return
		}
		c := s.Contact
		if c.Email != strings.ToLower(c.Email) || !strings.Contains(c.Email, "@") {
			t.Fatalf("email %q", c.Email)
		}
		for _, n := range []string{c.FirstName, c.LastName} {
			if strings.ContainsAny(n, "<>\r\n") {
				t.Fatalf("name %q", n)
			}
		}
		if c.Phone != "" && !strings.HasPrefix(c.Phone, "+") {
			t.Fatalf("phone %q is not E.164", c.Phone)
		}
	})
}
