package words

// Report is the monthly SLA report's words: its email (HTML and text), its charts and the CSV of the month's SQLs.
// A verb %s takes a number already written by Common (grouped, a percentage) or a name; the points for the SLA
// review (Point*) take, by index, the subject, two counts, their percentage and the target's.
type Report struct {
	Subject                   string
	SubjectCopy               string
	ColAssigned               string
	ColTaken                  string
	Total                     string
	PerRepNote                string
	Earlier                   string
	EarlierNote               string
	Title                     string
	AsOf                      string
	Judged                    string
	Recorded                  string
	Met                       string
	Missed                    string
	NoTarget                  string
	Marketing                 string
	Sales                     string
	Funnel                    string
	Discuss                   string
	Nothing                   string
	SQLs                      string
	MQLs                      string
	Leads                     string
	Target                    string
	LeadMQL                   string
	MQLSQL                    string
	Below                     string
	Again                     string
	Held                      string
	HeldRefused               string
	HeldMissing               string
	Trend                     string
	Month                     string
	TargetCol                 string
	Attainment                string
	Result                    string
	BySource                  string
	ByCampaign                string
	Source                    string
	Campaign                  string
	NoSource                  string
	NoCampaign                string
	Others                    string
	Handed                    string
	Contact                   string
	TTCMedian                 string
	TTCP90                    string // ttc_p90
	Contacts                  Plural
	PendingBoth               string
	ColLeads                  string
	Feedback                  string
	Acceptance                string
	PerRep                    string
	Rep                       string
	ColSQLs                   string
	ColContact                string
	ColMedian                 string
	ColP90                    string // col_p90
	ColBreaches               string
	ColReminders              string
	ColEscalations            string
	Resent                    string
	PossibleDuplicate         string
	ColReassign               string
	Left                      string
	LeftShort                 string
	Rejections                string
	Reason                    string
	Count                     string
	Comments                  string
	Comment                   string
	More                      Plural
	Cohort                    string
	Accepted                  string
	Opps                      string
	Customers                 string
	Revenue                   string
	State                     string
	Open                      string
	Closed                    string
	Unpriced                  string
	FunnelNote                string
	CSV                       Plural
	How                       string
	ChartTrend                string
	ChartTTC                  string
	LegendSQLs                string
	LegendTarget              string
	LegendMedian              string
	LegendP90                 string // legend_p90
	LegendLimit               string
	AltTrend                  string
	AltTTC                    string
	Yes                       string
	No                        string
	Within                    string
	Late                      string
	MissedS                   string
	PendingS                  string
	Rejected                  string
	AcceptedS                 string
	PointNoSQLTarget          string
	PointSQLTargetMissed      string
	PointMQLTargetMissed      string
	PointContactTargetMissed  string
	PointMostBreaches         string
	PointMostBreachesTied     string
	PointTopRejectReasonTied  string
	And                       string
	PointTopRejectReason      string
	PointTopRejectReasonOnly  string
	PointSourceMostlyRejected string
	// CSVHeadings head the CSV's columns, in their order.
	CSVHeadings [23]string
}

