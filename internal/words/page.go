package words

// Page is the answer page's words (package feedback): the form a rep answers an SQL on, and its refusals. The
// reject reasons' labels are Common's (the report counts them too).
type Page struct {
	Title       string
	Denied      string
	DeniedText  string
	Lead        string
	Company     string
	Due         string
	Contacted   string
	Accept      string
	Reject      string
	How         string // the question of the contact channel
	Phone       string
	Email       string
	Meeting     string
	Reason      string
	Comment     string
	Submit      string
	Done        string
	State       string
	ContactedAt string
	Answer      string
	Accepted    string
	Rejected    string
	// Quoted quotes the rep's comment.
	Quoted string
	// The form's problems, by field (FormError).
	ErrChannel string
	ErrReason  string
	ErrComment string
	ErrBadForm string
}

var pageFR = Page{
	Title:       "Votre retour sur un SQL",
	Denied:      "Ce lien n'est pas valide",
	DeniedText:  "Il a expiré, a été modifié, ou ce lead est suivi par quelqu'un d'autre. Répondez depuis le dernier e-mail reçu pour ce lead.",
	Lead:        "Lead",
	Company:     "Société",
	Due:         "Premier contact avant",
	Contacted:   "J'ai contacté ce lead",
	Accept:      "J'accepte ce lead",
	Reject:      "Je rejette ce lead",
	How:         "Par quel moyen ?",
	Phone:       "Téléphone",
	Email:       "E-mail",
	Meeting:     "Rendez-vous",
	Reason:      "Motif",
	Comment:     "Commentaire (obligatoire pour « autre »)",
	Submit:      "Enregistrer",
	Done:        "C'est enregistré. Merci !",
	State:       "État actuel",
	ContactedAt: "Contacté le",
	Answer:      "Réponse",
	Accepted:    "accepté",
	Rejected:    "rejeté",
	Quoted:      "« %s »",
	ErrChannel:  "Choisissez un moyen de contact.",
	ErrReason:   "Choisissez un motif.",
	ErrComment:  "Un commentaire est nécessaire pour « autre » (1000 caractères au plus).",
	ErrBadForm:  "Le formulaire est illisible.",
}

var pageEN = Page{
	Title:       "Your answer on an SQL",
	Denied:      "This link is not valid",
	DeniedText:  "It expired, was altered, or this lead is followed by someone else. Answer from the latest email about this lead.",
	Lead:        "Lead",
	Company:     "Company",
	Due:         "First contact due",
	Contacted:   "I contacted this lead",
	Accept:      "I accept this lead",
	Reject:      "I reject this lead",
	How:         "How?",
	Phone:       "Phone",
	Email:       "Email",
	Meeting:     "Meeting",
	Reason:      "Reason",
	Comment:     "Comment (required for “other”)",
	Submit:      "Save",
	Done:        "Saved. Thank you!",
	State:       "Current state",
	ContactedAt: "Contacted",
	Answer:      "Answer",
	Accepted:    "accepted",
	Rejected:    "rejected",
	Quoted:      "“%s”",
	ErrChannel:  "Choose how you made contact.",
	ErrReason:   "Choose a reason.",
	ErrComment:  "“Other” needs a comment (at most 1000 characters).",
	ErrBadForm:  "The form could not be read.",
}

// Action is the page's title for an answer (handoff.Contacted, Accept, Reject); ok is false for another.
func (p *Page) Action(action string) (title string, ok bool) {
	switch action {
	case "contacted":
		return p.Contacted, true
	case "accept":
		return p.Accept, true
	case "reject":
		return p.Reject, true
	}
	return "", false
}

// Channel is a contact channel's label (handoff.Channels); ok is false for another.
func (p *Page) Channel(channel string) (label string, ok bool) {
	switch channel {
	case "phone":
		return p.Phone, true
	case "email":
		return p.Email, true
	case "meeting":
		return p.Meeting, true
	}
	return "", false
}

// Verdict is an answer's label (handoff.Accepted, Rejected); ok is false for another.
func (p *Page) Verdict(verdict string) (label string, ok bool) {
	switch verdict {
	case "accepted":
		return p.Accepted, true
	case "rejected":
		return p.Rejected, true
	}
	return "", false
}

// FormError says what is wrong with the form's field (handoff.Validate's fields, and "bad_form" for a form that
// cannot be read); ok is false for a field the page has no words for.
func (p *Page) FormError(field string) (message string, ok bool) {
	switch field {
	case "channel":
		return p.ErrChannel, true
	case "reason":
		return p.ErrReason, true
	case "comment":
		return p.ErrComment, true
	case "bad_form":
		return p.ErrBadForm, true
	}
	return "", false
}
