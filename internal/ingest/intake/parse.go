package intake

import (
	"cmp"
	"math/big"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/lead/address"
	"github.com/handoff-sla/handoff/internal/region"
)

// Fields are submitted values by lead field name (after the source's mapping); Extra holds the others.
type Fields map[string]string

// Limits on what a webhook may send.
const (
	maxName     = 100
	maxText     = 200
	maxURL      = 2048
	maxMessage  = 5000
	clockSkew   = 5 * time.Minute
	maxPastSpan = 366 * 24 * time.Hour
	// Unmapped fields kept on an activity, and their length.
	maxExtraFields      = 30
	maxExtraValueLength = 1000
)

// Parser validates and normalises submitted fields. DefaultRegion (the contract's country) is used to read
// phone numbers written without an international prefix when the lead gives no country.
type Parser struct {
	DefaultRegion string
	// ActivityTypes are the allowed activity types: the built-in ones and the contract's custom ones.
	ActivityTypes map[string]bool
}

// Submission validates a form submission. Every bad field is reported in one lead.FieldErrors.
func (p Parser) Submission(f Fields, extra map[string]string, now time.Time) (lead.Submission, error) {
	var errs lead.FieldErrors
	var s lead.Submission
	s.Contact = p.contact(f, &errs, true)
	s.Attribution = attribution(f, &errs)
	s.Message = freeText(f, "message", maxMessage, &errs)
	s.OccurredAt = occurredAt(f, now, &errs)
	if v, ok := f["consent"]; ok {
		given, ok := parseBool(v)
		if !ok {
			errs.Add("consent", "must be yes or no (true/false, oui/non, 1/0, on/off), got %q", clip(v))
		}
		c := &lead.Consent{Given: given, At: s.OccurredAt}
		if at := strings.TrimSpace(f["consent_at"]); at != "" {
			t, err := time.Parse(time.RFC3339, at)
			if err != nil {
				errs.Add("consent_at", "must be an RFC 3339 instant, got %q", clip(at))
			}
			c.At = t.UTC()
		}
		s.Consent = c
	} else if strings.TrimSpace(f["consent_at"]) != "" {
		errs.Add("consent_at", "is given without consent")
	}
	s.Extra = extraFields(extra, &errs)
	return s, errs.Err()
}

var leadIDPattern = regexp.MustCompile(`^ld_[0-9a-z]{26}$`)

func leadRef(f Fields, errs *lead.FieldErrors) lead.LeadRef {
	var r lead.LeadRef
	id := strings.TrimSpace(f["lead_id"])
	raw := strings.TrimSpace(f["email"])
	switch {
	case id != "" && !leadIDPattern.MatchString(id):
		errs.Add("lead_id", "must be a lead ID such as ld_01jd..., got %q", clip(id))
	case id != "":
		r.ID = id
	case raw == "":
		errs.Add("email", "is required when lead_id is absent")
	default:
		r.Email, _ = email(raw, errs)
	}
	return r
}

// Activity validates one tracked activity for a lead known by ID or email.
func (p Parser) Activity(f Fields, extra map[string]string, now time.Time) (lead.LeadRef, lead.Activity, error) {
	var errs lead.FieldErrors
	ref := leadRef(f, &errs)
	a := lead.Activity{ReceivedAt: now.UTC(), Properties: map[string]string{}}
	a.Type = strings.TrimSpace(f["type"])
	switch {
	case a.Type == "":
		errs.Add("type", "is required")
	case !p.ActivityTypes[a.Type]:
		errs.Add("type", "must be a known activity type (built-in or declared in the contract), got %q", clip(a.Type))
	}
	a.OccurredAt = occurredAt(f, now, &errs)
	required := map[string]string{"page_view": "url", "content_download": "content", "webinar_attended": "webinar"}
	for _, k := range []string{"url", "content", "webinar", "campaign"} {
		v := strings.TrimSpace(f[k])
		if v == "" {
			if required[a.Type] == k {
				errs.Add(k, "is required for %s", a.Type)
			}
			continue
		}
		if k == "url" {
			v = httpURL(k, v, &errs)
		} else {
			v = text(k, v, maxText, &errs)
		}
		a.Properties[k] = v
	}
	attr := attribution(f, &errs)
	for k, v := range attributionProperties(attr) {
		a.Properties[k] = v
	}
	for k, v := range extraFields(extra, &errs) {
		a.Properties["x_"+k] = v
	}
	return ref, a, errs.Err()
}

