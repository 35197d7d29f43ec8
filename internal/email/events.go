package email

import (
	"bytes"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/words"
	"github.com/handoff-sla/handoff/internal/worktime"
)

// ErrNoRecipient: nobody to send an event's email to — an ops alert while the contract names no marketing ops,
// or everyone it is for has left the contract's roster (the error names their IDs). Sending it again cannot
// help: the checker gives the email up (handoff.Undeliverable), which tells marketing ops when there are any.
var ErrNoRecipient = errors.New("nobody to send this email to")

// EventMessage composes the email of an SLA event of hand-off h (h as it stands after the event was recorded).
// l is the lead's profile, read when the email is composed: the hand-off keeps no copy of the person's details.
// A nil l is a lead that is gone (erased, or past its retention): the email names it by its ID, and still goes.
// links are the current rep's answer links (LinkSigner.Links(h, now)); kinds that do not show them ignore them.
//
// Who receives what:
//
//	reminder, reminder.feedback   the rep (e.RepID), with the answer links
//	escalation.away               the manager (e.ManagerID), marketing ops in copy if the contract says so
//	breach.first_contact          the manager, marketing ops in copy if the contract says so
//	breach.feedback               the rep, the manager in copy, with the answer links
//	mail.stuck, mail.undelivered  marketing ops (ErrNoRecipient when the contract names none)
//
// A rep or manager no longer in the roster is named by their ID; when they were to receive the email, it says
// so and goes to the others (copies become the recipients), or fails with ErrNoRecipient if nobody is left.
// A reassignment sends no event email (the SQL email goes to the new rep, SQLMessage): it is an error, as is an
// unknown kind.
//
// delivered are, for a mail.undelivered alert about a reminder, the rep's earlier reminders' events as stored
// (the checker reads them): the alert lists those that left, as what the rep already has. Other kinds ignore
// them.
func EventMessage(c *contract.Contract, h handoff.Handoff, l *lead.Lead, e handoff.Event, links Links, now time.Time, delivered ...handoff.Event) (Message, error) {
	compose := composer(e.Kind)
	if compose == nil {
		return Message{}, fmt.Errorf("event %s of %s: kind %q sends no event email", e.ID(), h.Key, e.Kind)
	}
	b := &eventMail{c: c, t: words.ForEmail(c.Locale), cm: words.ForCommon(c.Locale), h: h, l: l, e: e, now: now, delivered: delivered}
	b.v.Locale = c.Locale
	b.v.Footer = fmt.Sprintf(b.cm.Footer, c.Company) + " · " + h.LeadID
	if err := compose(b, links); err != nil {
		return Message{}, fmt.Errorf("event %s of %s: %w", e.ID(), h.Key, err)
	}
	m, err := b.message()
	if err != nil {
		return Message{}, fmt.Errorf("event %s of %s: %w", e.ID(), h.Key, err)
	}
	return m, nil
}

// composer is the kind's email; nil for a kind without one. A switch, not a map: a binary that never calls
// EventMessage (notify) does not link the composers.
func composer(k handoff.EventKind) func(*eventMail, Links) error {
	switch k {
	case handoff.EventReminder:
		return (*eventMail).reminder
	case handoff.EventFeedbackReminder:
		return (*eventMail).feedbackReminder
	case handoff.EventAwayEscalation:
		return (*eventMail).away
	case handoff.EventFirstContactBreach:
		return (*eventMail).firstContactBreach
	case handoff.EventFeedbackBreach:
		return (*eventMail).feedbackBreach
	case handoff.EventStuckMail:
		return (*eventMail).stuck
	case handoff.EventUndelivered:
		return (*eventMail).undelivered
	case handoff.EventOutcomeMissing:
		return (*eventMail).outcomeMissing
	}
	return nil
}

