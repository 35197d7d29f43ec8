package report

import "time"

// The report judges every commitment of the contract, marketing's and sales', one line each: kept, missed, or not
// measured, with its figure and the target the contract gives. A line is judged from a Measure (or a PerRep, for
// what each rep commits to): the contract's target when it states one (Stated) and the month's figure when the
// records hold it (Measured). Either missing makes the line "not measured": never a target the contract does not
// give, never a figure the records do not hold. A commitment whose data Handoff does not record yet goes through
// the same path as a key the contract omits: wiring it is filling its Measure in commitmentFigures.

// CommitmentKind names one commitment of the contract.
type CommitmentKind string

// The contract's commitments. Marketing: SQLs and MQLs a month (marketing.targets), an alert to sales for each
// SQL (the SQL email), the latest published content shared (the weekly digest, marketing.digest), a regular
// exchange (the SLA review meeting, marketing.review_meeting). Sales: contact each SQL within the deadline
// (sales.contact_rate_target), accept or reject it within the feedback deadline (sales.feedback_deadline),
// availability, field feedback (sales.feedback_per_month), content ideas (sales.ideas_per_quarter) and CRM care
// (sales.outcome_within).
const (
	CommitSQLs          CommitmentKind = "sqls"
	CommitMQLs          CommitmentKind = "mqls"
	CommitAlert         CommitmentKind = "alert"
	CommitContent       CommitmentKind = "content"
	CommitReview        CommitmentKind = "review"
	CommitContact       CommitmentKind = "contact"
	CommitFeedback      CommitmentKind = "feedback"
	CommitAvailability  CommitmentKind = "availability"
	CommitFieldFeedback CommitmentKind = "field_feedback"
	CommitIdeas         CommitmentKind = "ideas"
	CommitCRMCare       CommitmentKind = "crm_care"
)

// CommitmentKinds are every commitment, in the order the report lists them: marketing's, then sales'.
var CommitmentKinds = []CommitmentKind{CommitSQLs, CommitMQLs, CommitAlert, CommitContent, CommitReview,
	CommitContact, CommitFeedback, CommitAvailability, CommitFieldFeedback, CommitIdeas, CommitCRMCare}

// Verdict is how a commitment stands for the month.
type Verdict string

// Verdicts.
const (
	Kept        Verdict = "kept"
	Broken      Verdict = "missed"
	NotMeasured Verdict = "not_measured" // no target in the contract, or no figure in the records
	// InProgress: a per-rep commitment over a period longer than the month (a quarter) that some rep has not
	// reached yet while the period runs: not missed yet.
	InProgress Verdict = "in_progress"
)

// Measure is one commitment's figure for the month and the target the contract gives for it.
type Measure struct {
	// Stated: the contract gives the target (false: not measured, whatever the figure).
	Stated bool `json:",omitempty"`
	// Measured: the records hold the figure (false: not measured, whatever the target).
	Measured bool `json:",omitempty"`
	// Share: the figure is N out of D and Target a percentage (kept when N/D reaches it, exactly); otherwise
	// the figure is the count N and Target a count (kept when N reaches it). A share of nothing (D = 0) is not
	// measured: there was nothing to judge.
	Share  bool `json:",omitempty"`
	N, D   int  `json:",omitempty"`
	Target int  `json:",omitempty"`
	// Within is the deadline the share is counted against (contact, feedback), shown with the target; 0: none.
	Within time.Duration `json:",omitempty"`
	// Pieces is the content commitment's second figure: the pieces the digests sent shared.
	Pieces int `json:",omitempty"`
}

// PerRep is a commitment each rep makes (field feedback, content ideas, CRM care): kept when every rep active in
// the period kept it.
type PerRep struct {
	Stated   bool `json:",omitempty"`
	Measured bool `json:",omitempty"`
	// Target per rep and period; AtMost makes it a ceiling (SQLs left without an outcome: kept when N ≤ Target)
	// rather than a floor (kept when N ≥ Target).
	Target int  `json:",omitempty"`
	AtMost bool `json:",omitempty"`
	// Quarter: the target is per quarter (counted over the quarter to date), not per month. Open: that period
	// is not over at the report's date, so a rep below a floor is in progress, not missed.
	Quarter bool `json:",omitempty"`
	Open    bool `json:",omitempty"`
	// WithinDays is the delay a ceiling counts after, in business days (sales.outcome_within); 0: none.
	WithinDays int `json:",omitempty"`
	// Reps are every rep active in the period, in the roster's order, with their figure. None active: not
	// measured (nobody to judge).
	Reps []RepCount `json:",omitempty"`
}

// RepCount is one rep's figure for a per-rep commitment.
type RepCount struct {
	RepID, Name string
	Left        bool `json:",omitempty"` // no longer on the roster
	N           int
}

// kept reports whether the rep's figure keeps the commitment.
func (p PerRep) kept(r RepCount) bool {
	if p.AtMost {
		return r.N <= p.Target
	}
	return r.N >= p.Target
}

