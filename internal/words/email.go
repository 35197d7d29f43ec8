package words

// Email is the words of every email to sales and marketing ops: the SQL email (its HTML and text templates) and
// the deadline checker's emails (reminders, escalations, alerts). The reasons (Reason*) say handoff.Reason*, which
// are recorded in English for the logs, in the email's language: their English is those constants, word for word
// (TestEnglishReasonsAreTheRecordedOnes).
type Email struct {
	// The SQL email. Subject takes the lead (its company, else its name) and its score.
	Subject    string
	Hello      string
	Intro      string
	Reassigned string
	Duplicate  string
	Left       string
	Lead       string
	Name       string
	Title      string
	Company    string
	Email      string
	Phone      string
	Source     string
	UTM        string
	Consent    string
	Score      string
	Fit        string
	Behaviour  string
	Why        string
	Recent     string
	Assigned   string
	Answer     string
	Contacted  string
	Accept     string
	Reject     string
	Pages      string
	// The deadline checker's emails (email.EventMessage). Subjects keep a plain space before the colon, as the SQL
	// email's; bodies use French typography (a no-break space before : ; ? !).
	EventHello    string
	EventHelloOps string
	EventLate     string
	EventLateNow  string
	EventHanded   string
	EventRep      string
	EventManager  string
	EventPeople   string
	EventWhy      string
	EventNext     string
	EventTodo     string
	EventCRM      string
	EventUnknown  string
	// A lead that is gone (erased, or past its retention): the hand-off keeps no copy of the person's details.
	EventLeadID      string
	EventLeadGone    string
	EventLeadGoneWhy string
	// Reminders of the first-contact deadline and of the answer's: the lead, the instant, the time left.
	ReminderSubject           string
	ReminderIntro             string
	ReminderStop              string
	FeedbackReminderSubject   string
	FeedbackReminderIntro     string
	AwaySubject               string
	AwayUntil                 string
	AwayToday                 string
	AwayContact               string
	AwayAnswer                string
	AwayTodo                  string
	AwaySilent                string
	AwayReassign              string
	AwayEscalate              string
	BreachSubject             string
	BreachSubjectTo           string
	BreachIntro               string
	BreachReassigned          string
	BreachStays               string
	BreachContactedLate       string
	BreachEscalate            string
	BreachNobody              string
	FeedbackBreachSubject     string
	FeedbackBreachIntro       string
	FeedbackBreachRecorded    string
	FeedbackBreachCC          string
	StuckSubject              string
	StuckSubjectDup           string
	StuckIntro                string
	StuckDup                  string
	StuckNoDup                string
	StuckDue                  string
	StuckDueKept              string
	StuckTodo                 string
	UndeliveredSubject        string
	UndeliveredSubjectUnknown string
	UndeliveredIntro          string
	UndeliveredIntroUnknown   string
	UndeliveredTodo           string
	UndeliveredTodoUnknown    string
	UndeliveredSomeone        string
	UndeliveredSubjectConsent string
	UndeliveredIntroConsent   string
	UndeliveredTodoConsent    string
	// A bounced SQL email (handoff.HandleBounce): subject (what, SQL), intro, and what to do — reassigned
	// (to whom, whose address to check) or held (whose address to check).
	BounceSubject   string
	BounceIntro     string
	BounceTodoMoved string
	BounceTodoHeld  string
	// The reasons internal/handoff records in English (handoff.Reason*, matched by email's reasonKeys), said
	// in this language.
	ReasonNeverHanded      string
	ReasonUnknown          string
	ReasonAbandoned        string
	ReasonUnknownNotResent string
	ReasonRefused          string
	ReasonUncomposable     string
	ReasonInterrupted      string
	ReasonConsent          string
	ReasonBounced          string
	ReasonComplained       string
	// The monthly report bounced (package bounces tells marketing ops): subject (month), intro (month, what SES
	// said), what to do (the month, for the re-send); what SES said, by kind.
	ReportBounceSubject string
	ReportBounceIntro   string
	ReportBounceTodo    string
	BounceKindPermanent string
	BounceKindTransient string
	BounceKindComplaint string
	// The email an undelivered alert is about: in the subject (what.*), in full (about.*), and what the rep
	// has already (has.*).
	UndeliveredAbout        string
	WhatSQL                 string
	WhatReminder            string
	WhatReminderFeedback    string
	WhatEscalationAway      string
	WhatBreachFirstContact  string
	WhatBreachFeedback      string
	WhatOther               string
	AboutSQL                string
	AboutReminder           string
	AboutReminderFeedback   string
	AboutEscalationAway     string
	AboutBreachFirstContact string
	AboutBreachFeedback     string
	AboutOther              string
	AboutN                  string
	AboutPoint              string
	AboutTo                 string
	AboutCC                 string
	AboutDue                string
	AboutDeadline           string
	HasSQL                  string
	HasLinks                string
	HasNoSQL                string
	HasReminders            string
	HasReminder             string
	HasReassigned           string
	HasDueContact           string
	HasDueAnswer            string
}

