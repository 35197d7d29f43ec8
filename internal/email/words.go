package email

import "github.com/handoff-sla/handoff/internal/contract"

var words = map[contract.Locale]map[string]string{
	contract.French: {
		"subject":    "Nouveau SQL : %s (score %s)",
		"hello":      "Bonjour",
		"intro":      "un lead vient de passer SQL et vous est attribué. Le contrat prévoit un premier contact avant :",
		"reassigned": "Ce SQL vous est réattribué : %s ne l'a pas contacté dans le délai du contrat. Votre délai part de maintenant.",
		"duplicate":  "Doublon possible : nous ne savons pas si le premier envoi de cet e-mail est parti. Si vous l'avez déjà reçu, ignorez celui-ci ; vos liens restent valables.",
		"left":       "ouvrées restantes",
		"lead":       "Le lead",
		"name":       "Nom",
		"title":      "Fonction",
		"company":    "Société",
		"email":      "E-mail",
		"phone":      "Téléphone",
		"source":     "Source",
		"utm":        "Campagne",
		"consent":    "Consentement",
		"score":      "Score",
		"fit":        "profil",
		"behaviour":  "comportement",
		"why":        "Pourquoi ce score",
		"recent":     "Activités récentes",
		"assigned":   "Attribution",
		"answer":     "Votre retour",
		"contacted":  "J'ai contacté ce lead",
		"accept":     "J'accepte ce lead",
		"reject":     "Je rejette ce lead",
		"pages":      "Chaque bouton ouvre une page où vous confirmez ; ouvrir le lien ne change rien.",
		"footer":     "Envoyé par Handoff pour %s — le contrat marketing–ventes, appliqué.",
		"none":       "—",
	},
	contract.English: {
		"subject":    "New SQL: %s (score %s)",
		"hello":      "Hello",
		"intro":      "a lead just became an SQL and is assigned to you. The contract says first contact before:",
		"reassigned": "This SQL is reassigned to you: %s did not contact it within the contract's deadline. Your deadline counts from now.",
		"duplicate":  "Possible duplicate: we could not tell whether the first sending of this email left. If you already have it, ignore this one; your links work either way.",
		"left":       "business time left",
		"lead":       "The lead",
		"name":       "Name",
		"title":      "Title",
		"company":    "Company",
		"email":      "Email",
		"phone":      "Phone",
		"source":     "Source",
		"utm":        "Campaign",
		"consent":    "Consent",
		"score":      "Score",
		"fit":        "fit",
		"behaviour":  "behaviour",
		"why":        "Why this score",
		"recent":     "Recent activities",
		"assigned":   "Assignment",
		"answer":     "Your answer",
		"contacted":  "I contacted this lead",
		"accept":     "I accept this lead",
		"reject":     "I reject this lead",
		"pages":      "Each button opens a page where you confirm; opening a link changes nothing.",
		"footer":     "Sent by Handoff for %s — the marketing–sales contract, enforced.",
		"none":       "—",
	},
}

// t is a word in a locale.
func t(l contract.Locale, key string) string {
	if w, ok := words[l][key]; ok {
		return w
	}
	return words[contract.English][key]
}
