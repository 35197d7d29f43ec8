package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// handoffItem is a hand-off as SlaTable holds it (pk = LEAD#<id>, sk = HANDOFF#<at>). It is written whole on
// every change (under its version), with the index attributes its state implies: dueBucket/dueAt while the
// deadline checker has something to do (sparse GSI due-checks), month/monthSk always (GSI by-month).
type handoffItem struct {
	PK              string `dynamodbav:"pk"`
	SK              string `dynamodbav:"sk"`
	Kind            string `dynamodbav:"kind"` // "handoff"
	LeadID          string `dynamodbav:"leadId"`
	At              string `dynamodbav:"handoffAt"`
	ContractVersion string `dynamodbav:"contractVersion"`
	// The lead's company (an organisation). Items written before the lead's own details left the hand-off may
	// still hold leadName, leadTitle, leadEmail and leadPhone: they are not read, and go when the item is next
	// written (whole), is backfilled (Expiries) or expires.
	LeadCompany string `dynamodbav:"leadCompany,omitempty"`
	Source      string `dynamodbav:"source,omitempty"`
	UTMCampaign string `dynamodbav:"utmCampaign,omitempty"`

	RepID       string           `dynamodbav:"repId"` // who holds it now (the last assignment)
	Assignments []assignmentItem `dynamodbav:"assignments"`
	Mail        mailItem         `dynamodbav:"mail"`
	// AlertedAt: when the first assignment's SQL email was settled sent, written once (handoff.NoteAlerted);
	// absent before then and from items written before it was kept. The report reads it (readAlerts).
	AlertedAt string `dynamodbav:"alertedAt,omitempty"`
	// AlertBouncedAt: when SES reported the first assignment's SQL email bounced for good, written once
	// (handoff.RecordBounce); the report reads it with alertedAt.
	AlertBouncedAt string `dynamodbav:"alertBouncedAt,omitempty"`
	// A bounce or complaint of the current SQL email (handoff/bounce.go): its instant and kind, whether the
	// checker dealt with it and held the SQL; the SES feedback IDs recorded (no address: SES's IDs only).
	BouncedAt     string   `dynamodbav:"bouncedAt,omitempty"`
	BounceKind    string   `dynamodbav:"bounceKind,omitempty"`
	BounceHandled bool     `dynamodbav:"bounceHandled,omitempty"`
	BounceHeld    bool     `dynamodbav:"bounceHeld,omitempty"`
	Bounces       []string `dynamodbav:"bounces,omitempty"`

	ClockFrom       string   `dynamodbav:"clockFrom"`
	FirstContactDue string   `dynamodbav:"firstContactDue"`
	FeedbackDue     string   `dynamodbav:"feedbackDue"`
	Reminders       []string `dynamodbav:"reminders"`
	Reminded        int      `dynamodbav:"reminded"`
	// Feedback reminders (instants) and how many were dealt with.
	FeedbackReminders []string `dynamodbav:"feedbackReminders"`
	FeedbackReminded  int      `dynamodbav:"feedbackReminded"`
	// Clocks: every set of deadlines, with the instant it started (absent from items written before).
	Clocks []clockItem `dynamodbav:"clocks,omitempty"`

	Contact  *contactItem  `dynamodbav:"contact,omitempty"`
	Decision *decisionItem `dynamodbav:"decision,omitempty"`
	// The CRM-care deadline of an accepted SQL, and whether the checker looked at it (absent: not measured).
	OutcomeDue     string `dynamodbav:"outcomeDue,omitempty"`
	OutcomeChecked bool   `dynamodbav:"outcomeChecked,omitempty"`

	FirstContactBreaches int      `dynamodbav:"firstContactBreaches"`
	FirstContactBreached bool     `dynamodbav:"firstContactBreached"`
	FeedbackBreached     bool     `dynamodbav:"feedbackBreached"`
	AwayEscalated        bool     `dynamodbav:"awayEscalated"`
	Reassignments        int      `dynamodbav:"reassignments"`
	Undelivered          int      `dynamodbav:"undelivered"`
	Resends              int      `dynamodbav:"resends"`
	Pending              []string `dynamodbav:"pending,omitempty"`
	ErasedAt             string   `dynamodbav:"erasedAt,omitempty"`
	WithdrawnAt          string   `dynamodbav:"withdrawnAt,omitempty"`
	Version              int64    `dynamodbav:"version"`

	DueBucket string `dynamodbav:"dueBucket,omitempty"`
	DueAt     string `dynamodbav:"dueAt,omitempty"`
	Month     string `dynamodbav:"month"`
	MonthSK   string `dynamodbav:"monthSk"`
	ExpiresAt int64  `dynamodbav:"expiresAt"` // retention.handoffs after handoffAt, rewritten with the item
}

