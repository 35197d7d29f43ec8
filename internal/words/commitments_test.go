package words

import "github.com/handoff-sla/handoff/internal/contract"

// The commitments section's words are a surface like the others: the parity test and TestEveryLanguage walk
// them. Registered here, beside the surface, rather than in the shared list.
func init() {
	surfaces = append(surfaces, struct {
		name   string
		lookup func(contract.Locale) any
	}{"commitments", func(l contract.Locale) any { return ForCommitments(l) }})
}