// eventMail is one event's email being composed: its recipients and what it shows.
type eventMail struct {
	c      *contract.Contract
	t      *words.Email  // the contract's language's words
	cm     *words.Common // and formats
	h      handoff.Handoff
	l      *lead.Lead // nil: the lead is gone
	e      handoff.Event
	now    time.Time
	to, cc []*mail.Address
	gone   []string // IDs meant to receive the email who left the roster
	v      eventView
	// delivered: the events whose emails an undelivered alert may list as already sent (EventMessage).
	delivered []handoff.Event
}

// reminder: first contact is due soon (the rep, the three links).
func (b *eventMail) reminder(links Links) error {
	return b.remind(b.h.FirstContactDue, len(b.h.Reminders), b.t.ReminderSubject, b.t.ReminderIntro, b.t.ReminderStop, true, links)
}

// feedbackReminder: the answer (accept or reject) is due soon (the rep, the links).
func (b *eventMail) feedbackReminder(links Links) error {
	return b.remind(b.h.FeedbackDue, len(b.h.FeedbackReminders), b.t.FeedbackReminderSubject, b.t.FeedbackReminderIntro, b.t.EventCRM, !b.h.Contacted(), links)
}

// remind is reminder e.N+1 of n to the rep of a deadline due (in the words given), with the answer links.
func (b *eventMail) remind(due time.Time, n int, subject, intro, note string, contacted bool, links Links) error {
	rep := b.toRep(b.e.RepID)
	left := b.left(due)
	b.v.Subject = b.w(subject, b.who(), b.short(due), left)
	b.v.Hello = b.w(b.t.EventHello, rep)
	b.v.Paras = []string{b.w(intro, b.e.N+1, max(n, b.e.N+1))}
	b.v.Due, b.v.DueNote = b.instant(due), left+" "+b.t.Left
	b.v.Sections = []section{b.lead()}
	b.v.AnswerNote = note
	return b.answers(links, contacted)
}

// away: the rep is out of office at a reminder point; their manager takes over (no links: they are the rep's).
func (b *eventMail) away(Links) error {
	rep := b.name(b.e.RepID)
	b.v.Hello = b.w(b.t.EventHello, b.toManager(b.e.ManagerID))
	b.ccOpsOnEscalation()
	absence := b.w(b.t.AwayToday, rep)
	if until, ok := b.awayUntil(b.e.RepID); ok {
		absence = b.w(b.t.AwayUntil, rep, b.cm.Day(until, true))
	}
	due, awaits := b.h.FirstContactDue, b.t.AwayContact
	if b.h.Contacted() {
		due, awaits = b.h.FeedbackDue, b.t.AwayAnswer
	}
	b.v.Subject = b.w(b.t.AwaySubject, rep, b.who(), b.short(due))
	b.v.Paras = []string{absence, awaits}
	b.v.Due, b.v.DueNote = b.instant(due), b.left(due)+" "+b.t.Left
	b.v.Sections = []section{b.lead()}
	b.v.NextTitle, b.v.Next = b.t.EventTodo, []string{b.t.AwayTodo, b.t.AwaySilent}
	switch {
	case b.h.Contacted(): // the first-contact deadline is behind: no breach action ahead
	case b.c.Sales.OnBreach == contract.Reassign:
		b.v.Next = append(b.v.Next, b.t.AwayReassign)
	default:
		b.v.Next = append(b.v.Next, b.t.AwayEscalate)
	}
	return nil
}

