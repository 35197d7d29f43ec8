package contract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// How equals, in and contains ignore case. They used to fold case two ways — strings.EqualFold (simple
// folding) for equals and in, strings.ToLower for contains — and disagreed where the two differ: "ΟΔΟΣ"
// equalled "οδος" but did not contain it, "İNDUSTRIE" contained "industrie" but did not equal it. Now all three
// compare Fold's forms, and so does every caller: fit rules, disqualifiers, `where` and routing's `when` all go
// through Condition.Check.
//
// Fold is Unicode's full case folding (CaseFolding.txt, statuses C and F; not the Turkic T mappings), applied
// to canonically equivalent text (Unicode's "canonical caseless match", D145): "ß" and "ẞ" are "ss", a final
// "ς" is "σ", the long "ſ" is "s", "İ" (U+0130) is "i" followed by a combining dot above, "ı" stays "ı", and
// "É" typed as one character or as "E" and an accent is the same "é". Accents are not case: "É" is never "E".
//
// Cost: a lead's value is folded at each test, the contract's text once (at load). ASCII text (most values,
// nearly every URL) is only lower-cased. D145 decomposes (NFD) before folding because folding moves the Greek
// iota subscript (U+0345) out of the combining marks; the decomposition is skipped for text without it in any
// form (U+0345 itself, or a precomposed letter holding it, all in U+1F80–U+1FFF), where it changes nothing:
// checked over every code point followed by combining marks when this was written, and over the BMP by
// TestFoldIsD145.

// The folding itself is ours rather than golang.org/x/text/cases.Fold, whose language tailoring tables add 0.2 MB
// to every function (the contract is in each): each character's simple folding from Go's own case tables
// (caseFoldRune), and the characters where that is not Unicode's full folding in a table generated from
// cases.Fold (fold_table.go). TestFoldTable checks every code point against cases.Fold.

// Fold returns the form in which equals, in and contains compare text: without surrounding spaces, case
// folded in full, in NFC. Two values are equal for equals and in when their Fold forms are equal.
func Fold(s string) string {
	s = strings.TrimSpace(s)
	if ascii(s) {
		return strings.ToLower(s) // the same result, without the normalisation passes (no allocation when already lower)
	}
	if iotaSubscript(s) {
		s = norm.NFD.String(s)
	}
	return norm.NFC.String(caseFold(s))
}

// caseFold is Unicode's full case folding of s.
func caseFold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if f, ok := fullFolds[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(caseFoldRune(r))
	}
	return b.String()
}

// caseFoldRune is r's simple case folding for every character fullFolds does not list: the lower case of its
// upper case (so "ſ" is "s" and "ς" is "σ", as Unicode folds them), except Cherokee, which Unicode folds to its
// upper case.
func caseFoldRune(r rune) rune {
	if r >= 0x13A0 && r <= 0x13FD || r >= 0xAB70 && r <= 0xABBF {
		return unicode.ToUpper(r)
	}
	return unicode.ToLower(unicode.ToUpper(r))
}

// iotaSubscript reports text that holds the Greek iota subscript, alone or in a precomposed letter.
func iotaSubscript(s string) bool {
	for _, r := range s {
		if r == '\u0345' || r >= 0x1F80 && r <= 0x1FFF {
			return true
		}
	}
	return false
}

// equalLowerASCII reports whether ASCII text v, lower-cased, is folded text k, without allocating.
func equalLowerASCII(v, k string) bool {
	if len(v) != len(k) {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != k[i] {
			return false
		}
	}
	return true
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// containsFolded reports whether folded text s contains folded text sub, where a match may not end between a
// letter and an accent combining with it: the accent belongs to the letter ("İ" folds to "i" and a dot above,
// which does not contain "i", as "É" does not contain "E").
func containsFolded(s, sub string) bool {
	for i := 0; i <= len(s); {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		end := i + j + len(sub)
		if r, _ := utf8.DecodeRuneInString(s[end:]); end == len(s) || !unicode.Is(unicode.M, r) {
			return true
		}
		i += j + 1 // sub is valid UTF-8: it cannot match from the middle of a character
	}
	return false
}