type assignmentItem struct {
	RepID  string `dynamodbav:"repId"`
	Team   string `dynamodbav:"team,omitempty"`
	Reason string `dynamodbav:"reason,omitempty"`
	At     string `dynamodbav:"at"`
}

type clockItem struct {
	Assignment      int    `dynamodbav:"assignment"`
	From            string `dynamodbav:"from"`
	FirstContactDue string `dynamodbav:"firstContactDue"`
	FeedbackDue     string `dynamodbav:"feedbackDue"`
}

type mailItem struct {
	Status            string `dynamodbav:"status"`
	ClaimedAt         string `dynamodbav:"claimedAt,omitempty"`
	SendingAt         string `dynamodbav:"sendingAt,omitempty"`
	SentAt            string `dynamodbav:"sentAt,omitempty"`
	MessageID         string `dynamodbav:"messageId,omitempty"`
	Attempts          int    `dynamodbav:"attempts"`
	PossibleDuplicate bool   `dynamodbav:"possibleDuplicate,omitempty"`
}

type contactItem struct {
	At              string `dynamodbav:"at"`
	Channel         string `dynamodbav:"channel,omitempty"`
	RepID           string `dynamodbav:"repId"`
	By              string `dynamodbav:"by,omitempty"`
	BusinessMinutes int    `dynamodbav:"businessMinutes"`
}

type decisionItem struct {
	Verdict string `dynamodbav:"verdict"`
	At      string `dynamodbav:"at"`
	RepID   string `dynamodbav:"repId"`
	Reason  string `dynamodbav:"reason,omitempty"`
	Comment string `dynamodbav:"comment,omitempty"`
	By      string `dynamodbav:"by,omitempty"`
}

const (
	handoffPrefix = "HANDOFF#"
	// dueBuckets spreads the due-checks index over partitions; the checker reads each.
	dueBuckets = 10
	// openNoCheck is the dueAt of a hand-off still awaiting an answer with nothing left to check (both deadlines
	// passed and dealt with): it stays in due-checks, where the open SQLs are listed, after every instant the
	// checker asks for.
	openNoCheck = "9999-12-31T23:59:59.999Z"
)

func handoffSK(at time.Time) string { return handoffPrefix + stamp(at) }

func dueBucket(leadID string) string { return "DUE#" + strconv.Itoa(bucket(leadID, dueBuckets)) }

