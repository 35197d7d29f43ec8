package wordstest

import (
	"strings"
	"testing"
)

// TestProblems: what the scan finds, and what it lets through.
func TestProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		want       []string // substrings of the problems, in order; none: French
	}{
		{"the old fit line", `+20  decision-maker: job_title matches (?i)\b(directeur|responsable)\b`,
			[]string{"(?i)", `\b`, "| between words", `"matches"`, `"job_title"`}},
		{"a class and a wildcard", "student: [a-z]+ et .* partout", []string{"[a-z]", ".*"}},
		{"a negated class, an anchor", "domaine [^@]+$ ^directeur", []string{"[^", "anchor"}},
		{"the old hand-raiser note", "demo_request 27/11 (asked to talk to sales: SQL whatever the score)",
			[]string{`"demo_request"`, `"asked"`, `"talk"`, `"to"`, `"whatever"`, `"the"`}},
		{"round-robin", "Attribution : territoire Nord, round-robin (12 assigned before, weight 1)",
			[]string{`"round-robin"`, `"assigned"`, `"before"`, `"weight"`}},
		{"an unrendered template", "Bonjour {{.RepName}}, %!s(MISSING)", []string{"{{", "%!"}},
		{"French", "Fonction : Directeur industriel — +20\nA consulté la page tarifs (3 fois) — +30\nLe score, les points, le total, le contact, la date, un match, or, on.", nil},
		{"French with a duplicate flag, a range and a ratio", "[!] Cet e-mail peut être un doublon.\n12-15 SQL (80 %) 3/4 A|B? non", []string{"| between words"}},
		{"links and addresses are not prose", "Répondre : https://sla.example.fr/v1/feedback/the-token?a=b|c\nclaire.the@with.fr", nil},
		{"HTML as shown", `<html><head><style>p{color:red} .the-x{}</style></head><body><p title="Score of the lead">Fonction&nbsp;: <b>Directeur</b></p><a href="https://x.fr/for/the">Accepter</a></body></html>`,
			[]string{`"of"`, `"the"`}},
		{"a word inside another is not a word", "Thermostat, Athènes, attribution, dehors, torse", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Problems(tc.text)
			if len(tc.want) == 0 && len(got) > 0 {
				t.Fatalf("problems in French text:\n%s", strings.Join(got, "\n"))
			}
			all := strings.Join(got, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("no problem mentions %q; got:\n%s", w, all)
				}
			}
		})
	}
}

// recorder is a testing.TB that keeps what French reports.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, strings.TrimSpace(strings.ReplaceAll(format, "%s", "")))
}

// TestFrenchReportsEachProblemWithItsSurface: one error per problem, the test going on.
func TestFrenchReportsEachProblemWithItsSurface(t *testing.T) {
	t.Parallel()
	r := &recorder{TB: t}
	French(r, "SQL email (text)", "Attribution : round-robin (?i)")
	if len(r.errs) != 2 {
		t.Fatalf("errors = %q, want 2", r.errs)
	}
	r.errs = nil
	French(r, "SQL email (text)", "Attribution : tour de rôle")
	if len(r.errs) != 0 {
		t.Fatalf("errors on French: %q", r.errs)
	}
}
