// Package words holds every word, phrase and format Handoff shows people, in every language a contract may
// choose (contract.Locales): the SQL email, the deadline checker's emails, the shared footer, the monthly report
// (its email, charts and CSV), the answer page, the assignment reasons. Nothing else in the code writes French or
// English for people to read; what stays English on purpose is what is recorded for logs and records
// (handoff.Reason*), which the emails translate through this package.
//
// One struct per surface and language (Email, Report, Page, Routing, Score for the score's lines, and Common for
// what they share): a word is
// a field, so a word that does not exist does not compile, and the parity test (words_test.go) walks every field
// of every language by reflection — a word missing from one language (an empty field), or whose format verbs
// differ between languages, fails it. A surface per struct, not one struct for all: the linker keeps only the
// surfaces a function uses (the feedback binary carries no report words), and the words are static data, laid
// out at build time rather than built by an init function.
//
// Adding a word: a field in the surface's struct, its value in every language's var; the parity test says what
// is missing. Adding a language: a var per surface and a parameter of the lookup (in) below, and the language in
// contract.Locales; TestEveryLanguage fails until every surface speaks it.
package words

import (
	"fmt"

	"github.com/handoff-sla/handoff/internal/contract"
)

// nbsp keeps a number and its unit together ("87 %", "18 500 EUR"), and French sets ":" ";" "?" "!" off with
// it; mail clients' fonts all have it.
const nbsp = "\u00a0"

// Speaks reports whether the words exist in language l. A loaded contract's language always is one
// (contract.Locales); a language read from a stored record (a report of record) is checked with it.
func Speaks(l contract.Locale) bool {
	switch l {
	case contract.French, contract.English:
		return true
	}
	return false
}

// noLanguage panics: every lookup takes a contract's language, which the contract admits only from
// contract.Locales, so another is a language added there and not here — TestEveryLanguage fails on it first.
// Never another language's words: a French contract must not send English emails without anyone noticing.
func noLanguage(surface string, l contract.Locale) {
	panic(fmt.Sprintf("words: no %s words in language %q", surface, l))
}

// ForEmail is the emails' words in language l (panics on a language that Speaks does not).
func ForEmail(l contract.Locale) *Email { return in(l, "email", &emailFR, &emailEN) }

// ForReport is the monthly report's words in language l (panics on a language that Speaks does not).
func ForReport(l contract.Locale) *Report { return in(l, "report", &reportFR, &reportEN) }

// ForPage is the answer page's words in language l (panics on a language that Speaks does not).
func ForPage(l contract.Locale) *Page { return in(l, "page", &pageFR, &pageEN) }

// ForRouting is the assignment reasons' words in language l (panics on a language that Speaks does not).
func ForRouting(l contract.Locale) *Routing { return in(l, "routing", &routingFR, &routingEN) }

// ForCommon is what every surface shares in language l — the footer, the reject reasons, numbers and dates —
// (panics on a language that Speaks does not).
func ForCommon(l contract.Locale) *Common { return in(l, "common", &commonFR, &commonEN) }

// in is a surface's words in language l, of those it has in French and in English: adding a language adds a
// parameter here, so every surface's lookup has to name its words in it.
func in[T any](l contract.Locale, surface string, fr, en *T) *T {
	switch l {
	case contract.French:
		return fr
	case contract.English:
		return en
	}
	noLanguage(surface, l)
	return nil
}

// Plural is a phrase about a number of things, in the form the number asks for: French puts 0 in the singular
// ("0 contact"), English in the plural ("0 contacts"). A form may hold one verb for the number, or none.
type Plural struct {
	Zero, One, Many string
}

// For is the form for n.
func (p Plural) For(n int) string {
	switch n {
	case 0:
		return p.Zero
	case 1:
		return p.One
	}
	return p.Many
}
