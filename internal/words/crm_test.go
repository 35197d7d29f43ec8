package words

import "github.com/handoff-sla/handoff/internal/contract"

// The CRM-care and review-meeting words are a surface of their own: the parity test walks them too.
func init() {
	surfaces = append(surfaces, struct {
		name   string
		lookup func(contract.Locale) any
	}{"crm", func(l contract.Locale) any { return ForCRM(l) }})
}