// Commitment is one line of the section: a commitment, judged. Exactly one of Figure and Reps is used (Reps
// for a per-rep commitment); Missed lists the reps who did not keep it (or have not yet, in progress).
type Commitment struct {
	Kind    CommitmentKind
	Verdict Verdict
	Figure  Measure    `json:",omitzero"`
	Reps    *PerRep    `json:",omitempty"`
	Missed  []RepCount `json:",omitempty"`
}

// CommitmentFigures is what the section is judged from, one field per commitment. A field left zero is "not
// measured".
type CommitmentFigures struct {
	SQLs, MQLs, Alert, Content, Review Measure
	Contact, Feedback, Availability    Measure
	FieldFeedback, Ideas, CRMCare      PerRep
}

// Judge judges every commitment of fs, in CommitmentKinds' order.
func Judge(fs CommitmentFigures) []Commitment {
	measures := map[CommitmentKind]Measure{CommitSQLs: fs.SQLs, CommitMQLs: fs.MQLs, CommitAlert: fs.Alert,
		CommitContent: fs.Content, CommitReview: fs.Review, CommitContact: fs.Contact, CommitFeedback: fs.Feedback,
		CommitAvailability: fs.Availability}
	perRep := map[CommitmentKind]PerRep{CommitFieldFeedback: fs.FieldFeedback, CommitIdeas: fs.Ideas, CommitCRMCare: fs.CRMCare}
	out := make([]Commitment, 0, len(CommitmentKinds))
	for _, k := range CommitmentKinds {
		if p, ok := perRep[k]; ok {
			out = append(out, judgePerRep(k, p))
			continue
		}
		m := measures[k]
		out = append(out, Commitment{Kind: k, Verdict: m.verdict(), Figure: m})
	}
	return out
}

// verdict judges a Measure.
func (m Measure) verdict() Verdict {
	switch {
	case !m.Stated || !m.Measured || m.Share && m.D <= 0:
		return NotMeasured
	case m.Share && (Ratio{m.N, m.D}).AtLeast(m.Target), !m.Share && m.N >= m.Target:
		return Kept
	}
	return Broken
}

func judgePerRep(k CommitmentKind, p PerRep) Commitment {
	c := Commitment{Kind: k, Reps: &p, Verdict: NotMeasured}
	if !p.Stated || !p.Measured || len(p.Reps) == 0 {
		return c
	}
	for _, r := range p.Reps {
		if !p.kept(r) {
			c.Missed = append(c.Missed, r)
		}
	}
	switch {
	case len(c.Missed) == 0:
		c.Verdict = Kept
	case p.Open && !p.AtMost:
		// A floor over a quarter still running can yet be reached; a ceiling passed is passed.
		c.Verdict = InProgress
	default:
		c.Verdict = Broken
	}
	return c
}

// commitmentFigures is the month's figures for every commitment, from the report's own figures and the contract
// in force. What the records do not hold yet stays zero, "not measured" (see CommitmentFigures):
//   - Alert: the contract has every SQL emailed to its rep (Stated, 100%, no figure of its own); the figure is
//     the month's SQLs alerted by AsOf out of those judged (alertOf), when the store read when each was alerted
//     (Input.Alerts; the by-month index projects none, and an index's projection cannot change in place). It
//     rests only on the hand-off instant, AsOf and the instant its first SQL email was settled sent, which is
//     written once (Handoff.AlertedAt): computed again later, it is the same.
//   - FieldFeedback (sales.feedback_per_month, field feedback in the month) and Ideas (sales.ideas_per_quarter,
//     content ideas in the quarter to date): per rep of the roster, from the report's Ideas.
//   - Content (marketing.digest): every digest due in the month sent (100%): the digests whose slot fell in the
//     month up to AsOf — one per rep and week that had something new for them — sent (SES accepted it) out of
//     those due, with the distinct pieces the sent ones shared (each counted once, however many reps and weeks). A month with no digest due (nothing published for
//     anyone) is not measured: there was nothing to share, and the contract sets no number of pieces.
//   - CRMCare (sales.outcome_within): per rep who had outcome deadlines in the month, their SQLs left without an
//     outcome by then, at most 0 (Report.CRMCare; see CRMCare.commitment).
//   - Review (marketing.review_meeting): the report carries the invitation; whether the meeting was held is
//     recorded nowhere, so it stays not measured.
//   - Availability: the contract states no figure for it.
//
// Feedback is judged against every SQL (100%) answered within sales.feedback_deadline: the contract gives that
// deadline for each SQL, with no share that may miss it (unlike contact, whose share is
// sales.contact_rate_target), and the deadline checker records every late answer as a breach.
func (k *computer) commitmentFigures(r Report) CommitmentFigures {
	m, s := r.Marketing, r.Sales
	target, inForce := k.c.TargetFor(r.Month)
	var alerted Ratio
	for _, h := range k.byMonth[current] {
		if !k.in.Alerts {
			break // not read: nothing counted, so a report without them is the same whenever computed
		}
		switch j := k.alertOf(h); j {
		case alertKept, alertMissed:
			alerted.D++
			if j == alertKept {
				alerted.N++
			}
		}
	}
	return CommitmentFigures{
		SQLs:  Measure{Stated: inForce && target.SQLs > 0, Measured: true, N: m.SQLs, Target: target.SQLs},
		MQLs:  Measure{Stated: inForce && target.MQLs > 0, Measured: true, N: m.MQLs, Target: target.MQLs},
		Alert: Measure{Stated: true, Measured: k.in.Alerts, Share: true, N: alerted.N, D: alerted.D, Target: 100},
		Contact: Measure{Stated: s.ContactTarget > 0, Measured: true, Share: true, N: s.Contact.N, D: s.Contact.D,
			Target: s.ContactTarget, Within: s.FirstContactDeadline},
		Feedback: Measure{Stated: s.FeedbackDeadline > 0, Measured: true, Share: true, N: s.Feedback.N, D: s.Feedback.D,
			Target: 100, Within: s.FeedbackDeadline},
		Content: k.contentFigure(),
		FieldFeedback: k.perRepIdeas(r, k.c.Sales.FeedbackPerMonth, false,
			func(c IdeaCount) int { return c.FeedbackInMonth }),
		Ideas: k.perRepIdeas(r, k.c.Sales.IdeasPerQuarter, true,
			func(c IdeaCount) int { return c.IdeasInQuarter }),
		CRMCare: r.CRMCare.commitment(),
	}
}