var emailFR = Email{
	Subject:                   "Nouveau SQL : %s (score %s)",
	Hello:                     "Bonjour",
	Intro:                     "Un lead vient de passer SQL et vous est attribué. Le contrat prévoit un premier contact avant :",
	Reassigned:                "Ce SQL vous est réattribué : %s ne l'a pas contacté dans le délai du contrat. Votre délai part du %s.",
	Duplicate:                 "Doublon possible : nous ne savons pas si le premier envoi de cet e-mail est parti. Si vous l'avez déjà reçu, ignorez celui-ci ; vos liens restent valables.",
	Left:                      "ouvrées restantes",
	Lead:                      "Le lead",
	Name:                      "Nom",
	Title:                     "Fonction",
	Company:                   "Société",
	Email:                     "E-mail",
	Phone:                     "Téléphone",
	Source:                    "Source",
	UTM:                       "Campagne",
	Consent:                   "Consentement",
	Score:                     "Score",
	Fit:                       "profil",
	Behaviour:                 "comportement",
	Why:                       "Pourquoi ce score",
	Recent:                    "Activités récentes",
	Assigned:                  "Attribution",
	Answer:                    "Votre retour",
	Contacted:                 "J'ai contacté ce lead",
	Accept:                    "J'accepte ce lead",
	Reject:                    "Je rejette ce lead",
	Pages:                     "Chaque bouton ouvre une page où vous confirmez ; ouvrir le lien ne change rien.",
	EventHello:                "Bonjour %s,",
	EventHelloOps:             "Bonjour,",
	EventLate:                 "retard de %s en temps ouvré",
	EventLateNow:              "délai dépassé à l'instant",
	EventHanded:               "Transmis aux ventes",
	EventRep:                  "Commercial",
	EventManager:              "Manager",
	EventPeople:               "Personnes concernées",
	EventWhy:                  "Motif\u00a0: %s.",
	EventNext:                 "La suite",
	EventTodo:                 "Que faire",
	EventCRM:                  "Une réponse enregistrée dans le CRM compte aussi.",
	EventUnknown:              "%s ne figure plus dans l'annuaire du contrat\u00a0: cet e-mail ne peut pas lui être adressé.",
	EventLeadID:               "Identifiant",
	EventLeadGone:             "Coordonnées",
	EventLeadGoneWhy:          "plus conservées (effacées, ou au-delà de leur durée de conservation)",
	ReminderSubject:           "Rappel : premier contact avec %s avant %s (reste %s)",
	ReminderIntro:             "Rappel %d sur %d\u00a0: ce SQL attend toujours votre premier contact, que le contrat prévoit avant\u00a0:",
	ReminderStop:              "Déjà contacté\u00a0? Dites-le avec le premier bouton\u00a0: les rappels s'arrêtent.",
	FeedbackReminderSubject:   "Rappel : acceptez ou rejetez %s avant %s (reste %s)",
	FeedbackReminderIntro:     "Rappel %d sur %d\u00a0: le contrat prévoit votre réponse sur ce SQL (l'accepter ou le rejeter) avant\u00a0:",
	AwaySubject:               "Absence de %s : SQL %s à reprendre avant %s",
	AwayUntil:                 "%s est indisponible (absence) jusqu'au %s inclus.",
	AwayToday:                 "%s est indisponible (absence) aujourd'hui.",
	AwayContact:               "Un SQL qui lui est attribué attend son premier contact, que le contrat prévoit avant\u00a0:",
	AwayAnswer:                "Un SQL qui lui est attribué attend sa réponse (acceptation ou rejet), que le contrat prévoit avant\u00a0:",
	AwayTodo:                  "Reprenez ce SQL vous-même ou réattribuez-le dans le CRM avant l'échéance.",
	AwaySilent:                "Aucun rappel ne lui est envoyé pendant son absence, et ses liens de réponse lui sont personnels\u00a0: ils ne figurent pas dans cet e-mail.",
	AwayReassign:              "Sans premier contact à l'échéance, le contrat prévoit de réattribuer le SQL à un autre commercial.",
	AwayEscalate:              "Sans premier contact à l'échéance, le dépassement sera enregistré et vous recevrez une alerte.",
	BreachSubject:             "Délai dépassé : %s n'a pas contacté %s avant %s",
	BreachSubjectTo:           "%s — SQL réattribué à %s",
	BreachIntro:               "%s n'a pas contacté ce SQL dans le délai du contrat (version %s). Le premier contact était prévu avant\u00a0:",
	BreachReassigned:          "Le SQL est réattribué à %s (%s), qui doit le contacter avant %s.",
	BreachStays:               "Le dépassement reste enregistré au nom de %s.",
	BreachContactedLate:       "%s a contacté le lead le %s, après le délai\u00a0: le dépassement reste enregistré, avec son retard.",
	BreachEscalate:            "%s garde le SQL\u00a0: le contrat prévoit seulement l'escalade (sales.on_breach: escalate). Veillez à ce que le lead soit contacté au plus vite\u00a0; un contact tardif est enregistré avec son retard.",
	BreachNobody:              "%s garde le SQL\u00a0: aucun autre commercial n'était disponible pour le reprendre. Réattribuez-le dans le CRM si besoin.",
	FeedbackBreachSubject:     "Réponse en retard : acceptez ou rejetez %s (attendue avant %s)",
	FeedbackBreachIntro:       "Le contrat prévoit que chaque SQL soit accepté ou rejeté dans son délai. Votre réponse sur ce SQL était attendue avant\u00a0:",
	FeedbackBreachRecorded:    "Le dépassement est enregistré (contrat %s). Répondez maintenant\u00a0: un bouton, puis une confirmation.",
	FeedbackBreachCC:          "%s est en copie.",
	StuckSubject:              "E-mail SQL renvoyé : %s à %s",
	StuckSubjectDup:           "%s (doublon possible)",
	StuckIntro:                "L'e-mail SQL de ce lead à %s a été envoyé de nouveau.",
	StuckDup:                  "Il est marqué comme doublon possible\u00a0: le premier envoi a pu partir, et %s peut le recevoir deux fois.",
	StuckNoDup:                "Il n'est pas marqué comme doublon\u00a0: le premier envoi n'était pas parti.",
	StuckDue:                  "Le délai de premier contact de %s part de ce nouvel envoi\u00a0:",
	StuckDueKept:              "Le délai de premier contact de %s ne change pas\u00a0:",
	StuckTodo:                 "Si %s ne le reçoit pas, transmettez-lui le SQL à la main.",
	UndeliveredSubject:        "E-mail non remis : %s (SQL %s)",
	UndeliveredSubjectUnknown: "E-mail peut-être non remis : %s (SQL %s)",
	UndeliveredIntro:          "Un e-mail de Handoff sur ce SQL n'a pas pu être remis et ne sera pas renvoyé automatiquement.",
	UndeliveredIntroUnknown:   "Handoff ne sait pas si cet e-mail sur ce SQL est parti (son envoi a été interrompu)\u00a0: il ne sera pas renvoyé automatiquement, pour ne pas l'envoyer deux fois.",
	UndeliveredTodo:           "Prévenez %s à la main (téléphone, messagerie) et, si l'envoi a été refusé, vérifiez son adresse dans le contrat.",
	UndeliveredTodoUnknown:    "Vérifiez auprès de %s que cet e-mail est arrivé\u00a0; sinon, transmettez-lui-en l'essentiel (ci-dessus) à la main.",
	UndeliveredSomeone:        "la personne concernée",
	UndeliveredSubjectConsent: "E-mail non envoyé, pas de consentement : %s (SQL %s)",
	UndeliveredIntroConsent:   "Handoff n'a pas envoyé cet e-mail sur ce SQL : la dernière réponse du lead à la question du consentement est non. Le SQL n'est plus suivi (ni rappels ni délais).",
	UndeliveredTodoConsent:    "Ne transmettez pas ce lead à %s : il a refusé d'être contacté par les ventes.",
	BounceSubject:             "E-mail revenu : %s (SQL %s)",
	BounceIntro:               "SES signale que l'e-mail SQL n'a pas atteint le commercial (ou qu'il l'a marqué comme spam)\u00a0: ses délais ne courent pas, Handoff ne le relancera pas pour ce SQL.",
	BounceTodoMoved:           "Le SQL a été réattribué à %s, qui reçoit l'e-mail SQL. Vérifiez l'adresse de %s dans le contrat.",
	BounceTodoHeld:            "Le SQL est en attente, sans commercial ni délai\u00a0: transmettez-le à la main et vérifiez l'adresse de %s dans le contrat.",
	ReasonNeverHanded:         "l'e-mail SQL était prêt mais n'avait jamais été remis à SES\u00a0; il vient de partir",
	ReasonUnknown:             "l'issue de l'e-mail SQL est inconnue\u00a0: il a été renvoyé, marqué comme doublon possible",
	ReasonAbandoned:           "l'e-mail SQL n'a pas pu être envoyé après %d tentatives\u00a0: le commercial doit être prévenu à la main",
	ReasonUnknownNotResent:    "son issue est inconnue (l'envoi a été interrompu)\u00a0: il n'a pas été renvoyé",
	ReasonRefused:             "SES l'a refusé %d fois",
	ReasonUncomposable:        "il n'a pas pu être composé (une personne à qui il s'adresse n'est pas dans le contrat)",
	ReasonInterrupted:         "l'envoi de l'e-mail SQL par Handoff a été interrompu (arrêt du traitement, ou réponse de SES perdue)\u00a0: il a été renvoyé, marqué comme doublon possible, et les délais du commercial n'ont pas bougé",
	ReasonConsent:             "la dernière réponse du lead à la question du consentement est non\u00a0: l'e-mail SQL n'a pas été envoyé, et le suivi du SQL a pris fin (ni rappels ni délais)",
	ReasonBounced:             "l'e-mail SQL est revenu\u00a0: l'adresse du commercial refuse le courrier (rejet définitif signalé par SES), il ne l'a donc jamais reçu",
	ReasonComplained:          "le commercial a marqué l'e-mail SQL comme spam (plainte signalée par SES)",
	ReportBounceSubject:       "Rapport SLA non remis\u00a0: %s",
	ReportBounceIntro:         "SES signale que le rapport SLA de %s n'a pas atteint un de ses destinataires\u00a0: %s.",
	ReportBounceTodo:          "Vérifiez les adresses des destinataires du rapport dans le contrat, puis renvoyez-le en invoquant la fonction du rapport avec %s.",
	BounceKindPermanent:       "rejet définitif (l'adresse refuse le courrier)",
	BounceKindTransient:       "rejet temporaire (SES a renoncé après plusieurs essais)",
	BounceKindComplaint:       "plainte (marqué comme spam)",
	UndeliveredAbout:          "E-mail concerné\u00a0: %s.",
	WhatSQL:                   "e-mail SQL",
	WhatReminder:              "rappel",
	WhatReminderFeedback:      "rappel de réponse",
	WhatEscalationAway:        "alerte d'absence",
	WhatBreachFirstContact:    "escalade du dépassement",
	WhatBreachFeedback:        "relance de réponse en retard",
	WhatOther:                 "e-mail %s",
	AboutSQL:                  "l'e-mail SQL (le lead et ses liens de réponse)",
	AboutReminder:             "le rappel de premier contact",
	AboutReminderFeedback:     "le rappel de réponse (accepter ou rejeter)",
	AboutEscalationAway:       "l'alerte d'absence de %s",
	AboutBreachFirstContact:   "l'escalade du dépassement de délai de %s",
	AboutBreachFeedback:       "la relance de réponse en retard",
	AboutOther:                "l'e-mail %s",
	AboutN:                    " %d sur %d",
	AboutPoint:                " (à %s du délai)",
	AboutTo:                   " à %s",
	AboutCC:                   " (%s en copie)",
	AboutDue:                  ", prévu le %s",
	AboutDeadline:             ", pour le délai du %s",
	HasSQL:                    "%s a l'e-mail SQL de ce lead, envoyé le %s\u00a0: le lead, son délai et ses liens de réponse.",
	HasLinks:                  "Les liens de réponse de cet e-mail restent valables.",
	HasNoSQL:                  "L'e-mail SQL de ce lead n'est pas confirmé envoyé à %s\u00a0: transmettez-lui aussi le lead.",
	HasReminders:              "Déjà envoyés à %s\u00a0: %s.",
	HasReminder:               "rappel %d sur %d, envoyé le %s",
	HasReassigned:             "Le SQL a depuis été réattribué à %s.",
	HasDueContact:             "Délai de premier contact de %s\u00a0:",
	HasDueAnswer:              "Réponse attendue de %s avant\u00a0:",
}

