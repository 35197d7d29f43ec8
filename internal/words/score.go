package words

import "github.com/handoff-sla/handoff/internal/contract"

// Score is the words of a score's explanation, which sales read in the SQL email ("Pourquoi ce score"): what
// the lead is (a fit field and its value: "Fonction : Directeur industriel") and what it did (an activity type:
// "A consulté une page"), in the contract's language, when the rule has no label of its own. Every fit field
// (contract.FitFields) and every activity type a rule may name without a label (contract.ScoringActivityTypes)
// has its words here: TestScoreWordsCoverTheContract fails on one added there and not here.
type Score struct {
	// The fit fields, by contract.FitFields' IDs.
	Email, Company, CompanyDomain, CompanySize, Country, FreeMail, Industry, JobTitle, Region,
	UTMSource, UTMMedium, UTMCampaign, PostalCode string
	// The activity types, by what the lead did.
	PageView, ContentDownload, WebinarAttended, EmailClick, DemoRequest, FormSubmit,
	OpportunityCreated, DealWon, DealLost string
	// Yes and No say a true/false value ("free_mail": "true").
	Yes, No string
	// On dates what the lead did, after it: "A demandé une démo le 27/11".
	On string
	// Times counts a rule's activities when more than one gave points: " (3 fois)".
	Times string
	// HandRaised is what a hand-raiser does, after what the lead did: "A demandé une démo : transmis aux ventes…".
	HandRaised string
	// HandRaisedSQL is the value column of the hand-raiser's line, in place of points.
	HandRaisedSQL string
	// Disqualified is the value column of a disqualifier's line: never MQL or SQL.
	Disqualified string
	// NotCounted is the value column of a fit rule whose value could not be read without guessing ("1.200": a
	// thousand and two hundred, or one point two?); NotApplied that of such a disqualifier.
	NotCounted, NotApplied string
}

var scoreFR = Score{
	Email: "E-mail", Company: "Entreprise", CompanyDomain: "Domaine de l'entreprise", CompanySize: "Effectif",
	Country: "Pays", FreeMail: "Adresse e-mail personnelle", Industry: "Secteur", JobTitle: "Fonction",
	Region: "Région", PostalCode: "Code postal", UTMSource: "Source de la campagne", UTMMedium: "Canal de la campagne", UTMCampaign: "Campagne",

	PageView: "A consulté une page", ContentDownload: "A téléchargé un contenu", WebinarAttended: "A assisté à un webinaire",
	EmailClick: "A cliqué dans un e-mail", DemoRequest: "A demandé une démo", FormSubmit: "A rempli un formulaire",
	OpportunityCreated: "Opportunité ouverte", DealWon: "Affaire gagnée", DealLost: "Affaire perdue",

	Yes: "oui", No: "non",
	On:            " le %s",
	Times:         " (%d fois)",
	HandRaised:    "%s" + nbsp + ": transmis aux ventes quel que soit le score",
	HandRaisedSQL: "SQL",
	Disqualified:  "jamais MQL ni SQL",
	NotCounted:    "non compté (nombre ambigu)",
	NotApplied:    "non appliqué (nombre ambigu)",
}

var scoreEN = Score{
	Email: "Email", Company: "Company", CompanyDomain: "Company domain", CompanySize: "Company size",
	Country: "Country", FreeMail: "Personal email address", Industry: "Industry", JobTitle: "Job title",
	Region: "Region", PostalCode: "Postal code", UTMSource: "Campaign source", UTMMedium: "Campaign medium", UTMCampaign: "Campaign",

	PageView: "Viewed a page", ContentDownload: "Downloaded content", WebinarAttended: "Attended a webinar",
	EmailClick: "Clicked an email", DemoRequest: "Asked for a demo", FormSubmit: "Submitted a form",
	OpportunityCreated: "Opportunity opened", DealWon: "Deal won", DealLost: "Deal lost",

	Yes: "yes", No: "no",
	On:            " on %s",
	Times:         " (%d times)",
	HandRaised:    "%s: handed to sales whatever the score",
	HandRaisedSQL: "SQL",
	Disqualified:  "never MQL or SQL",
	NotCounted:    "not counted (ambiguous number)",
	NotApplied:    "not applied (ambiguous number)",
}

// ForScore is the explanation's words in language l (panics on a language that Speaks does not).
func ForScore(l contract.Locale) *Score { return in(l, "score", &scoreFR, &scoreEN) }

// Field is a fit field's name (contract.FitFields); ok is false for a field the words do not know.
func (s *Score) Field(id string) (name string, ok bool) {
	switch id {
	case "email":
		return s.Email, true
	case "company":
		return s.Company, true
	case "company_domain":
		return s.CompanyDomain, true
	case "company_size":
		return s.CompanySize, true
	case "country":
		return s.Country, true
	case "free_mail":
		return s.FreeMail, true
	case "industry":
		return s.Industry, true
	case "job_title":
		return s.JobTitle, true
	case "region":
		return s.Region, true
	case "postal_code":
		return s.PostalCode, true
	case "utm_source":
		return s.UTMSource, true
	case "utm_medium":
		return s.UTMMedium, true
	case "utm_campaign":
		return s.UTMCampaign, true
	}
	return "", false
}

// Activity is what a lead did, by activity type (contract.ScoringActivityTypes); ok is false for a custom type,
// which only the contract can name (a rule's label).
func (s *Score) Activity(typ string) (did string, ok bool) {
	switch typ {
	case "page_view":
		return s.PageView, true
	case "content_download":
		return s.ContentDownload, true
	case "webinar_attended":
		return s.WebinarAttended, true
	case "email_click":
		return s.EmailClick, true
	case "demo_request":
		return s.DemoRequest, true
	case "form_submit":
		return s.FormSubmit, true
	case "opportunity_created":
		return s.OpportunityCreated, true
	case "deal_won":
		return s.DealWon, true
	case "deal_lost":
		return s.DealLost, true
	}
	return "", false
}

// Value is a lead's value as sales read it: a boolean in words ("true": "oui"), anything else as it is.
func (s *Score) Value(v string) string {
	switch v {
	case "true":
		return s.Yes
	case "false":
		return s.No
	}
	return v
}
