package contract

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestMinFitAbsentIsNoMinimum: an absent mql_min_fit / sql_min_fit is no minimum (nil), not a minimum of 0; an
// explicit 0 or a negative minimum is kept as written.
func TestMinFitAbsentIsNoMinimum(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		thresholds string
		mql, sql   string
	}{
		{"{mql: 40, sql: 70}", "none", "none"},
		{"{mql: 40, sql: 70, sql_min_fit: 15}", "none", "15"},
		{"{mql: 40, sql: 70, mql_min_fit: 0, sql_min_fit: -5}", "0", "-5"},
	} {
		c, err := Parse("c.yaml", []byte(base+"scoring:\n  thresholds: "+tc.thresholds+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", tc.thresholds, err)
		}
		show := func(p *float64) string {
			if p == nil {
				return "none"
			}
			return fmt.Sprint(*p)
		}
		if got := show(c.Scoring.MQLMinFit) + " " + show(c.Scoring.SQLMinFit); got != tc.mql+" "+tc.sql {
			t.Errorf("%s: min fits %s, want %s %s", tc.thresholds, got, tc.mql, tc.sql)
		}
	}
}

// TestShortUnbounded: alternatives of 1 to 3 letters without a boundary on both sides are reported; what
// stands next to them (\b, ^, $, a space, a class without letters, a group of those) counts as a boundary.
func TestShortUnbounded(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		re   string
		want string
	}{
		{`(?i)(directeur|directrice|responsable|head of|chef|ceo|coo|cto|dg)`, "ceo coo cto dg"},
		{`(?i)\b(directeur|directrice|responsable|head of|chef|ceo|coo|cto|dg)\b`, ""},
		{`(?i)(étudiant|etudiant|student|stagiaire|alternant)`, ""},
		{`cto`, "cto"},
		{`^cto$`, ""},
		{`(?i)^(ceo|cto)$`, ""},
		{`\bcto`, "cto"}, // one side is not enough: "ctos"
		{`cto\b`, "cto"},
		{`(?i)(^|\s)(dg|pdg)(\s|$)`, ""},
		{`(?i)(^|\s)(dg|pdg)`, "dg pdg"},
		{`(?i)(?:^|[ ,;/-])dg(?:$|[ ,;/-])`, ""},
		{`[ ,]dg[a-z]`, ""}, // not a bare word: dg followed by a letter (dga, dgs) is meant
		{`\s?cto\s`, "cto"}, // an optional separator may be absent
		{`\s+cto\s+`, ""},
		{`(?i)directeur (général|commercial)|dg`, "dg"},
		{`(?P<role>ceo|cfo)\b`, "ceo cfo"},
		{`(?i:\bceo\b|\bcfo\b)`, ""},
		{`(?i)\b(c[et]o|dg)\b`, ""}, // c[et]o is not a literal word; dg is bounded
		{`c.o`, ""},                 // not a literal
		{`ab{2}`, ""},               // quantified: not a plain word
		{`\b\s?dg\b`, ""},           // \b stands before dg whether \s is there or not
		{`[a-z]?dg\b`, ""},          // not a bare word
		{`\x{20}dg\x{20}`, ""},      // hex spaces are separators
		{`\Q.\Edg\Q.\E`, ""},
		{`(a|b)(c|d)`, "a b c d"},
		{`(?i)(achats?|acheteur)`, ""}, // "achats?" has a quantifier; "acheteur" is long
		{`[[:space:]]dg[[:punct:]]`, ""},
		{`(?i)\bresponsable (ops|it)\b`, ""}, // the space before the group is a boundary
		{`(?i)\bresponsable(ops|it)\b`, "ops it"},
	} {
		got := shortUnbounded(tc.re)
		if strings.Join(got, " ") != tc.want {
			t.Errorf("shortUnbounded(%s) = %q, want %q", tc.re, strings.Join(got, " "), tc.want)
		}
	}
}

// TestMatchesWarningsKeepTheContractValid: a warned contract still loads; the warning names the line, the key
// path and the alternatives; rules of every kind (fit, disqualifiers, where, routing) are checked.
func TestMatchesWarningsKeepTheContractValid(t *testing.T) {
	t.Parallel()
	yaml := base + `scoring:
  thresholds: {mql: 40, sql: 70}
  fit:
    - id: boss
      field: job_title
      matches: "(?i)(directeur|ceo|cto|dg)"
      points: 20
    - id: bounded
      field: job_title
      matches: '(?i)\b(ceo|cto)\b'
      points: 5
  behaviour:
    - id: pricing
      type: page_view
      where: {url: {matches: "(fr|en)/tarifs"}}
      points: 10
  disqualifiers:
    - id: student
      field: job_title
      matches: "(?i)(bts|stagiaire)"
`
	c, err := Parse("c.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.String("c.yaml"))
	}
	want := []string{
		`c.yaml:47: scoring.fit[0].matches: "ceo", "cto", "dg" (3 letters or fewer) without a word boundary on both sides also match inside longer words ("cto" in "Doctorant", "dg" in "Budget"); write \b before and after, e.g. \bceo\b`,
		`c.yaml:56: scoring.behaviour[0].where.url.matches: "fr", "en" (3 letters or fewer) without a word boundary on both sides also match inside longer words ("cto" in "Doctorant", "dg" in "Budget"); write \b before and after, e.g. \bfr\b`,
		`c.yaml:61: scoring.disqualifiers[0].matches: "bts" (3 letters or fewer) without a word boundary on both sides also match inside longer words ("cto" in "Doctorant", "dg" in "Budget"); write \b before and after, e.g. \bbts\b`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// FuzzShortUnbounded: whatever regular expression compiles, reading its alternatives neither panics nor loops,
// and every word reported is a literal of 1 to 3 letters of the expression.
func FuzzShortUnbounded(f *testing.F) {
	for _, s := range []string{`(?i)(directeur|cto|dg)`, `\bcto\b`, `[]a]|[^]]`, `(?P<n>a|b)`, `\Qa|b\E`, `a{2,}|\x{41}|\pL`, `[[:alpha:]]x`, `(?i:(?s)a)`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if _, err := regexp.Compile(src); err != nil {
			return
		}
		for _, w := range shortUnbounded(src) {
			if n := len([]rune(w)); n < 1 || n > maxShortWord {
				t.Fatalf("shortUnbounded(%q) reported %q", src, w)
			}
		}
	})
}
