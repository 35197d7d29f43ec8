package contract

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
)

// Short alternatives without a word boundary are the commonest mistake in a `matches` rule, and every user
// copies the example: `(?i)(directeur|cto|coo|dg)` gives a decision-maker's points to "Doctorant" (cto),
// "Coordinatrice" (coo) and "Budget controller" (dg). A contract that does it still loads (it may be what the
// teams meant); `contract check` warns.

// maxShortWord is the longest alternative, in letters, that is warned about: longer words rarely hide inside
// other words by accident.
const maxShortWord = 3

// shortUnbounded lists the alternatives of a regular expression that are 1 to 3 letters and lack a boundary
// (\b, ^, $, or a character that is not a letter) on at least one side. src has already compiled.
func shortUnbounded(src string) []string {
	p := &rxParser{src: []rune(src)}
	alt := p.alternation()
	var out []string
	checkAlt(alt, false, false, &out)
	return out
}

// rxItem is one element of a sequence: a literal character, a group, or something else.
type rxItem struct {
	lit      rune       // a literal character, when kind is rxLiteral
	alt      [][]rxItem // the alternatives of a group
	kind     rxKind
	optional bool // quantified with ?, * or {0,…}: it may match nothing
	repeated bool // quantified at all
}

type rxKind int

const (
	rxOther    rxKind = iota // may match a letter (., \w, a class with letters, \pL…)
	rxLiteral                // one character
	rxBoundary               // \b, ^, $, \A, \z, or a class without letters (\s, \d, [ ,;-])
	rxGroup                  // (…), (?:…), (?P<name>…), (?i:…)
	rxFlags                  // (?i): matches nothing, changes flags
)

// rxParser reads the structure of a regular expression that compiled: just enough to tell alternatives and
// what stands next to them. regexp/syntax cannot be used for this: its parser factors alternatives
// ("ceo|coo|cto" becomes "c(?:eo|oo|to)").
type rxParser struct {
	src []rune
	pos int
}

func (p *rxParser) alternation() [][]rxItem {
	alt := [][]rxItem{nil}
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '|':
			p.pos++
			alt = append(alt, nil)
			continue
		case ')':
			p.pos++
			return alt
		}
		last := len(alt) - 1
		if optional, ok := p.quantifier(); ok {
			if n := len(alt[last]); n > 0 {
				alt[last][n-1].repeated = true
				alt[last][n-1].optional = alt[last][n-1].optional || optional
			}
			continue
		}
		alt[last] = append(alt[last], p.item())
	}
	return alt
}

var repeat = regexp.MustCompile(`^\{(\d+)(,\d*)?\}`)

// quantifier consumes a quantifier (and its lazy mark) and reports whether it allows zero repetitions.
func (p *rxParser) quantifier() (optional, ok bool) {
	c := p.src[p.pos]
	switch c {
	case '*', '?':
		optional = true
	case '+':
	case '{':
		m := repeat.FindStringSubmatch(string(p.src[p.pos:]))
		if m == nil {
			return false, false // a literal {
		}
		p.pos += len([]rune(m[0])) - 1
		optional = strings.TrimLeft(m[1], "0") == ""
	default:
		return false, false
	}
	p.pos++
	if p.pos < len(p.src) && p.src[p.pos] == '?' {
		p.pos++
	}
	return optional, true
}

func (p *rxParser) item() rxItem {
	c := p.src[p.pos]
	p.pos++
	switch c {
	case '^', '$':
		return rxItem{kind: rxBoundary}
	case '.':
		return rxItem{kind: rxOther}
	case '[':
		return p.class()
	case '(':
		return p.group()
	case '\\':
		return p.escape()
	}
	return rxItem{kind: rxLiteral, lit: c}
}

