package report

import (
	"cmp"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// nbsp keeps a number and its unit together ("87 %", "18 500 EUR"); mail clients' fonts all have it.
const nbsp = "\u00a0"

var words = map[contract.Locale]map[string]string{
	contract.French: {
		"subject":            "Rapport SLA marketing–ventes de %s : %s",
		"subject_copy":       "Rapport SLA marketing–ventes de %s : %s (copie n° %s)",
		"colon":              nbsp + ": ", // French sets a colon off with a (no-break) space
		"contacts_one":       "%s contact",
		"more_one":           "… et %s autre dans le CSV joint",
		"csv_one":            "Le détail du SQL du mois est joint (CSV).",
		"csv_zero":           "Aucun SQL ce mois-ci : le CSV joint n'a que ses en-têtes.",
		"contacts_zero":      "%s contact",
		"col_assigned":       "Attribués",
		"col_taken":          "Retirés",
		"total":              "Total",
		"per_rep_note":       "Les SQL du mois, tels qu'à la date d'arrêté : attribués à chacun (un SQL réattribué compte aussi pour qui le reçoit), retirés sur dépassement, contactés dans le délai de sa propre attribution. Dépassements à l'horloge du contrat ; relances et escalades envoyées.",
		"earlier":            "SQL des mois précédents, depuis le rapport précédent (%s)",
		"earlier_note":       "Ce qui est arrivé depuis le rapport précédent à des SQL transmis avant ce mois-ci, tel qu'enregistré : leur propre rapport ne pouvait pas le montrer.",
		"title":              "Rapport SLA marketing–ventes",
		"as_of":              "Arrêté au %s (%s)",
		"judged":             "Jugé selon le contrat %s",
		"recorded":           "enregistrements du mois faits sous : %s",
		"met":                "tenu",
		"missed":             "non tenu",
		"no_target":          "pas d'objectif",
		"none":               "—",
		"marketing":          "Engagement du marketing",
		"sales":              "Engagement des ventes",
		"funnel":             "Entonnoir partagé",
		"discuss":            "À discuter lors de la revue SLA",
		"nothing":            "Rien à signaler : les engagements chiffrés sont tenus.",
		"sqls":               "SQL livrés",
		"mqls":               "MQL",
		"leads":              "Nouveaux leads",
		"target":             "objectif %s",
		"lead_mql":           "Conversion lead → MQL",
		"mql_sql":            "Conversion MQL → SQL",
		"below":              "SQL du mois passés sous le seuil SQL (décroissance du score)",
		"again":              "SQL transmis à nouveau (lead déjà transmis)",
		"held":               "SQL retenus" + nbsp + ": pas de consentement (non transmis aux ventes)",
		"held_refused":       "%s refus",
		"held_missing":       "%s sans réponse",
		"trend":              "Les 6 derniers mois",
		"month":              "Mois",
		"target_col":         "Objectif",
		"attainment":         "Atteinte",
		"result":             "Résultat",
		"by_source":          "Par source",
		"by_campaign":        "Par campagne UTM",
		"source":             "Source",
		"campaign":           "Campagne",
		"no_source":          "(inconnue)",
		"no_campaign":        "(sans campagne)",
		"others":             "Autres campagnes (%s)",
		"handed":             "SQL transmis aux ventes",
		"contact":            "Contactés dans le délai (%s ouvrées)",
		"ttc_median":         "Délai de premier contact, médiane (temps ouvré)",
		"ttc_p90":            "Délai de premier contact, 90e centile (temps ouvré)",
		"contacts":           "%s contacts",
		"pending_both":       "SQL dont le délai court encore (contact / réponse)",
		"col_leads":          "Leads",
		"feedback":           "Réponse (acceptation ou rejet) dans le délai (%s ouvrées)",
		"acceptance":         "Taux d'acceptation",
		"per_rep":            "Par commercial",
		"rep":                "Commercial",
		"col_sqls":           "SQL",
		"col_contact":        "Dans le délai",
		"col_median":         "Médiane",
		"col_p90":            "90e cent.",
		"col_breaches":       "Dépassements contact / réponse",
		"col_reminders":      "Relances",
		"col_escalations":    "Escalades",
		"resent":             "Nouvel envoi de ce rapport, à la demande (copie n° %s) : les chiffres sont ceux de l'envoi d'origine.",
		"possible_duplicate": "Vous avez peut-être déjà reçu ce rapport : son premier envoi a été interrompu avant d'être confirmé.",
		"col_reassign":       "Réattrib.",
		"left":               "%s (a quitté l'équipe)",
		"left_short":         "%s (parti)",
		"rejections":         "Motifs de rejet",
		"reason":             "Motif",
		"count":              "Nombre",
		"comments":           "Commentaires « Autre »",
		"comment":            "%s : %s",
		"more":               "… et %s autres dans le CSV joint",
		"cohort":             "Mois du SQL",
		"accepted":           "Acceptés",
		"opps":               "Opportunités",
		"customers":          "Clients",
		"revenue":            "Chiffre d'affaires",
		"state":              "État",
		"open":               "en cours (%s)",
		"closed":             "clos",
		"unpriced":           "%s sans montant",
		"funnel_note":        "Chaque SQL est suivi depuis le mois où il a été transmis. Le chiffre d'affaires est celui des affaires gagnées, par devise, jamais additionné d'une devise à l'autre. Une cohorte est « en cours » tant que certains de ses SQL ne sont ni rejetés, ni perdus, ni clients.",
		"csv":                "Le détail des %s SQL du mois est joint (CSV).",
		"how":                "SQL : chaque transmission aux ventes (un lead rejeté puis transmis à nouveau compte deux fois). Leads et MQL : leads distincts entrés dans l'étape pendant le mois. Les conversions rapportent les nombres du mois. Temps ouvré selon le calendrier du contrat ; le délai de premier contact se mesure depuis la transmission (l'attente du lead), et, par commercial, depuis son attribution. Centiles au rang le plus proche : « 90e centile 3 h 20 » signifie qu'au moins 90 % des SQL ont été contactés en 3 h 20 ouvrées ou moins après leur transmission. Un délai encore en cours à la date d'arrêté n'est pas compté.",
		"footer":             "Envoyé par Handoff pour %s — le contrat marketing–ventes, appliqué.",
		"chart_trend":        "SQL livrés et objectif",
		"chart_ttc":          "Délai de premier contact par commercial (heures ouvrées)",
		"legend_sqls":        "SQL livrés",
		"legend_target":      "objectif",
		"legend_median":      "médiane",
		"legend_p90":         "90e centile",
		"legend_limit":       "délai du contrat",
		"alt_trend":          "SQL livrés par mois et objectif : %s",
		"alt_ttc":            "Délai de premier contact par commercial, médiane et 90e centile : %s",
		"hours":              "%s h",
		"yes":                "oui",
		"no":                 "non",
		"within":             "dans le délai",
		"late":               "en retard",
		"missed_s":           "manqué",
		"pending_s":          "en cours",
		"rejected":           "rejeté",
		"accepted_s":         "accepté",

		"p_" + string(NoSQLTarget):               "Aucun objectif de SQL n'est en vigueur pour %[1]s : à fixer dans le contrat.",
		"p_" + string(SQLTargetMissed):           "Objectif de SQL non tenu : %[2]s sur %[3]s (%[4]s).",
		"p_" + string(MQLTargetMissed):           "Objectif de MQL non tenu : %[2]s pour un objectif de %[3]s (%[4]s).",
		"p_" + string(ContactTargetMissed):       "Contact dans le délai sous l'objectif : %[4]s au lieu de %[5]s (%[2]s SQL sur %[3]s).",
		"p_" + string(MostBreaches):              "Le plus de dépassements de délai : %[1]s (%[2]s).",
		"p_" + string(MostBreaches) + "_tied":    "Le plus de dépassements de délai, à égalité avec %[2]s : %[1]s.",
		"p_" + string(TopRejectReason) + "_tied": "Premiers motifs de rejet, à égalité : %[1]s (%[2]s chacun, sur %[3]s rejets).",
		"and":                                    " et ",
		"p_" + string(TopRejectReason):           "Premier motif de rejet : %[1]s (%[2]s des %[3]s rejets).",
		"p_" + string(TopRejectReason) + "_only": "Premier motif de rejet : %[1]s (le seul rejet du mois).",
		"p_" + string(SourceMostlyRejected):      "Les SQL de la source %[1]s sont surtout rejetés : %[2]s rejets sur %[3]s réponses.",

		// The reasons' labels are those of the feedback page (package feedback); to be shared once the hand-off's
		// rules have their own package.
		"reason_not_a_fit": "Ne correspond pas à notre cible", "reason_no_budget": "Pas de budget", "reason_duplicate": "Doublon",
		"reason_wrong_contact": "Mauvais interlocuteur", "reason_student_or_job_seeker": "Étudiant ou candidat", "reason_other": "Autre",

		"csv_lead": "lead", "csv_handed": "transmis le", "csv_source": "source", "csv_campaign": "campagne UTM",
		"csv_rep": "commercial (id)", "csv_rep_name": "commercial", "csv_contacted": "contacté le",
		"csv_channel": "moyen", "csv_contact_rep": "contacté par (id)", "csv_minutes": "minutes ouvrées avant contact",
		"csv_contact": "premier contact", "csv_answer": "réponse", "csv_answered": "répondu le",
		"csv_reason": "motif de rejet", "csv_comment": "commentaire", "csv_feedback": "réponse dans le délai",
		"csv_breaches": "dépassements contact", "csv_fb_breach": "dépassement réponse", "csv_reminders": "relances",
		"csv_reassign": "réattributions", "csv_stage": "étape à la date d'arrêté", "csv_below": "passé sous le seuil SQL",
		"csv_version": "version du contrat",
	},
	contract.English: {
		"subject":            "Marketing–sales SLA report of %s: %s",
		"subject_copy":       "Marketing–sales SLA report of %s: %s (copy %s)",
		"colon":              ": ",
		"contacts_one":       "%s contact",
		"more_one":           "… and %s more in the attached CSV",
		"csv_one":            "The month's one SQL is attached (CSV).",
		"csv_zero":           "No SQL this month: the attached CSV has its headers only.",
		"col_assigned":       "Assigned",
		"col_taken":          "Taken",
		"total":              "Total",
		"per_rep_note":       "The month's SQLs as they stood at the as-of date: assigned to each rep (a reassigned SQL counts for the rep who receives it too), taken from them on breach, contacted within the deadline of their own assignment. Breaches on the contract's clock; reminders and escalations as sent.",
		"earlier":            "SQLs of earlier months, since the previous report (%s)",
		"earlier_note":       "What happened since the previous report to SQLs handed off before this month, as recorded: their own report could not show it.",
		"title":              "Marketing–sales SLA report",
		"as_of":              "As of %s (%s)",
		"judged":             "Judged against contract %s",
		"recorded":           "the month's records were made under: %s",
		"met":                "met",
		"missed":             "missed",
		"no_target":          "no target",
		"none":               "—",
		"marketing":          "Marketing's commitment",
		"sales":              "Sales' commitment",
		"funnel":             "The shared funnel",
		"discuss":            "To discuss at the SLA review",
		"nothing":            "Nothing to raise: the commitments with figures are met.",
		"sqls":               "SQLs delivered",
		"mqls":               "MQLs",
		"leads":              "New leads",
		"target":             "target %s",
		"lead_mql":           "Lead → MQL conversion",
		"mql_sql":            "MQL → SQL conversion",
		"below":              "SQLs of the month that fell below the SQL threshold (score decay)",
		"again":              "SQLs handed off again (lead handed off before)",
		"held":               "SQLs held: no consent (not handed to sales)",
		"held_refused":       "%s refused",
		"held_missing":       "%s never answered",
		"trend":              "The last 6 months",
		"month":              "Month",
		"target_col":         "Target",
		"attainment":         "Attainment",
		"result":             "Result",
		"by_source":          "By source",
		"by_campaign":        "By UTM campaign",
		"source":             "Source",
		"campaign":           "Campaign",
		"no_source":          "(unknown)",
		"no_campaign":        "(no campaign)",
		"others":             "Other campaigns (%s)",
		"handed":             "SQLs handed to sales",
		"contact":            "Contacted within the deadline (%s business time)",
		"ttc_median":         "Time to first contact, median (business time)",
		"ttc_p90":            "Time to first contact, 90th percentile (business time)",
		"contacts":           "%s contacts",
		"pending_both":       "SQLs whose deadline still runs (contact / answer)",
		"col_leads":          "Leads",
		"feedback":           "Answer (accept or reject) within the deadline (%s business time)",
		"acceptance":         "Acceptance rate",
		"per_rep":            "Per rep",
		"rep":                "Rep",
		"col_sqls":           "SQLs",
		"col_contact":        "In time",
		"col_median":         "Median",
		"col_p90":            "90th pct",
		"col_breaches":       "Breaches contact / answer",
		"col_reminders":      "Reminders",
		"col_escalations":    "Escalations",
		"resent":             "This report sent again on request (copy %s): the figures are those of the original sending.",
		"possible_duplicate": "You may have received this report already: its first sending stopped before it was confirmed.",
		"col_reassign":       "Reassigned",
		"left":               "%s (no longer on the roster)",
		"left_short":         "%s (left)",
		"rejections":         "Rejection reasons",
		"reason":             "Reason",
		"count":              "Count",
		"comments":           "Comments on “Other”",
		"comment":            "%s: %s",
		"more":               "… and %s more in the attached CSV",
		"cohort":             "SQL month",
		"accepted":           "Accepted",
		"opps":               "Opportunities",
		"customers":          "Customers",
		"revenue":            "Revenue",
		"state":              "State",
		"open":               "open (%s)",
		"closed":             "closed",
		"unpriced":           "%s without amount",
		"funnel_note":        "Each SQL is followed from the month it was handed off. Revenue is that of deals won, per currency, never summed across currencies. A cohort is “open” while some of its SQLs are neither rejected, lost nor customers.",
		"csv":                "The %s SQLs of the month are attached (CSV).",
		"how":                "SQLs: each hand-off to sales (a lead rejected and handed off again counts twice). Leads and MQLs: distinct leads entering the stage during the month. Conversions are ratios of the month's counts. Business time follows the contract's calendar; time to first contact runs from the hand-off (the lead's wait), and per rep from their assignment. Nearest-rank percentiles: “90th percentile 3h20” means at least 90% of SQLs were contacted within 3h20 of business time after their hand-off. A deadline still running at the as-of date is not counted.",
		"footer":             "Sent by Handoff for %s — the marketing–sales contract, enforced.",
		"chart_trend":        "SQLs delivered and target",
		"chart_ttc":          "Time to first contact by rep (business hours)",
		"legend_sqls":        "SQLs delivered",
		"legend_target":      "target",
		"legend_median":      "median",
		"legend_p90":         "90th percentile",
		"legend_limit":       "contract deadline",
		"alt_trend":          "SQLs delivered per month and target: %s",
		"alt_ttc":            "Time to first contact by rep, median and 90th percentile: %s",
		"hours":              "%sh",
		"yes":                "yes",
		"no":                 "no",
		"within":             "within deadline",
		"late":               "late",
		"missed_s":           "missed",
		"pending_s":          "running",
		"rejected":           "rejected",
		"accepted_s":         "accepted",

		"p_" + string(NoSQLTarget):               "No SQL target is in force for %[1]s: set one in the contract.",
		"p_" + string(SQLTargetMissed):           "SQL target missed: %[2]s of %[3]s (%[4]s).",
		"p_" + string(MQLTargetMissed):           "MQL target missed: %[2]s against a target of %[3]s (%[4]s).",
		"p_" + string(ContactTargetMissed):       "Contact within the deadline below target: %[4]s instead of %[5]s (%[2]s of %[3]s).",
		"p_" + string(MostBreaches):              "Most deadline breaches: %[1]s (%[2]s).",
		"p_" + string(MostBreaches) + "_tied":    "Most deadline breaches, tied at %[2]s: %[1]s.",
		"p_" + string(TopRejectReason) + "_tied": "Top rejection reasons, tied: %[1]s (%[2]s each, of %[3]s rejections).",
		"and":                                    " and ",
		"p_" + string(TopRejectReason):           "Top rejection reason: %[1]s (%[2]s of %[3]s rejections).",
		"p_" + string(TopRejectReason) + "_only": "Top rejection reason: %[1]s (the month's only rejection).",
		"p_" + string(SourceMostlyRejected):      "SQLs from source %[1]s are mostly rejected: %[2]s rejections of %[3]s answers.",

		"reason_not_a_fit": "Not a fit", "reason_no_budget": "No budget", "reason_duplicate": "Duplicate",
		"reason_wrong_contact": "Wrong contact", "reason_student_or_job_seeker": "Student or job seeker", "reason_other": "Other",

		"csv_lead": "lead", "csv_handed": "handed off", "csv_source": "source", "csv_campaign": "UTM campaign",
		"csv_rep": "rep (id)", "csv_rep_name": "rep", "csv_contacted": "contacted",
		"csv_channel": "channel", "csv_contact_rep": "contacted by (id)", "csv_minutes": "business minutes to contact",
		"csv_contact": "first contact", "csv_answer": "answer", "csv_answered": "answered",
		"csv_reason": "reject reason", "csv_comment": "comment", "csv_feedback": "answer within deadline",
		"csv_breaches": "contact breaches", "csv_fb_breach": "answer breach", "csv_reminders": "reminders",
		"csv_reassign": "reassignments", "csv_stage": "stage at the as-of date", "csv_below": "fell below the SQL threshold",
		"csv_version": "contract version",
	},
}

// format is the report's words and numbers in one locale.
type format struct {
	l   contract.Locale
	loc *time.Location
}

// reason is a reject reason's label: the default reasons' own words, a contract's own reason as its ID (never one
// of the report's other words: a reason named "subject" is shown as "subject").
func (f format) reason(id string) string { return f.w("reason_"+id, id) }

// w is a word; an unknown key is shown as is, or as the fallback given.
func (f format) w(key string, fallback ...string) string {
	if s, ok := words[f.l][key]; ok {
		return s
	}
	if s, ok := words[contract.English][key]; ok {
		return s
	}
	if len(fallback) > 0 {
		return fallback[0]
	}
	return key
}

// n is a word about n things: the key's "_zero" or "_one" form when the locale has one, else the key (the
// plural). French puts 0 in the singular ("0 contact"); English, in the plural.
func (f format) n(key string, n int) string {
	forms := []string{key}
	switch {
	case n == 0:
		forms = []string{key + "_zero", key}
	case n == 1:
		forms = []string{key + "_one", key}
	}
	for _, k := range forms {
		if w, ok := words[f.l][k]; ok {
			if !strings.Contains(w, "%") {
				return w
			}
			return fmt.Sprintf(w, f.int(n))
		}
	}
	return f.wf(key, f.int(n))
}

// wf is a word with arguments.
func (f format) wf(key string, args ...any) string { return fmt.Sprintf(f.w(key), args...) }

// int groups thousands: "12 345" (no-break space) in French, "12,345" in English.
func (f format) int(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := ","
	if f.l == contract.French {
		sep = nbsp
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	return b.String()
}

// percent is a rate to a tenth, without a trailing ".0": "87,5 %" or "87.5%"; "—" when undefined.
func (f format) percent(r Ratio) string { return f.percentVs(r, 0) }

// percentVs is percent for a rate judged against threshold (percent; 0 for none): a rate below it never
// shows rounded up to it (89.96% against 90% shows "89,9 %", not the "90 %" it missed).
func (f format) percentVs(r Ratio, threshold int) string {
	if !r.Defined() {
		return f.w("none")
	}
	v := math.Round(r.Percent()*10) / 10
	if threshold > 0 && !r.AtLeast(threshold) && v >= float64(threshold) {
		v = math.Floor(r.Percent()*10) / 10
	}
	return f.pct(v)
}

func (f format) pct(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	whole, frac, hasFrac := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole)
	s = f.int(n)
	if f.l == contract.French {
		if hasFrac {
			s += "," + frac
		}
		return s + nbsp + "%"
	}
	if hasFrac {
		s += "." + frac
	}
	return s + "%"
}

// duration is business time to the minute: "2 h 05" or "2h05"; "45 min" under an hour.
func (f format) duration(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return strconv.Itoa(m) + nbsp + "min"
	}
	if f.l == contract.French {
		return fmt.Sprintf("%s"+nbsp+"h"+nbsp+"%02d", f.int(m/60), m%60)
	}
	return fmt.Sprintf("%sh%02d", f.int(m/60), m%60)
}

