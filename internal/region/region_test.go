package region

import "testing"

func TestDerive(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                          string
		region, postal, country, home string
		want                          Place
	}{
		{"Lille, France", "", "59000", "FR", "FR", Place{Region: "FR-HDF", Country: "FR", From: PostalCode, PostalCode: "59000"}},
		{"Lille, no country: the contract's", "", "59000", "", "FR", Place{Region: "FR-HDF", Country: "FR", From: PostalCode, PostalCode: "59000"}},
		{"no country, no home: not read", "", "59000", "", "", Place{}},
		{"spaces", "", " 59 000 ", "fr", "", Place{Region: "FR-HDF", Country: "FR", From: PostalCode, PostalCode: "59000"}},
		{"Paris", "", "75008", "FR", "", Place{Region: "FR-IDF", Country: "FR", From: PostalCode, PostalCode: "75008"}},
		{"Ajaccio (2A)", "", "20000", "FR", "", Place{Region: "FR-20R", Country: "FR", From: PostalCode, PostalCode: "20000"}},
		{"Bastia (2B)", "", "20200", "FR", "", Place{Region: "FR-20R", Country: "FR", From: PostalCode, PostalCode: "20200"}},
		{"Pointe-à-Pitre", "", "97110", "FR", "", Place{Region: "FR-GP", Country: "FR", From: PostalCode, PostalCode: "97110"}},
		{"Saint-Denis de La Réunion, country RE", "", "97400", "RE", "", Place{Region: "FR-RE", Country: "RE", From: PostalCode, PostalCode: "97400"}},
		{"Mamoudzou", "", "97600", "FR", "", Place{Region: "FR-YT", Country: "FR", From: PostalCode, PostalCode: "97600"}},
		{"Saint-Barthélemy: a 971 code of another collectivity", "", "97133", "FR", "", Place{Region: "FR-BL", Country: "FR", From: PostalCode, PostalCode: "97133"}},
		{"Orly: a 94 code used only in the Essonne", "", "94390", "FR", "", Place{Region: "FR-IDF", Country: "FR", From: PostalCode, PostalCode: "94390"}},
		{"Monaco's codes are not French", "", "98000", "MC", "FR", Place{Region: "MC", Country: "MC", From: Country}},
		{"not a French postal code: the country", "", "5900", "FR", "", Place{Region: "FR", Country: "FR", From: Country}},
		{"no département 96", "", "96000", "FR", "", Place{Region: "FR", Country: "FR", From: Country}},
		{"Belgium, with its postal code", "", "1000", "BE", "FR", Place{Region: "BE", Country: "BE", From: Country}},
		{"Guadeloupe by its country code", "", "", "GP", "", Place{Region: "FR-GP", Country: "GP", From: Country}},
		{"country only", "", "", "ch", "", Place{Region: "CH", Country: "CH", From: Country}},
		{"the sender's region wins", "FR-IDF", "59000", "FR", "FR", Place{Region: "FR-IDF", Country: "FR"}},
		{"a sender's region names its country", "FR-HDF", "", "", "", Place{Region: "FR-HDF", Country: "FR"}},
		{"a sender's free text", "Nord", "", "", "", Place{Region: "Nord"}},
		{"free text does not hide the postal code", "Hauts-de-France", "59000", "FR", "FR", Place{Region: "FR-HDF", Country: "FR", From: PostalCode, PostalCode: "59000"}},
		{"a département number is free text", "59", "59000", "", "FR", Place{Region: "FR-HDF", Country: "FR", From: PostalCode, PostalCode: "59000"}},
		{"a département code is no region", "FR-59", "59000", "FR", "", Place{Region: "FR-HDF", Country: "FR", From: PostalCode, PostalCode: "59000"}},
		{"free text, then the country", "Wallonie", "", "BE", "FR", Place{Region: "BE", Country: "BE", From: Country}},
		{"free text kept when nothing else says", "Nord", "", "", "FR", Place{Region: "Nord"}},
		{"a given code in lower case, former", "fr-cor", "75008", "", "FR", Place{Region: "FR-20R", Country: "FR"}},
		{"another country's subdivision", "DE-BY", "", "", "FR", Place{Region: "DE-BY", Country: "DE"}},
		{"nothing", "", "", "", "FR", Place{}},
	} {
		if got := Derive(tc.region, tc.postal, tc.country, tc.home); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestCovers(t *testing.T) {
	t.Parallel()
	lille := Place{Region: "FR-HDF", Country: "FR"}
	for _, tc := range []struct {
		territory string
		p         Place
		want      bool
	}{
		{"FR-HDF", lille, true},
		{"fr-hdf", lille, true},
		{"FR", lille, true},
		{"FR-IDF", lille, false},
		{"BE", lille, false},
		{"FR", Place{Region: "FR-HDF"}, true}, // no country: the region's
		{"FR", Place{Region: "FR", Country: "FR"}, true},
		{"FR-HDF", Place{Region: "FR", Country: "FR"}, false}, // a country does not say which region
		{"BE", Place{Region: "BE", Country: "BE"}, true},
		{"FR", Place{Region: "FR-RE", Country: "RE"}, true},
		{"FR-COR", Place{Region: "FR-20R", Country: "FR"}, true}, // the former code of Corse
		{"FR", Place{Region: "Hauts-de-France"}, false},          // free text: nothing to compare
		{"FR", Place{}, false},
		{"", lille, false},
	} {
		if got := Covers(tc.territory, tc.p); got != tc.want {
			t.Errorf("%s covers %+v: %v, want %v", tc.territory, tc.p, got, tc.want)
		}
	}
}

func TestTerritory(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"FR", "FR", true}, {"be", "BE", true}, {"FR-HDF", "FR-HDF", true}, {"FR-COR", "FR-20R", true}, {"DE-BY", "DE-BY", true},
		{"FR-GP", "FR-GP", true}, {"FR-59", "", false}, {"FR-XYZ", "", false}, {"FRA", "", false}, {"Nord", "", false},
		{"F", "", false}, {"FR-", "", false}, {"FR_HDF", "", false},
		{"UK", "", false}, {"EU", "", false}, {"ZZ", "", false}, {"XK", "", false}, {"AA", "", false}, {"ZZ-AB", "", false}, {"UK-ENG", "", false},
		{"GB", "GB", true}, {"CH", "CH", true}, {"LU", "LU", true}, {"DE", "DE", true}, {"gb-eng", "GB-ENG", true},
	} {
		got, problem := Territory(tc.in)
		if got != tc.want || (problem == "") != tc.ok {
			t.Errorf("%q: %q, %q", tc.in, got, problem)
		}
	}
}
