package contract

import (
	"maps"
	"strings"
	"testing"
)

// consentSources appends three sources to base (42 lines then): a generic form mapping its e-mail field, a
// Typeform form and a tracking source. "consent:" starts at line 60.
const consentSources = `sources:
  - id: site
    kind: form
    format: generic
    auth: standard-webhooks
    secret: env:SITE
    mapping:
      "E-mail professionnel": email
  - id: audit
    kind: form
    format: typeform
    auth: typeform
    secret: env:AUDIT
  - id: tracking
    kind: activities
    format: generic
    auth: standard-webhooks
    secret: env:TRACKING
`

// siteMapping is consentSources with one more entry in the site's mapping (line 50).
func siteMapping(entry string) string {
	return strings.Replace(consentSources, "email\n", "email\n      "+entry+"\n", 1)
}

// TestConsentSection: the consent section names each form's question and what a missing answer means; the
// question becomes the field ingestion reads consent from, and a contract without the section holds refusals
// only.
func TestConsentSection(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		section   string
		missing   MissingConsent
		declared  bool
		questions map[string]string
		mapping   map[string]string // the site source's mapping after loading
	}{
		{"no section", "", AllowMissing, false, nil, map[string]string{"E-mail professionnel": "email"}},
		{"hold, one question", "consent:\n  missing: hold\n  questions:\n    site: \"J'accepte d'être recontacté\"\n",
			HoldMissing, true, map[string]string{"site": "J'accepte d'être recontacté"},
			map[string]string{"E-mail professionnel": "email", "J'accepte d'être recontacté": "consent"}},
		{"allow, no question", "consent:\n  missing: allow\n", AllowMissing, true, map[string]string{}, map[string]string{"E-mail professionnel": "email"}},
		{"the generic name, said explicitly", "consent:\n  missing: hold\n  questions: {site: consent, audit: contact_ok}\n",
			HoldMissing, true, map[string]string{"site": "consent", "audit": "contact_ok"},
			map[string]string{"E-mail professionnel": "email", "consent": "consent"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("c.yaml", []byte(base+consentSources+tc.section))
			if err != nil {
				t.Fatal(err)
			}
			if c.Consent.Missing != tc.missing || c.Consent.Declared != tc.declared || !maps.Equal(c.Consent.Questions, tc.questions) {
				t.Errorf("consent = %+v, want missing %s, declared %v, questions %v", c.Consent, tc.missing, tc.declared, tc.questions)
			}
			site, _ := c.Source("site")
			if !maps.Equal(site.Mapping, tc.mapping) {
				t.Errorf("site's mapping = %v, want %v", site.Mapping, tc.mapping)
			}
		})
	}
}

// TestInvalidConsentSections: every mistake is named with its line, the keys allowed on a typo, the sources
// that may be named; and the question is said in one place only.
func TestInvalidConsentSections(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		sources string
		section string
		want    []string
	}{
		{"typo in a key", consentSources, "consent:\n  missing: hold\n  question:\n    site: ok\n", []string{
			`c.yaml:62: consent.question: unknown key (allowed here: missing, questions)`}},
		{"missing is required", consentSources, "consent:\n  questions: {site: ok}\n", []string{
			`c.yaml:61: consent.missing: is required`}},
		{"missing in other words", consentSources, "consent:\n  missing: refuse\n", []string{
			`c.yaml:61: consent.missing: must be one of allow, hold, got "refuse"`}},
		{"an empty section", consentSources, "consent:\n", []string{
			`c.yaml:60: consent: must be a mapping of keys, got nothing`}},
		{"questions as a list", consentSources, "consent:\n  missing: hold\n  questions: [site]\n", []string{
			`c.yaml:62: consent.questions: must be a mapping of form source: the field that asks for consent, got a list`}},
		{"unknown source", consentSources, "consent:\n  missing: hold\n  questions:\n    sit: ok\n", []string{
			`c.yaml:63: consent.questions.sit: unknown source "sit" (form sources: audit, site)`}},
		{"a source that is not a form", consentSources, "consent:\n  missing: hold\n  questions:\n    tracking: ok\n", []string{
			`c.yaml:63: consent.questions.tracking: tracking is a source of activities, and only forms ask for consent (form sources: audit, site)`}},
		{"an empty question", consentSources, "consent:\n  missing: hold\n  questions:\n    site: \"\"\n", []string{
			`c.yaml:63: consent.questions.site: must not be empty`}},
		{"a question that is the e-mail field", consentSources, "consent:\n  missing: hold\n  questions:\n    site: E-mail professionnel\n", []string{
			`c.yaml:63: consent.questions.site: "E-mail professionnel" is mapped to email in sources[0].mapping: a field holds one answer`}},
		{"a question named like another lead field", consentSources, "consent:\n  missing: hold\n  questions:\n    audit: phone\n", []string{
			`c.yaml:63: consent.questions.audit: "phone" is the name of the lead field phone: name the form's own field`}},
		{"the question said twice", siteMapping("\"J'accepte\": consent"), "consent:\n  missing: hold\n  questions:\n    site: \"J'accepte\"\n", []string{
			`c.yaml:50: sources[0].mapping.J'accepte: maps "J'accepte" to consent: with a consent section, name the question there (consent.questions.site: "J'accepte")`}},
		{"a mapping to consent beside the section", siteMapping("\"Contact OK\": consent"), "consent:\n  missing: allow\n", []string{
			`c.yaml:50: sources[0].mapping.Contact OK: maps "Contact OK" to consent: with a consent section, name the question there (consent.questions.site: "Contact OK")`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("c.yaml", []byte(base+tc.sources+tc.section))
			checkProblems(t, err, tc.want)
		})
	}
}

// TestExampleContractConsent: the signed contract asks on the site's form and on LinkedIn's (through Zapier),
// and hands off a lead that never answered.
func TestExampleContractConsent(t *testing.T) {
	t.Parallel()
	c, err := Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"site-contact": "J'accepte d'être recontacté", "zapier-linkedin": "consent"}
	if !c.Consent.Declared || c.Consent.Missing != AllowMissing || !maps.Equal(c.Consent.Questions, want) {
		t.Errorf("consent = %+v", c.Consent)
	}
	if s, _ := c.Source("site-contact"); s.Mapping["J'accepte d'être recontacté"] != "consent" {
		t.Errorf("site-contact reads consent from %v", s.Mapping)
	}
}
