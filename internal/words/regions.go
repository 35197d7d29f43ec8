package words

import "github.com/handoff-sla/handoff/internal/contract"

// The French regions and overseas collectivities by ISO 3166-2 code (package region's codes), as the assignment
// reason names the region a lead was placed in: lists rather than maps, static data like every word here. The
// French names are the official ones (Etalab's, which a test of package region checks); the English ones are
// those in common English use.
var (
	regionsFR = []regionName{
		{"FR-ARA", "Auvergne-Rhône-Alpes"}, {"FR-BFC", "Bourgogne-Franche-Comté"}, {"FR-BRE", "Bretagne"},
		{"FR-CVL", "Centre-Val de Loire"}, {"FR-20R", "Corse"}, {"FR-GES", "Grand Est"}, {"FR-HDF", "Hauts-de-France"},
		{"FR-IDF", "Île-de-France"}, {"FR-NOR", "Normandie"}, {"FR-NAQ", "Nouvelle-Aquitaine"}, {"FR-OCC", "Occitanie"},
		{"FR-PDL", "Pays de la Loire"}, {"FR-PAC", "Provence-Alpes-Côte d'Azur"},
		{"FR-GP", "Guadeloupe"}, {"FR-MQ", "Martinique"}, {"FR-GF", "Guyane"}, {"FR-RE", "La Réunion"}, {"FR-YT", "Mayotte"},
		{"FR-PM", "Saint-Pierre-et-Miquelon"}, {"FR-BL", "Saint-Barthélemy"}, {"FR-MF", "Saint-Martin"},
		{"FR-TF", "Terres australes et antarctiques françaises"}, {"FR-WF", "Wallis et Futuna"},
		{"FR-PF", "Polynésie française"}, {"FR-NC", "Nouvelle-Calédonie"}, {"FR-CP", "Île de Clipperton"},
	}
	regionsEN = []regionName{
		{"FR-ARA", "Auvergne-Rhône-Alpes"}, {"FR-BFC", "Bourgogne-Franche-Comté"}, {"FR-BRE", "Brittany"},
		{"FR-CVL", "Centre-Val de Loire"}, {"FR-20R", "Corsica"}, {"FR-GES", "Grand Est"}, {"FR-HDF", "Hauts-de-France"},
		{"FR-IDF", "Île-de-France"}, {"FR-NOR", "Normandy"}, {"FR-NAQ", "Nouvelle-Aquitaine"}, {"FR-OCC", "Occitania"},
		{"FR-PDL", "Pays de la Loire"}, {"FR-PAC", "Provence-Alpes-Côte d'Azur"},
		{"FR-GP", "Guadeloupe"}, {"FR-MQ", "Martinique"}, {"FR-GF", "French Guiana"}, {"FR-RE", "Réunion"}, {"FR-YT", "Mayotte"},
		{"FR-PM", "Saint Pierre and Miquelon"}, {"FR-BL", "Saint Barthélemy"}, {"FR-MF", "Saint Martin"},
		{"FR-TF", "French Southern and Antarctic Lands"}, {"FR-WF", "Wallis and Futuna"},
		{"FR-PF", "French Polynesia"}, {"FR-NC", "New Caledonia"}, {"FR-CP", "Clipperton Island"},
	}
)

// RegionName is the name of a region (an ISO 3166-2 code) in language l, and whether the words know it; a
// region they do not know (a country code, another country's region, a sender's free text) is named by itself.
func RegionName(l contract.Locale, code string) (string, bool) {
	for _, r := range *in(l, "regions", &regionsFR, &regionsEN) {
		if r.code == code {
			return r.name, true
		}
	}
	return code, false
}

// regionName is a region's code and its name in one language.
type regionName struct{ code, name string }
