package scoring

import (
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/region"
)

// RegionFrom is the profile's key saying how its region was found when the lead gave none: region.PostalCode or
// region.Country (absent when the lead gave it, or it is unknown). It is no fit field: rules test the region
// itself, routing says in the assignment reason where it came from.
const RegionFrom = "region_from"

// ProfileIn is what the fit rules and routing see of a lead under a contract whose country is home: ProfileOf,
// with the region derived from the postal code read as home's when the lead gave no country either.
//
// The region is derived each time the profile is read rather than stored on the lead: the lead keeps what it
// said (a later submission's postal code, country or region changes its region at once; a sender's region wins
// when it is an ISO 3166-2 code, region.Usable), an update of the table applies to every lead, and nothing more about the person is stored or erased.
func ProfileIn(l lead.Lead, home string) Profile {
	p := ProfileOf(l)
	place(p, l.Contact, home)
	return p
}

// place fills the profile's region, when the lead gave none or gave one that is no code routing can compare (free
// text such as "Hauts-de-France", a département number), from its postal code or country (package region). The
// lead keeps what it gave; only the profile's region is the derived one.
func place(p Profile, c lead.Contact, home string) {
	if region.Usable(c.Region) {
		return
	}
	if pl := region.Derive(c.Region, c.PostalCode, c.Country, home); pl.From != region.Given {
		p["region"], p[RegionFrom] = pl.Region, string(pl.From)
	}
}

// Place is where the profile's lead is, as routing matches it with reps' territories.
func (p Profile) Place() region.Place {
	pl := region.Derive(p["region"], "", p["country"], "")
	pl.From = region.From(p[RegionFrom])
	if pl.From == region.PostalCode {
		pl.PostalCode = p["postal_code"]
	}
	return pl
}
