package intake

import (
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/lead/address"
)

// The character rules for every text value a webhook sends (issue #9):
//
//   - Valid Unicode only: invalid UTF-8, lone surrogates and noncharacters are refused, naming the field.
//     (JSON's "\ud800" decodes silently to U+FFFD in encoding/json: the ingest adapters turn such sequences
//     into the noncharacter U+FDD0 before decoding, so that they reach these rules.)
//   - No bidirectional embeddings, overrides or isolates (U+202A–U+202E, U+2066–U+2069): they reorder what a
//     rep reads in the SQL email ("moc.emca@" shown as "acme.com") and have no use in a lead's data.
//   - No tag characters (U+E0000–U+E007F): invisible text smuggled into a value.
//   - Invisible characters (zero-width spaces and joiners, the BOM, direction marks, Hangul fillers, variation
//     selectors) around a value are trimmed like white space; a value made only of them is refused. Inside a
//     value they stay: joiners are part of some scripts and of emoji.

// Messages of the character rules.
const (
	msgInvalidText = "must be valid Unicode text (it has invalid UTF-8, a lone surrogate or a noncharacter)"
	msgBidi        = "must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)"
	msgTags        = "must not contain invisible tag characters (U+E0000–U+E007F)"
	msgInvisible   = "must contain visible characters, not only invisible ones"
)

// textProblem says what is wrong with a value's characters, "" when nothing is.
func textProblem(v string) string {
	if !utf8.ValidString(v) {
		return msgInvalidText
	}
	for _, r := range v {
		switch {
		case isNoncharacter(r):
			return msgInvalidText
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			return msgBidi
		case r >= 0xE0000 && r <= 0xE007F:
			return msgTags
		}
	}
	return ""
}

// isNoncharacter: U+FDD0–U+FDEF and the last two code points of every plane, reserved for internal use.
func isNoncharacter(r rune) bool {
	return r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}

// trimInvisible trims white space and invisible characters from both ends (package address: the rule the
// lead's email and every other value share).
func trimInvisible(v string) string { return address.TrimInvisible(v) }
