package contract

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
)

var (
	inFR    = Numbers{Country: "FR", Locale: French}
	inDE    = Numbers{Country: "DE", Locale: French}
	inUS    = Numbers{Country: "US", Locale: French}
	inGB    = Numbers{Country: "GB", Locale: English}
	inCH    = Numbers{Country: "CH", Locale: French}
	inBE    = Numbers{Country: "BE", Locale: French}
	frNoCty = Numbers{Locale: French}
	enNoCty = Numbers{Locale: English}
	nowhere = Numbers{}
)

// TestReadQuantity: company sizes as people type them into forms (free text and the brackets of common form
// builders and CRMs), read with the habits of the lead's country, else the contract's locale. want is the
// quantity ("1200", "250 to 499", "5000 or more"), or "?" and the start of the reason it refused to guess.
func TestReadQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    string
		n    Numbers
		want string
	}{
		// Plain numbers and words around them.
		{"120", inFR, "120"},
		{"25", inFR, "25"},
		{" 80 ", inFR, "80"},
		{"120 salariés", inFR, "120"},
		{"300 employees", inGB, "300"},
		{"300 Mitarbeiter", inDE, "300"},
		{"env. 300", inFR, "300"},
		{"environ 300 personnes", inFR, "300"},
		{"~300", inGB, "300"},
		{"ca. 300 MA", inDE, "300"},
		{"approx 300 FTE", inGB, "300"},
		{"50%", inFR, "50"},
		// Thousands grouped by spaces, whatever the space, and apostrophes (Switzerland).
		{"1 200", inFR, "1200"},
		{"1\u00a0200", inFR, "1200"},
		{"1\u202f200", inFR, "1200"},
		{"1\u2009200", inFR, "1200"},
		{"1 200 salariés", inFR, "1200"},
		{"12 000", inDE, "12000"},
		{"1 200 000", inFR, "1200000"},
		{"1'200", inCH, "1200"},
		{"1’200", inCH, "1200"},
		{"1 200", inUS, "1200"},
		// Commas and dots: the lead's habits decide when the mark could be either.
		{"1,200", inUS, "1200"},
		{"1,200", inGB, "1200"},
		{"1.200", inDE, "1200"},
		{"1.200", inBE, "1200"},
		{"10.000", inDE, "10000"},
		{"1,200", inFR, `? 1.2 or 1200? ("," marks decimals in FR)`},
		{"1.200", inUS, `? 1.2 or 1200? ("." marks decimals in US)`},
		{"1,200", inCH, `? 1.2 or 1200? ("," marks decimals in CH)`},
		{"1.200", inCH, `? 1.2 or 1200? ("." marks decimals in CH)`},
		{"1,200", inDE, `? 1.2 or 1200? ("," marks decimals in DE)`},
		{"1,200", frNoCty, `? 1.2 or 1200? ("," marks decimals in the contract's locale (fr))`},
		{"1,200", enNoCty, "1200"},
		{"1.200", enNoCty, `? 1.2 or 1200? ("." marks decimals in the contract's locale (en))`},
		{"1,200", nowhere, `? 1.2 or 1200? ("," marks decimals with no country or locale)`},
		{"1,200", Numbers{Country: "ZZ", Locale: English}, "1200"}, // unknown country: the contract's locale
		// ... unless the number's own shape says it.
		{"1,000,000", inFR, "1000000"},
		{"1.000.000", inUS, "1000000"},
		{"1.234,5", inUS, "1234.5"},
		{"1,234.5", inDE, "1234.5"},
		{"1 234,5", inFR, "1234.5"},
		{"1 234.5", inFR, "1234.5"},
		{"2,5", inFR, "2.5"},
		{"2,5", inUS, "2.5"},
		{"2.5", inFR, "2.5"},
		{"2,50", inFR, "2.5"},
		{"0,500", inUS, "0.5"},
		{"1234,567", inUS, "1234.567"},
		{"1.2.3", inFR, "? "},
		{"1,234,56", inUS, "? "},
		{"1,5.000", inDE, "? "},
		// Ranges: the brackets of forms and CRMs.
		{"250-499", inFR, "250 to 499"},
		{"250 - 499", inFR, "250 to 499"},
		{"250–499", inFR, "250 to 499"},
		{"250 — 499", inFR, "250 to 499"},
		{"250 à 499", inFR, "250 to 499"},
		{"de 250 à 499 salariés", inFR, "250 to 499"},
		{"entre 250 et 499", inFR, "250 to 499"},
		{"between 250 and 499", inGB, "250 to 499"},
		{"250 to 499 employees", inGB, "250 to 499"},
		{"von 250 bis 499", inDE, "250 to 499"},
		{"250~499", inGB, "250 to 499"},
		{"1-10", inUS, "1 to 10"},
		{"11-50", inUS, "11 to 50"},
		{"51-200", inUS, "51 to 200"},
		{"201-500", inUS, "201 to 500"},
		{"501-1,000", inUS, "501 to 1000"},
		{"1,001-5,000", inUS, "1001 to 5000"},
		{"5,001-10,000", inUS, "5001 to 10000"},
		{"10,001+", inUS, "10001 or more"},
		{"1 000 - 4 999", inFR, "1000 to 4999"},
		{"1.000-4.999", inDE, "1000 to 4999"},
		{"1k-5k", inGB, "1000 to 5000"},
		{"PME (50-249)", inFR, "50 to 249"},
		{"1,001-5,000", inFR, `? 1.001 or 1001? ("," marks decimals in FR)`},
		{"501-1,000", inFR, "501 to 1000"}, // 501 to 1.0 would go down: only 1000 makes a range
		{"499-250", inFR, "? the range goes down"},
		{"10-50k", inGB, "? "},
		{"250 499", inFR, "250499"}, // a space before three digits groups them
		// "entre", "between", "de" are optional: a joining word alone makes a range.
		{"250 et 499", inFR, "250 to 499"},
		{"250 and 499", inGB, "250 to 499"},
		{"250 y 499", Numbers{Country: "ES"}, "250 to 499"},
		{"250 e 499", Numbers{Country: "PT"}, "250 to 499"},
		// ... but not glued to both numbers, and never "e" between digits: scientific notation is not read.
		{"250to499", inGB, "? two numbers, not a range"},
		{"250et499", inFR, "? two numbers, not a range"},
		{"1e3", inFR, "? scientific notation, not read"},
		{"1E3", inGB, "? scientific notation, not read"},
		{"1.2E+03", inUS, "? scientific notation, not read"},
		{"5e-1", inUS, "? scientific notation, not read"},
		{"2e étage", inFR, "2"}, // an ordinal, not a power of ten
		// White space other than the grouping spaces separates and never groups: a tab is two spreadsheet cells.
		{"1\t200", inFR, "? two numbers, not a range"},
		{"1\n200", inFR, "? two numbers, not a range"},
		{"\t120\t", inFR, "120"},
		{"120\tsalariés", inFR, "120"},
		// A dot or comma with no digit before it is a decimal mark, whatever the country.
		{".5", inFR, "0.5"},
		{",5", inFR, "0.5"},
		{",5", inUS, "0.5"},
		{".5", inDE, "0.5"},
		{",500", inUS, "0.5"}, // nothing before it to group: not "1,200"
		{"-.5", inFR, "-0.5"},
		{"(-,5)", inFR, "-0.5"},
		{".5-2", inGB, "0.5 to 2"},
		{"env.300", inFR, "300"}, // glued to a word: an abbreviation's dot
		// Open ranges.
		{"5000+", inFR, "5000 or more"},
		{"5 000+", inFR, "5000 or more"},
		{"+5000", inFR, "5000 or more"},
		{"+ de 5000", inFR, "5000 or more"},
		{"plus de 5 000 salariés", inFR, "5000 or more"},
		{"5000 et plus", inFR, "5000 or more"},
		{"5000 et +", inFR, "5000 or more"},
		{"more than 5,000", inUS, "5000 or more"},
		{"over 10k", inGB, "10000 or more"},
		{"10k+", inGB, "10000 or more"},
		{">5000", inFR, "5000 or more"},
		{"≥ 5000", inFR, "5000 or more"},
		{"mehr als 5.000", inDE, "5000 or more"},
		{"moins de 10", inFR, "up to 10"},
		{"- de 10 salariés", inFR, "up to 10"},
		{"< 10", inFR, "up to 10"},
		{"less than 10", inGB, "up to 10"},
		{"up to 10", inGB, "up to 10"},
		{"jusqu'à 9", inFR, "up to 9"},
		{"jusqu’à 9", inFR, "up to 9"},
		{"weniger als 10", inDE, "up to 10"},
		{"250-499+", inFR, "? a range that is also open-ended"},
		// Scales.
		{"10k", inGB, "10000"},
		{"10 K", inFR, "10000"},
		{"1.5k", inGB, "1500"},
		{"1,5k", inFR, "1500"},
		{"2 Mio", inDE, "2000000"},
		{"1,2 M", inFR, "1200000"},
		{"50 mille", inFR, "50000"},
		{"10 km", inFR, "10"},
		// Signs.
		{"-5", inFR, "-5"},
		{"−3,5", inFR, "-3.5"},
		{"(-3,5)", inFR, "-3.5"},
		// Refusals.
		{"", inFR, "? no number"},
		{"grande", inFR, "? no number"},
		{"N/A", inGB, "? no number"},
		{"2 sites, 300 salariés", inFR, "? two numbers, not a range"},
		{"06 12 34 56 78", inFR, "? 5 numbers"},
		{"1998, 50", inFR, "? two numbers"},
		{"plus de 10 et moins de 50", inFR, "? two numbers"},
	}
	for _, tc := range tests {
		q, err := ReadQuantity(tc.v, tc.n)
		got := ""
		if err != nil {
			got = "? " + err.Error()
		} else {
			got = q.String()
		}
		if strings.HasPrefix(tc.want, "? ") && strings.HasPrefix(got, tc.want) || got == tc.want {
			continue
		}
		t.Errorf("ReadQuantity(%q, %s/%s) = %s, want %s", tc.v, tc.n.Country, tc.n.Locale, got, tc.want)
	}
}