// firstContactBreach: the escalation to the breaching rep's manager, and what happened to the SQL.
func (b *eventMail) firstContactBreach(Links) error {
	rep := b.name(b.e.RepID)
	b.v.Hello = b.w(b.t.EventHello, b.toManager(b.e.ManagerID))
	b.ccOpsOnEscalation()
	b.v.Subject = b.w(b.t.BreachSubject, rep, b.who(), b.short(b.e.Due))
	b.v.Paras = []string{b.w(b.t.BreachIntro, rep, b.e.ContractVersion)}
	b.v.Due, b.v.DueNote = b.instant(b.e.Due), b.late()
	b.v.Sections = []section{b.lead()}
	b.v.NextTitle = b.t.EventNext
	// The breaching rep's assignment is e.Assignment; one after it means the SQL was reassigned in the same step.
	if next := b.e.Assignment + 1; next < len(b.h.Assignments) {
		a := b.h.Assignments[next]
		to := b.name(a.RepID)
		due := b.h.FirstContactDue
		if next < len(b.h.Assignments)-1 { // reassigned again since: the contract's deadline from this assignment
			if d, err := b.c.FirstContactDue(a.At); err == nil {
				due = d
			}
		}
		b.v.Subject = b.w(b.t.BreachSubjectTo, b.v.Subject, to)
		b.v.Next = []string{b.w(b.t.BreachReassigned, to, header(a.Reason), b.instant(due)), b.w(b.t.BreachStays, rep)}
		return nil
	}
	if b.h.Contacted() { // late, before the checker's pass: nothing left to do but know it
		b.v.Next = []string{b.w(b.t.BreachContactedLate, b.name(b.h.Contact.RepID), b.instant(b.h.Contact.At))}
		return nil
	}
	if b.c.Sales.OnBreach == contract.Reassign {
		b.v.Next = []string{b.w(b.t.BreachNobody, rep)}
	} else {
		b.v.Next = []string{b.w(b.t.BreachEscalate, rep)}
	}
	return nil
}

// feedbackBreach: the answer is late; the rep is asked to give it now, their manager in copy.
func (b *eventMail) feedbackBreach(links Links) error {
	b.v.Hello = b.w(b.t.EventHello, b.toRep(b.e.RepID))
	manager := b.ccManager(b.e.ManagerID)
	b.v.Subject = b.w(b.t.FeedbackBreachSubject, b.who(), b.short(b.e.Due))
	b.v.Paras = []string{b.t.FeedbackBreachIntro}
	b.v.Due, b.v.DueNote = b.instant(b.e.Due), b.late()
	b.v.After = []string{b.w(b.t.FeedbackBreachRecorded, b.e.ContractVersion)}
	if _, repKnown := b.c.Rep(b.e.RepID); manager != "" && repKnown { // else the manager is the recipient
		b.v.After = append(b.v.After, b.w(b.t.FeedbackBreachCC, manager))
	}
	b.v.Sections = []section{b.lead()}
	b.v.AnswerNote = b.t.EventCRM
	return b.answers(links, !b.h.Contacted())
}

// stuck: marketing ops learn that the SQL email was sent again, and whether it says it may be a duplicate.
func (b *eventMail) stuck(Links) error {
	if err := b.toOps(); err != nil {
		return err
	}
	rep := b.name(b.e.RepID)
	b.v.Subject = b.w(b.t.StuckSubject, b.who(), rep)
	dup := b.t.StuckNoDup
	if b.h.Mail.PossibleDuplicate {
		b.v.Subject, dup = b.w(b.t.StuckSubjectDup, b.v.Subject), b.w(b.t.StuckDup, rep)
	}
	b.v.Hello = b.t.EventHelloOps
	due := b.w(b.t.StuckDue, rep)
	if b.e.Reason == handoff.ReasonInterrupted { // resent at once by the checker: the clock did not move
		due = b.w(b.t.StuckDueKept, rep)
	}
	b.v.Paras = []string{b.w(b.t.StuckIntro, rep), b.w(b.t.EventWhy, b.reason()), dup, due}
	b.v.Due, b.v.DueNote = b.instant(b.h.FirstContactDue), b.left(b.h.FirstContactDue)+" "+b.t.Left
	b.v.Sections = []section{b.lead(), b.people()}
	b.v.NextTitle, b.v.Next = b.t.EventTodo, []string{b.w(b.t.StuckTodo, rep)}
	return nil
}

