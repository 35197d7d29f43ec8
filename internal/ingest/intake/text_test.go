package intake

import (
	"strings"
	"testing"
)

// TestCharacterRules: every text field refuses invalid UTF-8, noncharacters (how the adapters pass on JSON's
// lone surrogates), bidirectional controls, tag characters, and values made only of invisible characters;
// invisible characters around a value are trimmed.
func TestCharacterRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		fields Fields
		extra  map[string]string
		want   map[string]string // field -> part of the message
	}{
		{"invalid UTF-8 in a name (a form's %FF%FE)", Fields{"email": "a@x.fr", "last_name": "\xff\xfe"}, nil, map[string]string{"last_name": "valid Unicode"}},
		{"invalid UTF-8 after valid text", Fields{"email": "a@x.fr", "company": "Acm\xc3"}, nil, map[string]string{"company": "valid Unicode"}},
		{"lone surrogate as the adapters pass it on", Fields{"email": "a@x.fr", "first_name": "Ana\ufdd0"}, nil, map[string]string{"first_name": "valid Unicode"}},
		{"noncharacter U+FFFF", Fields{"email": "a@x.fr", "job_title": "DG\uffff"}, nil, map[string]string{"job_title": "valid Unicode"}},
		{"invalid UTF-8 in the message", Fields{"email": "a@x.fr", "message": "ligne 1\nligne \xe9"}, nil, map[string]string{"message": "valid Unicode"}},
		{"invalid UTF-8 in an unmapped field", Fields{"email": "a@x.fr"}, map[string]string{"Ville": "Orl\xe9ans"}, map[string]string{"Ville": "valid Unicode"}},
		{"invalid UTF-8 in a URL", Fields{"email": "a@x.fr", "website": "https://acme.fr/\xff"}, nil, map[string]string{"website": "valid Unicode"}},
		{"invalid UTF-8 in the email", Fields{"email": "an\xffa@x.fr"}, nil, map[string]string{"email": "valid Unicode"}},
		{"right-to-left override in a name", Fields{"email": "a@x.fr", "last_name": "\u202eDubois"}, nil, map[string]string{"last_name": "bidirectional"}},
		{"isolate in a company", Fields{"email": "a@x.fr", "company": "Acme \u2067SA\u2069"}, nil, map[string]string{"company": "bidirectional"}},
		{"override in the email", Fields{"email": "a\u202e@x.fr"}, nil, map[string]string{"email": "bidirectional"}},
		{"override in a UTM value", Fields{"email": "a@x.fr", "utm_campaign": "\u202dnoel"}, nil, map[string]string{"utm_campaign": "bidirectional"}},
		{"override in an unmapped field", Fields{"email": "a@x.fr"}, map[string]string{"page": "/contact\u202e"}, map[string]string{"page": "bidirectional"}},
		{"tag characters smuggling text", Fields{"email": "a@x.fr", "job_title": "CEO\U000E0049\U000E0047\U000E004E"}, nil, map[string]string{"job_title": "tag characters"}},
		{"zero-width-only first name", Fields{"email": "a@x.fr", "first_name": "\u200b\u200b"}, nil, map[string]string{"first_name": "visible characters"}},
		{"joiner and BOM only last name", Fields{"email": "a@x.fr", "last_name": "\ufeff\u200d\u2060"}, nil, map[string]string{"last_name": "visible characters"}},
		{"Hangul filler name", Fields{"email": "a@x.fr", "first_name": "\u3164"}, nil, map[string]string{"first_name": "visible characters"}},
		{"invisible-only company", Fields{"email": "a@x.fr", "company": "\u200c"}, nil, map[string]string{"company": "visible characters"}},
		{"invisible-only email", Fields{"email": "\u200b"}, nil, map[string]string{"email": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parser.Submission(tc.fields, tc.extra, now)
			got := fieldsOf(t, err)
			for field, part := range tc.want {
				if msg, ok := got[field]; !ok || !strings.Contains(msg, part) {
					t.Errorf("%s: %q, want a message with %q (all: %v)", field, msg, part, got)
				}
			}
		})
	}
}

