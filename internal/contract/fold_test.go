package contract

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// foldCases are the values where simple folding, lower-casing and full folding disagree, and the README's
// decisions: equals (and in) match when the value is the contract's text once folded; contains when the
// folded text is in the folded value, never ending inside an accented letter.
var foldCases = []struct {
	value, text      string
	equals, contains bool
}{
	// The three the testers found: equals and contains used to disagree on each.
	{"İNDUSTRIE", "industrie", false, false}, // İ is an I with a dot accent: i and U+0307
	{"ΟΔΟΣ", "οδος", true, true},             // final sigma: Σ, σ and ς are one letter
	{"ſaſ", "SAS", true, true},               // the long s is an s
	{"İNDUSTRIE", "i\u0307ndustrie", true, true},
	{"İNDUSTRIE", "ndustrie", false, true},
	{"İ", "i", false, false},               // the dot above belongs to the i: no match ends before it
	{"ıstanbul", "ISTANBUL", false, false}, // no Turkic folding: the dotless ı is not an i
	// ß is ss, both ways, and so is the capital ẞ; the price: Maße (measures) equals Masse (mass).
	{"Straße", "STRASSE", true, true},
	{"STRASSE", "straße", true, true},
	{"Großhandel", "GROSS", false, true},
	{"ẞ", "ss", true, true},
	{"Maße", "Masse", true, true},
	// Other full foldings: ligatures, the Kelvin sign.
	{"ﬁnance", "FINANCE", true, true},
	{"\u212a", "k", true, true},
	// Accents are not case; one accented letter typed two ways is one letter.
	{"Énergie", "Energie", false, false},
	{"ÉNERGIE", "énergie", true, true},
	{"E\u0301nergie", "Énergie", true, true},
	{"Énergie", "E\u0301nergie", true, true},
	{"Été", "E", false, false},
	{"Énergie", "nergie", false, true},
	// Surrounding spaces, of every kind, on both sides.
	{" fr ", "FR", true, true},
	{"\u00a0FR\u202f", " fr\t", true, true},
	{"FRA", "FR", false, true},
	{"", "", true, true},
}

// TestFoldOneWay: equals, in and contains fold case one way (Fold), whether the condition was read from a
// contract (its text folded once, at load) or built in code (folded at each test).
func TestFoldOneWay(t *testing.T) {
	t.Parallel()
	var rules strings.Builder
	rules.WriteString("scoring:\n  thresholds: {mql: 40, sql: 70}\n  fit:\n")
	for i, tc := range foldCases {
		if tc.text == "" {
			continue // the contract refuses an empty text; built in code below
		}
		q := strconv.Quote(tc.text)
		fmt.Fprintf(&rules, "    - {id: eq%d, field: industry, points: 1, equals: %s}\n", i, q)
		fmt.Fprintf(&rules, "    - {id: in%d, field: industry, points: 1, in: [x, %s]}\n", i, q)
		fmt.Fprintf(&rules, "    - {id: co%d, field: industry, points: 1, contains: %s}\n", i, q)
	}
	c, err := Parse("c.yaml", []byte(base+rules.String()))
	if err != nil {
		t.Fatal(err)
	}
	loaded := map[string]Condition{}
	for _, f := range c.Scoring.Fit {
		loaded[f.ID] = f.When
	}
	for i, tc := range foldCases {
		for _, op := range []struct {
			name string
			c    Condition
			want bool
		}{
			{"eq", Condition{Equals: tc.text}, tc.equals},
			{"in", Condition{In: []string{"x", tc.text}}, tc.equals},
			{"co", Condition{Contains: tc.text}, tc.contains},
		} {
			if op.name == "co" && tc.text == "" {
				continue // an empty contains is no condition
			}
			if got := op.c.Test(tc.value); got != op.want {
				t.Errorf("built: %s on %q = %v, want %v", op.c, tc.value, got, op.want)
			}
			if l, ok := loaded[fmt.Sprint(op.name, i)]; ok {
				if got := l.Test(tc.value); got != op.want {
					t.Errorf("loaded: %s on %q = %v, want %v", l, tc.value, got, op.want)
				}
			}
		}
	}
}

// TestFoldIsTheComparisonForm: Fold's forms are what the README says they are.
func TestFoldIsTheComparisonForm(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"  Straße ": "strasse", "ΟΔΟΣ": "οδοσ", "ſ": "s", "İ": "i\u0307", "ı": "ı", "E\u0301": "é", "Énergie": "énergie",
		"TARIFS": "tarifs", "/tarifs": "/tarifs", "ῼ": "ωι", "ᾳ\u0313": "ἀι", // the iota subscript moves past the breathing

	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %+q, want %+q", in, got, want)
		}
	}
}

// TestFoldIsD145: Fold's shortcuts (ASCII lower-cased; no decomposition without the iota subscript) give
// Unicode's canonical caseless form, NFC(toCasefold(NFD(s))), for every character of the BMP alone and followed
// by combining marks in and out of canonical order, the iota subscript among them. A character with no case and
// no decomposition is left out: folding leaves it, and its marks, as they are (but the iota subscript, which
// takes D145's own path), so both forms are NFC of the same text.
func TestFoldIsD145(t *testing.T) {
	t.Parallel()
	fold := cases.Fold()
	d145 := func(s string) string { return norm.NFC.String(fold.String(norm.NFD.String(strings.TrimSpace(s)))) }
	bad := 0
	for r := rune(0); r <= 0xFFFF && bad < 10; r++ {
		if !utf8.ValidRune(r) || unicode.SimpleFold(r) == r && norm.NFD.IsNormalString(string(r)) {
			continue
		}
		for _, marks := range []string{"", "\u0323\u0301", "\u0345\u0313"} {
			if s := string(r) + marks; Fold(s) != d145(s) {
				bad++
				t.Errorf("Fold(%+q) = %+q, D145 says %+q", s, Fold(s), d145(s))
			}
		}
	}
}

// BenchmarkConditionCheck: the cost of a text condition per test, the contract's text folded at load; an
// ASCII value (a URL) takes the fast path, an accented one the full folding.
func BenchmarkConditionCheck(b *testing.B) {
	c, err := Parse("c.yaml", []byte(base+`scoring:
  thresholds: {mql: 40, sql: 70}
  fit:
    - {id: industry, field: industry, points: 1, in: [Agroalimentaire, Industrie, Transport, Logistique, Énergie]}
    - {id: pricing, field: utm_source, points: 1, contains: /tarifs}
`))
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		c    Condition
		v    string
	}{
		{"in-accented", c.Scoring.Fit[0].When, "ÉNERGIE"},
		{"in-ascii", c.Scoring.Fit[0].When, "Logistique"},
		{"contains-url", c.Scoring.Fit[1].When, "https://maintenia.fr/TARIFS?utm_source=newsletter"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tc.c.Test(tc.v)
			}
		})
	}
}
