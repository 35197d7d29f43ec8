package intake

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/lead"
)

var (
	now    = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	parser = Parser{DefaultRegion: "FR", ActivityTypes: map[string]bool{"page_view": true, "content_download": true,
		"webinar_attended": true, "email_click": true, "demo_request": true, "trade_show_visit": true}}
)

func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	out := map[string]string{}
	if err == nil {
		return out
	}
	var fe lead.FieldErrors
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is not lead.FieldErrors", err)
	}
	for _, f := range fe {
		out[f.Field] = f.Message
	}
	return out
}

func TestSubmissionNormalises(t *testing.T) {
	t.Parallel()
	s, err := parser.Submission(Fields{
		"email": "  Claire.Dubois@Acme-Industrie.FR ", "first_name": "  Claire   Anne ", "last_name": "Dubois",
		"phone": "06 12 34 56 78", "country": "france", "company": "ACME Industrie", "consent": "oui",
		"utm_source": "linkedin", "utm_campaign": "audit-2026", "referrer": "https://www.google.com/",
		"message": "Bonjour,\nnous avons 40 machines.",
	}, map[string]string{"Nombre de sites": "3"}, now)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Contact
	if c.Email != "claire.dubois@acme-industrie.fr" || c.EmailOriginal != "Claire.Dubois@Acme-Industrie.FR" {
		t.Errorf("email = %q (original %q)", c.Email, c.EmailOriginal)
	}
	if c.FirstName != "Claire Anne" || c.Phone != "+33612345678" || c.Country != "FR" || c.CompanyDomain != "acme-industrie.fr" || c.FreeMail {
		t.Errorf("contact = %+v", c)
	}
	if s.Consent == nil || !s.Consent.Given || !s.Consent.At.Equal(now) {
		t.Errorf("consent = %+v", s.Consent)
	}
	if s.Attribution.UTMSource != "linkedin" || s.Attribution.Referrer != "https://www.google.com/" {
		t.Errorf("attribution = %+v", s.Attribution)
	}
	if s.Extra["nombre_de_sites"] != "3" || !strings.Contains(s.Message, "\n") {
		t.Errorf("extra = %v, message %q", s.Extra, s.Message)
	}
}

func TestSubmissionFreeMailAndPhones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields Fields
		phone  string
		domain string
		free   bool
	}{
		{"free mail takes the domain from the website", Fields{"email": "jean@gmail.com", "website": "https://www.atelier-jean.fr/x"}, "", "atelier-jean.fr", true},
		{"international number whatever the country", Fields{"email": "a@b.io", "phone": "+1 415 555 2671", "country": "FR"}, "+14155552671", "b.io", false},
		{"country of the lead wins over the default", Fields{"email": "a@b.be", "phone": "0470 12 34 56", "country": "BE"}, "+32470123456", "b.be", false},
		{"default region when no country", Fields{"email": "a@b.fr", "phone": "01 23 45 67 89"}, "+33123456789", "b.fr", false},
	}
	for _, tc := range tests {
		s, err := parser.Submission(tc.fields, nil, now)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if s.Contact.Phone != tc.phone || s.Contact.CompanyDomain != tc.domain || s.Contact.FreeMail != tc.free {
			t.Errorf("%s: phone %q domain %q free %v", tc.name, s.Contact.Phone, s.Contact.CompanyDomain, s.Contact.FreeMail)
		}
	}
	// Without a default region a national number is kept as written.
	s, err := Parser{}.Submission(Fields{"email": "a@b.fr", "phone": " 01 23 45 67 89 "}, nil, now)
	if err != nil || s.Contact.Phone != "01 23 45 67 89" {
		t.Errorf("no region: %q, %v", s.Contact.Phone, err)
	}
}

func TestSubmissionRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields Fields
		extra  map[string]string
		want   map[string]string // field -> part of the message
	}{
		{"no email", Fields{"first_name": "Ana"}, nil, map[string]string{"email": "is required"}},
		{"bad email", Fields{"email": "ana@@x.fr"}, nil, map[string]string{"email": "must be an email address"}},
		{"display name in email", Fields{"email": "Ana <ana@x.fr>"}, nil, map[string]string{"email": "must be an email address"}},
		{"email without a dot in the domain", Fields{"email": "ana@localhost"}, nil, map[string]string{"email": "must be an email address"}},
		{"CR/LF in a name", Fields{"email": "a@x.fr", "first_name": "Ana\r\nBcc: x@y.z"}, nil, map[string]string{"first_name": "one line"}},
		{"HTML in a name", Fields{"email": "a@x.fr", "last_name": "<script>alert(1)</script>"}, nil, map[string]string{"last_name": "without markup"}},
		{"link in a name", Fields{"email": "a@x.fr", "last_name": "win https://spam.example"}, nil, map[string]string{"last_name": "without markup or links"}},
		{"name too long", Fields{"email": "a@x.fr", "first_name": strings.Repeat("é", 101)}, nil, map[string]string{"first_name": "at most 100"}},
		{"control character", Fields{"email": "a@x.fr", "company": "Acme\x07"}, nil, map[string]string{"company": "control characters"}},
		{"bad phone", Fields{"email": "a@x.fr", "phone": "06 12"}, nil, map[string]string{"phone": "not a valid phone number for FR"}},
		{"letters in phone", Fields{"email": "a@x.fr", "phone": "call me"}, nil, map[string]string{"phone": "must be a phone number"}},
		{"bad country", Fields{"email": "a@x.fr", "country": "Gaule"}, nil, map[string]string{"country": "ISO 3166-1"}},
		{"bad website", Fields{"email": "a@x.fr", "website": "javascript:alert(1)"}, nil, map[string]string{"website": "http(s) URL"}},
		{"bad consent", Fields{"email": "a@x.fr", "consent": "maybe"}, nil, map[string]string{"consent": "yes or no"}},
		{"consent date without consent", Fields{"email": "a@x.fr", "consent_at": "2026-11-27T10:00:00Z"}, nil, map[string]string{"consent_at": "without consent"}},
		{"future occurred_at", Fields{"email": "a@x.fr", "occurred_at": "2027-01-01T00:00:00Z"}, nil, map[string]string{"occurred_at": "in the future"}},
		{"too many extra fields", Fields{"email": "a@x.fr"}, manyFields(31), map[string]string{"body": "at most 30"}},
		{"several at once", Fields{"email": "x", "country": "ZZ", "phone": "?"}, nil, map[string]string{"email": "", "country": "", "phone": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parser.Submission(tc.fields, tc.extra, now)
			got := fieldsOf(t, err)
			if len(got) != len(tc.want) {
				t.Fatalf("bad fields = %v, want %v", got, tc.want)
			}
			for f, part := range tc.want {
				if msg, ok := got[f]; !ok || !strings.Contains(msg, part) {
					t.Errorf("%s: %q, want it to contain %q", f, msg, part)
				}
			}
		})
	}
}