func (t Tables) newHandoffItem(h *handoff.Handoff, now time.Time) handoffItem {
	it := handoffItem{PK: leadPK(h.LeadID), SK: handoffSK(h.At), Kind: "handoff", LeadID: h.LeadID, At: stamp(h.At),
		ContractVersion: h.ContractVersion, LeadCompany: h.LeadCompany, Source: h.Source, UTMCampaign: h.UTMCampaign, FeedbackReminded: h.FeedbackReminded, Undelivered: h.Undelivered, Resends: h.Resends,
		RepID: h.Rep(), Mail: newMailItem(h.Mail), AlertedAt: stamp(h.AlertedAt), ClockFrom: stamp(h.ClockFrom), FirstContactDue: stamp(h.FirstContactDue),
		FeedbackDue: stamp(h.FeedbackDue), Reminded: h.Reminded, FirstContactBreaches: h.FirstContactBreaches,
		FirstContactBreached: h.FirstContactBreached, FeedbackBreached: h.FeedbackBreached, AwayEscalated: h.AwayEscalated,
		Reassignments: h.Reassignments, Pending: h.Pending, ErasedAt: stamp(h.Erased), WithdrawnAt: stamp(h.Withdrawn), Version: h.Version,
		Month: t.monthShard(h.At, h.LeadID), MonthSK: "handoff#" + stamp(h.At) + "#" + h.LeadID, ExpiresAt: t.recordExpiry(h.At)}
	for _, a := range h.Assignments {
		it.Assignments = append(it.Assignments, assignmentItem{RepID: a.RepID, Team: a.Team, Reason: a.Reason, At: stamp(a.At)})
	}
	for _, c := range h.Clocks {
		it.Clocks = append(it.Clocks, clockItem{Assignment: c.Assignment, From: stamp(c.From), FirstContactDue: stamp(c.FirstContactDue), FeedbackDue: stamp(c.FeedbackDue)})
	}
	for _, r := range h.Reminders {
		it.Reminders = append(it.Reminders, stamp(r))
	}
	if it.Reminders == nil {
		it.Reminders = []string{}
	}
	it.FeedbackReminders = []string{}
	for _, r := range h.FeedbackReminders {
		it.FeedbackReminders = append(it.FeedbackReminders, stamp(r))
	}
	if h.Contacted() {
		c := h.Contact
		it.Contact = &contactItem{At: stamp(c.At), Channel: c.Channel, RepID: c.RepID, By: c.By, BusinessMinutes: c.BusinessMinutes}
	}
	if h.Answered() {
		d := h.Decision
		it.Decision = &decisionItem{Verdict: d.Verdict, At: stamp(d.At), RepID: d.RepID, Reason: d.Reason, Comment: d.Comment, By: d.By}
	}
	it.OutcomeDue, it.OutcomeChecked = stamp(h.OutcomeDue), h.OutcomeChecked
	it.AlertBouncedAt, it.BouncedAt, it.BounceKind = stamp(h.AlertBouncedAt), stamp(h.BouncedAt), string(h.BounceKind)
	it.BounceHandled, it.BounceHeld, it.Bounces = h.BounceHandled, h.BounceHeld, h.Bounces
	if next := h.NextCheck(now); !next.IsZero() {
		it.DueBucket, it.DueAt = dueBucket(h.LeadID), stamp(next)
	} else if !h.Answered() && !h.Ended() {
		it.DueBucket, it.DueAt = dueBucket(h.LeadID), openNoCheck
	}
	return it
}

func newMailItem(m outbox.Mail) mailItem {
	return mailItem{Status: string(m.Status), ClaimedAt: stamp(m.ClaimedAt), SendingAt: stamp(m.SendingAt), SentAt: stamp(m.SentAt),
		MessageID: m.MessageID, Attempts: m.Attempts, PossibleDuplicate: m.PossibleDuplicate}
}

func (it mailItem) toMail(r *reader, field string) outbox.Mail {
	m := outbox.Mail{Status: outbox.MailStatus(it.Status), ClaimedAt: r.time(field+".claimedAt", it.ClaimedAt),
		SendingAt: r.time(field+".sendingAt", it.SendingAt), SentAt: r.time(field+".sentAt", it.SentAt), MessageID: it.MessageID,
		Attempts: it.Attempts, PossibleDuplicate: it.PossibleDuplicate}
	switch m.Status {
	case outbox.MailClaimed, outbox.MailSending, outbox.MailSent, outbox.MailAbandoned, outbox.MailBounced:
	default:
		r.fail("%s.status: unknown mail status %q", field, it.Status)
	}
	return m
}

func (c clockItem) toClock(r *reader, field string) handoff.Clock {
	out := handoff.Clock{Assignment: c.Assignment, From: r.time(field+".from", c.From), FirstContactDue: r.time(field+".firstContactDue", c.FirstContactDue),
		FeedbackDue: r.time(field+".feedbackDue", c.FeedbackDue)}
	if out.From.IsZero() || out.FirstContactDue.IsZero() || out.FeedbackDue.IsZero() || c.Assignment < 0 {
		r.fail("%s: incomplete", field)
	}
	return out
}