var emailEN = Email{
	Subject:                   "New SQL: %s (score %s)",
	Hello:                     "Hello",
	Intro:                     "A lead just became an SQL and is assigned to you. The contract says first contact before:",
	Reassigned:                "This SQL is reassigned to you: %s did not contact it within the contract's deadline. Your deadline counts from %s.",
	Duplicate:                 "Possible duplicate: we could not tell whether the first sending of this email left. If you already have it, ignore this one; your links work either way.",
	Left:                      "business time left",
	Lead:                      "The lead",
	Name:                      "Name",
	Title:                     "Title",
	Company:                   "Company",
	Email:                     "Email",
	Phone:                     "Phone",
	Source:                    "Source",
	UTM:                       "Campaign",
	Consent:                   "Consent",
	Score:                     "Score",
	Fit:                       "fit",
	Behaviour:                 "behaviour",
	Why:                       "Why this score",
	Recent:                    "Recent activities",
	Assigned:                  "Assignment",
	Answer:                    "Your answer",
	Contacted:                 "I contacted this lead",
	Accept:                    "I accept this lead",
	Reject:                    "I reject this lead",
	Pages:                     "Each button opens a page where you confirm; opening a link changes nothing.",
	EventHello:                "Hello %s,",
	EventHelloOps:             "Hello,",
	EventLate:                 "%s late in business time",
	EventLateNow:              "the deadline just passed",
	EventHanded:               "Handed to sales",
	EventRep:                  "Rep",
	EventManager:              "Manager",
	EventPeople:               "People concerned",
	EventWhy:                  "Why: %s.",
	EventNext:                 "What happens next",
	EventTodo:                 "What to do",
	EventCRM:                  "An answer recorded in the CRM counts too.",
	EventUnknown:              "%s is no longer in the contract's roster: this email cannot be addressed to them.",
	EventLeadID:               "ID",
	EventLeadGone:             "Contact details",
	EventLeadGoneWhy:          "no longer kept (erased, or past their retention)",
	ReminderSubject:           "Reminder: first contact with %s before %s (%s left)",
	ReminderIntro:             "Reminder %d of %d: this SQL still awaits your first contact, which the contract sets before:",
	ReminderStop:              "Contacted already? Say so with the first button: the reminders stop.",
	FeedbackReminderSubject:   "Reminder: accept or reject %s before %s (%s left)",
	FeedbackReminderIntro:     "Reminder %d of %d: the contract sets your answer on this SQL (accept or reject it) before:",
	AwaySubject:               "%s is out of office: SQL %s to take over before %s",
	AwayUntil:                 "%s is out of office until %s (inclusive).",
	AwayToday:                 "%s is out of office today.",
	AwayContact:               "An SQL assigned to them awaits first contact, which the contract sets before:",
	AwayAnswer:                "An SQL assigned to them awaits their answer (accept or reject), which the contract sets before:",
	AwayTodo:                  "Take this SQL over yourself or reassign it in the CRM before the deadline.",
	AwaySilent:                "No reminder goes to them while they are away, and their answer links are bound to them: they are not in this email.",
	AwayReassign:              "Without a first contact by the deadline, the contract reassigns the SQL to another rep.",
	AwayEscalate:              "Without a first contact by the deadline, the breach is recorded and you are alerted.",
	BreachSubject:             "Deadline missed: %s did not contact %s before %s",
	BreachSubjectTo:           "%s — SQL reassigned to %s",
	BreachIntro:               "%s did not contact this SQL within the contract's deadline (version %s). First contact was due before:",
	BreachReassigned:          "The SQL is reassigned to %s (%s), who must contact it before %s.",
	BreachStays:               "The breach stays on record against %s.",
	BreachContactedLate:       "%s contacted the lead on %s, after the deadline: the breach stays on record, with its delay.",
	BreachEscalate:            "%s keeps the SQL: the contract says escalate only (sales.on_breach: escalate). See that the lead is contacted soon; a late contact is recorded with its delay.",
	BreachNobody:              "%s keeps the SQL: no other rep was available to take it. Reassign it in the CRM if need be.",
	FeedbackBreachSubject:     "Answer overdue: accept or reject %s (due before %s)",
	FeedbackBreachIntro:       "The contract has every SQL accepted or rejected within its deadline. Your answer on this SQL was due before:",
	FeedbackBreachRecorded:    "The breach is recorded (contract %s). Answer now: one button, then a confirmation.",
	FeedbackBreachCC:          "%s is in copy.",
	StuckSubject:              "SQL email resent: %s to %s",
	StuckSubjectDup:           "%s (possible duplicate)",
	StuckIntro:                "The SQL email of this lead to %s was sent again.",
	StuckDup:                  "It is marked as a possible duplicate: the first sending may have left, and %s may get it twice.",
	StuckNoDup:                "It is not marked as a duplicate: the first sending had not left.",
	StuckDue:                  "The first-contact deadline of %s counts from this sending:",
	StuckDueKept:              "The first-contact deadline of %s does not move:",
	StuckTodo:                 "If %s does not get it, pass the SQL on by hand.",
	UndeliveredSubject:        "Email not delivered: %s (SQL %s)",
	UndeliveredSubjectUnknown: "Email maybe not delivered: %s (SQL %s)",
	UndeliveredIntro:          "An email Handoff sent about this SQL could not be delivered and will not be sent again automatically.",
	UndeliveredIntroUnknown:   "Handoff cannot tell whether this email about this SQL left (its sending was interrupted): it will not be sent again automatically, so as not to send it twice.",
	UndeliveredTodo:           "Tell %s by hand (phone, chat) and, if the sending was refused, check their address in the contract.",
	UndeliveredTodoUnknown:    "Check with %s that this email arrived; if not, pass on what it said (above) by hand.",
	UndeliveredSomeone:        "the person concerned",
	UndeliveredSubjectConsent: "Email not sent, no consent: %s (SQL %s)",
	UndeliveredIntroConsent:   "Handoff did not send this email about this SQL: the lead's latest answer to the consent question is no. The SQL is no longer followed (no reminders, no deadlines).",
	UndeliveredTodoConsent:    "Do not pass this lead on to %s: they refused to be contacted by sales.",
	BounceSubject:             "Email bounced: %s (SQL %s)",
	BounceIntro:               "SES reports that the SQL email did not reach the rep (or that they marked it as spam): their deadlines do not run, and Handoff will not chase them for this SQL.",
	BounceTodoMoved:           "The SQL was reassigned to %s, who gets the SQL email. Check %s's address in the contract.",
	BounceTodoHeld:            "The SQL is held, with no rep and no deadline: pass it on by hand, and check %s's address in the contract.",
	ReasonNeverHanded:         "the SQL email was claimed but never handed to SES: it was sent now",
	ReasonUnknown:             "the outcome of the SQL email is unknown: it was resent, marked as a possible duplicate",
	ReasonAbandoned:           "the SQL email could not be sent after %d attempts: the rep must be told by hand",
	ReasonUnknownNotResent:    "its outcome is unknown (its sending was interrupted): it was not sent again",
	ReasonRefused:             "SES refused it %d times",
	ReasonUncomposable:        "it could not be composed (someone it goes to is not in the contract)",
	ReasonInterrupted:         "the checker's sending of the SQL email was interrupted (its run died, or SES's answer was lost): it was resent, marked as a possible duplicate, and the rep's deadlines did not move",
	ReasonConsent:             "the lead's latest answer to the consent question is no: the SQL email was not sent, and the hand-off ended (no reminders, no deadlines)",
	ReasonBounced:             "the SQL email bounced: the rep's address refuses mail (a permanent bounce reported by SES), so the rep never had it",
	ReasonComplained:          "the rep marked the SQL email as spam (a complaint reported by SES)",
	ReportBounceSubject:       "SLA report not delivered: %s",
	ReportBounceIntro:         "SES reports that the SLA report of %s did not reach one of its recipients: %s.",
	ReportBounceTodo:          "Check the addresses of the report's recipients in the contract, then send it again by invoking the report function with %s.",
	BounceKindPermanent:       "a permanent bounce (the address refuses mail)",
	BounceKindTransient:       "a transient bounce (SES gave up after retrying)",
	BounceKindComplaint:       "a complaint (marked as spam)",
	UndeliveredAbout:          "The email: %s.",
	WhatSQL:                   "SQL email",
	WhatReminder:              "reminder",
	WhatReminderFeedback:      "answer reminder",
	WhatEscalationAway:        "out-of-office alert",
	WhatBreachFirstContact:    "breach escalation",
	WhatBreachFeedback:        "overdue-answer notice",
	WhatOther:                 "%s email",
	AboutSQL:                  "the SQL email (the lead and the answer links)",
	AboutReminder:             "the first-contact reminder",
	AboutReminderFeedback:     "the reminder to answer (accept or reject)",
	AboutEscalationAway:       "the alert that %s is out of office",
	AboutBreachFirstContact:   "the escalation of %s's missed deadline",
	AboutBreachFeedback:       "the notice of an overdue answer",
	AboutOther:                "the %s email",
	AboutN:                    " %d of %d",
	AboutPoint:                " (at %s of the deadline)",
	AboutTo:                   " to %s",
	AboutCC:                   " (%s in copy)",
	AboutDue:                  ", due %s",
	AboutDeadline:             ", for the deadline of %s",
	HasSQL:                    "%s has the SQL email of this lead, sent %s: the lead, the deadline and the answer links.",
	HasLinks:                  "The answer links in it still work.",
	HasNoSQL:                  "The SQL email of this lead is not confirmed sent to %s: pass the lead on too.",
	HasReminders:              "Already sent to %s: %s.",
	HasReminder:               "reminder %d of %d, sent %s",
	HasReassigned:             "The SQL has since been reassigned to %s.",
	HasDueContact:             "First-contact deadline of %s:",
	HasDueAnswer:              "Answer due from %s before:",
}
