package feedback

import "github.com/handoff-sla/handoff/internal/contract"

var words = map[contract.Locale]map[string]string{
	contract.French: {
		"title": "Votre retour sur un SQL", "denied": "Ce lien n'est pas valide",
		"denied_text": "Il a expiré, a été modifié, ou ce lead est suivi par quelqu'un d'autre. Répondez depuis le dernier e-mail reçu pour ce lead.",
		"lead":        "Lead", "company": "Société", "handoff": "Transmis le", "due": "Premier contact avant",
		"contacted": "J'ai contacté ce lead", "accept": "J'accepte ce lead", "reject": "Je rejette ce lead",
		"channel": "Par quel moyen ?", "phone": "Téléphone", "email": "E-mail", "meeting": "Rendez-vous",
		"reason": "Motif", "comment": "Commentaire (obligatoire pour « autre »)", "submit": "Enregistrer",
		"done": "C'est enregistré. Merci !", "state": "État actuel", "contacted_at": "Contacté le", "answer": "Réponse",
		"accepted": "accepté", "rejected": "rejeté", "none": "—",
		"err_channel": "Choisissez un moyen de contact.", "err_reason": "Choisissez un motif.",
		"err_comment": "Un commentaire est nécessaire pour « autre » (1000 caractères au plus).", "err_bad_form": "Le formulaire est illisible.",
		"not_a_fit": "Ne correspond pas à notre cible", "no_budget": "Pas de budget", "duplicate": "Doublon",
		"wrong_contact": "Mauvais interlocuteur", "student_or_job_seeker": "Étudiant ou candidat", "other": "Autre",
	},
	contract.English: {
		"title": "Your answer on an SQL", "denied": "This link is not valid",
		"denied_text": "It expired, was altered, or this lead is followed by someone else. Answer from the latest email about this lead.",
		"lead":        "Lead", "company": "Company", "handoff": "Handed off", "due": "First contact due",
		"contacted": "I contacted this lead", "accept": "I accept this lead", "reject": "I reject this lead",
		"channel": "How?", "phone": "Phone", "email": "Email", "meeting": "Meeting",
		"reason": "Reason", "comment": "Comment (required for “other”)", "submit": "Save",
		"done": "Saved. Thank you!", "state": "Current state", "contacted_at": "Contacted", "answer": "Answer",
		"accepted": "accepted", "rejected": "rejected", "none": "—",
		"err_channel": "Choose how you made contact.", "err_reason": "Choose a reason.",
		"err_comment": "“Other” needs a comment (at most 1000 characters).", "err_bad_form": "The form could not be read.",
		"not_a_fit": "Not a fit", "no_budget": "No budget", "duplicate": "Duplicate",
		"wrong_contact": "Wrong contact", "student_or_job_seeker": "Student or job seeker", "other": "Other",
	},
}

// word is a word in a locale; an unknown key (a custom reject reason) is shown as is.
func word(l contract.Locale, key string) string {
	if w, ok := words[l][key]; ok {
		return w
	}
	return key
}