var (
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
	amountPattern   = regexp.MustCompile(`^\d{1,15}(\.\d{1,2})?$`)
)

// Outcome validates a sales outcome from the CRM: opportunity_created, deal_won (amount and currency) or
// deal_lost (reason).
func (p Parser) Outcome(f Fields, now time.Time) (lead.LeadRef, lead.Activity, error) {
	var errs lead.FieldErrors
	ref := leadRef(f, &errs)
	a := lead.Activity{ReceivedAt: now.UTC(), Properties: map[string]string{}}
	a.Type = strings.TrimSpace(f["type"])
	switch a.Type {
	case lead.OpportunityCreated, lead.DealWon, lead.DealLost, lead.SalesAccepted:
	case lead.SalesContacted:
		// Sales' answers are read here as text; the hand-off's rules (handoff.Validate) judge them, for the
		// CRM as for the feedback page.
		a.Properties["channel"] = text("channel", f["channel"], maxText, &errs)
	case lead.SalesRejected:
		a.Properties["comment"] = freeText(f, "comment", maxMessage, &errs)
	case "":
		errs.Add("type", "is required")
	default:
		errs.Add("type", "must be opportunity_created, deal_won, deal_lost, sales_contacted, sales_accepted or sales_rejected, got %q", clip(a.Type))
	}
	a.OccurredAt = occurredAt(f, now, &errs)
	amount, currency := strings.TrimSpace(f["amount"]), strings.ToUpper(strings.TrimSpace(f["currency"]))
	switch {
	case amount == "" && a.Type == lead.DealWon:
		errs.Add("amount", "is required for deal_won")
	case amount == "":
	case !amountPattern.MatchString(amount):
		errs.Add("amount", "must be a non-negative decimal with at most 2 decimals, such as 12500 or 12500.50, got %q", clip(amount))
	default:
		a.Properties["amount"] = normaliseAmount(amount)
	}
	switch {
	case currency == "" && amount != "":
		errs.Add("currency", "is required with amount")
	case currency == "":
	case !currencyPattern.MatchString(currency):
		errs.Add("currency", "must be an ISO 4217 code such as EUR, got %q", clip(currency))
	default:
		a.Properties["currency"] = currency
	}
	if reason := strings.TrimSpace(f["reason"]); reason != "" {
		a.Properties["reason"] = text("reason", reason, maxText, &errs)
	} else if a.Type == lead.DealLost {
		errs.Add("reason", "is required for %s", a.Type)
	}
	if id := strings.TrimSpace(f["crm_id"]); id != "" {
		a.Properties["crm_id"] = text("crm_id", id, maxText, &errs)
	}
	return ref, a, errs.Err()
}

func normaliseAmount(s string) string {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return s
	}
	return r.FloatString(2)
}

func (p Parser) contact(f Fields, errs *lead.FieldErrors, emailRequired bool) lead.Contact {
	var c lead.Contact
	raw := strings.TrimSpace(f["email"])
	if raw == "" {
		if emailRequired {
			errs.Add("email", "is required")
		}
	} else {
		c.Email, c.FreeMail = email(raw, errs)
		c.EmailOriginal = raw
	}
	c.FirstName = name("first_name", f["first_name"], errs)
	c.LastName = name("last_name", f["last_name"], errs)
	c.Company = text("company", f["company"], maxText, errs)
	c.JobTitle = text("job_title", f["job_title"], maxText, errs)
	c.CompanySize = text("company_size", f["company_size"], 50, errs)
	c.Industry = text("industry", f["industry"], maxText, errs)
	c.Country = country(f["country"], errs)
	c.Region = text("region", f["region"], 100, errs)
	c.PostalCode = postalCode(f["postal_code"], cmp.Or(c.Country, p.DefaultRegion), errs)
	c.Website = httpURL("website", f["website"], errs)
	c.Phone = p.phone(f["phone"], c.Country, errs)
	switch {
	case c.Email != "" && !c.FreeMail:
		c.CompanyDomain = c.Email[strings.LastIndexByte(c.Email, '@')+1:]
	case c.Website != "":
		if u, err := url.Parse(c.Website); err == nil {
			c.CompanyDomain = strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
		}
	}
	return c
}