func (p *rxParser) group() rxItem {
	if p.pos < len(p.src) && p.src[p.pos] == '?' {
		end := p.pos + 1
		for end < len(p.src) && p.src[end] != ')' && p.src[end] != ':' && p.src[end] != '<' && p.src[end] != 'P' {
			end++
		}
		if end < len(p.src) && p.src[end] == ')' { // (?i): flags only
			p.pos = end + 1
			return rxItem{kind: rxFlags}
		}
		if end < len(p.src) && p.src[end] == ':' {
			p.pos = end + 1
		} else if i := strings.IndexRune(string(p.src[p.pos:]), '>'); i >= 0 { // (?P<name> or (?<name>
			p.pos += len([]rune(string(p.src[p.pos:])[:i])) + 1
		}
	}
	return rxItem{kind: rxGroup, alt: p.alternation()}
}

func (p *rxParser) escape() rxItem {
	if p.pos >= len(p.src) {
		return rxItem{kind: rxOther}
	}
	c := p.src[p.pos]
	p.pos++
	switch c {
	case 'b', 'A', 'z':
		return rxItem{kind: rxBoundary}
	case 's', 'd', 'W', 't', 'n', 'r', 'f', 'v':
		return rxItem{kind: rxBoundary}
	case 'p', 'P':
		if p.pos < len(p.src) && p.src[p.pos] == '{' {
			p.skipPast('}')
		} else {
			p.pos++
		}
		return rxItem{kind: rxOther}
	case 'x':
		start := p.pos
		if p.pos < len(p.src) && p.src[p.pos] == '{' {
			p.skipPast('}')
		} else {
			p.pos = min(p.pos+2, len(p.src))
		}
		var r rune
		if _, err := fmt.Sscanf(strings.Trim(string(p.src[start:p.pos]), "{}"), "%x", &r); err == nil {
			return rxItem{kind: rxLiteral, lit: r}
		}
		return rxItem{kind: rxOther}
	case 'Q':
		// \Q…\E is literal text: keep it as one "other" item unless it is a separator.
		end := strings.Index(string(p.src[p.pos:]), `\E`)
		text := string(p.src[p.pos:])
		if end >= 0 {
			text = text[:end]
			p.pos += len([]rune(text)) + 2
		} else {
			p.pos = len(p.src)
		}
		if strings.IndexFunc(text, unicode.IsLetter) < 0 && text != "" {
			return rxItem{kind: rxBoundary}
		}
		return rxItem{kind: rxOther}
	}
	if unicode.IsLetter(c) || unicode.IsDigit(c) { // \w, \B, \S, \D, \pN, octal…: may stand inside a word
		return rxItem{kind: rxOther}
	}
	return rxItem{kind: rxLiteral, lit: c} // an escaped punctuation character
}

func (p *rxParser) skipPast(end rune) {
	for p.pos < len(p.src) && p.src[p.pos] != end {
		p.pos++
	}
	p.pos = min(p.pos+1, len(p.src))
}

// class reads a bracketed class and tells whether it can match a letter.
func (p *rxParser) class() rxItem {
	start := p.pos - 1
	i := p.pos
	if i < len(p.src) && p.src[i] == '^' {
		i++
	}
	if i < len(p.src) && p.src[i] == ']' {
		i++
	}
	for i < len(p.src) && p.src[i] != ']' {
		switch {
		case p.src[i] == '\\':
			i++
		case p.src[i] == '[' && i+1 < len(p.src) && p.src[i+1] == ':':
			if j := strings.Index(string(p.src[i:]), ":]"); j >= 0 {
				i += len([]rune(string(p.src[i:])[:j])) + 1
			}
		}
		i++
	}
	p.pos = min(i+1, len(p.src))
	re, err := syntax.Parse(string(p.src[start:p.pos]), syntax.Perl)
	if err != nil || re.Op != syntax.OpCharClass {
		return rxItem{kind: rxOther}
	}
	for k := 0; k+1 < len(re.Rune); k += 2 {
		lo, hi := re.Rune[k], re.Rune[k+1]
		if hi-lo > 0x3000 {
			return rxItem{kind: rxOther}
		}
		for r := lo; r <= hi; r++ {
			if unicode.IsLetter(r) {
				return rxItem{kind: rxOther}
			}
		}
	}
	return rxItem{kind: rxBoundary}
}

