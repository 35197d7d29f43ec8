package intake

import (
	"errors"
	"testing"

	"github.com/handoff-sla/handoff/internal/lead"
)

// TestPostalCode: a postal code is read in any country's form, a French one as five digits; a bad one is a 400
// naming the field.
func TestPostalCode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		postal, country, want string
		bad                   bool
	}{
		{"59000", "France", "59000", false},
		{" 59 000 ", "FR", "59000", false},
		{"59000", "", "59000", false},
		{"sw1a 1aa", "GB", "SW1A 1AA", false},
		{"1000", "BE", "1000", false},
		{"", "FR", "", false},
		{"5900", "FR", "", true},
		{"59000-1", "FR", "", true},
		{"59000 Lille", "", "", true},
		{"<b>59000</b>", "", "", true},
		{"1234567890123", "", "", true},
		{"59\n000", "", "", true},
	} {
		s, err := Parser{DefaultRegion: "FR"}.Submission(Fields{"email": "a@acme.fr", "postal_code": tc.postal, "country": tc.country}, nil, now)
		var fe lead.FieldErrors
		switch {
		case tc.bad && (!errors.As(err, &fe) || len(fe) != 1 || fe[0].Field != "postal_code"):
			t.Errorf("%q: %v, want a postal_code error", tc.postal, err)
		case !tc.bad && (err != nil || s.Contact.PostalCode != tc.want):
			t.Errorf("%q (%s): %q, %v; want %q", tc.postal, tc.country, s.Contact.PostalCode, err, tc.want)
		}
	}
}
