package scoring_test

import (
	"fmt"
	"math/rand"
	"regexp"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// gen makes random scoring rules and leads for the property and cross-check tests: values taken from real
// forms, points with decimals and signs, caps, both decays, activities on the same instant and after it.
type gen struct{ r *rand.Rand }

func (g gen) pick(xs ...string) string { return xs[g.r.Intn(len(xs))] }

func (g gen) points() float64 {
	return []float64{-15, -10, -2.5, 0.1, 0.7, 1, 3, 5, 7.3, 10, 12.5, 15, 19.99, 20, 25, 33.333}[g.r.Intn(16)]
}

var (
	genTitles = []string{"CEO", "Directrice technique", "Responsable maintenance", "Doctorant", "Stagiaire", "Acheteur",
		"", "  head of ops ", "Coordinatrice", "DG", "Technicien"}
	// Company sizes that the README's rules read (or refuse) without doubt.
	genSizes = []string{"120", "25", "1 200", "1\u202f200", "1\u00a0200", "1,200", "1.200", "2,5", "250-499", "250 à 499",
		"50-99", "10-99", "5000+", "plus de 5000", "moins de 10", "10k", "1,001-5,000", "", "grande", "2 sites, 300 salariés", "4999",
		"250 et 499", "50 and 99", "250et499", ".5", ",5", ",500", "1e3", "1\t200"}
	genCountries = []string{"FR", "DE", "GB", "US", "CH", "BE", ""}
	// Industries where simple folding, lower-casing and full folding disagree, and accents typed two ways.
	genIndustries = []string{"Industrie", "industrie ", "Énergie", "Energie", "Banque", "", "İNDUSTRIE", "ÉNERGIE",
		"E\u0301nergie", "Großhandel", "GROSSHANDEL", "ſaſ"}
	genTypes = []string{"page_view", "page_view", "email_click", "content_download", "webinar_attended", "form_submit"}
	genURLs  = []string{"https://maintenia.fr/tarifs", "https://maintenia.fr/TARIFS?x=1", "https://maintenia.fr/blog", "https://maintenia.fr/"}
)

func (g gen) condition(field string) contract.Condition {
	switch field {
	case "job_title":
		return []contract.Condition{
			{Matches: regexp.MustCompile(`(?i)\b(ceo|dg|directrice|responsable|head of)\b`)},
			{Matches: regexp.MustCompile(`^$`)},
			{Contains: "resp"},
			{Matches: regexp.MustCompile(`(?i)(stagiaire|doctorant)`)},
		}[g.r.Intn(4)]
	case "company_size":
		return []contract.Condition{{Between: &[2]float64{50, 5000}}, {Between: &[2]float64{1, 49}}, {Between: &[2]float64{1000, 1e6}},
			{Between: &[2]float64{0, 10}}}[g.r.Intn(4)]
	case "country":
		return []contract.Condition{{In: []string{"FR", "BE", "CH"}}, {Equals: "fr"}, {Equals: " DE "}}[g.r.Intn(3)]
	case "industry":
		return []contract.Condition{{In: []string{"Industrie", "Énergie"}}, {Contains: "INDUS"}, {Equals: "grosshandel"},
			{Contains: "straße"}, {Contains: "SAS"}, {Contains: "i"}}[g.r.Intn(6)]
	}
	return contract.Condition{Equals: "true"}
}

func (g gen) rules() *contract.Scoring {
	s := &contract.Scoring{MQL: float64(10 + g.r.Intn(50)), Locale: contract.Locale(g.pick("fr", "en"))}
	s.SQL = s.MQL + float64(g.r.Intn(40))
	minFit := func() *float64 {
		if g.r.Intn(2) == 0 {
			return nil
		}
		v := float64(g.r.Intn(40) - 10)
		return &v
	}
	s.MQLMinFit, s.SQLMinFit = minFit(), minFit()
	for i, n := 0, g.r.Intn(7); i < n; i++ {
		field := g.pick("job_title", "company_size", "company_size", "country", "industry", "free_mail")
		s.Fit = append(s.Fit, contract.FitRule{ID: fmt.Sprint("fit", i), Field: field, When: g.condition(field), Points: g.points()})
	}
	for i, n := 0, g.r.Intn(7); i < n; i++ {
		b := contract.BehaviourRule{ID: fmt.Sprint("beh", i), Type: g.pick(genTypes...), Points: g.points()}
		if b.Type == "page_view" && g.r.Intn(2) == 0 {
			b.Where = map[string]contract.Condition{"url": {Contains: "/tarifs"}}
		}
		if g.r.Intn(2) == 0 {
			b.CapPoints, b.CapDays = float64(1+g.r.Intn(40)), 1+g.r.Intn(60)
		}
		switch g.r.Intn(3) {
		case 0:
			b.HalfLifeDays = []float64{0.5, 1, 7, 14, 30, 60, 2.5}[g.r.Intn(7)]
		case 1:
			b.WindowDays = 1 + g.r.Intn(120)
		}
		s.Behaviour = append(s.Behaviour, b)
	}
	if g.r.Intn(3) == 0 {
		s.HandRaisers = append(s.HandRaisers, contract.HandRaiser{ID: "demo", Type: "demo_request"})
	}
	if g.r.Intn(3) == 0 {
		s.Disqualifiers = append(s.Disqualifiers, contract.Disqualifier{ID: "student", Field: "job_title", When: contract.Condition{Matches: regexp.MustCompile(`(?i)stagiaire`)}})
	}
	if g.r.Intn(4) == 0 {
		s.Disqualifiers = append(s.Disqualifiers, contract.Disqualifier{ID: "unsub", Activity: "unsubscribed"})
	}
	return s
}

func (g gen) profile() scoring.Profile {
	p := scoring.Profile{}
	for field, pool := range map[string][]string{"job_title": genTitles, "company_size": genSizes, "country": genCountries, "industry": genIndustries} {
		if v := g.pick(pool...); v != "" || g.r.Intn(2) == 0 {
			p[field] = v // sometimes missing, sometimes empty
		}
	}
	p["free_mail"] = g.pick("true", "false", "TRUE")
	return p
}

// activities are up to 40, within 400 days before at: a third of them a whole number of days old (so that
// windows and caps meet their exact edges), some on the same instant, a few after at, a few repeating the ID
// of another one (same content, earlier, later, or at the same instant with another type or URL), a few
// without an ID.
func (g gen) activities(at time.Time) []lead.Activity {
	n := g.r.Intn(41)
	out := make([]lead.Activity, 0, n)
	for i := 0; i < n; i++ {
		t := at.Add(-time.Duration(g.r.Int63n(int64(400 * 24 * time.Hour))))
		switch g.r.Intn(10) {
		case 0, 1, 2:
			t = at.Add(-time.Duration(g.r.Intn(120)) * 24 * time.Hour)
		case 3:
			if len(out) > 0 {
				t = out[g.r.Intn(len(out))].OccurredAt // the same instant as another one
			}
		case 4:
			t = at.Add(time.Duration(g.r.Int63n(int64(30 * 24 * time.Hour)))) // after the scoring instant
		case 5:
			if len(out) > 0 && g.r.Intn(2) == 0 {
				dup := out[g.r.Intn(len(out))]
				switch g.r.Intn(4) {
				case 0:
					dup.OccurredAt = dup.OccurredAt.Add(time.Hour) // a later copy
				case 1:
					dup.OccurredAt = dup.OccurredAt.Add(-time.Hour) // an earlier copy
				case 2: // a copy at the same instant that differs: another type, or another URL
					if dup.Type == "page_view" {
						dup.Properties = map[string]string{"url": g.pick(genURLs...)}
					} else {
						dup.Type = g.pick(genTypes...)
					}
				}
				out = append(out, dup)
				continue
			}
		}
		typ := g.pick(genTypes...)
		switch g.r.Intn(30) {
		case 0:
			typ = "demo_request"
		case 1:
			typ = "unsubscribed"
		}
		a := lead.Activity{ID: fmt.Sprintf("ac_%03d", i), Type: typ, OccurredAt: t, Properties: map[string]string{}}
		if typ == "page_view" {
			a.Properties["url"] = g.pick(genURLs...)
		}
		if g.r.Intn(12) == 0 {
			a.ID = "" // exports and the store refuse these; the engine keeps each, in any order
		}
		out = append(out, a)
	}
	return out
}
