package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

var (
	firstNames = []string{"Camille", "Louis", "Chloé", "Hugo", "Léa", "Arthur", "Manon", "Jules", "Inès", "Gabriel",
		"Sarah", "Raphaël", "Emma", "Nathan", "Zoé", "Paul", "Alice", "Victor", "Jeanne", "Antoine"}
	lastNames = []string{"Martin", "Bernard", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garcia",
		"Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Faure"}
	trades = []string{"Transports", "Laiteries", "Forges", "Logistique", "Conserveries", "Plasturgie", "Énergies",
		"Ateliers", "Fonderies", "Câbleries", "Papeteries", "Verreries"}
	places = []string{"du Nord", "de l'Ouest", "Rhône-Alpes", "Aquitaine", "de Loire", "Occitanes", "Lorraines",
		"de Bretagne", "du Val", "Provençales", "Normandes", "Picardes"}
	titles     = []string{"Directeur technique", "Responsable maintenance", "Directrice industrielle", "Cheffe d'atelier", "Directeur des opérations"}
	industries = []string{"Industrie", "Agroalimentaire", "Transport", "Logistique", "Énergie"}
	// Postal codes place a lead in a region, and routing follows it: Paris and Lille (team Nord), Lyon, Bordeaux,
	// Nantes and Toulouse (team Sud et Ouest).
	postcodes = []string{"75008", "59000", "69003", "33000", "44000", "31000"}
	sizes     = []string{"50-99", "120", "250-499", "200", "80"}
)

// person is a lead the demo makes up, from the seed.
type person struct {
	First, Last, Company, Email, Title, Industry, Postcode, Size string
}

// people makes up n different people and companies from rng.
func people(rng *rand.Rand, n int) []person {
	seen := map[string]bool{}
	out := make([]person, 0, n)
	for len(out) < n {
		p := person{First: pick(rng, firstNames), Last: pick(rng, lastNames),
			Company: pick(rng, trades) + " " + pick(rng, places),
			Title:   pick(rng, titles), Industry: pick(rng, industries), Postcode: pick(rng, postcodes), Size: pick(rng, sizes)}
		if seen[p.Company] || seen[p.First+p.Last] {
			continue
		}
		seen[p.Company], seen[p.First+p.Last] = true, true
		p.Email = fmt.Sprintf("%s.%s@%s.fr", slug(p.First), slug(p.Last), slug(p.Company))
		out = append(out, p)
	}
	return out
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

// slug is s in lower-case ASCII letters and hyphens, for an email address.
func slug(s string) string {
	var b strings.Builder
	for _, r := range unaccent.Replace(strings.ToLower(s)) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == ' ' || r == '\'' || r == '-':
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.Trim(b.String(), "-")
}

var unaccent = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a", "ç", "c", "ô", "o",
	"î", "i", "ï", "i", "ù", "u", "û", "u")