// TestBetween: a number must lie within both ends; a range too, entirely; a range partly within, or a value
// that cannot be read without guessing, does not match and says why.
func TestBetween(t *testing.T) {
	t.Parallel()
	c := Condition{Between: &[2]float64{50, 4999}}
	for _, tc := range []struct {
		v     string
		n     Numbers
		match bool
		note  string
	}{
		{"120", inFR, true, ""},
		{"50", inFR, true, ""},
		{"4999", inFR, true, ""},
		{" 120 salariés", inFR, true, `"120 salariés": 120`},
		{"49", inFR, false, ""},
		{"1 200", inFR, true, `"1 200": 1200`},
		{"1.200", inDE, true, `"1.200": 1200`},
		{"1,200", inUS, true, `"1,200": 1200`},
		{"250-499", inFR, true, `"250-499": 250 to 499`},
		{"250 à 499", inFR, true, `"250 à 499": 250 to 499`},
		{"10-49", inFR, false, ""},
		{"5000+", inFR, false, ""},
		{"4999+", inFR, true, `"4999+": 4999 or more, read as 4999`},
		{"moins de 10", inFR, false, ""},
		{"moins de 100", inFR, true, `"moins de 100": up to 100, read as 100`},
		{"1,200", inFR, false, `"1,200": 1.2 or 1200? ("," marks decimals in FR)`},
		{"10-99", inFR, false, `"10-99" is 10 to 99, partly outside`},
		{"1000-9999", inFR, false, `"1000-9999" is 1000 to 9999, partly outside`},
		{"plus de 1000", inFR, true, `"plus de 1000": 1000 or more, read as 1000`},
		{"grande", inFR, false, `"grande": no number`},
		{"1e3", inFR, false, `"1e3": scientific notation, not read`},
		{"50 et 99", inFR, true, `"50 et 99": 50 to 99`},
		{"1\t200", inFR, false, `"1\t200": two numbers, not a range`},
		{",5", inFR, false, ""}, // 0.5, below 50
		{"", inFR, false, ""},
	} {
		match, note := c.Check(tc.v, tc.n)
		if match != tc.match || note != tc.note {
			t.Errorf("between 50 and 4999 on %q: %v %q, want %v %q", tc.v, match, note, tc.match, tc.note)
		}
	}
}