// checkAlt walks alternatives knowing whether a boundary stands right before (left) and right after (right).
func checkAlt(alt [][]rxItem, left, right bool, out *[]string) {
	for _, seq := range alt {
		items := seq[:0:0]
		for _, it := range seq {
			if it.kind != rxFlags {
				items = append(items, it)
			}
		}
		if w, start, end, ok := shortWord(items); ok && (!edge(items[:start], left, false) || !edge(items[end:], right, true)) {
			*out = append(*out, w)
		}
		for i, it := range items {
			if it.kind == rxGroup {
				checkAlt(it.alt, edge(items[:i], left, false), edge(items[i+1:], right, true), out)
			}
		}
	}
}

// shortWord finds an alternative that is a word of 1 to 3 letters, alone or with separators around it (\bcto,
// ^dg, \s?ceo): it returns the word and where it starts and ends among the items.
func shortWord(items []rxItem) (word string, start, end int, ok bool) {
	start = -1
	for i, it := range items {
		letter := it.kind == rxLiteral && !it.repeated && unicode.IsLetter(it.lit)
		switch {
		case letter && start < 0:
			start, end = i, i+1
		case letter && end == i:
			end = i + 1
		case letter:
			return "", 0, 0, false // a second word
		case it.kind == rxBoundary || it.kind == rxLiteral && !unicode.IsLetter(it.lit) || it.kind == rxGroup && bounds(it, true) && bounds(it, false):
		default:
			return "", 0, 0, false // something that may match letters: not a bare word
		}
	}
	if start < 0 || end-start > maxShortWord {
		return "", 0, 0, false
	}
	var b strings.Builder
	for _, it := range items[start:end] {
		b.WriteRune(it.lit)
	}
	return b.String(), start, end, true
}

// edge reports whether the items beside a word put a boundary against it: the nearest item that is always
// there decides; optional separators are looked through; with none, the context outside (outer) decides.
// after is true for the items that follow the word.
func edge(items []rxItem, outer, after bool) bool {
	for i := range items {
		k := len(items) - 1 - i
		if after {
			k = i
		}
		it := items[k]
		if !it.optional {
			return bounds(it, after)
		}
		optional := it
		optional.optional = false
		if !bounds(optional, after) {
			return false
		}
	}
	return outer
}

// bounds reports whether an item always puts a boundary next to its neighbour: first is true when the item
// follows the neighbour (its first character counts), false when it precedes it (its last one counts).
func bounds(it rxItem, first bool) bool {
	if it.optional {
		return false
	}
	switch it.kind {
	case rxBoundary:
		return true
	case rxLiteral:
		return !unicode.IsLetter(it.lit)
	case rxGroup:
		for _, seq := range it.alt {
			var edge *rxItem
			for i := range seq {
				k := i
				if !first {
					k = len(seq) - 1 - i
				}
				if seq[k].kind != rxFlags {
					edge = &seq[k]
					break
				}
			}
			if edge == nil || !bounds(*edge, first) {
				return false
			}
		}
		return true
	}
	return false
}

// shortUnboundedWarning words the warning for a `matches` condition, or returns "".
func shortUnboundedWarning(src string) string {
	words := shortUnbounded(src)
	if len(words) == 0 {
		return ""
	}
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = fmt.Sprintf("%q", w)
	}
	return fmt.Sprintf(`%s (%d letters or fewer) without a word boundary on both sides also match inside longer words `+
		`("cto" in "Doctorant", "dg" in "Budget"); write \b before and after, e.g. \b%s\b`,
		strings.Join(quoted, ", "), maxShortWord, words[0])
}
