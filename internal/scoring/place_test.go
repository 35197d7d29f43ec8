package scoring

import (
	"maps"
	"testing"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/region"
)

// TestProfileIn: the region a lead did not give is derived from its postal code or country, and the profile says
// so; one it gave is kept as given.
func TestProfileIn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		c     lead.Contact
		home  string
		want  Profile
		place region.Place
	}{
		{"a postal code alone, read as the contract's country", lead.Contact{PostalCode: "59000"}, "FR",
			Profile{"postal_code": "59000", "region": "FR-HDF", RegionFrom: "postal_code"},
			region.Place{Region: "FR-HDF", Country: "FR", From: region.PostalCode, PostalCode: "59000"}},
		{"a postal code alone, no contract country: not read", lead.Contact{PostalCode: "59000"}, "",
			Profile{"postal_code": "59000"}, region.Place{}},
		{"a country alone", lead.Contact{Country: "BE"}, "FR",
			Profile{"country": "BE", "region": "BE", RegionFrom: "country"}, region.Place{Region: "BE", Country: "BE", From: region.Country}},
		{"the sender's region", lead.Contact{Country: "FR", Region: "FR-IDF", PostalCode: "59000"}, "FR",
			Profile{"country": "FR", "region": "FR-IDF", "postal_code": "59000"}, region.Place{Region: "FR-IDF", Country: "FR"}},
		{"the sender's free text does not hide the postal code", lead.Contact{Country: "FR", Region: "Hauts-de-France", PostalCode: "59000"}, "FR",
			Profile{"country": "FR", "region": "FR-HDF", "postal_code": "59000", RegionFrom: "postal_code"},
			region.Place{Region: "FR-HDF", Country: "FR", From: region.PostalCode, PostalCode: "59000"}},
		{"a département number, no country: the contract's", lead.Contact{Region: "59", PostalCode: "59000"}, "FR",
			Profile{"region": "FR-HDF", "postal_code": "59000", RegionFrom: "postal_code"},
			region.Place{Region: "FR-HDF", Country: "FR", From: region.PostalCode, PostalCode: "59000"}},
		{"free text and nothing else: kept", lead.Contact{Region: "Nord"}, "FR",
			Profile{"region": "Nord"}, region.Place{Region: "Nord"}},
	} {
		got := ProfileIn(lead.Lead{Contact: tc.c}, tc.home)
		if !maps.Equal(got, tc.want) {
			t.Errorf("%s: profile %v, want %v", tc.name, got, tc.want)
		}
		if pl := got.Place(); pl != tc.place {
			t.Errorf("%s: place %+v, want %+v", tc.name, pl, tc.place)
		}
	}
	// ProfileOf derives from the lead's own country only.
	if p := ProfileOf(lead.Lead{Contact: lead.Contact{PostalCode: "59000", Country: "FR"}}); p["region"] != "FR-HDF" {
		t.Errorf("ProfileOf: %v", p)
	}
}
