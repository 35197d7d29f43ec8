// Package region says where a lead is, for routing: its region, as the sender gave it or, when it gave none,
// derived from the lead's postal code (French postal codes: département, then region, as an ISO 3166-2 code such
// as FR-HDF) or else from its country (the region is then the country code, e.g. BE). And whether a rep's
// territory (a country, FR, or a region, FR-HDF) covers that place. It holds no AWS code and imports nothing of the
// project: the contract, scoring and routing all use it.
//
// The départements' regions come from the Etalab package @etalab/decoupage-administratif (see Source), through
// table_gen.go, which go generate writes and a test checks against the package installed in infra/local.
package region

//go:generate go run ./gen ../../infra/local/node_modules table_gen.go

import (
	"regexp"
	"strings"
)

// From is how a lead's region was found.
type From string

// How a region was found: given by the sender, or derived.
const (
	Given      From = ""
	PostalCode From = "postal_code"
	Country    From = "country"
)

// Place is where a lead is.
type Place struct {
	// Region is an ISO 3166-2 code (FR-HDF), a country code (BE) when derived from the country, or what the sender
	// gave (possibly free text); "" when unknown.
	Region string
	// Country is the lead's ISO 3166-1 alpha-2 code, else the one its region names (FR for FR-HDF); "" when unknown.
	Country string
	From    From
	// PostalCode is the postal code the region was derived from, as read (no spaces), when From is PostalCode.
	PostalCode string
}

// frenchPostal reports whether a country's postal codes are French ones: France and its overseas regions and
// collectivities, which have their own ISO 3166-1 codes (a form may answer GP rather than FR).
func frenchPostal(country string) bool {
	switch country {
	case "FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC":
		return true
	}
	return false
}

// Derive is where a lead is: its region as given (region) when it is a code routing can compare (Usable: FR-HDF,
// DE-BY), else derived from its postal code when its country — or, when it has none, home, the contract's country —
// uses French postal codes, else from its country (a French overseas one becomes its region, GP is FR-GP; another
// is its own region), else the given region as written (free text such as "Hauts-de-France" or "59" matches no
// territory, so it must not hide what the postal code says). Region and country are compared without case; postal
// codes without spaces.
func Derive(region, postal, country, home string) Place {
	country = strings.ToUpper(strings.TrimSpace(country))
	given := strings.TrimSpace(region)
	if Usable(given) {
		p := Place{Region: Canonical(given), Country: country}
		if p.Country == "" {
			p.Country = countryOf(p.Region)
		}
		return p
	}
	if p := derive(postal, country, home); p.Region != "" || given == "" {
		return p
	}
	return Place{Region: given, Country: country}
}

// Usable reports whether a region a sender gave is an ISO 3166-2 code routing can compare with territories: a
// French region or overseas collectivity the table knows (any case, former codes too), or a subdivision code of
// another country (its subdivisions are not checked, as in territories).
func Usable(given string) bool {
	c := Canonical(given)
	if !subdivision.MatchString(c) {
		return false
	}
	if strings.HasPrefix(c, "FR-") {
		return Known(c)
	}
	return IsCountry(c[:2])
}

// derive is where a lead is by its postal code or country alone (Derive).
func derive(postal, country, home string) Place {
	p := Place{Country: country}
	postal = strings.ReplaceAll(strings.TrimSpace(postal), " ", "")
	reading := country
	if reading == "" {
		reading = strings.ToUpper(strings.TrimSpace(home))
	}
	if postal != "" && frenchPostal(reading) {
		if r, ok := ofPostalCode(postal); ok {
			p.Region, p.From, p.PostalCode = r, PostalCode, postal
			if p.Country == "" {
				p.Country = "FR"
			}
			return p
		}
	}
	if country != "" {
		p.Region, p.From = country, Country
		if r := "FR-" + country; country != "FR" && Known(r) {
			p.Region = r
		}
	}
	return p
}

// pair is a row of the generated tables: a key (a département, a postal code) and its value.
type pair struct{ key, value string }