// TestConditionsTrimAndIgnoreCase: every operator tests the value without surrounding spaces; equals, in and
// contains ignore case (and the contract's own spaces); matches is as written; a missing field is "".
func TestConditionsTrimAndIgnoreCase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c    Condition
		v    string
		want bool
	}{
		{Condition{Equals: "FR"}, " fr ", true},
		{Condition{Equals: "true"}, "TRUE", true},
		{Condition{Equals: "FR"}, "FRA", false},
		{Condition{In: []string{"Transport", " Industrie "}}, "industrie", true},
		{Condition{In: []string{"Énergie"}}, "énergie", true},
		{Condition{In: []string{"Énergie"}}, "Energie", false}, // accents are letters, not case
		{Condition{Contains: "/tarifs"}, "https://maintenia.fr/TARIFS?x", true},
		{Condition{Matches: regexpMust(`^$`)}, "", true}, // a missing job title is the empty string
		{Condition{Matches: regexpMust(`^$`)}, "   ", true},
		{Condition{Matches: regexpMust(`^CEO$`)}, " CEO ", true},
		{Condition{Matches: regexpMust(`^ceo$`)}, "CEO", false}, // (?i) is the rule's to write
		{Condition{Equals: ""}, "", true},
		{Condition{In: []string{}}, "", false},
	} {
		if got := tc.c.Test(tc.v); got != tc.want {
			t.Errorf("%s on %q = %v, want %v", tc.c, tc.v, got, tc.want)
		}
	}
}

// FuzzReadQuantity: whatever the text, reading it never panics, and what it reads is a real range.
func FuzzReadQuantity(f *testing.F) {
	for _, s := range []string{"1 200", "1,200", "250-499", "5000+", "moins de 10", "1.234,5", "-3,5", "10k-50k", "1'200.5", "entre 1 000 et 4 999",
		",5", "-.5", "1e3", "1\t200", "250 and 499"} {
		f.Add(s, "FR")
	}
	f.Add("1,001-5,000", "US")
	f.Fuzz(func(t *testing.T, v, country string) {
		q, err := ReadQuantity(v, Numbers{Country: country, Locale: French})
		if err != nil {
			return
		}
		if math.IsNaN(q.Lo) || math.IsNaN(q.Hi) || q.Lo > q.Hi {
			t.Fatalf("ReadQuantity(%q) = %+v", v, q)
		}
		_ = fmt.Sprint(q)
	})
}

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