// email normalises an address — the lead's identity (package address: the one normal form ingest and erasure
// share) — and says whether it is a free-mail one.
func email(raw string, errs *lead.FieldErrors) (string, bool) {
	if p := textProblem(raw); p != "" {
		errs.Add("email", "%s", p)
		return "", false
	}
	e, err := address.Normalise(trimInvisible(raw))
	if err != nil {
		errs.Add("email", "must be an email address such as name@company.com, got %q", clip(raw))
		return "", false
	}
	return e, freeMail[address.Domain(e)]
}

// name is a person's name: one line, no markup, trimmed, inner spaces collapsed.
func name(field, raw string, errs *lead.FieldErrors) string {
	v := text(field, raw, maxName, errs)
	if strings.ContainsAny(v, "<>") || strings.Contains(v, "://") {
		errs.Add(field, "must be a name, without markup or links")
		return ""
	}
	return v
}

// text is a single-line value: trimmed, inner white space collapsed, no control characters.
func text(field, raw string, max int, errs *lead.FieldErrors) string {
	if strings.TrimSpace(raw) != "" && strings.ContainsAny(raw, "\r\n") {
		errs.Add(field, "must fit on one line")
		return ""
	}
	return checked(field, strings.Join(strings.Fields(raw), " "), max, false, errs)
}

// freeText is a multi-line value (a message): line breaks allowed, other control characters not.
func freeText(f Fields, field string, max int, errs *lead.FieldErrors) string {
	return checked(field, strings.TrimSpace(f[field]), max, true, errs)
}

// checked refuses what the character rules refuse (text.go), control characters and values over max
// characters, and trims invisible characters around the value.
func checked(field, v string, max int, allowBreaks bool, errs *lead.FieldErrors) string {
	if v == "" {
		return ""
	}
	if p := textProblem(v); p != "" {
		errs.Add(field, "%s", p)
		return ""
	}
	if v = trimInvisible(v); v == "" {
		errs.Add(field, "%s", msgInvisible)
		return ""
	}
	if hasControl(v, allowBreaks) {
		errs.Add(field, "must not contain control characters")
		return ""
	}
	if n := utf8.RuneCountInString(v); n > max {
		errs.Add(field, "must be at most %d characters, got %d", max, n)
		return ""
	}
	return v
}

func hasControl(s string, allowBreaks bool) bool {
	for _, r := range s {
		if allowBreaks && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

func httpURL(field, raw string, errs *lead.FieldErrors) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	if p := textProblem(v); p != "" {
		errs.Add(field, "%s", p)
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || len(v) > maxURL || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || hasControl(v, false) {
		errs.Add(field, "must be an http(s) URL of at most %d characters", maxURL)
		return ""
	}
	return v
}

func (p Parser) phone(raw, country string, errs *lead.FieldErrors) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	if len(v) > 40 || strings.Trim(v, "+0123456789 ().-/") != "" {
		errs.Add("phone", "must be a phone number (digits, spaces, + ( ) . - /), got %q", clip(v))
		return ""
	}
	region := country
	if region == "" {
		region = p.DefaultRegion
	}
	if !strings.HasPrefix(v, "+") && region == "" {
		return v // no way to know the country: keep it as written
	}
	num, err := phonenumbers.Parse(v, region)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		errs.Add("phone", "is not a valid phone number for %s, got %q", regionName(v, region), clip(v))
		return ""
	}
	return phonenumbers.Format(num, phonenumbers.E164)
}

