package intake

import (
	"regexp"
	"strings"

	"github.com/handoff-sla/handoff/internal/lead"
)

var (
	postalPattern = regexp.MustCompile(`^[A-Z0-9](?:[A-Z0-9 -]*[A-Z0-9])?$`)
	frenchPostal  = regexp.MustCompile(`^[0-9]{5}$`)
)

// postalCode is a postal code: letters, digits, spaces and hyphens (every country's form: 59000, SW1A 1AA,
// 1000, 80331), upper case, at most 12 characters; a French one (country is the lead's, else the contract's: FR)
// is five digits, spaces left out ("59 000" is 59000), since routing reads its département from its first digits.
func postalCode(raw, country string, errs *lead.FieldErrors) string {
	v := strings.ToUpper(text("postal_code", raw, 12, errs))
	switch {
	case v == "":
		return ""
	case !postalPattern.MatchString(v):
		errs.Add("postal_code", "must be a postal code (letters, digits, spaces, hyphens), got %q", clip(v))
		return ""
	case country == "FR":
		if d := strings.ReplaceAll(v, " ", ""); frenchPostal.MatchString(d) {
			return d
		}
		errs.Add("postal_code", "must be a French postal code of five digits, such as 59000, got %q", clip(v))
		return ""
	}
	return v
}
