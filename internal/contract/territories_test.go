package contract

import (
	"slices"
	"strings"
	"testing"
)

// TestTerritories: a rep's territories are countries or regions by their ISO codes, each reported on its own line
// when it is not; valid ones are read in upper case, a former code as the current one.
func TestTerritories(t *testing.T) {
	t.Parallel()
	with := func(list string) string {
		return edit(t, "      manager: claire\n", "      manager: claire\n      territories: "+list+"\n")
	}
	for _, tc := range []struct {
		name, yaml string
		want       []string
	}{
		{"a département, a name, a three-letter country", with("[FR-59, Nord, FRA]"), []string{
			`c.yaml:36: roster.reps[0].territories[0]: is not a French region (ISO 3166-2 codes such as FR-IDF, FR-HDF, FR-ARA: leads are placed by region, not by département), got "FR-59"`,
			`c.yaml:36: roster.reps[0].territories[1]: must be a country (ISO 3166-1 alpha-2, such as FR or BE) or a region (ISO 3166-2, such as FR-HDF), got "Nord"`,
			`c.yaml:36: roster.reps[0].territories[2]: must be a country (ISO 3166-1 alpha-2, such as FR or BE) or a region (ISO 3166-2, such as FR-HDF), got "FRA"`}},
		{"codes that are no ISO country", with("[UK, ZZ, EU, GB, UK-ENG]"), []string{
			`c.yaml:36: roster.reps[0].territories[0]: is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB; EU, UK, ZZ and user-assigned codes are none), got "UK"`,
			`c.yaml:36: roster.reps[0].territories[1]: is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB; EU, UK, ZZ and user-assigned codes are none), got "ZZ"`,
			`c.yaml:36: roster.reps[0].territories[2]: is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB; EU, UK, ZZ and user-assigned codes are none), got "EU"`,
			`c.yaml:36: roster.reps[0].territories[4]: must start with an ISO 3166-1 alpha-2 country code (FR-HDF, DE-BY), got "UK-ENG"`}},
		{"twice, once in lower case", with("[FR-HDF, fr-hdf]"), []string{
			`c.yaml:36: roster.reps[0].territories[1]: FR-HDF is listed twice`}},
		{"not a list", with("FR"), []string{
			`c.yaml:36: roster.reps[0].territories: must be a list, got "FR"`}},
		{"a list in a list", with("[[FR]]"), []string{
			`c.yaml:36: roster.reps[0].territories[0]: must be a text, got a list`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("c.yaml", []byte(tc.yaml))
			checkProblems(t, err, tc.want)
		})
	}
	c, err := Parse("c.yaml", []byte(with("[fr-idf, BE, DE-BY, FR-COR, FR-GP, CH, LU, GB]")))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Roster.Reps[0].Territories; !slices.Equal(got, []string{"FR-IDF", "BE", "DE-BY", "FR-20R", "FR-GP", "CH", "LU", "GB"}) {
		t.Errorf("territories %v", got)
	}
}

// TestRegionConditionWarnings: a team's region condition naming a French code no lead is placed in is a warning
// on its line; the contract stays valid.
func TestRegionConditionWarnings(t *testing.T) {
	t.Parallel()
	c, err := Parse("c.yaml", []byte(base+"routing:\n  teams:\n    - id: nord\n      reps: [thomas]\n      when: {region: {in: [FR-HDF, FR-59, fr-cor, Nord]}}\n  fallback: thomas\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range c.Warnings {
		got = append(got, w.String("c.yaml"))
	}
	want := []string{
		`c.yaml:46: routing.teams[0].when.region: FR-59 is not the code of a French region (ISO 3166-2: FR-IDF, FR-HDF, FR-20R for Corsica…): no region derived from a postal code matches it`,
		`c.yaml:46: routing.teams[0].when.region: fr-cor is not the code of a French region (ISO 3166-2: FR-IDF, FR-HDF, FR-20R for Corsica…): no region derived from a postal code matches it`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
