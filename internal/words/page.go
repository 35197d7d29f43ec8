package words

// Page is the answer page's words (package feedback): the form a rep answers an SQL on, and its refusals.
type Page struct {
	Title       string
	Denied      string
	DeniedText  string
	Lead        string
	Company     string
	Handoff     string
	Due         string
	Contacted   string
	Accept      string
	Reject      string
	Channel     string
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
	ErrChannel  string
	ErrReason   string
	ErrComment  string
	ErrBadForm  string
}

var pageFR = Page{
	Title:       "Votre retour sur un SQL",
	Denied:      "Ce lien n'est pas valide",
	DeniedText:  "Il a expiré, a été modifié, ou ce lead est suivi par quelqu'un d'autre. Répondez depuis le dernier e-mail reçu pour ce lead.",
	Lead:        "Lead",
	Company:     "Société",
	Handoff:     "Transmis le",
	Due:         "Premier contact avant",
	Contacted:   "J'ai contacté ce lead",
	Accept:      "J'accepte ce lead",
	Reject:      "Je rejette ce lead",
	Channel:     "Par quel moyen ?",
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
	Handoff:     "Handed off",
	Due:         "First contact due",
	Contacted:   "I contacted this lead",
	Accept:      "I accept this lead",
	Reject:      "I reject this lead",
	Channel:     "How?",
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
	ErrChannel:  "Choose how you made contact.",
	ErrReason:   "Choose a reason.",
	ErrComment:  "“Other” needs a comment (at most 1000 characters).",
	ErrBadForm:  "The form could not be read.",
}