// lookup is the value of key in a table (a few hundred rows at most, read once per lead).
func lookup(table []pair, key string) (string, bool) {
	for _, p := range table {
		if p.key == key {
			return p.value, true
		}
	}
	return "", false
}

// ofPostalCode is the region of a French postal code: the département its first digits name, unless the code
// is one of the few used only in another département.
func ofPostalCode(postal string) (string, bool) {
	dep, ok := lookup(postalExceptions, postal)
	if !ok {
		dep = prefix(postal)
	}
	return lookup(departements, dep)
}

// prefix is the département a French postal code names by its first digits: three overseas (97x, 98x), 2A or
// 2B in Corsica (200xx–201xx, 202xx–206xx), else two; "" when it is not five digits.
func prefix(postal string) string {
	if len(postal) != 5 || strings.Trim(postal, "0123456789") != "" {
		return ""
	}
	switch {
	case strings.HasPrefix(postal, "97"), strings.HasPrefix(postal, "98"):
		return postal[:3]
	case strings.HasPrefix(postal, "20"):
		if postal[2] < '2' {
			return "2A"
		}
		return "2B"
	}
	return postal[:2]
}

// countryOf is the country an ISO 3166-2 code names (FR for FR-HDF), "" for anything else.
func countryOf(region string) string {
	if subdivision.MatchString(strings.ToUpper(region)) {
		return strings.ToUpper(region[:2])
	}
	return ""
}

var (
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	subdivision = regexp.MustCompile(`^[A-Z]{2}-[A-Z0-9]{1,3}$`)
)

// Canonical is a region or territory code in upper case, a former ISO code still found in data and contracts
// replaced by the current one (Corse: FR-COR until ISO 3166-2's 2019 update, FR-20R since).
func Canonical(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "FR-COR" {
		return "FR-20R"
	}
	return c
}

// Known reports whether code is the ISO 3166-2 code of a French region or overseas collectivity.
func Known(code string) bool {
	for _, d := range departements {
		if d.value == code {
			return true
		}
	}
	return false
}

// Regions are the ISO 3166-2 codes of the French regions and overseas collectivities the table knows.
func Regions() []string {
	seen := map[string]bool{}
	var out []string
	for _, d := range departements {
		if !seen[d.value] {
			seen[d.value] = true
			out = append(out, d.value)
		}
	}
	return out
}

// Territory checks a rep's territory as the contract writes it: an ISO 3166-1 alpha-2 country code (FR, BE) or an
// ISO 3166-2 code (FR-HDF, DE-BY); a French one must name a region or overseas collectivity (not a département:
// leads are placed by region). It returns the territory in canonical form, or why it is not one.
func Territory(s string) (string, string) {
	c := Canonical(s)
	switch {
	case countryCode.MatchString(c) && IsCountry(c):
		return c, ""
	case countryCode.MatchString(c):
		return "", "is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB; EU, UK, ZZ and user-assigned codes are none)"
	case !subdivision.MatchString(c):
		return "", "must be a country (ISO 3166-1 alpha-2, such as FR or BE) or a region (ISO 3166-2, such as FR-HDF)"
	case !IsCountry(c[:2]):
		return "", "must start with an ISO 3166-1 alpha-2 country code (FR-HDF, DE-BY)"
	case strings.HasPrefix(c, "FR-") && !Known(c):
		return "", "is not a French region (ISO 3166-2 codes such as FR-IDF, FR-HDF, FR-ARA: leads are placed by region, not by département)"
	}
	return c, ""
}

// Covers reports whether a rep's territory covers a place: a country covers its regions and itself, a region
// itself.
func Covers(territory string, p Place) bool {
	t, r := Canonical(territory), Canonical(p.Region)
	if t == "" {
		return false
	}
	if t == r {
		return true
	}
	return countryCode.MatchString(t) && (t == strings.ToUpper(p.Country) || strings.HasPrefix(r, t+"-"))
}