// undelivered: marketing ops learn that an email was given up — which one (the reminder and its point, the
// escalation, the SQL email), to whom, when it was due — whether it may have left after all (its sending was
// interrupted) or surely did not (refused, not composable), what the rep already has, and whom to tell by hand.
func (b *eventMail) undelivered(Links) error {
	if err := b.toOps(); err != nil {
		return err
	}
	what, to := b.aboutShort()
	subject, intro, todo := b.t.UndeliveredSubject, b.t.UndeliveredIntro, b.t.UndeliveredTodo
	switch b.e.Reason {
	case handoff.ReasonUnknownNotResent:
		subject, intro, todo = b.t.UndeliveredSubjectUnknown, b.t.UndeliveredIntroUnknown, b.t.UndeliveredTodoUnknown
	case handoff.ReasonConsentRefused:
		// Withheld, not lost: nothing is to be passed on to the rep (handoff.Withdraw).
		subject, intro, todo = b.t.UndeliveredSubjectConsent, b.t.UndeliveredIntroConsent, b.t.UndeliveredTodoConsent
	case handoff.ReasonBounced, handoff.ReasonComplained:
		// Not lost by Handoff: the rep never had it (handoff.HandleBounce); it went to the next rep, or is held.
		subject, intro = b.t.BounceSubject, b.t.BounceIntro
		b.v.Subject = b.w(subject, what, b.who())
		b.v.Hello = b.t.EventHelloOps
		b.v.Paras = []string{intro, b.w(b.t.UndeliveredAbout, b.aboutLong()), b.w(b.t.EventWhy, b.reason())}
		b.v.Sections = []section{b.people(), b.lead()}
		next := b.w(b.t.BounceTodoHeld, b.name(b.e.RepID))
		if b.e.ToRepID != "" {
			next = b.w(b.t.BounceTodoMoved, b.name(b.e.ToRepID), b.name(b.e.RepID))
		}
		b.v.NextTitle, b.v.Next = b.t.EventTodo, []string{next}
		return nil
	}
	b.v.Subject = b.w(subject, what, b.who())
	b.v.Hello = b.t.EventHelloOps
	b.v.Paras = append([]string{intro, b.w(b.t.UndeliveredAbout, b.aboutLong()), b.w(b.t.EventWhy, b.reason())}, b.repHas()...)
	b.v.Sections = []section{b.people(), b.lead()}
	who := to
	if who == "" {
		who = b.t.UndeliveredSomeone
	}
	b.v.NextTitle, b.v.Next = b.t.EventTodo, []string{b.w(todo, who)}
	return nil
}

// aboutWords name the email an undelivered alert is about, short (for the subject) and in full: the SQL email
// when the alert names none, else by its kind; a kind the words do not know is named by the kind itself.
func (b *eventMail) aboutWords() (what, about string) {
	switch b.e.About {
	case "":
		return b.t.WhatSQL, b.t.AboutSQL
	case handoff.EventReminder:
		return b.t.WhatReminder, b.t.AboutReminder
	case handoff.EventFeedbackReminder:
		return b.t.WhatReminderFeedback, b.t.AboutReminderFeedback
	case handoff.EventAwayEscalation:
		return b.t.WhatEscalationAway, b.w(b.t.AboutEscalationAway, b.name(b.e.RepID)) // whose absence
	case handoff.EventFirstContactBreach:
		return b.t.WhatBreachFirstContact, b.w(b.t.AboutBreachFirstContact, b.name(b.e.RepID)) // whose breach
	case handoff.EventFeedbackBreach:
		return b.t.WhatBreachFeedback, b.t.AboutBreachFeedback
	case handoff.EventOutcomeMissing:
		return words.ForCRM(b.c.Locale).WhatOutcome, words.ForCRM(b.c.Locale).AboutOutcome
	}
	kind := header(string(b.e.About))
	return b.w(b.t.WhatOther, kind), b.w(b.t.AboutOther, kind)
}

