package contract_test

import (
	"os"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
)

// scopeContract is the part of a contract CheckSecretScope reads: two sources and the link key.
func scopeContract(siteSecret, crmSecret, linkSecret string) []byte {
	return []byte(`version: x
sources:
  - id: site-contact
    kind: form
    secret: ` + siteSecret + `
  - id: crm
    kind: crm
    secret: ` + crmSecret + `
notify:
  cc_manager: true
  link_secret: ` + linkSecret + `
`)
}

func TestCheckSecretScope(t *testing.T) {
	t.Parallel()
	const (
		site = "ssm:/handoff/{stage}/sources/site-contact"
		crm  = "secretsmanager:handoff/{stage}/sources/crm"
		link = "ssm:/handoff/{stage}/feedback-links"
	)
	tests := []struct {
		name            string
		site, crm, link string
		scope           contract.SecretScope
		want            []string // each problem's "line: path: part of the message", in order; none when empty
	}{
		{name: "the stage's paths", site: site, crm: crm, link: link},
		{name: "the link key in Secrets Manager", site: site, crm: crm, link: "secretsmanager:handoff/{stage}/feedback-links"},
		{name: "the stage named, checked for it", site: "ssm:/handoff/prod/sources/site-contact", crm: crm, link: "ssm:/handoff/prod/feedback-links",
			scope: contract.SecretScope{Stage: "prod"}},
		{name: "another stage named", site: "ssm:/handoff/dev/sources/site-contact", crm: crm, link: link, scope: contract.SecretScope{Stage: "prod"},
			want: []string{`5: sources[0].secret: source site-contact's secret "ssm:/handoff/dev/sources/site-contact" is not under a stage's path`}},
		{name: "a stage named without --stage", site: "ssm:/handoff/prod/sources/site-contact", crm: crm, link: link,
			want: []string{`5: sources[0].secret: source site-contact's secret "ssm:/handoff/prod/sources/site-contact" names the stage prod: write {stage}`}},
		{name: "no stage (every stage reads it)", site: "ssm:/handoff/sources/site-contact", crm: crm, link: "ssm:/handoff/feedback-links",
			want: []string{`5: sources[0].secret: source site-contact's secret "ssm:/handoff/sources/site-contact" is not under a stage's path`,
				`11: notify.link_secret: the link key "ssm:/handoff/feedback-links" is not under a stage's path`}},
		{name: "another team's parameter", site: "ssm:/prod/other-team/db-password", crm: crm, link: link,
			want: []string{`5: sources[0].secret: source site-contact's secret "ssm:/prod/other-team/db-password" is outside /handoff/`}},
		{name: "climbing out of the sources", site: "ssm:/handoff/{stage}/sources/../feedback-links", crm: crm, link: link,
			want: []string{`5: sources[0].secret: source site-contact's secret "ssm:/handoff/{stage}/sources/../feedback-links" climbs out of its path ("..")`}},
		{name: "the link key as a source's secret", site: "ssm:/handoff/{stage}/feedback-links", crm: crm, link: link,
			want: []string{`5: sources[0].secret: source site-contact's secret "ssm:/handoff/{stage}/feedback-links" names feedback-links: it must be ssm:/handoff/{stage}/sources/site-contact`}},
		{name: "another source's secret", site: site, crm: "ssm:/handoff/{stage}/sources/site-contact", link: link,
			want: []string{`8: sources[1].secret: source crm's secret "ssm:/handoff/{stage}/sources/site-contact" names sources/site-contact: it must be ssm:/handoff/{stage}/sources/crm`}},
		{name: "a source's secret as the link key", site: site, crm: crm, link: "secretsmanager:handoff/{stage}/sources/crm",
			want: []string{`11: notify.link_secret: the link key "secretsmanager:handoff/{stage}/sources/crm" names sources/crm`}},
		{name: "an empty segment", site: "ssm:/handoff/{stage}//sources/site-contact", crm: crm, link: link,
			want: []string{`5: sources[0].secret: source site-contact's secret "ssm:/handoff/{stage}//sources/site-contact" climbs out of its path ("")`}},
		{name: "env: in a deployed contract", site: "env:AWS_SECRET_ACCESS_KEY", crm: crm, link: "env:LINK_KEY",
			want: []string{`5: sources[0].secret: env: references are for unit tests only (--allow-env)`, `11: notify.link_secret: env: references are for unit tests only`}},
		{name: "env: allowed for a test's contract", site: "env:SITE_SECRET", crm: crm, link: "env:LINK_KEY", scope: contract.SecretScope{AllowEnv: true}},
		{name: "env: allowed still checks the others", site: "env:SITE_SECRET", crm: "ssm:/prod/other-team/db-password", link: link, scope: contract.SecretScope{AllowEnv: true},
			want: []string{`8: sources[1].secret: source crm's secret "ssm:/prod/other-team/db-password" is outside /handoff/`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := contract.CheckSecretScope(scopeContract(tt.site, tt.crm, tt.link), tt.scope)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d problem(s), want %d: %v", len(got), len(tt.want), got)
			}
			for i, p := range got {
				if s := strings.TrimPrefix(p.String(""), ":"); !strings.HasPrefix(s, tt.want[i]) {
					t.Errorf("problem %d:\n got %s\nwant %s…", i, s, tt.want[i])
				}
			}
		})
	}
}

// TestStagedReferencesLoad: a reference with the stage's placeholder is a reference Load accepts.
func TestStagedReferencesLoad(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	staged := strings.ReplaceAll(strings.ReplaceAll(string(data), "handoff/sources/", "handoff/{stage}/sources/"), "ssm:/handoff/feedback-links", "ssm:/handoff/{stage}/feedback-links")
	c, err := contract.Parse("staged.yaml", []byte(staged))
	if err != nil {
		t.Fatal(err)
	}
	if c.Notify.LinkSecret != "ssm:/handoff/{stage}/feedback-links" {
		t.Errorf("link secret %q", c.Notify.LinkSecret)
	}
	if problems := contract.CheckSecretScope([]byte(staged), contract.SecretScope{}); len(problems) != 0 {
		t.Errorf("the example with {stage}: %v", problems)
	}
}