func TestInvisibleCharactersAreTrimmed(t *testing.T) {
	t.Parallel()
	s, err := parser.Submission(Fields{
		"email": "\ufeffana@x.fr\u200b", "first_name": "\u200bAna\u200b", "last_name": "\ufeffDubois ",
		"company": "Mehr\u200cnoush", // ZWNJ inside a word is Persian spelling: kept
	}, map[string]string{"page": "\u200b", "campagne": " noël\u200e"}, now)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Contact
	if c.Email != "ana@x.fr" || c.FirstName != "Ana" || c.LastName != "Dubois" || c.Company != "Mehr\u200cnoush" {
		t.Errorf("contact = %+v", c)
	}
	if _, kept := s.Extra["page"]; kept || s.Extra["campagne"] != "noël" {
		t.Errorf("extra = %+q (an invisible-only unmapped field is dropped like an empty one)", s.Extra)
	}
}

// TestEmailIdentity: the address that decides who the lead is. Compatibility characters are normalised (NFKC)
// and the address lower-cased, so the Kelvin sign or full-width letters name the same person as plain ASCII;
// a UTF-8 domain is converted to its ASCII (punycode) form, as mail systems resolve it; a UTF-8 local part is
// accepted (RFC 6531), normalised the same way. The address as typed is kept beside it.
func TestEmailIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, email, domain string
		free               bool
	}{
		{"kate@acme-industrie.fr", "kate@acme-industrie.fr", "acme-industrie.fr", false},
		{"\u212Aate@acme-industrie.fr", "kate@acme-industrie.fr", "acme-industrie.fr", false}, // Kelvin sign
		{"ｋａｔｅ＠ａｃｍｅ-industrie.fr", "kate@acme-industrie.fr", "acme-industrie.fr", false},      // full width
		{"Kate@ACME-Industrie.FR", "kate@acme-industrie.fr", "acme-industrie.fr", false},
		{"claire@société-générale.fr", "claire@xn--socit-gnrale-eebbcb.fr", "xn--socit-gnrale-eebbcb.fr", false},
		{"claire@SOCIÉTÉ-générale.fr", "claire@xn--socit-gnrale-eebbcb.fr", "xn--socit-gnrale-eebbcb.fr", false},
		{"claire@xn--socit-gnrale-eebbcb.fr", "claire@xn--socit-gnrale-eebbcb.fr", "xn--socit-gnrale-eebbcb.fr", false},
		{"josé@gmail.com", "josé@gmail.com", "", true},
		{"JOSÉ@acme.fr", "josé@acme.fr", "acme.fr", false},
		{"müller@straße.de", "müller@xn--strae-oqa.de", "xn--strae-oqa.de", false},
	}
	for _, tc := range tests {
		s, err := parser.Submission(Fields{"email": tc.raw}, nil, now)
		if err != nil {
			t.Errorf("%q: %v", tc.raw, err)
			continue
		}
		if c := s.Contact; c.Email != tc.email || c.CompanyDomain != tc.domain || c.FreeMail != tc.free || c.EmailOriginal != tc.raw {
			t.Errorf("%q: email %q domain %q free %v original %q, want %q %q %v", tc.raw, c.Email, c.CompanyDomain, c.FreeMail, c.EmailOriginal, tc.email, tc.domain, tc.free)
		}
	}
	for _, bad := range []string{
		"ana@xn--zz.fr",                          // invalid punycode
		"ana@exa mple.fr",                        // space
		"ana@-acme.fr",                           // hyphen at the start of a label
		"ana@acme_industrie.fr",                  // underscore in a host name
		"ana@" + strings.Repeat("é", 64) + ".fr", // label too long once encoded
		"ana@\u0663\u0661.fr\u05d0",              // mixed directions against the bidi rule
		strings.Repeat("a", 65) + "@acme.fr",
	} {
		if _, err := parser.Submission(Fields{"email": bad}, nil, now); fieldsOf(t, err)["email"] == "" {
			t.Errorf("%q accepted", bad)
		}
	}
	// Activities and outcomes name their lead with the same rule.
	if ref, _, err := parser.Activity(Fields{"email": "\u212Aate@ACME-industrie.fr", "type": "demo_request"}, nil, now); err != nil || ref.Email != "kate@acme-industrie.fr" {
		t.Errorf("activity lead = %+v, %v", ref, err)
	}
}