// aboutTo is whom the email given up was for: the manager for an escalation, else the rep ("" when unknown).
func (b *eventMail) aboutTo() string {
	switch b.e.About {
	case handoff.EventAwayEscalation, handoff.EventFirstContactBreach:
		if b.e.ManagerID != "" {
			name, _ := b.manager(b.e.ManagerID)
			return name
		}
	}
	if b.e.RepID == "" {
		return ""
	}
	return b.name(b.e.RepID)
}

// aboutReminder reports an alert about a reminder recorded with its N ("reminder 1 of 2"): n is how many
// reminders the rep had, and the point its percentage of the deadline ("" when the contract changed since).
func (b *eventMail) aboutReminder() (n int, point string, ok bool) {
	var points []int
	switch b.e.About {
	case handoff.EventReminder:
		n, points = len(b.h.Reminders), b.c.Sales.Reminders
	case handoff.EventFeedbackReminder:
		n, points = len(b.h.FeedbackReminders), b.c.Sales.FeedbackReminders
	default:
		return 0, "", false
	}
	if b.e.AboutDue.IsZero() { // recorded before alerts kept which reminder
		return 0, "", false
	}
	if b.e.ContractVersion == b.c.Version && b.e.AboutN < len(points) {
		point = b.cm.Percent1(float64(points[b.e.AboutN]))
	}
	return max(n, b.e.AboutN+1), point, true
}

// aboutShort names the email given up for the subject ("rappel 1 sur 2 à Thomas Martin"), and whom it was for.
func (b *eventMail) aboutShort() (string, string) {
	label, _ := b.aboutWords()
	if n, _, ok := b.aboutReminder(); ok {
		label += b.w(b.t.AboutN, b.e.AboutN+1, n)
	}
	to := b.aboutTo()
	if to != "" {
		label += b.w(b.t.AboutTo, to)
	}
	return label, to
}

// aboutLong names the email given up in full: which one, its point, to whom (and in copy), when it was due or
// the deadline it was about, in the contract's zone.
func (b *eventMail) aboutLong() string {
	_, label := b.aboutWords()
	if n, point, ok := b.aboutReminder(); ok {
		label += b.w(b.t.AboutN, b.e.AboutN+1, n)
		if point != "" {
			label += b.w(b.t.AboutPoint, point)
		}
	}
	if to := b.aboutTo(); to != "" {
		label += b.w(b.t.AboutTo, to)
	}
	if b.e.About == handoff.EventFeedbackBreach && b.e.ManagerID != "" {
		name, _ := b.manager(b.e.ManagerID)
		label += b.w(b.t.AboutCC, name)
	}
	if !b.e.AboutDue.IsZero() {
		switch b.e.About {
		case handoff.EventFirstContactBreach, handoff.EventFeedbackBreach:
			label += b.w(b.t.AboutDeadline, b.instant(b.e.AboutDue))
		default:
			label += b.w(b.t.AboutDue, b.instant(b.e.AboutDue))
		}
	}
	return label
}

