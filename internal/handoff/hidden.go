package handoff

// Hidden reports a character free text from sales may not hold (a rejection's comment, an idea or field feedback:
// package ideas): control characters but line breaks and tabs, and bidirectional controls that would reorder what
// marketing reads. One rule for every text sales write.
func Hidden(c rune) bool { return hidden(c) }
