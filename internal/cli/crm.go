package cli

import (
	"fmt"
	"io"

	"github.com/handoff-sla/handoff/internal/contract"
)

// crmSummary says what `contract check` reads of CRM care (sales.outcome_within) and the review meeting
// (marketing.review_meeting), or that the contract sets neither.
func crmSummary(w io.Writer, c *contract.Contract) {
	if n := c.Sales.OutcomeWithin; n > 0 {
		fmt.Fprintf(w, "  CRM care: an accepted SQL's outcome (opportunity, won, lost) within %d business day(s), else the rep is reminded once\n", n)
	} else {
		fmt.Fprintln(w, "  CRM care: not measured (no sales.outcome_within)")
	}
	if rm := c.Marketing.ReviewMeeting; rm != nil {
		fmt.Fprintf(w, "  review meeting: %s (%s), invited to by the monthly report\n", rm, c.Location)
	} else {
		fmt.Fprintln(w, "  review meeting: none (no marketing.review_meeting)")
	}
}
