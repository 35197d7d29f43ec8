package words

import "github.com/handoff-sla/handoff/internal/contract"

// Ideas is the words of sales' ideas and field feedback (package ideas): the page a rep writes on, the line that
// carries its link in the SQL email, the email marketing ops receive, and the report's list.
type Ideas struct {
	// The page.
	Title        string
	Intro        string
	Kind         string
	KindIdea     string
	KindFeedback string
	Category     string
	CategoryHint string // the category is a feedback's only
	Text         string
	TextHint     string // what not to write: the person's details
	Submit       string
	Done         string
	Another      string
	Denied       string
	DeniedText   string
	// The form's problems, by field (FormError).
	ErrKind       string
	ErrCategory   string
	ErrText       string
	ErrSubmission string
	ErrBadForm    string
	// The default categories (contract.DefaultFeedbackCategories).
	LeadQuality, Targeting, Timing, Content, Other string
	// The SQL email's line: a question, then the link.
	EmailLink     string
	EmailLinkText string // the link's own words
	// Marketing ops' email: its subject (the rep's name; the kind, in words), its intro (the rep's name).
	OpsSubject string
	OpsIntro   string
	Rep        string
	Date       string
	Colon      string // after a label, as the language writes it
	// The monthly report's list, and its line when nobody wrote.
	ReportTitle string
	ReportNone  string
	// The report's column heads, and its per-rep counts.
	ColKind, ColCategory, ColText string
	PerRep                        string
	CountFeedback, CountIdeas     string
}

var ideasFR = Ideas{
	Title:         "Une idée de contenu, un retour terrain",
	Intro:         "Proposez au marketing un contenu qui vous aiderait à vendre, ou dites-lui ce que vous observez sur les contacts reçus.",
	Kind:          "C'est…",
	KindIdea:      "une idée de contenu",
	KindFeedback:  "un retour terrain",
	Category:      "À propos de",
	CategoryHint:  "(pour un retour terrain)",
	Text:          "Votre message",
	TextHint:      "2000 caractères au plus. N'y mettez pas les coordonnées d'une personne : citez plutôt la société.",
	Submit:        "Envoyer",
	Done:          "C'est transmis au marketing. Merci !",
	Another:       "Vous pouvez en écrire un autre ci-dessous.",
	Denied:        "Ce lien n'est pas valide",
	DeniedText:    "Il a expiré ou a été modifié. Utilisez le lien du dernier e-mail reçu.",
	ErrKind:       "Choisissez : une idée de contenu ou un retour terrain.",
	ErrCategory:   "Choisissez un sujet pour un retour terrain (et aucun pour une idée).",
	ErrText:       "Écrivez votre message (2000 caractères au plus).",
	ErrSubmission: "Le formulaire a expiré : rechargez la page.",
	ErrBadForm:    "Le formulaire est illisible.",
	LeadQuality:   "Qualité des contacts",
	Targeting:     "Ciblage",
	Timing:        "Moment du transfert",
	Content:       "Contenus",
	Other:         "Autre",
	EmailLink:     "Une idée de contenu, un retour sur les contacts reçus ?",
	EmailLinkText: "Écrire au marketing",
	OpsSubject:    "%s" + nbsp + ": %s",
	OpsIntro:      "%s a écrit au marketing :",
	Rep:           "Commercial",
	Date:          "Date",
	Colon:         nbsp + ":",
	ReportTitle:   "Idées et retours terrain des commerciaux",
	ReportNone:    "Aucun ce mois-ci.",
	ColKind:       "Type",
	ColCategory:   "Sujet",
	ColText:       "Message",
	PerRep:        "Par commercial",
	CountFeedback: "Retours terrain du mois",
	CountIdeas:    "Idées du trimestre",
}

var ideasEN = Ideas{
	Title:         "A content idea, field feedback",
	Intro:         "Suggest content to marketing that would help you sell, or tell them what you see in the leads you receive.",
	Kind:          "This is…",
	KindIdea:      "a content idea",
	KindFeedback:  "field feedback",
	Category:      "About",
	CategoryHint:  "(for field feedback)",
	Text:          "Your message",
	TextHint:      "2000 characters at most. Leave out a person's contact details: name the company instead.",
	Submit:        "Send",
	Done:          "Marketing has it. Thank you!",
	Another:       "You may write another one below.",
	Denied:        "This link is not valid",
	DeniedText:    "It expired or was altered. Use the link in the latest email you received.",
	ErrKind:       "Choose: a content idea or field feedback.",
	ErrCategory:   "Choose a subject for field feedback (and none for an idea).",
	ErrText:       "Write your message (2000 characters at most).",
	ErrSubmission: "The form expired: reload the page.",
	ErrBadForm:    "The form could not be read.",
	LeadQuality:   "Lead quality",
	Targeting:     "Targeting",
	Timing:        "Hand-off timing",
	Content:       "Content",
	Other:         "Other",
	EmailLink:     "A content idea, feedback on the leads you receive?",
	EmailLinkText: "Write to marketing",
	OpsSubject:    "%s: %s",
	OpsIntro:      "%s wrote to marketing:",
	Rep:           "Rep",
	Date:          "Date",
	Colon:         ":",
	ReportTitle:   "Sales' ideas and field feedback",
	ReportNone:    "None this month.",
	ColKind:       "Type",
	ColCategory:   "Subject",
	ColText:       "Message",
	PerRep:        "Per rep",
	CountFeedback: "Field feedback this month",
	CountIdeas:    "Ideas this quarter",
}

// ForIdeas is the ideas and field feedback words in language l (panics on a language that Speaks does not).
func ForIdeas(l contract.Locale) *Ideas { return in(l, "ideas", &ideasFR, &ideasEN) }

// FormError is the page's sentence for a form problem on field (ideas.FieldError's); ok is false for another.
func (w *Ideas) FormError(field string) (string, bool) {
	switch field {
	case "kind":
		return w.ErrKind, true
	case "category":
		return w.ErrCategory, true
	case "text":
		return w.ErrText, true
	case "submission":
		return w.ErrSubmission, true
	case "bad_form":
		return w.ErrBadForm, true
	}
	return "", false
}

// KindLabel is a kind's words (idea, feedback); ok is false for another.
func (w *Ideas) KindLabel(kind string) (string, bool) {
	switch kind {
	case "idea":
		return w.KindIdea, true
	case "feedback":
		return w.KindFeedback, true
	}
	return "", false
}

// CategoryLabel is a feedback category's name: the contract's label when it gives one, else a default category's
// words, else the id as the contract writes it (ok false).
func (w *Ideas) CategoryLabel(c contract.FeedbackCategory) (string, bool) {
	if c.Label != "" {
		return c.Label, true
	}
	switch c.ID {
	case "lead_quality":
		return w.LeadQuality, true
	case "targeting":
		return w.Targeting, true
	case "timing":
		return w.Timing, true
	case "content":
		return w.Content, true
	case "other":
		return w.Other, true
	}
	return c.ID, false
}
