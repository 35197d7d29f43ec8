package lead

import "testing"

// TestMinimised: a submission that refuses consent keeps who refused and the refusal, not the means to reach
// them; any other submission is kept whole.
func TestMinimised(t *testing.T) {
	t.Parallel()
	full := Submission{Contact: Contact{Email: "lea@co.fr", FirstName: "Léa", Phone: "+33612345678", Company: "Co"},
		Message: "Appelez-moi au 06 12 34 56 78", Extra: map[string]string{"Portable": "07 11 22 33 44"}}
	tests := []struct {
		name    string
		consent *Consent
		kept    bool // phone, message and unmapped fields kept
	}{
		{"refused", &Consent{Given: false}, false},
		{"given", &Consent{Given: true}, true},
		{"not asked", nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := full
			s.Consent = tc.consent
			m := s.Minimised()
			kept := m.Contact.Phone != "" && m.Message != "" && len(m.Extra) == 1
			gone := m.Contact.Phone == "" && m.Message == "" && len(m.Extra) == 0
			if tc.kept && !kept || !tc.kept && !gone {
				t.Errorf("phone %q, message %q, extra %v; want them kept: %v", m.Contact.Phone, m.Message, m.Extra, tc.kept)
			}
			if m.Contact.Email != "lea@co.fr" || m.Contact.FirstName != "Léa" || m.Contact.Company != "Co" || m.Consent != tc.consent {
				t.Errorf("who it is and the answer must stay: %+v", m)
			}
		})
	}
}
