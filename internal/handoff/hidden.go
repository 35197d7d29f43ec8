package handoff

// Hidden reports a character free text from sales may not hold (a rejection's comment, an idea or field feedback:
// package ideas): control characters but line breaks and tabs, every format character (category Cf: bidirectional
// controls, zero-width characters, soft hyphen, tags) and U+2028/2029, which would hide or reorder what marketing
// reads. One rule for every text sales write.
func Hidden(c rune) bool { return hidden(c) }