func manyFields(n int) map[string]string {
	out := map[string]string{}
	for i := 0; i < n; i++ {
		out[strings.Repeat("f", i+1)] = "v"
	}
	return out
}

func TestActivityAndOutcome(t *testing.T) {
	t.Parallel()
	ref, a, err := parser.Activity(Fields{"email": "A@X.fr", "type": "page_view", "url": "https://maintenia.fr/tarifs",
		"occurred_at": "2026-11-27T15:00:00+01:00", "utm_source": "newsletter"}, map[string]string{"Scroll": "80%"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if ref.Email != "a@x.fr" || a.Type != "page_view" || a.Properties["url"] != "https://maintenia.fr/tarifs" ||
		a.Properties["utm_source"] != "newsletter" || a.Properties["x_scroll"] != "80%" || !a.OccurredAt.Equal(time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("activity = %+v %+v", ref, a)
	}
	tests := []struct {
		name   string
		fields Fields
		bad    string
	}{
		{"unknown type", Fields{"lead_id": "ld_01jdqz5v8p0000000000000000", "type": "teleport"}, "type"},
		{"page view needs a url", Fields{"email": "a@x.fr", "type": "page_view"}, "url"},
		{"no lead", Fields{"type": "demo_request"}, "email"},
		{"bad lead id", Fields{"lead_id": "42", "type": "demo_request"}, "lead_id"},
		{"custom type is fine", Fields{"email": "a@x.fr", "type": "trade_show_visit"}, ""},
	}
	for _, tc := range tests {
		_, _, err := parser.Activity(tc.fields, nil, now)
		got := fieldsOf(t, err)
		if (tc.bad == "") != (len(got) == 0) || (tc.bad != "" && got[tc.bad] == "") {
			t.Errorf("%s: bad fields %v, want %q", tc.name, got, tc.bad)
		}
	}

	_, won, err := parser.Outcome(Fields{"email": "a@x.fr", "type": "deal_won", "amount": "12500.5", "currency": "eur", "crm_id": "OPP-9"}, now)
	if err != nil || won.Properties["amount"] != "12500.50" || won.Properties["currency"] != "EUR" || won.Properties["crm_id"] != "OPP-9" {
		t.Errorf("won = %+v, %v", won, err)
	}
	for name, tc := range map[string]struct {
		f   Fields
		bad []string
	}{
		"won without amount":      {Fields{"email": "a@x.fr", "type": "deal_won"}, []string{"amount"}},
		"amount with no money":    {Fields{"email": "a@x.fr", "type": "deal_won", "amount": "-3", "currency": "euros"}, []string{"amount", "currency"}},
		"lost without a reason":   {Fields{"email": "a@x.fr", "type": "deal_lost"}, []string{"reason"}},
		"amount without currency": {Fields{"email": "a@x.fr", "type": "opportunity_created", "amount": "10"}, []string{"currency"}},
		"unknown outcome":         {Fields{"email": "a@x.fr", "type": "deal_maybe"}, []string{"type"}},
	} {
		_, _, err := parser.Outcome(tc.f, now)
		got := fieldsOf(t, err)
		if len(got) != len(tc.bad) {
			t.Errorf("%s: bad fields %v, want %v", name, got, tc.bad)
		}
		for _, f := range tc.bad {
			if got[f] == "" {
				t.Errorf("%s: %s not reported", name, f)
			}
		}
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	a, b := lead.NewLeadID(now), lead.NewLeadID(now.Add(time.Millisecond))
	if !leadIDPattern.MatchString(a) || a == b || a > b {
		t.Errorf("lead IDs %q, %q: want well-formed, unique and ordered by time", a, b)
	}
	// Computed twice: the same source, delivery and index must give the same ID (a redelivery is recognised).
	first, again := lead.ActivityID("s", "d1", 0), lead.ActivityID("s", "d1", 0)
	if first != again || first == lead.ActivityID("s", "d1", 1) || first == lead.ActivityID("t", "d1", 0) {
		t.Error("activity IDs must be a function of source, delivery and index")
	}
}
