package words

import "github.com/handoff-sla/handoff/internal/contract"

// CRM is the words of CRM care and of the review meeting: the reminder to record an accepted SQL's outcome in the
// CRM (sales.outcome_within), the report's CRM-care figures, and the invitation to the SLA review meeting the
// monthly report carries (marketing.review_meeting).
type CRM struct {
	// The reminder to the rep: the lead, the acceptance, the delay, the deadline passed, what to do.
	OutcomeSubject string
	OutcomeIntro   string
	OutcomeDelay   string
	OutcomeDays    Plural
	OutcomeDueNote string
	OutcomeCounts  string
	OutcomeTodo    string
	OutcomeOnce    string
	// The reminder named in an alert to marketing ops that it was given up: short (subject) and in full.
	WhatOutcome  string
	AboutOutcome string

	// The report's CRM care: a block of the sales section.
	CareTitle       string
	CareDue         string
	CareMissing     string
	CareNote        string
	CareNone        string
	CareNotMeasured string

	// The review meeting's invitation (.ics): its title and description, and the report email's line about it.
	MeetingSummary     string
	MeetingDescription string
}

// ForCRM is the CRM-care and review-meeting words in language l (panics on a language that Speaks does not).
func ForCRM(l contract.Locale) *CRM { return in(l, "crm", &crmFR, &crmEN) }

var crmFR = CRM{
	OutcomeSubject: "CRM : renseignez l'issue de %s",
	OutcomeIntro:   "Vous avez accepté ce SQL le %s. Le contrat prévoit que son issue (opportunité créée, affaire gagnée ou perdue) soit saisie dans le CRM au plus tard\u00a0:",
	OutcomeDelay:   "%s après l'acceptation",
	OutcomeDays:    Plural{Zero: "%s jour ouvré", One: "%s jour ouvré", Many: "%s jours ouvrés"},
	OutcomeDueNote: "échéance passée",
	OutcomeCounts:  "Le CRM n'avait transmis aucune issue à cette échéance\u00a0: ce SQL compte parmi ceux sans issue dans le suivi du CRM du rapport mensuel.",
	OutcomeTodo:    "Saisissez dans le CRM l'opportunité, ou l'affaire gagnée ou perdue\u00a0: le CRM la transmet à Handoff.",
	OutcomeOnce:    "Ce rappel n'est envoyé qu'une fois.",
	WhatOutcome:    "rappel d'issue CRM",
	AboutOutcome:   "le rappel de saisir l'issue du SQL dans le CRM",

	CareTitle:       "Suivi du CRM",
	CareDue:         "Délais d'issue échus",
	CareMissing:     "Sans issue",
	CareNote:        "SQL acceptés dont le délai pour saisir l'issue dans le CRM (%s après l'acceptation) est tombé dans le mois\u00a0; sans issue\u00a0: ni opportunité, ni affaire gagnée ou perdue reçue du CRM à cette échéance (un rappel envoyé au commercial).",
	CareNone:        "Aucun délai d'issue n'est tombé dans le mois.",
	CareNotMeasured: "Non mesuré\u00a0: le contrat ne fixe pas de délai pour saisir l'issue des SQL dans le CRM.",

	MeetingSummary:     "Revue mensuelle du SLA marketing-ventes",
	MeetingDescription: "Revue du SLA entre marketing et ventes. Le rapport de %s, envoyé par e-mail, en donne les chiffres.",
}

var crmEN = CRM{
	OutcomeSubject: "CRM: record the outcome of %s",
	OutcomeIntro:   "You accepted this SQL on %s. The contract sets its outcome (opportunity created, deal won or lost) to be recorded in the CRM by:",
	OutcomeDelay:   "%s after the acceptance",
	OutcomeDays:    Plural{Zero: "%s business days", One: "%s business day", Many: "%s business days"},
	OutcomeDueNote: "deadline passed",
	OutcomeCounts:  "The CRM had sent no outcome by then: this SQL counts among those without an outcome in the monthly report's CRM care.",
	OutcomeTodo:    "Record the opportunity, or the deal won or lost, in the CRM: the CRM passes it on to Handoff.",
	OutcomeOnce:    "This reminder is sent once.",
	WhatOutcome:    "CRM outcome reminder",
	AboutOutcome:   "the reminder to record the SQL's outcome in the CRM",

	CareTitle:       "CRM care",
	CareDue:         "Outcome deadlines due",
	CareMissing:     "Without an outcome",
	CareNote:        "Accepted SQLs whose deadline to record the outcome in the CRM (%s after the acceptance) fell in the month; without an outcome: no opportunity, deal won or lost received from the CRM by then (the rep was reminded).",
	CareNone:        "No outcome deadline fell in the month.",
	CareNotMeasured: "Not measured: the contract sets no deadline to record SQLs' outcomes in the CRM.",

	MeetingSummary:     "Monthly marketing-sales SLA review",
	MeetingDescription: "The SLA review between marketing and sales. The report of %s, sent by email, gives its figures.",
}