func (it handoffItem) toHandoff() (handoff.Handoff, error) {
	r := reader{item: it.PK + "/" + it.SK}
	h := handoff.Handoff{Key: handoff.Key{LeadID: it.LeadID, At: r.time("handoffAt", it.At)}, ContractVersion: it.ContractVersion,
		LeadCompany: it.LeadCompany, Source: it.Source, UTMCampaign: it.UTMCampaign, FeedbackReminded: it.FeedbackReminded, Undelivered: it.Undelivered, Resends: it.Resends,
		Mail: it.Mail.toMail(&r, "mail"), AlertedAt: r.time("alertedAt", it.AlertedAt), ClockFrom: r.time("clockFrom", it.ClockFrom), FirstContactDue: r.time("firstContactDue", it.FirstContactDue),
		FeedbackDue: r.time("feedbackDue", it.FeedbackDue), Reminded: it.Reminded, FirstContactBreaches: it.FirstContactBreaches,
		FirstContactBreached: it.FirstContactBreached, FeedbackBreached: it.FeedbackBreached, AwayEscalated: it.AwayEscalated,
		Reassignments: it.Reassignments, Pending: it.Pending, Erased: r.time("erasedAt", it.ErasedAt), Withdrawn: r.time("withdrawnAt", it.WithdrawnAt), Version: it.Version}
	for i, a := range it.Assignments {
		h.Assignments = append(h.Assignments, handoff.Assignment{RepID: a.RepID, Team: a.Team, Reason: a.Reason, At: r.time("assignments["+strconv.Itoa(i)+"].at", a.At)})
	}
	for i, c := range it.Clocks {
		h.Clocks = append(h.Clocks, c.toClock(&r, "clocks["+strconv.Itoa(i)+"]"))
	}
	for i, s := range it.Reminders {
		h.Reminders = append(h.Reminders, r.time("reminders["+strconv.Itoa(i)+"]", s))
	}
	for i, s := range it.FeedbackReminders {
		h.FeedbackReminders = append(h.FeedbackReminders, r.time("feedbackReminders["+strconv.Itoa(i)+"]", s))
	}
	if c := it.Contact; c != nil {
		h.Contact = handoff.Contact{At: r.time("contact.at", c.At), Channel: c.Channel, RepID: c.RepID, By: c.By, BusinessMinutes: c.BusinessMinutes}
	}
	if d := it.Decision; d != nil {
		h.Decision = handoff.Decision{Verdict: d.Verdict, At: r.time("decision.at", d.At), RepID: d.RepID, Reason: d.Reason, Comment: d.Comment, By: d.By}
	}
	h.OutcomeDue, h.OutcomeChecked = r.time("outcomeDue", it.OutcomeDue), it.OutcomeChecked
	h.AlertBouncedAt, h.BouncedAt = r.time("alertBouncedAt", it.AlertBouncedAt), r.time("bouncedAt", it.BouncedAt)
	h.BounceKind, h.BounceHandled, h.BounceHeld, h.Bounces = handoff.BounceKind(it.BounceKind), it.BounceHandled, it.BounceHeld, it.Bounces
	switch h.BounceKind {
	case "", handoff.BouncePermanent, handoff.BounceComplaint:
	default:
		r.fail("bounceKind: unknown %q", it.BounceKind)
	}
	switch {
	case h.LeadID == "" || h.At.IsZero():
		r.fail("no leadId or handoffAt")
	case len(h.Assignments) == 0 || h.Rep() != it.RepID:
		r.fail("repId %q is not the last assignment", it.RepID)
	case h.Reminded > len(h.Reminders):
		r.fail("reminded %d of %d reminders", h.Reminded, len(h.Reminders))
	case h.FeedbackReminded > len(h.FeedbackReminders):
		r.fail("feedbackReminded %d of %d feedback reminders", h.FeedbackReminded, len(h.FeedbackReminders))
	}
	return h, r.err
}

