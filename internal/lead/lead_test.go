package lead

import (
	"testing"
	"time"
)

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

// TestLatest: the latest answer is the one given last, whatever the order the two arrive in; a no wins a tie.
func TestLatest(t *testing.T) {
	t.Parallel()
	nine, ten := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	yes9, no10, yes10, no9 := &Consent{Given: true, At: nine}, &Consent{Given: false, At: ten}, &Consent{Given: true, At: ten}, &Consent{Given: false, At: nine}
	tests := []struct {
		name            string
		held, submitted *Consent
		want            *Consent
	}{
		{"never answered, nothing asked", nil, nil, nil},
		{"a first answer", nil, no10, no10},
		{"a form that does not ask", yes9, nil, yes9},
		{"a later no", yes9, no10, no10},
		{"an earlier no delivered late", yes10, no9, yes10},
		{"an earlier yes delivered late", no10, yes9, no10},
		{"a later yes", no9, yes10, yes10},
		{"a yes and a no at one instant: the no", no10, yes10, no10},
		{"a no and a yes at one instant: the no", yes10, no10, no10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Latest(tc.held, tc.submitted); got != tc.want {
				t.Errorf("Latest(%+v, %+v) = %+v, want %+v", tc.held, tc.submitted, got, tc.want)
			}
		})
	}
}