// hours is a deadline of the contract, "4 h" or "4h", "1 h 30" or "1h30".
func (f format) hours(d time.Duration) string {
	if d%time.Hour == 0 {
		return f.wf("hours", f.int(int(d/time.Hour)))
	}
	return f.duration(d)
}

var monthNames = map[contract.Locale][]string{
	contract.French:  {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	contract.English: {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

var shortMonths = map[contract.Locale][]string{
	contract.French:  {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	contract.English: {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

// month is "novembre 2026" or "November 2026".
func (f format) month(m contract.Month) string {
	return monthNames[f.l][m.Month-1] + " " + strconv.Itoa(m.Year)
}

// shortMonth is "nov. 2026" or "Nov 2026".
func (f format) shortMonth(m contract.Month) string {
	return shortMonths[f.l][m.Month-1] + " " + strconv.Itoa(m.Year)
}

// when is an instant in the contract's zone: "01/12/2026 08:00" or "1 Dec 2026 08:00".
func (f format) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(f.loc)
	if f.l == contract.French {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// money is "18 500 EUR" or "EUR 18,500", with the cents when there are some.
func (f format) money(m Money) string {
	whole, cents, _ := strings.Cut(m.Amount, ".")
	n, err := strconv.Atoi(whole)
	if err != nil {
		return m.Currency + " " + m.Amount // too large for an int: shown as computed
	}
	s := f.int(n)
	if cents != "" && strings.Trim(cents, "0") != "" {
		if f.l == contract.French {
			s += "," + cents
		} else {
			s += "." + cents
		}
	}
	if f.l == contract.French {
		return s + nbsp + m.Currency
	}
	return m.Currency + nbsp + s
}

// verdict is "tenu"/"met", "non tenu"/"missed" or "pas d'objectif"/"no target", and its tone.
func (f format) verdict(set, met bool) (string, string) {
	switch {
	case !set:
		return f.w("no_target"), ""
	case met:
		return f.w("met"), "met"
	}
	return f.w("missed"), "missed"
}

// rep is a rep's name, saying when they left.
func (f format) rep(r RepLine) string {
	if r.Left {
		return f.wf("left", r.Name)
	}
	return r.Name
}

// subject is what a point is about, as the review list names it.
func (f format) subject(r Report, p Point) string {
	switch p.Kind {
	case NoSQLTarget:
		return f.month(r.Month)
	case TopRejectReason:
		return f.reason(p.Subject)
	case SourceMostlyRejected:
		return cmp.Or(p.Subject, f.w("no_source"))
	case MostBreaches:
		if p.Left {
			return f.wf("left", p.Subject)
		}
	}
	return p.Subject
}

// point says a point for the SLA review.
func (f format) point(r Report, p Point) string {
	subject := f.subject(r, p)
	key := "p_" + string(p.Kind)
	switch {
	case len(p.Tied) > 0:
		names := []string{subject}
		for _, t := range p.Tied {
			names = append(names, f.subject(r, t))
		}
		subject = strings.Join(names[:len(names)-1], ", ") + f.w("and") + names[len(names)-1]
		key += "_tied"
	case p.Kind == TopRejectReason && p.D == 1:
		key += "_only" // "1 of 1 rejections" reads badly, in French too
	}
	return f.wf(key, subject, f.int(p.N), f.int(p.D), f.percent(Ratio{p.N, p.D}), f.pct(float64(p.Target)))
}