// eventItem is an SLA event of a hand-off (pk = LEAD#<id>, sk = EVT#<handoffAt>#<event ID>; by-month, monthSk
// = <kind>#<at>#<leadId>#<assignment>.<n>). The about* attributes (an undelivered alert's email) came later:
// an item without them reads as zero, which the alert's email takes as "recorded before they were kept".
type eventItem struct {
	PK                  string    `dynamodbav:"pk"`
	SK                  string    `dynamodbav:"sk"`
	Kind                string    `dynamodbav:"kind"`
	LeadID              string    `dynamodbav:"leadId"`
	HandoffAt           string    `dynamodbav:"handoffAt"`
	Assignment          int       `dynamodbav:"assignment"`
	N                   int       `dynamodbav:"n"`
	At                  string    `dynamodbav:"at"`
	Due                 string    `dynamodbav:"due,omitempty"`
	RepID               string    `dynamodbav:"repId,omitempty"`
	ManagerID           string    `dynamodbav:"managerId,omitempty"`
	ToRepID             string    `dynamodbav:"toRepId,omitempty"`
	BusinessMinutesLate int       `dynamodbav:"businessMinutesLate"`
	Reason              string    `dynamodbav:"reason,omitempty"`
	About               string    `dynamodbav:"about,omitempty"`
	AboutAssignment     int       `dynamodbav:"aboutAssignment,omitempty"`
	AboutN              int       `dynamodbav:"aboutN,omitempty"`
	AboutDue            string    `dynamodbav:"aboutDue,omitempty"`
	ContractVersion     string    `dynamodbav:"contractVersion"`
	Mail                *mailItem `dynamodbav:"mail,omitempty"`
	Month               string    `dynamodbav:"month"`
	MonthSK             string    `dynamodbav:"monthSk"`
	ExpiresAt           int64     `dynamodbav:"expiresAt"` // retention.handoffs after the hand-off's instant: with it
}

func eventSK(k handoff.Key, id string) string { return "EVT#" + stamp(k.At) + "#" + id }

func (t Tables) newEventItem(e handoff.Event) eventItem {
	it := eventItem{PK: leadPK(e.Handoff.LeadID), SK: eventSK(e.Handoff, e.ID()), Kind: string(e.Kind), LeadID: e.Handoff.LeadID,
		HandoffAt: stamp(e.Handoff.At), Assignment: e.Assignment, N: e.N, At: stamp(e.At), Due: stamp(e.Due), RepID: e.RepID, ManagerID: e.ManagerID, ToRepID: e.ToRepID,
		BusinessMinutesLate: e.BusinessMinutesLate, Reason: e.Reason, About: string(e.About), AboutAssignment: e.AboutAssignment, AboutN: e.AboutN,
		AboutDue: stamp(e.AboutDue), ContractVersion: e.ContractVersion,
		Month: t.monthShard(e.At, e.Handoff.LeadID), MonthSK: string(e.Kind) + "#" + stamp(e.At) + "#" + e.Handoff.LeadID + "#" + strconv.Itoa(e.Assignment) + "." + strconv.Itoa(e.N),
		ExpiresAt: t.recordExpiry(e.Handoff.At)}
	if e.Mail.Status != "" {
		m := newMailItem(e.Mail)
		it.Mail = &m
	}
	return it
}

func (it eventItem) toEvent() (handoff.Event, error) {
	r := reader{item: it.PK + "/" + it.SK}
	e := handoff.Event{Handoff: handoff.Key{LeadID: it.LeadID, At: r.time("handoffAt", it.HandoffAt)}, Kind: handoff.EventKind(it.Kind),
		Assignment: it.Assignment, N: it.N,
		At: r.time("at", it.At), Due: r.time("due", it.Due), RepID: it.RepID, ManagerID: it.ManagerID, ToRepID: it.ToRepID,
		BusinessMinutesLate: it.BusinessMinutesLate, Reason: it.Reason, About: handoff.EventKind(it.About), AboutAssignment: it.AboutAssignment,
		AboutN: it.AboutN, AboutDue: r.time("aboutDue", it.AboutDue), ContractVersion: it.ContractVersion}
	if it.Mail != nil {
		e.Mail = it.Mail.toMail(&r, "mail")
	}
	if !strings.HasSuffix(it.SK, "#"+e.ID()) {
		r.fail("kind %q, assignment %d and n %d do not match the key", it.Kind, it.Assignment, it.N)
	}
	return e, r.err
}