func regionName(v, region string) string {
	if strings.HasPrefix(v, "+") {
		return "its country code"
	}
	return region
}

func country(raw string, errs *lead.FieldErrors) string {
	v := strings.TrimSpace(raw)
	if v == "" {
		return ""
	}
	if code, ok := countryAliases[strings.ToLower(v)]; ok {
		return code
	}
	up := strings.ToUpper(v)
	if region.IsCountry(up) {
		return up
	}
	errs.Add("country", "must be an ISO 3166-1 alpha-2 code such as FR, got %q", clip(v))
	return ""
}

func attribution(f Fields, errs *lead.FieldErrors) lead.Attribution {
	return lead.Attribution{
		UTMSource:   text("utm_source", f["utm_source"], maxText, errs),
		UTMMedium:   text("utm_medium", f["utm_medium"], maxText, errs),
		UTMCampaign: text("utm_campaign", f["utm_campaign"], maxText, errs),
		UTMTerm:     text("utm_term", f["utm_term"], maxText, errs),
		UTMContent:  text("utm_content", f["utm_content"], maxText, errs),
		Referrer:    httpURL("referrer", f["referrer"], errs),
	}
}

// attributionProperties are an activity's attribution properties: the non-empty UTM values and referrer.
func attributionProperties(a lead.Attribution) map[string]string {
	out := map[string]string{}
	for k, v := range map[string]string{"utm_source": a.UTMSource, "utm_medium": a.UTMMedium, "utm_campaign": a.UTMCampaign,
		"utm_term": a.UTMTerm, "utm_content": a.UTMContent, "referrer": a.Referrer} {
		if v != "" {
			out[k] = v
		}
	}
	return out
}

func occurredAt(f Fields, now time.Time, errs *lead.FieldErrors) time.Time {
	v := strings.TrimSpace(f["occurred_at"])
	if v == "" {
		return now.UTC()
	}
	t, err := time.Parse(time.RFC3339, v)
	switch {
	case err != nil:
		errs.Add("occurred_at", "must be an RFC 3339 instant such as 2026-11-27T17:30:00+01:00, got %q", clip(v))
	case t.After(now.Add(clockSkew)):
		errs.Add("occurred_at", "is in the future")
	case t.Before(now.Add(-maxPastSpan)):
		errs.Add("occurred_at", "is more than a year old")
	default:
		return t.UTC()
	}
	return now.UTC()
}

var extraKey = regexp.MustCompile(`[^a-z0-9_]+`)

// extraFields keeps unmapped fields (bounded) so nothing a form asked is lost, under safe keys.
func extraFields(extra map[string]string, errs *lead.FieldErrors) map[string]string {
	if len(extra) == 0 {
		return nil
	}
	if len(extra) > maxExtraFields {
		errs.Add("body", "has %d unmapped fields; at most %d are kept", len(extra), maxExtraFields)
		return nil
	}
	out := map[string]string{}
	for k, v := range extra {
		key := strings.Trim(extraKey.ReplaceAllString(strings.ToLower(k), "_"), "_")
		if key == "" || len(key) > 64 {
			continue
		}
		if p := textProblem(v); p != "" {
			errs.Add(k, "%s", p)
			continue
		}
		v = trimInvisible(v) // an unmapped field made only of invisible characters is dropped, like an empty one
		if hasControl(v, true) {
			errs.Add(k, "must not contain control characters")
			continue
		}
		if utf8.RuneCountInString(v) > maxExtraValueLength {
			errs.Add(k, "must be at most %d characters", maxExtraValueLength)
			continue
		}
		if v != "" {
			out[key] = v
		}
	}
	return out
}

func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "oui", "1", "on", "y":
		return true, true
	case "false", "no", "non", "0", "off", "n", "":
		return false, true
	}
	return false, false
}

// clip shortens a bad value echoed in an error: enough to recognise it, never a whole payload.
func clip(s string) string {
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…"
}