// repHas says what the rep of the email given up already has — the SQL email and when it left, its answer links,
// their earlier reminders (b.delivered) — or that the SQL went to someone else since; then, while the rep still
// holds it, the deadline they run against now (shown in large).
func (b *eventMail) repHas() []string {
	if b.e.About == "" || b.e.RepID == "" { // the SQL email itself: the alert is about what the rep lacks
		return nil
	}
	rep := b.name(b.e.RepID)
	if b.h.Rep() != b.e.RepID {
		return []string{b.w(b.t.HasReassigned, b.name(b.h.Rep()))}
	}
	var out []string
	if m := b.h.Mail; m.Status == outbox.MailSent {
		out = append(out, b.w(b.t.HasSQL, rep, b.instant(m.SentAt)))
		if !b.h.Answered() && b.now.Before(m.SentAt.Add(handoff.LinkTTL)) {
			out = append(out, b.t.HasLinks)
		}
	} else {
		out = append(out, b.w(b.t.HasNoSQL, rep))
	}
	var earlier []string
	n, _, ok := b.aboutReminder()
	for _, d := range b.delivered {
		if ok && d.Kind == b.e.About && d.Assignment == b.e.AboutAssignment && d.N < b.e.AboutN && d.Mail.Status == outbox.MailSent {
			earlier = append(earlier, b.w(b.t.HasReminder, d.N+1, n, b.instant(d.Mail.SentAt)))
		}
	}
	if len(earlier) > 0 {
		out = append(out, b.w(b.t.HasReminders, rep, strings.Join(earlier, b.cm.Semicolon)))
	}
	switch due := b.h.FirstContactDue; {
	case !b.h.Contacted() && due.After(b.now):
		out = append(out, b.w(b.t.HasDueContact, rep))
		b.v.Due, b.v.DueNote = b.instant(due), b.left(due)+" "+b.t.Left
	case b.h.Contacted() && !b.h.Answered() && b.h.FeedbackDue.After(b.now):
		out = append(out, b.w(b.t.HasDueAnswer, rep))
		b.v.Due, b.v.DueNote = b.instant(b.h.FeedbackDue), b.left(b.h.FeedbackDue)+" "+b.t.Left
	}
	return out
}

// w is a word of b.t formatted with its arguments (a word without any is used as it is).
func (b *eventMail) w(word string, args ...any) string { return fmt.Sprintf(word, args...) }

// who names the lead in a subject: its company (the hand-off's, as the ops list shows it), else its name, else
// its ID.
func (b *eventMail) who() string {
	var name string
	if b.l != nil {
		name = b.l.Name()
	}
	for _, s := range []string{b.h.LeadCompany, name} {
		if s = strings.TrimSpace(header(s)); s != "" {
			return s
		}
	}
	return b.h.LeadID
}

// instant is t to the minute in the contract's zone and words.
func (b *eventMail) instant(t time.Time) string { return b.cm.Instant(t.In(b.c.Location)) }

// short is t for a subject: the time alone when it falls today (in the contract's zone), else with the day.
func (b *eventMail) short(t time.Time) string {
	local, today := t.In(b.c.Location), b.now.In(b.c.Location)
	if contract.DateOf(local) == contract.DateOf(today) {
		return local.Format("15:04")
	}
	return fmt.Sprintf(b.cm.At, b.cm.Day(local, false), local.Format("15:04"))
}

// left is the business time from now to due, "1h30".
func (b *eventMail) left(due time.Time) string {
	return words.Duration(b.c.Calendar.Between(b.now, due))
}

// late is how late the event's deadline is, in business time.
func (b *eventMail) late() string {
	if b.e.BusinessMinutesLate <= 0 {
		return b.t.EventLateNow
	}
	return b.w(b.t.EventLate, words.Duration(time.Duration(b.e.BusinessMinutesLate)*time.Minute))
}

// lead is the lead's details from its profile, for the rep to call or the manager to act; empty fields are left
// out. A lead that is gone is shown by its ID, saying that its details are no longer kept.
func (b *eventMail) lead() section {
	s := section{Title: b.t.Lead}
	add := func(label, value string) *row {
		if value = strings.TrimSpace(header(value)); value == "" {
			return nil
		}
		s.Rows = append(s.Rows, row{Label: label, Value: value})
		return &s.Rows[len(s.Rows)-1]
	}
	var p lead.Contact
	name := ""
	if b.l != nil {
		p, name = b.l.Contact, b.l.Name()
	} else {
		add(b.t.EventLeadID, b.h.LeadID)
		add(b.t.EventLeadGone, b.t.EventLeadGoneWhy)
		p.Company = b.h.LeadCompany
	}
	add(b.t.Name, name)
	add(b.t.Title, p.JobTitle)
	add(b.t.Company, p.Company)
	if r := add(b.t.Email, p.Email); r != nil {
		r.Mailto = url.PathEscape(r.Value) // "?" and "#" stay in the address, not a mailto query
	}
	if r := add(b.t.Phone, p.Phone); r != nil {
		r.Tel = strings.Map(func(c rune) rune {
			if c == '+' || c >= '0' && c <= '9' {
				return c
			}
			return -1
		}, r.Value)
	}
	// As its clock counts it (from the next whole minute), so that hand-off + the deadline reads right.
	add(b.t.EventHanded, b.instant(worktime.Tick(b.h.At)))
	return s
}

