package email

import (
	"strings"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// colon sets a label off from what follows in the plain-text emails, as the language writes it (French: a
// no-break space before the colon), without the trailing space, so that a line ending with a label ends with it.
func colon(l contract.Locale) string {
	return strings.TrimRight(words.ForCommon(l).Colon, " ")
}
