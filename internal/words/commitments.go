package words

import "github.com/handoff-sla/handoff/internal/contract"

// Commitments is the words of the monthly report's section that judges every commitment of the contract, one
// line each: what the commitment is (one field per commitment, named as package report's CommitmentKind), the
// target the contract gives, the month's figure and the verdict. A verdict says itself in words and a sign
// (✓ ✗ ○), never by its colour alone (○, not a dash, which a line may break after); a verdict and a share are
// kept on one line (no-break spaces).
type Commitments struct {
	Title string
	Note  string
	// The table's columns.
	ColCommitment, ColTarget, ColFigure, ColVerdict string
	// One per commitment.
	SQLs, MQLs, Alert, Content, Review                             string
	Contact, Feedback, Availability, FieldFeedback, Ideas, CRMCare string
	// Verdicts.
	Kept, Missed, NotMeasured, InProgress string
	// Targets: a count a month ("45 a month"), a share ("90%") and a share within a deadline ("90% within 4h"),
	// per rep a month or a quarter, a ceiling of SQLs left without an outcome after a number of business days,
	// NotStated when the contract gives none.
	TargetMonth, TargetShare, TargetShareWithin, TargetRepMonth, TargetRepQuarter, TargetNoOutcome string
	NotStated                                                                                      string
	// TargetEverySQL is the alert's target: the contract has every SQL sent to its rep, with no figure of its own.
	TargetEverySQL string
	// TargetDigest is the content's target: the weekly digest the contract schedules (marketing.digest).
	TargetDigest string
	// Figures: a share with its counts ("92% (35/38)"), the reps who kept a per-rep commitment out of those
	// active ("3 of 4 reps", its form by the reps active), a rep who did not and their figure ("Thomas Martin: 1").
	FigureShare, FigureRep string
	FigureReps             Plural // by the number of reps active
	// FigurePieces is the content's second figure: the pieces the digests sent shared ("7 pieces shared").
	FigurePieces Plural
}

// ForCommitments is the commitments section's words in language l (panics on a language that Speaks does not).
func ForCommitments(l contract.Locale) *Commitments {
	return in(l, "commitments", &commitmentsFR, &commitmentsEN)
}

var commitmentsFR = Commitments{
	Title: "Engagements du contrat",
	Note: "Chaque engagement du contrat, jugé sur le mois à la date d'arrêté. Non mesuré : le contrat ne fixe pas " +
		"d'objectif pour cet engagement, ou Handoff n'en a pas les chiffres ; aucun objectif n'est supposé. Un " +
		"engagement par commercial est tenu quand chaque commercial actif sur la période l'a tenu.",
	ColCommitment:     "Engagement",
	ColTarget:         "Objectif du contrat",
	ColFigure:         "Réalisé",
	ColVerdict:        "Verdict",
	SQLs:              "Marketing : générer des SQL",
	MQLs:              "Marketing : générer des MQL",
	Alert:             "Marketing : alerter les ventes à chaque nouveau SQL",
	Content:           "Marketing : partager les derniers contenus publiés",
	Review:            "Marketing : échanger régulièrement avec les ventes",
	Contact:           "Ventes : contacter chaque SQL dans le délai",
	Feedback:          "Ventes : accepter ou rejeter chaque SQL dans le délai",
	Availability:      "Ventes : être disponibles pour les SQL",
	FieldFeedback:     "Ventes : faire des retours terrain",
	Ideas:             "Ventes : proposer des idées de contenu",
	CRMCare:           "Ventes : tenir le CRM à jour",
	Kept:              "✓" + nbsp + "tenu",
	Missed:            "✗" + nbsp + "non" + nbsp + "tenu",
	NotMeasured:       "○" + nbsp + "non" + nbsp + "mesuré",
	InProgress:        "…" + nbsp + "en" + nbsp + "cours",
	TargetMonth:       "%s par mois",
	TargetShare:       "%s",
	TargetShareWithin: "%s sous %s",
	TargetRepMonth:    "%s par commercial et par mois",
	TargetRepQuarter:  "%s par commercial et par trimestre",
	TargetNoOutcome:   "au plus %s SQL sans résultat après %s jours ouvrés",
	NotStated:         "non fixé par le contrat",
	TargetEverySQL:    "chaque SQL, dès sa transmission",
	TargetDigest:      "un récapitulatif des contenus chaque semaine",
	FigureShare:       "%s" + nbsp + "(%s/%s)",
	FigureReps:        Plural{Zero: "%s" + nbsp + "sur" + nbsp + "%s" + nbsp + "commercial", One: "%s" + nbsp + "sur" + nbsp + "%s" + nbsp + "commercial", Many: "%s" + nbsp + "sur" + nbsp + "%s" + nbsp + "commerciaux"},
	FigureRep:         "%s" + nbsp + ":" + nbsp + "%s",
	FigurePieces:      Plural{Zero: "%s" + nbsp + "contenu partagé", One: "%s" + nbsp + "contenu partagé", Many: "%s" + nbsp + "contenus partagés"},
}

var commitmentsEN = Commitments{
	Title: "The contract's commitments",
	Note: "Every commitment of the contract, judged on the month as of the report's date. Not measured: the " +
		"contract sets no target for it, or Handoff has no figures for it; no target is assumed. A commitment " +
		"per rep is kept when every rep active in the period kept it.",
	ColCommitment:     "Commitment",
	ColTarget:         "Contract target",
	ColFigure:         "Achieved",
	ColVerdict:        "Verdict",
	SQLs:              "Marketing: generate SQLs",
	MQLs:              "Marketing: generate MQLs",
	Alert:             "Marketing: alert sales to each new SQL",
	Content:           "Marketing: share the latest published content",
	Review:            "Marketing: exchange regularly with sales",
	Contact:           "Sales: contact each SQL within the deadline",
	Feedback:          "Sales: accept or reject each SQL within the deadline",
	Availability:      "Sales: be available for SQLs",
	FieldFeedback:     "Sales: give field feedback",
	Ideas:             "Sales: propose content ideas",
	CRMCare:           "Sales: keep the CRM up to date",
	Kept:              "✓" + nbsp + "kept",
	Missed:            "✗" + nbsp + "missed",
	NotMeasured:       "○" + nbsp + "not" + nbsp + "measured",
	InProgress:        "…" + nbsp + "in" + nbsp + "progress",
	TargetMonth:       "%s a month",
	TargetShare:       "%s",
	TargetShareWithin: "%s within %s",
	TargetRepMonth:    "%s per rep a month",
	TargetRepQuarter:  "%s per rep a quarter",
	TargetNoOutcome:   "at most %s SQLs without an outcome after %s business days",
	NotStated:         "not set in the contract",
	TargetEverySQL:    "every SQL, as it is handed off",
	TargetDigest:      "a content digest every week",
	FigureShare:       "%s" + nbsp + "(%s/%s)",
	FigureReps:        Plural{Zero: "%s" + nbsp + "of" + nbsp + "%s" + nbsp + "reps", One: "%s" + nbsp + "of" + nbsp + "%s" + nbsp + "rep", Many: "%s" + nbsp + "of" + nbsp + "%s" + nbsp + "reps"},
	FigureRep:         "%s:" + nbsp + "%s",
	FigurePieces:      Plural{Zero: "%s" + nbsp + "pieces shared", One: "%s" + nbsp + "piece shared", Many: "%s" + nbsp + "pieces shared"},
}
