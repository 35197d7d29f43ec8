package contract

import (
	"slices"
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
	c, err := Parse("c.yaml", []byte(with("[fr-idf, BE, DE-BY, FR-COR, FR-GP]")))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Roster.Reps[0].Territories; !slices.Equal(got, []string{"FR-IDF", "BE", "DE-BY", "FR-20R", "FR-GP"}) {
		t.Errorf("territories %v", got)
	}
}