// perRepIdeas is a commitment on what each rep writes (package ideas): every rep of the roster is active (a rep
// who left is not judged), with their figure from the report's ideas (zero for a rep who wrote nothing, or when
// nobody did: the store reads them every month). A quarterly target is open until the quarter's last month.
func (k *computer) perRepIdeas(r Report, target int, quarter bool, figure func(IdeaCount) int) PerRep {
	p := PerRep{Stated: target > 0, Measured: true, Target: target, Quarter: quarter,
		Open: quarter && r.Month.Month%3 != 0}
	for _, rep := range k.c.Roster.Reps {
		p.Reps = append(p.Reps, RepCount{RepID: rep.ID, Name: rep.Name, N: figure(r.IdeasOf(rep.ID))})
	}
	return p
}

// contentFigure is the content commitment (marketing.digest): the month's digests sent out of those due, as of
// AsOf, and the distinct pieces the sent ones shared (a piece sent to four reps is one piece shared).
func (k *computer) contentFigure() Measure {
	m := Measure{Stated: k.c.Marketing.Digest != nil, Measured: k.in.DigestsRead, Share: true, Target: 100}
	shared := map[string]bool{}
	for _, d := range k.in.Digests {
		if !k.happened(d.Slot) {
			continue
		}
		m.D++
		if d.Sent {
			m.N++
			for _, p := range d.Pieces {
				if !shared[p] {
					shared[p] = true
					m.Pieces++
				}
			}
		}
	}
	if m.Measured && m.Stated {
		m.D += k.unrecordedDigests() // weeks the digest never ran: due, not sent
	}
	return m
}

// alertJudgement is how one SQL counts in the alert commitment.
type alertJudgement int

const (
	alertLeftOut alertJudgement = iota // in neither count
	alertKept
	alertMissed
)

// AlertGrace is how long after its hand-off an SQL not alerted yet at AsOf is pending rather than missed: its
// email leaves within seconds of the hand-off, and one stuck is resent by the deadline checker after
// handoff.StuckAfter (5 minutes) on its minute schedule, so ten minutes covers a first try and one resend.
const AlertGrace = 10 * time.Minute

// alertOf judges one SQL of the month handed off by AsOf: alerted (AlertedAt at or before AsOf) keeps it; not
// alerted by AsOf misses it, unless it was handed off less than AlertGrace before AsOf (pending: left out, as a
// deadline still running is). A hand-off whose first email's fate is not held (Handoff.AlertUnknown:
// stored before AlertedAt was kept, and reassigned) is left out. Each depends on the hand-off instant, AsOf and
// the immutable AlertedAt only, so the month computed again as of the same AsOf judges it the same. An alert
// that bounced for good (AlertBouncedAt, as immutable) by AsOf is missed: the rep never had the email.
func (k *computer) alertOf(h *Handoff) alertJudgement {
	switch {
	case k.happened(h.AlertBouncedAt):
		return alertMissed // its email bounced for good by AsOf: the rep never had it (a reassignment is no alert)
	case k.happened(h.AlertedAt):
		return alertKept
	case h.AlertUnknown:
		return alertLeftOut
	case !k.in.AsOf.IsZero() && k.in.AsOf.Sub(h.At) < AlertGrace:
		return alertLeftOut
	}
	return alertMissed
}