var reportFR = Report{
	Subject:                   "Rapport SLA marketing–ventes de %s : %s",
	SubjectCopy:               "Rapport SLA marketing–ventes de %s : %s (copie n° %s)",
	ColAssigned:               "Attribués",
	ColTaken:                  "Retirés",
	Total:                     "Total",
	PerRepNote:                "Les SQL du mois, tels qu'à la date d'arrêté : attribués à chacun (un SQL réattribué compte aussi pour qui le reçoit), retirés sur dépassement, contactés dans le délai de sa propre attribution. Dépassements à l'horloge du contrat ; relances et escalades envoyées.",
	Earlier:                   "SQL des mois précédents, depuis le rapport précédent (%s)",
	EarlierNote:               "Ce qui est arrivé depuis le rapport précédent à des SQL transmis avant ce mois-ci, tel qu'enregistré : leur propre rapport ne pouvait pas le montrer.",
	Title:                     "Rapport SLA marketing–ventes",
	AsOf:                      "Arrêté au %s (%s)",
	Judged:                    "Jugé selon le contrat %s",
	Recorded:                  "enregistrements du mois faits sous : %s",
	Met:                       "tenu",
	Missed:                    "non tenu",
	NoTarget:                  "pas d'objectif",
	Marketing:                 "Engagement du marketing",
	Sales:                     "Engagement des ventes",
	Funnel:                    "Entonnoir partagé",
	Discuss:                   "À discuter lors de la revue SLA",
	Nothing:                   "Rien à signaler : les engagements chiffrés sont tenus.",
	SQLs:                      "SQL livrés",
	MQLs:                      "MQL",
	Leads:                     "Nouveaux leads",
	Target:                    "objectif %s",
	LeadMQL:                   "Conversion lead → MQL",
	MQLSQL:                    "Conversion MQL → SQL",
	Below:                     "SQL du mois passés sous le seuil SQL (décroissance du score)",
	Again:                     "SQL transmis à nouveau (lead déjà transmis)",
	Held:                      "SQL retenus" + nbsp + ": pas de consentement (non transmis aux ventes)",
	HeldRefused:               "%s refus",
	HeldMissing:               "%s sans réponse",
	Trend:                     "Les 6 derniers mois",
	Month:                     "Mois",
	TargetCol:                 "Objectif",
	Attainment:                "Atteinte",
	Result:                    "Résultat",
	BySource:                  "Par source",
	ByCampaign:                "Par campagne UTM",
	Source:                    "Source",
	Campaign:                  "Campagne",
	NoSource:                  "(inconnue)",
	NoCampaign:                "(sans campagne)",
	Others:                    "Autres campagnes (%s)",
	Handed:                    "SQL transmis aux ventes",
	Contact:                   "Contactés dans le délai (%s ouvrées)",
	TTCMedian:                 "Délai de premier contact, médiane (temps ouvré)",
	TTCP90:                    "Délai de premier contact, 90e centile (temps ouvré)",
	PendingBoth:               "SQL dont le délai court encore (contact / réponse)",
	ColLeads:                  "Leads",
	Feedback:                  "Réponse (acceptation ou rejet) dans le délai (%s ouvrées)",
	Acceptance:                "Taux d'acceptation",
	PerRep:                    "Par commercial",
	Rep:                       "Commercial",
	ColSQLs:                   "SQL",
	ColContact:                "Dans le délai",
	ColMedian:                 "Médiane",
	ColP90:                    "90e cent.",
	ColBreaches:               "Dépassements contact / réponse",
	ColReminders:              "Relances",
	ColEscalations:            "Escalades",
	Resent:                    "Nouvel envoi de ce rapport, à la demande (copie n° %s) : les chiffres sont ceux de l'envoi d'origine.",
	PossibleDuplicate:         "Vous avez peut-être déjà reçu ce rapport : son premier envoi a été interrompu avant d'être confirmé.",
	ColReassign:               "Réattrib.",
	Left:                      "%s (a quitté l'équipe)",
	LeftShort:                 "%s (parti)",
	Rejections:                "Motifs de rejet",
	Reason:                    "Motif",
	Count:                     "Nombre",
	Comments:                  "Commentaires « Autre »",
	Comment:                   "%s : %s",
	Cohort:                    "Mois du SQL",
	Accepted:                  "Acceptés",
	Opps:                      "Opportunités",
	Customers:                 "Clients",
	Revenue:                   "Chiffre d'affaires",
	State:                     "État",
	Open:                      "en cours (%s)",
	Closed:                    "clos",
	Unpriced:                  "%s sans montant",
	FunnelNote:                "Chaque SQL est suivi depuis le mois où il a été transmis. Le chiffre d'affaires est celui des affaires gagnées, par devise, jamais additionné d'une devise à l'autre. Une cohorte est « en cours » tant que certains de ses SQL ne sont ni rejetés, ni perdus, ni clients.",
	How:                       "SQL : chaque transmission aux ventes (un lead rejeté puis transmis à nouveau compte deux fois). Leads et MQL : leads distincts entrés dans l'étape pendant le mois. Les conversions rapportent les nombres du mois. Temps ouvré selon le calendrier du contrat ; le délai de premier contact se mesure depuis la transmission (l'attente du lead), et, par commercial, depuis son attribution. Centiles au rang le plus proche : « 90e centile 3h20 » signifie qu'au moins 90 % des SQL ont été contactés en 3h20 ouvrées ou moins après leur transmission. Un délai encore en cours à la date d'arrêté n'est pas compté.",
	ChartTrend:                "SQL livrés et objectif",
	ChartTTC:                  "Délai de premier contact par commercial (heures ouvrées)",
	LegendSQLs:                "SQL livrés",
	LegendTarget:              "objectif",
	LegendMedian:              "médiane",
	LegendP90:                 "90e centile",
	LegendLimit:               "délai du contrat",
	AltTrend:                  "SQL livrés par mois et objectif : %s",
	AltTTC:                    "Délai de premier contact par commercial, médiane et 90e centile : %s",
	Yes:                       "oui",
	No:                        "non",
	Within:                    "dans le délai",
	Late:                      "en retard",
	MissedS:                   "manqué",
	PendingS:                  "en cours",
	Rejected:                  "rejeté",
	AcceptedS:                 "accepté",
	PointNoSQLTarget:          "Aucun objectif de SQL n'est en vigueur pour %[1]s : à fixer dans le contrat.",
	PointSQLTargetMissed:      "Objectif de SQL non tenu : %[2]s sur %[3]s (%[4]s).",
	PointMQLTargetMissed:      "Objectif de MQL non tenu : %[2]s pour un objectif de %[3]s (%[4]s).",
	PointContactTargetMissed:  "Contact dans le délai sous l'objectif : %[4]s au lieu de %[5]s (%[2]s SQL sur %[3]s).",
	PointMostBreaches:         "Le plus de dépassements de délai : %[1]s (%[2]s).",
	PointMostBreachesTied:     "Le plus de dépassements de délai, à égalité avec %[2]s : %[1]s.",
	PointTopRejectReasonTied:  "Premiers motifs de rejet, à égalité : %[1]s (%[2]s chacun, sur %[3]s rejets).",
	And:                       " et ",
	PointTopRejectReason:      "Premier motif de rejet : %[1]s (%[2]s des %[3]s rejets).",
	PointTopRejectReasonOnly:  "Premier motif de rejet : %[1]s (le seul rejet du mois).",
	PointSourceMostlyRejected: "Les SQL de la source %[1]s sont surtout rejetés : %[2]s rejets sur %[3]s réponses.",
	Contacts:                  Plural{Zero: "%s contact", One: "%s contact", Many: "%s contacts"},
	More:                      Plural{Zero: "… et %s autres dans le CSV joint", One: "… et %s autre dans le CSV joint", Many: "… et %s autres dans le CSV joint"},
	CSV:                       Plural{Zero: "Aucun SQL ce mois-ci : le CSV joint n'a que ses en-têtes.", One: "Le détail du SQL du mois est joint (CSV).", Many: "Le détail des %s SQL du mois est joint (CSV)."},
	CSVHeadings:               [23]string{"lead", "transmis le", "source", "campagne UTM", "commercial (id)", "commercial", "contacté le", "moyen", "contacté par (id)", "minutes ouvrées avant contact", "premier contact", "réponse", "répondu le", "motif de rejet", "commentaire", "réponse dans le délai", "dépassements contact", "dépassement réponse", "relances", "réattributions", "étape à la date d'arrêté", "passé sous le seuil SQL", "version du contrat"},
}

