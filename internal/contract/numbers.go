package contract

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Numbers says how a lead writes numbers: the habits of its country (ISO 3166 alpha-2, as ingest normalises
// it), else those of the contract's locale. "1.200" is 1200 in a German form and 1.2 in an English one.
type Numbers struct {
	Country string
	Locale  Locale
}

// Quantity is what a value says about a number: one number (Lo == Hi) or a range, both ends included; Hi is
// +Inf for a range open upwards ("5000+", "plus de 5000"), Lo -Inf for one open downwards ("moins de 10").
type Quantity struct{ Lo, Hi float64 }

// Decimal marks by country. Everywhere else, spaces and apostrophes group thousands ("1 200", "1'200"), and a
// mark followed by other than three digits is a decimal one ("2,5", "2.50"). Countries where both marks are
// decimal ones (Switzerland: 1.5 in German, 1,5 in French; Canada; South Africa) leave "1,200" and "1.200"
// ambiguous.
var (
	commaDecimal = setOf(strings.Fields(`FR BE LU MC DE AT NL ES IT PT DK SE NO FI IS PL CZ SK HU RO BG HR SI RS BA
		ME MK AL GR CY TR RU UA BY LT LV EE MD GE AM AZ KZ BR AR CL CO PE UY PY BO EC VE ID VN MA DZ TN SN CI CM`))
	dotDecimal = setOf(strings.Fields(`US GB IE AU NZ IN PK BD LK CN HK MO TW JP KR SG MY PH TH IL MX GT DO PR NG KE
		GH TZ UG LI`))
	bothDecimal = setOf(strings.Fields(`CH CA ZA`))
)

// decimalMarks returns the marks that may be a decimal one for these habits, and whose habits they are.
func (n Numbers) decimalMarks() (marks string, whose string) {
	c := strings.ToUpper(strings.TrimSpace(n.Country))
	switch {
	case commaDecimal[c]:
		return ",", "in " + c
	case dotDecimal[c]:
		return ".", "in " + c
	case bothDecimal[c]:
		return ",.", "in " + c
	case n.Locale == French:
		return ",", "in the contract's locale (fr)"
	case n.Locale == English:
		return ".", "in the contract's locale (en)"
	}
	return ",.", "with no country or locale"
}

// errUnreadable says why a value's number cannot be read without guessing.
type errUnreadable struct{ why string }

func (e errUnreadable) Error() string { return e.why }

func unreadable(format string, args ...any) error { return errUnreadable{fmt.Sprintf(format, args...)} }

// scientific finds a number in scientific notation: "1e3", "1.2E+03", "5e-1".
var scientific = regexp.MustCompile(`\d[eE][-+\x{2212}]?\d`)

// ErrNoNumber is returned for a value with no number at all.
var ErrNoNumber = errors.New("no number")

// ReadQuantity reads the number or range a value states, as people write them in forms: "1 200 salariés"
// (plain, no-break or narrow no-break spaces), "1'200", "1,200" (English), "1.200" (German), "2,5", "250-499",
// "250 à 499", "entre 250 et 499", "5000+", "plus de 5000", "moins de 10" (up to 10), "10k", "1,5 M". It refuses,
// saying why, what it would have to guess: "1,200" from a French lead (1.2 or 1200?), several numbers that
// are not a range, "10-50k" (10 or 10k?), "1e3" (scientific notation). A dot or comma with no digit before it
// is a decimal mark (".5" is 0.5); a tab or a line break separates numbers but never groups digits.
func ReadQuantity(v string, n Numbers) (Quantity, error) {
	// "1e3" may be 1000 from a spreadsheet, or a code; its "e" is also Portuguese for "and": not guessed.
	if scientific.MatchString(v) {
		return Quantity{}, unreadable("scientific notation, not read")
	}
	toks := tokenize(v)
	var nums []int
	for i, t := range toks {
		if t.kind == tokNumber {
			nums = append(nums, i)
		}
	}
	switch {
	case len(nums) == 0:
		return Quantity{}, ErrNoNumber
	case len(nums) > 2:
		return Quantity{}, unreadable("%d numbers, not one number or a range", len(nums))
	}
	values, err := readNumbers(toks, nums, n)
	if err != nil {
		return Quantity{}, err
	}
	up, down := openEnds(toks, nums)
	if len(nums) == 1 {
		x := values[0]
		switch {
		case up && down:
			return Quantity{}, unreadable("both more and less than %g", x)
		case up:
			return Quantity{x, math.Inf(1)}, nil
		case down:
			return Quantity{math.Inf(-1), x}, nil
		}
		return Quantity{x, x}, nil
	}
	if !joined(toks[nums[0]+1 : nums[1]]) {
		return Quantity{}, unreadable("two numbers, not a range")
	}
	if up || down {
		return Quantity{}, unreadable("a range that is also open-ended")
	}
	if a, b := toks[nums[0]], toks[nums[1]]; (a.scale == 0) != (b.scale == 0) {
		x := values[0]
		if a.scale != 0 {
			x = values[1]
		}
		return Quantity{}, unreadable("one end has a multiplier, not the other (%g or %g?)", x, x*math.Max(a.scale, b.scale))
	}
	if values[0] > values[1] {
		return Quantity{}, unreadable("the range goes down (%g to %g)", values[0], values[1])
	}
	return Quantity{values[0], values[1]}, nil
}

type tokKind int

const (
	tokNumber tokKind = iota
	tokWord           // letters, lower-cased
	tokSymbol         // one character: + - < > ~ ( …
)

type token struct {
	kind     tokKind
	text     string
	negative bool
	glued    bool // a word with digits right before and after it
	// For a number: its digit groups and the separators between them (' ' for spaces and apostrophes).
	groups []string
	seps   []rune
	scale  float64 // 1000 for "10k", 1e6 for "1,5 M"; 0 when none
}

// normalise maps the many spaces, apostrophes and dashes of real forms to one of each. Only the spaces people
// group digits with become ' '; other white space (a tab, a line break: two cells pasted from a spreadsheet)
// separates words and numbers but never groups digits.
func normalise(r rune) rune {
	switch r {
	case '\u00a0', '\u202f', '\u2009', '\u2007', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2008', '\u200a':
		return ' '
	case '\u2019', '\u02bc', '\u2032', '\u00b4':
		return '\''
	case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\ufe63', '\uff0d':
		return '-'
	case '\u2265':
		return '>'
	case '\u2264':
		return '<'
	}
	return r
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// tokenize splits a value into numbers (with their separators, not yet interpreted), words and symbols.
func tokenize(v string) []token {
	src := []rune(v)
	for i, r := range src {
		src[i] = normalise(r)
	}
	var toks []token
	numbers := 0
	for i := 0; i < len(src); {
		r := src[i]
		// A minus sign before the first number, not glued to a word: "-5", "(-3,5)", "-.5"; "250-499" joins two.
		sign := r == '-' && numbers == 0 && (i == 0 || !isWordy(src[i-1])) && (startsDigits(src, i+1) || leadingMark(src, i+1))
		switch {
		case isDigit(r) || sign || leadingMark(src, i):
			t := token{kind: tokNumber, negative: sign}
			if sign {
				i++
			}
			i = readGroups(src, i, &t)
			i = readScale(src, i, &t)
			toks = append(toks, t)
			numbers++
		case unicode.IsLetter(r):
			j := i
			for j < len(src) && unicode.IsLetter(src[j]) {
				j++
			}
			// A word glued to digits on both sides ("1e3", "250to499") is inside a code, not between two numbers.
			glued := i > 0 && isDigit(src[i-1]) && startsDigits(src, j)
			toks = append(toks, token{kind: tokWord, text: strings.ToLower(string(src[i:j])), glued: glued})
			i = j
		case r == ' ' || r == '\'' || unicode.IsSpace(r):
			i++
		default:
			toks = append(toks, token{kind: tokSymbol, text: string(r)})
			i++
		}
	}
	return toks
}

// isWordy reports a character a "-" is glued to when it joins rather than signs: "250-499", "a-5".
func isWordy(r rune) bool { return isDigit(r) || unicode.IsLetter(r) }

func startsDigits(src []rune, i int) bool { return i < len(src) && isDigit(src[i]) }

// leadingMark reports a dot or comma that starts a number, a decimal mark with no digit before it: ".5", ",5",
// "(-,5)". One glued to a word or to another mark is not ("env.300", "v.2", "..5").
func leadingMark(src []rune, i int) bool {
	if i >= len(src) || (src[i] != '.' && src[i] != ',') || !startsDigits(src, i+1) {
		return false
	}
	return i == 0 || !isWordy(src[i-1]) && src[i-1] != '.' && src[i-1] != ','
}

// readGroups reads digit groups joined by separators: a space or apostrophe only before exactly three digits
// (thousands: "1 200", "1'200"; "12 34" is two numbers), a dot or comma before any digits.
func readGroups(src []rune, i int, t *token) int {
	run := func(i int) int {
		for i < len(src) && isDigit(src[i]) {
			i++
		}
		return i
	}
	j := run(i)
	t.groups = append(t.groups, string(src[i:j]))
	for j+1 < len(src) && isDigit(src[j+1]) {
		sep := src[j]
		k := run(j + 1)
		switch sep {
		case ' ', '\'':
			if k-(j+1) != 3 || len(t.groups[0]) > 3 || hasMark(t.seps) {
				return j
			}
		case '.', ',':
		default:
			return j
		}
		t.seps = append(t.seps, sep)
		t.groups = append(t.groups, string(src[j+1:k]))
		j = k
	}
	return j
}

func hasMark(seps []rune) bool {
	for _, s := range seps {
		if s == '.' || s == ',' {
			return true
		}
	}
	return false
}

// scales are the multipliers people append: "10k", "10 K", "1,5 M", "2 Mio".
var scales = map[string]float64{"k": 1e3, "K": 1e3, "mille": 1e3, "thousand": 1e3, "Tsd": 1e3,
	"M": 1e6, "Mio": 1e6, "million": 1e6, "millions": 1e6, "Mill": 1e6}

// readScale reads a multiplier right after a number (one space allowed), not followed by another letter.
func readScale(src []rune, i int, t *token) int {
	j := i
	if j < len(src) && src[j] == ' ' {
		j++
	}
	k := j
	for k < len(src) && unicode.IsLetter(src[k]) {
		k++
	}
	if s, ok := scales[string(src[j:k])]; ok && k > j {
		t.scale = s
		return k
	}
	return i
}

// readNumbers interprets the numbers of a value. A dot or comma read one way in one number is read the same
// way in the others ("1,000,000 - 2,5"? no: mixed habits are refused); one that could be either is decided by
// the lead's habits, or, in a range, by the only reading that does not go down.
func readNumbers(toks []token, nums []int, n Numbers) ([]float64, error) {
	known := map[rune]bool{} // mark -> is a decimal mark, from an unambiguous use
	for _, i := range nums {
		for mark, decimal := range evidence(toks[i]) {
			if prev, seen := known[mark]; seen && prev != decimal {
				return nil, unreadable(`"%c" is used both ways`, mark)
			}
			known[mark] = decimal
		}
	}
	marks, whose := n.decimalMarks()
	var ambiguous []rune
	for _, i := range nums {
		if m, ok := ambiguousMark(toks[i]); ok {
			if _, decided := known[m]; !decided && strings.ContainsRune(marks, m) {
				ambiguous = append(ambiguous, m)
			} else if !decided {
				known[m] = false // not a decimal mark for this lead: it groups thousands
			}
		}
	}
	read := func(known map[rune]bool) ([]float64, error) {
		var out []float64
		for _, i := range nums {
			x, err := value(toks[i], known)
			if err != nil {
				return nil, err
			}
			out = append(out, x)
		}
		return out, nil
	}
	if len(ambiguous) == 0 {
		return read(known)
	}
	m := ambiguous[0]
	for _, o := range ambiguous[1:] {
		if o != m {
			return nil, unreadable(`"%c" and "%c" could each be a decimal mark`, m, o)
		}
	}
	var fits [][]float64
	for _, decimal := range []bool{true, false} {
		k := map[rune]bool{m: decimal}
		for mark, d := range known {
			k[mark] = d
		}
		if xs, err := read(k); err == nil && (len(xs) < 2 || xs[0] <= xs[1]) {
			fits = append(fits, xs)
		}
	}
	if len(fits) == 1 && len(nums) == 2 {
		return fits[0], nil
	}
	tok := toks[nums[0]]
	for _, i := range nums {
		if _, ok := ambiguousMark(toks[i]); ok {
			tok = toks[i]
			break
		}
	}
	asDecimal, _ := value(tok, map[rune]bool{m: true})
	asGroup, _ := value(tok, map[rune]bool{m: false})
	return nil, unreadable(`%s or %s? ("%c" marks decimals %s)`, format(asDecimal), format(asGroup), m, whose)
}

func format(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// evidence tells what a number's own shape says of its marks: "1,000,000" groups with commas, "2,5" and
// "1 234,567" use a decimal comma, "1.234,5" groups with dots and uses a decimal comma.
func evidence(t token) map[rune]bool {
	out := map[rune]bool{}
	count := map[rune]int{}
	last := rune(0)
	for _, s := range t.seps {
		if s == '.' || s == ',' {
			count[s]++
			last = s
		}
	}
	switch {
	case count['.'] > 0 && count[','] > 0:
		out[last] = true
		out[other(last)] = false
	case last != 0 && count[last] > 1:
		out[last] = false
	case last != 0:
		if _, ok := ambiguousMark(t); !ok {
			out[last] = true // "2,5", "0,500", "1234,567", "1 234,567": a decimal mark
		}
	}
	return out
}

func other(mark rune) rune {
	if mark == ',' {
		return '.'
	}
	return ','
}

// ambiguousMark reports a number whose only mark could group thousands or mark decimals: one dot or comma,
// followed by exactly three digits, after one to three digits that do not start with 0 ("1,200", "10.000").
func ambiguousMark(t token) (rune, bool) {
	if len(t.seps) != 1 || (t.seps[0] != '.' && t.seps[0] != ',') {
		return 0, false
	}
	first := t.groups[0]
	if len(t.groups[1]) != 3 || first == "" || len(first) > 3 || first[0] == '0' {
		return 0, false // ",500": nothing before the mark to group
	}
	return t.seps[0], true
}

// value computes a number given which marks are decimal ones (a mark not in decimal groups thousands).
func value(t token, decimal map[rune]bool) (float64, error) {
	var b strings.Builder
	b.WriteString(t.groups[0])
	seenDecimal := false
	for k, s := range t.seps {
		g := t.groups[k+1]
		switch {
		case s == ' ' || s == '\'' || ((s == '.' || s == ',') && !decimal[s]):
			if seenDecimal || len(g) != 3 || t.groups[0] == "" || len(t.groups[0]) > 3 || (len(t.groups[0]) > 1 && t.groups[0][0] == '0') {
				return 0, unreadable(`"%c" does not group thousands as written`, s)
			}
		case seenDecimal:
			return 0, unreadable("two decimal marks")
		default:
			b.WriteByte('.')
			seenDecimal = true
		}
		b.WriteString(g)
	}
	x, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		return 0, unreadable("not a number as written")
	}
	if t.scale != 0 {
		x *= t.scale
	}
	if t.negative {
		x = -x
	}
	return x, nil
}

// Words and symbols around a single number that make it an open range.
var (
	moreThan = []string{"+", ">", "plus de", "plus que", "au moins", "au-delà de", "more than", "over", "above",
		"at least", "greater than", "mehr als", "über", "ueber", "ab", "mindestens", "meer dan", "min", "minimum",
		"et plus", "ou plus", "and more", "or more", "and over", "and above", "und mehr", "oder mehr", "en meer", "et +"}
	lessThan = []string{"<", "moins de", "moins que", "jusqu'à", "jusqu à", "au plus", "less than", "fewer than",
		"under", "below", "up to", "at most", "weniger als", "unter", "bis zu", "höchstens", "minder dan", "max",
		"maximum", "- de"}
	rangeJoins = setOf([]string{"-", "~", "à", "a", "au", "to", "bis", "tot", "till", "til", "until", "through",
		"thru", "et", "and", "und", "en", "y", "e"})
)

// openEnds reports whether the words and symbols around the numbers open the range upwards or downwards.
func openEnds(toks []token, nums []int) (up, down bool) {
	var around []string
	for i, t := range toks {
		if t.kind != tokNumber && (i < nums[0] || i > nums[len(nums)-1]) {
			around = append(around, t.text)
		} else {
			around = append(around, "|") // phrases never span a number
		}
	}
	text := " " + strings.Join(around, " ") + " "
	has := func(phrases []string) bool {
		for _, p := range phrases {
			p = strings.ReplaceAll(p, "'", " ")
			if strings.Contains(text, " "+strings.Join(strings.Fields(spaceSymbols(p)), " ")+" ") {
				return true
			}
		}
		return false
	}
	return has(moreThan), has(lessThan)
}

// spaceSymbols puts spaces around symbols, as tokens are joined: "et +" and "et+" read alike.
func spaceSymbols(p string) string {
	var b strings.Builder
	for _, r := range p {
		if !unicode.IsLetter(r) && r != ' ' {
			b.WriteString(" " + string(r) + " ")
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// joined reports whether what stands between two numbers makes them a range: "-", "à", "to", "bis", "et"…
func joined(between []token) bool {
	if len(between) != 1 || between[0].glued {
		return false
	}
	return rangeJoins[between[0].text]
}
