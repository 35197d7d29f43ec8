package words

import "github.com/handoff-sla/handoff/internal/contract"

// The content's words (the digest, the SQL email's pieces) are a surface like the others: the parity test and
// TestEveryLanguage walk them. Registered here, beside the surface, rather than in the shared list.
func init() {
	surfaces = append(surfaces, struct {
		name   string
		lookup func(contract.Locale) any
	}{"content", func(l contract.Locale) any { return ForContent(l) }})
}