// people are the rep and manager an event concerns, with their addresses, for marketing ops to reach them.
func (b *eventMail) people() section {
	s := section{Title: b.t.EventPeople}
	if b.e.RepID != "" {
		name, a := b.rep(b.e.RepID)
		s.Rows = append(s.Rows, person(b.t.EventRep, name, a))
	}
	if b.e.ManagerID != "" {
		name, a := b.manager(b.e.ManagerID)
		s.Rows = append(s.Rows, person(b.t.EventManager, name, a))
	}
	return s
}

func person(label, name string, a *mail.Address) row {
	if a == nil {
		return row{Label: label, Value: name}
	}
	return row{Label: label, Value: name + " <" + a.Address + ">", Mailto: url.PathEscape(a.Address)}
}

// answers sets the answer buttons; a missing link is an error, not an email with a dead button.
func (b *eventMail) answers(links Links, contacted bool) error {
	if links.Accept == "" || links.Reject == "" || contacted && links.Contacted == "" {
		return errors.New("the rep's answer links are missing")
	}
	b.v.Buttons = answers(b.c.Locale, links, contacted)
	return nil
}

// awayUntil is the last day of the rep's absence that covers now, in the contract's zone.
func (b *eventMail) awayUntil(repID string) (time.Time, bool) {
	r, ok := b.c.Rep(repID)
	if !ok {
		return time.Time{}, false
	}
	today := contract.DateOf(b.now.In(b.c.Location))
	for _, a := range r.OutOfOffice {
		if !today.Before(a.From) && !a.To.Before(today) {
			return time.Date(a.To.Year, a.To.Month, a.To.Day, 12, 0, 0, 0, b.c.Location), true
		}
	}
	return time.Time{}, false
}

// reasonKeys are the reasons internal/handoff records (English, for the record and the logs), each with its
// word: an email says them in its own language (words' TestEnglishReasonsAreTheRecordedOnes pins the English
// words to handoff's constants, so that this match cannot drift from what the checker records).
var reasonKeys = map[string]func(*words.Email) string{
	handoff.ReasonNeverHanded:      func(w *words.Email) string { return w.ReasonNeverHanded },
	handoff.ReasonUnknownResent:    func(w *words.Email) string { return w.ReasonUnknown },
	handoff.ReasonSQLAbandoned:     func(w *words.Email) string { return w.ReasonAbandoned },
	handoff.ReasonUnknownNotResent: func(w *words.Email) string { return w.ReasonUnknownNotResent },
	handoff.ReasonRefused:          func(w *words.Email) string { return w.ReasonRefused },
	handoff.ReasonUncomposable:     func(w *words.Email) string { return w.ReasonUncomposable },
	handoff.ReasonInterrupted:      func(w *words.Email) string { return w.ReasonInterrupted },
	handoff.ReasonConsentRefused:   func(w *words.Email) string { return w.ReasonConsent },
	handoff.ReasonBounced:          func(w *words.Email) string { return w.ReasonBounced },
	handoff.ReasonComplained:       func(w *words.Email) string { return w.ReasonComplained },
}

// reason is the event's reason in the contract's words when it is one of handoff's, else as recorded.
func (b *eventMail) reason() string {
	r := strings.TrimSpace(header(b.e.Reason))
	for en, word := range reasonKeys {
		if !strings.Contains(en, "%d") {
			if r == en {
				return word(b.t)
			}
			continue
		}
		var n int
		if _, err := fmt.Sscanf(r, en, &n); err == nil && fmt.Sprintf(en, n) == r {
			return b.w(word(b.t), n)
		}
	}
	return r
}