var reportEN = Report{
	Subject:                   "Marketing–sales SLA report of %s: %s",
	SubjectCopy:               "Marketing–sales SLA report of %s: %s (copy %s)",
	ColAssigned:               "Assigned",
	ColTaken:                  "Taken",
	Total:                     "Total",
	PerRepNote:                "The month's SQLs as they stood at the as-of date: assigned to each rep (a reassigned SQL counts for the rep who receives it too), taken from them on breach, contacted within the deadline of their own assignment. Breaches on the contract's clock; reminders and escalations as sent.",
	Earlier:                   "SQLs of earlier months, since the previous report (%s)",
	EarlierNote:               "What happened since the previous report to SQLs handed off before this month, as recorded: their own report could not show it.",
	Title:                     "Marketing–sales SLA report",
	AsOf:                      "As of %s (%s)",
	Judged:                    "Judged against contract %s",
	Recorded:                  "the month's records were made under: %s",
	Met:                       "met",
	Missed:                    "missed",
	NoTarget:                  "no target",
	Marketing:                 "Marketing's commitment",
	Sales:                     "Sales' commitment",
	Funnel:                    "The shared funnel",
	Discuss:                   "To discuss at the SLA review",
	Nothing:                   "Nothing to raise: the commitments with figures are met.",
	SQLs:                      "SQLs delivered",
	MQLs:                      "MQLs",
	Leads:                     "New leads",
	Target:                    "target %s",
	LeadMQL:                   "Lead → MQL conversion",
	MQLSQL:                    "MQL → SQL conversion",
	Below:                     "SQLs of the month that fell below the SQL threshold (score decay)",
	Again:                     "SQLs handed off again (lead handed off before)",
	Held:                      "SQLs held: no consent (not handed to sales)",
	HeldRefused:               "%s refused",
	HeldMissing:               "%s never answered",
	Trend:                     "The last 6 months",
	Month:                     "Month",
	TargetCol:                 "Target",
	Attainment:                "Attainment",
	Result:                    "Result",
	BySource:                  "By source",
	ByCampaign:                "By UTM campaign",
	Source:                    "Source",
	Campaign:                  "Campaign",
	NoSource:                  "(unknown)",
	NoCampaign:                "(no campaign)",
	Others:                    "Other campaigns (%s)",
	Handed:                    "SQLs handed to sales",
	Contact:                   "Contacted within the deadline (%s business time)",
	TTCMedian:                 "Time to first contact, median (business time)",
	TTCP90:                    "Time to first contact, 90th percentile (business time)",
	PendingBoth:               "SQLs whose deadline still runs (contact / answer)",
	ColLeads:                  "Leads",
	Feedback:                  "Answer (accept or reject) within the deadline (%s business time)",
	Acceptance:                "Acceptance rate",
	PerRep:                    "Per rep",
	Rep:                       "Rep",
	ColSQLs:                   "SQLs",
	ColContact:                "In time",
	ColMedian:                 "Median",
	ColP90:                    "90th pct",
	ColBreaches:               "Breaches contact / answer",
	ColReminders:              "Reminders",
	ColEscalations:            "Escalations",
	Resent:                    "This report sent again on request (copy %s): the figures are those of the original sending.",
	PossibleDuplicate:         "You may have received this report already: its first sending stopped before it was confirmed.",
	ColReassign:               "Reassigned",
	Left:                      "%s (no longer on the roster)",
	LeftShort:                 "%s (left)",
	Rejections:                "Rejection reasons",
	Reason:                    "Reason",
	Count:                     "Count",
	Comments:                  "Comments on “Other”",
	Comment:                   "%s: %s",
	Cohort:                    "SQL month",
	Accepted:                  "Accepted",
	Opps:                      "Opportunities",
	Customers:                 "Customers",
	Revenue:                   "Revenue",
	State:                     "State",
	Open:                      "open (%s)",
	Closed:                    "closed",
	Unpriced:                  "%s without amount",
	FunnelNote:                "Each SQL is followed from the month it was handed off. Revenue is that of deals won, per currency, never summed across currencies. A cohort is “open” while some of its SQLs are neither rejected, lost nor customers.",
	How:                       "SQLs: each hand-off to sales (a lead rejected and handed off again counts twice). Leads and MQLs: distinct leads entering the stage during the month. Conversions are ratios of the month's counts. Business time follows the contract's calendar; time to first contact runs from the hand-off (the lead's wait), and per rep from their assignment. Nearest-rank percentiles: “90th percentile 3h20” means at least 90% of SQLs were contacted within 3h20 of business time after their hand-off. A deadline still running at the as-of date is not counted.",
	ChartTrend:                "SQLs delivered and target",
	ChartTTC:                  "Time to first contact by rep (business hours)",
	LegendSQLs:                "SQLs delivered",
	LegendTarget:              "target",
	LegendMedian:              "median",
	LegendP90:                 "90th percentile",
	LegendLimit:               "contract deadline",
	AltTrend:                  "SQLs delivered per month and target: %s",
	AltTTC:                    "Time to first contact by rep, median and 90th percentile: %s",
	Yes:                       "yes",
	No:                        "no",
	Within:                    "within deadline",
	Late:                      "late",
	MissedS:                   "missed",
	PendingS:                  "running",
	Rejected:                  "rejected",
	AcceptedS:                 "accepted",
	PointNoSQLTarget:          "No SQL target is in force for %[1]s: set one in the contract.",
	PointSQLTargetMissed:      "SQL target missed: %[2]s of %[3]s (%[4]s).",
	PointMQLTargetMissed:      "MQL target missed: %[2]s against a target of %[3]s (%[4]s).",
	PointContactTargetMissed:  "Contact within the deadline below target: %[4]s instead of %[5]s (%[2]s of %[3]s).",
	PointMostBreaches:         "Most deadline breaches: %[1]s (%[2]s).",
	PointMostBreachesTied:     "Most deadline breaches, tied at %[2]s: %[1]s.",
	PointTopRejectReasonTied:  "Top rejection reasons, tied: %[1]s (%[2]s each, of %[3]s rejections).",
	And:                       " and ",
	PointTopRejectReason:      "Top rejection reason: %[1]s (%[2]s of %[3]s rejections).",
	PointTopRejectReasonOnly:  "Top rejection reason: %[1]s (the month's only rejection).",
	PointSourceMostlyRejected: "SQLs from source %[1]s are mostly rejected: %[2]s rejections of %[3]s answers.",
	Contacts:                  Plural{Zero: "%s contacts", One: "%s contact", Many: "%s contacts"},
	More:                      Plural{Zero: "… and %s more in the attached CSV", One: "… and %s more in the attached CSV", Many: "… and %s more in the attached CSV"},
	CSV:                       Plural{Zero: "No SQL this month: the attached CSV has its headers only.", One: "The month's one SQL is attached (CSV).", Many: "The %s SQLs of the month are attached (CSV)."},
	CSVHeadings:               [23]string{"lead", "handed off", "source", "UTM campaign", "rep (id)", "rep", "contacted", "channel", "contacted by (id)", "business minutes to contact", "first contact", "answer", "answered", "reject reason", "comment", "answer within deadline", "contact breaches", "answer breach", "reminders", "reassignments", "stage at the as-of date", "fell below the SQL threshold", "contract version"},
}