// Recipients. A name is the roster's, or the ID of someone who left it.

func (b *eventMail) rep(id string) (string, *mail.Address) {
	if r, ok := b.c.Rep(id); ok {
		return r.Name, &mail.Address{Name: r.Name, Address: r.Email}
	}
	return id, nil
}

func (b *eventMail) manager(id string) (string, *mail.Address) {
	if m, ok := b.c.Manager(id); ok {
		return m.Name, &mail.Address{Name: m.Name, Address: m.Email}
	}
	return id, nil
}

func (b *eventMail) name(repID string) string {
	name, _ := b.rep(repID)
	return name
}

func (b *eventMail) toRep(id string) string {
	name, a := b.rep(id)
	b.to = b.add(b.to, id, a)
	return name
}

func (b *eventMail) toManager(id string) string {
	name, a := b.manager(id)
	b.to = b.add(b.to, id, a)
	return name
}

// ccManager copies the manager and returns their name ("" when there is none or they left the roster).
func (b *eventMail) ccManager(id string) string {
	name, a := b.manager(id)
	b.cc = b.add(b.cc, id, a)
	if a == nil {
		return ""
	}
	return name
}

// add appends a recipient; one who left the roster is noted, and the email says it cannot reach them.
func (b *eventMail) add(list []*mail.Address, id string, a *mail.Address) []*mail.Address {
	switch {
	case a != nil:
		return append(list, a)
	case id != "":
		b.gone = append(b.gone, id)
		b.v.Boxes = append(b.v.Boxes, box{ID: "not-in-roster", Tone: "alert", Text: b.w(b.t.EventUnknown, id)})
	}
	return list
}

func (b *eventMail) ccOpsOnEscalation() {
	if b.c.Sales.EscalateToMarketingOps {
		b.cc = append(b.cc, ops(b.c)...)
	}
}

func (b *eventMail) toOps() error {
	if b.to = ops(b.c); len(b.to) == 0 {
		return fmt.Errorf("%w: the contract names no recipients.marketing_ops", ErrNoRecipient)
	}
	return nil
}

func ops(c *contract.Contract) []*mail.Address {
	out := make([]*mail.Address, 0, len(c.Recipients.MarketingOps))
	for _, a := range c.Recipients.MarketingOps {
		out = append(out, &mail.Address{Address: a})
	}
	return out
}

// message settles the recipients (each address once; the copies become the recipients when nobody is left in
// To) and renders both parts.
func (b *eventMail) message() (Message, error) {
	seen := map[string]bool{}
	once := func(list []*mail.Address) []*mail.Address {
		var out []*mail.Address
		for _, a := range list {
			if k := strings.ToLower(a.Address); !seen[k] {
				seen[k] = true
				out = append(out, a)
			}
		}
		return out
	}
	to, cc := once(b.to), once(b.cc)
	if len(to) == 0 {
		to, cc = cc, nil
	}
	if len(to) == 0 {
		if len(b.gone) > 0 {
			return Message{}, fmt.Errorf("%w: %s not in the contract's roster", ErrNoRecipient, strings.Join(b.gone, ", "))
		}
		return Message{}, ErrNoRecipient
	}
	b.v.Subject = header(b.v.Subject)
	var html bytes.Buffer
	if err := htmlEvent().Execute(&html, b.v); err != nil {
		return Message{}, fmt.Errorf("render %s email (html): %w", b.e.Kind, err)
	}
	return Message{From: b.c.Sender, To: to, Cc: cc, Subject: b.v.Subject, HTML: html.String(), Text: b.v.text(),
		Tags: mailtag.Event(b.h.LeadID, b.h.At, string(b.e.Kind), b.e.Assignment, b.e.N).Tags()}, nil
}
