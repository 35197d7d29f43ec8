// Package reporttest holds the report's fixtures, for the tests of every package that reads or writes a month's
// records: the hand-computed July (a month whose every figure is worked out by hand in package report's tests) and
// a synthetic month of any size (the previews and the benchmarks).
package reporttest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// JulyContract: Paris, Monday to Thursday 09:00–12:30 and 13:30–18:00 (8h), Friday to 17:00 (7h), French
// holidays (14 July 2026 is a Tuesday). Marketing's target changes in July: 4 SQLs and 10 MQLs a month until
// June, 5 SQLs and no MQL figure from July. Sales commit to contact 75% of SQLs within 4h.
const JulyContract = `version: "2026.07-1"
company: Test & Fils <SAS>
locale: fr
time_zone: Europe/Paris
calendar:
  holidays: FR
  business_hours:
    monday: ["09:00-12:30", "13:30-18:00"]
    tuesday: ["09:00-12:30", "13:30-18:00"]
    wednesday: ["09:00-12:30", "13:30-18:00"]
    thursday: ["09:00-12:30", "13:30-18:00"]
    friday: ["09:00-12:30", "13:30-17:00"]
marketing:
  targets:
    - from: 2026-01
      to: 2026-06
      sqls: 4
      mqls: 10
    - from: 2026-07
      sqls: 5
sales:
  first_contact_deadline: 4h
  feedback_deadline: 16h
  reminders: ["50%", "80%"]
  contact_rate_target: 75%
roster:
  managers:
    - id: mia
      name: Mia Manager
      email: mia@test.fr
  reps:
    - id: anna
      name: Anna <b>Admin</b> & Co
      email: anna@test.fr
      manager: mia
    - id: bruno
      name: Bruno Lefèvre
      email: bruno@test.fr
      manager: mia
recipients:
  leadership: [boss@test.fr]
sender: "Handoff <sla@test.fr>"
`

var paris, _ = time.LoadLocation("Europe/Paris")

// At is a wall-clock time in Paris, "2026-07-01 10:00".
func At(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, paris)
	if err != nil {
		panic(err)
	}
	return t
}

// The sources of the July fixture.
const (
	Site     = "site-contact"
	Webinar  = "webflow-webinar"
	LinkedIn = "zapier-linkedin"
	Tracking = "tracking"
)

// July is a month of records (July 2026) under JulyContract, every figure of which is worked out by hand in
// package report's TestJuly.
//
//	H0 carl (who has since left the roster) got an SQL on Tue 30 June 17:00; in July he let it breach first
//	   contact (Wed 1 July 12:00) and feedback (Thu 2 July 17:00), after two reminders to contact (10:00 and
//	   11:12: 50% and 80% of 4h) and one to answer (Wed 17:00, 50% of 16h); at the second point to answer
//	   (Thu 13:48, 80%) he was away, so his manager was told instead (an escalation, not a reminder).
//	H1 anna  Wed 1 Jul 10:00 -> contacted 11:30 (1h30)                          accepted
//	H2 bruno Thu 2 Jul 17:30 -> contacted Fri 10:00 (30 min + 1h = 1h30)          rejected no_budget
//	H3 anna  Fri 3 Jul 16:30 -> contacted Mon 6 11:00 (30 min + 2h = 2h30)        rejected other + comment
//	H4 bruno Mon 13 Jul 17:00 -> contacted Wed 15 10:00 (1h + 14 July + 1h = 2h)  no answer: feedback breached
//	H5 carl  Mon 20 Jul 09:00, breached at 14:00 and reassigned to anna, who made contact at 16:00 (2h on her
//	   clock, late for the SQL)                                                  accepted
//	H6 bruno Mon 27 Jul 10:00, the lead of H2 again -> contacted 16:00 (2h30 + 2h30 = 5h, late) accepted
//	H7 anna  Fri 31 Jul 16:00 (tracking, a subscriber turned SQL); contact due Mon 3 Aug 12:00, after the
//	   report (Sat 1 Aug 08:00): pending. The contact made on Mon 3 Aug 09:30 is after AsOf and not counted.
func July() records.Input {
	v6, v7 := "2026.06-1", "2026.07-1"
	h := func(lead, repID, handed, source, campaign, version string) records.Handoff {
		return records.Handoff{LeadID: lead, At: At(handed), RepID: repID, Assignments: []records.Assignment{{RepID: repID, At: At(handed)}},
			Source: source, UTMCampaign: campaign, ContractVersion: version}
	}
	h0 := h("l0", "carl", "2026-06-30 17:00", Site, "", v6)
	h0.FirstContactDue, h0.FeedbackDue = At("2026-07-01 12:00"), At("2026-07-02 17:00")

	h1 := h("l1", "anna", "2026-07-01 10:00", Site, "ete", v6)
	h1.FirstContactDue, h1.FeedbackDue = At("2026-07-01 15:00"), At("2026-07-03 10:00")
	h1.ContactedAt, h1.ContactRepID, h1.ContactChannel = At("2026-07-01 11:30"), "anna", "phone"
	h1.Answer, h1.AnsweredAt = records.Accepted, At("2026-07-01 15:00")

	h2 := h("l2", "bruno", "2026-07-02 17:30", Webinar, "webinar-juin", v6)
	h2.FirstContactDue, h2.FeedbackDue = At("2026-07-03 12:00"), At("2026-07-06 16:30")
	h2.ContactedAt, h2.ContactRepID = At("2026-07-03 10:00"), "bruno"
	h2.Answer, h2.AnsweredAt, h2.RejectReason = records.Rejected, At("2026-07-03 11:00"), "no_budget"

	h3 := h("l3", "anna", "2026-07-03 16:30", Webinar, "webinar-juin", v6)
	h3.FirstContactDue, h3.FeedbackDue = At("2026-07-06 12:30"), At("2026-07-07 16:30")
	h3.ContactedAt, h3.ContactRepID = At("2026-07-06 11:00"), "anna"
	h3.Answer, h3.AnsweredAt = records.Rejected, At("2026-07-06 12:00")
	h3.RejectReason, h3.RejectComment = "other", "=cmd|' /C calc'!A0 <script>alert(1)</script>"

	h4 := h("l4", "bruno", "2026-07-13 17:00", Site, "", v6)
	h4.FirstContactDue, h4.FeedbackDue = At("2026-07-15 12:00"), At("2026-07-16 17:00")
	h4.ContactedAt, h4.ContactRepID = At("2026-07-15 10:00"), "bruno" // never answered: feedback missed

	h5 := h("l5", "anna", "2026-07-20 09:00", LinkedIn, "linkedin-q3", v6)
	h5.Assignments = []records.Assignment{{RepID: "carl", At: At("2026-07-20 09:00")}, {RepID: "anna", At: At("2026-07-20 14:00")}}
	h5.FirstContactDue, h5.FeedbackDue = At("2026-07-20 18:00"), At("2026-07-22 09:00")
	h5.Clocks = []records.Clock{{Assignment: 0, From: At("2026-07-20 09:00"), FirstContactDue: At("2026-07-20 14:00"), FeedbackDue: At("2026-07-21 09:00")},
		{Assignment: 1, From: At("2026-07-20 14:00"), FirstContactDue: h5.FirstContactDue, FeedbackDue: h5.FeedbackDue}}
	h5.ContactedAt, h5.ContactRepID = At("2026-07-20 16:00"), "anna"
	h5.Answer, h5.AnsweredAt = records.Accepted, At("2026-07-20 17:00")

	h6 := h("l2", "bruno", "2026-07-27 10:00", Webinar, "webinar-juin", v7)
	h6.FirstContactDue, h6.FeedbackDue = At("2026-07-27 15:00"), At("2026-07-29 10:00")
	h6.ContactedAt, h6.ContactRepID = At("2026-07-27 16:00"), "bruno"
	h6.Answer, h6.AnsweredAt = records.Accepted, At("2026-07-28 10:00")

	h7 := h("l7", "anna", "2026-07-31 16:00", Tracking, "", v7)
	h7.FirstContactDue, h7.FeedbackDue = At("2026-08-03 12:00"), At("2026-08-04 17:00")
	h7.ContactedAt, h7.ContactRepID = At("2026-08-03 09:30"), "anna"

	// Earlier cohorts: March (accepted, opportunity, lost), May (two customers in two currencies, one rejected).
	m2 := h("m2", "anna", "2026-03-10 10:00", Site, "", v6)
	m2.Answer, m2.AnsweredAt = records.Accepted, At("2026-03-11 10:00")
	m1 := h("m1", "bruno", "2026-05-05 10:00", Site, "", v6)
	m1.Answer, m1.AnsweredAt = records.Accepted, At("2026-05-06 10:00")
	m3 := h("m3", "anna", "2026-05-20 10:00", Webinar, "", v6)
	m3.Answer, m3.AnsweredAt = records.Accepted, At("2026-05-21 10:00")
	m4 := h("m4", "bruno", "2026-05-25 10:00", Webinar, "", v6)
	m4.Answer, m4.AnsweredAt, m4.RejectReason = records.Rejected, At("2026-05-26 10:00"), "not_a_fit"

	tr := func(lead string, from, to records.Stage, when, source, campaign string) records.Transition {
		return records.Transition{LeadID: lead, From: from, To: to, At: At(when), Source: source, UTMCampaign: campaign, ContractVersion: v6}
	}
	ev := func(kind records.EventKind, lead, repID, when string) records.Event {
		return records.Event{Kind: kind, LeadID: lead, At: At(when), RepID: repID, ContractVersion: v6}
	}
	customer := func(lead, when, amount, currency string) records.Transition {
		t := tr(lead, records.Opportunity, records.Customer, when, Site, "")
		t.Amount, t.Currency = amount, currency
		return t
	}
	reassigned := ev(records.Reassignment, "l5", "carl", "2026-07-20 14:00")
	reassigned.FromRep, reassigned.ToRep = "carl", "anna"
	return records.Input{
		Month: contract.Month{Year: 2026, Month: time.July},
		AsOf:  At("2026-08-01 08:00"),
		Created: []records.Created{
			{LeadID: "l1", At: At("2026-07-01 08:00"), Stage: records.NewLead, Source: Site, UTMCampaign: "ete"},
			{LeadID: "l4", At: At("2026-07-10 11:00"), Stage: records.NewLead, Source: Site},
			{LeadID: "l8", At: At("2026-07-15 09:00"), Stage: records.NewLead, Source: LinkedIn, UTMCampaign: "linkedin-q3"},
			{LeadID: "l7", At: At("2026-07-29 10:00"), Stage: records.Subscriber, Source: Tracking},               // counts when it becomes a lead
			{LeadID: "l9", At: At("2026-07-20 10:00"), Stage: records.Subscriber, Source: Site},                   // never does
			{LeadID: "l12", At: At("2026-07-31 23:30"), Stage: records.NewLead, Source: Site, UTMCampaign: "ete"}, // 21:30 UTC, July in Paris
			{LeadID: "l10", At: At("2026-06-30 23:30"), Stage: records.NewLead, Source: Site},                     // June
			{LeadID: "l13", At: At("2026-08-01 00:30"), Stage: records.NewLead, Source: Site},                     // 22:30 UTC on 31 July: August in Paris
		},
		Transitions: []records.Transition{
			tr("l1", records.NewLead, records.MQL, "2026-07-01 09:00", Site, "ete"),
			tr("l1", records.MQL, records.SQL, "2026-07-01 10:00", Site, "ete"),
			tr("l2", records.MQL, records.SQL, "2026-07-02 17:30", Webinar, "webinar-juin"),
			tr("l2", "rejected", records.SQL, "2026-07-27 10:00", Webinar, "webinar-juin"),
			tr("l3", records.NewLead, records.SQL, "2026-07-03 16:30", Webinar, "webinar-juin"), // a hand-raiser: an MQL too
			tr("l4", records.NewLead, records.MQL, "2026-07-12 10:00", Site, ""),
			tr("l4", records.MQL, records.SQL, "2026-07-13 17:00", Site, ""),
			tr("l5", records.MQL, records.SQL, "2026-07-20 09:00", LinkedIn, "linkedin-q3"),
			tr("l7", records.Subscriber, records.SQL, "2026-07-31 16:00", Tracking, ""),
			tr("l8", records.NewLead, records.MQL, "2026-07-16 10:00", LinkedIn, "linkedin-q3"),
			tr("l8", records.MQL, records.NewLead, "2026-07-25 02:00", LinkedIn, "linkedin-q3"),
			tr("l8", records.NewLead, records.MQL, "2026-07-28 10:00", LinkedIn, "linkedin-q3"), // MQL twice in the month: one MQL
			tr("l11", records.NewLead, records.MQL, "2026-08-01 00:30", Site, ""),               // August in Paris
			tr("l1", "accepted", records.Opportunity, "2026-07-20 10:00", Site, "ete"),
			tr("m2", "accepted", records.Opportunity, "2026-04-02 10:00", Site, ""),
			tr("m2", records.Opportunity, records.Lost, "2026-05-05 10:00", Site, ""),
			tr("m1", "accepted", records.Opportunity, "2026-06-01 10:00", Site, ""),
			customer("m1", "2026-07-10 10:00", "12000.50", "EUR"),
			tr("m3", "accepted", records.Opportunity, "2026-06-15 10:00", Webinar, ""),
			customer("m3", "2026-06-30 12:00", "8000.00", "USD"),
			customer("old", "2026-07-05 10:00", "99999.00", "EUR"), // handed off before the window: no cohort
		},
		Handoffs: []records.Handoff{h7, h6, h5, h4, h3, h2, h1, h0, m2, m1, m3, m4}, // any order
		Events: []records.Event{
			ev(records.Reminder, "l0", "carl", "2026-07-01 10:00"),
			ev(records.Reminder, "l0", "carl", "2026-07-01 11:12"),
			ev(records.FirstContactBreach, "l0", "carl", "2026-07-01 12:00"),
			ev(records.FeedbackReminder, "l0", "carl", "2026-07-01 17:00"),
			ev(records.AwayEscalation, "l0", "carl", "2026-07-02 13:48"),
			ev(records.FeedbackBreachEvent, "l0", "carl", "2026-07-02 17:00"),
			ev(records.FeedbackBreachEvent, "l4", "bruno", "2026-07-16 17:00"),
			ev(records.Reminder, "l5", "carl", "2026-07-20 11:00"),
			ev(records.Reminder, "l5", "carl", "2026-07-20 12:12"),
			ev(records.FirstContactBreach, "l5", "carl", "2026-07-20 14:00"),
			reassigned,
			ev(records.Reminder, "l2", "bruno", "2026-07-27 12:00"),
			{Kind: records.Reminder, LeadID: "l2", RepID: "bruno", At: At("2026-07-27 14:12"), ContractVersion: v7},
			{Kind: records.FirstContactBreach, LeadID: "l2", RepID: "bruno", At: At("2026-07-27 15:00"), ContractVersion: v7},
			ev(records.Reminder, "m9", "bruno", "2026-06-15 10:00"), // June
			ev(records.Reminder, "l7", "anna", "2026-08-03 10:00"),  // August, after the report
		},
		Current: map[string]records.Current{
			"l1": {Stage: records.Opportunity, BelowSQLThreshold: true},
			"l2": {Stage: "accepted", BelowSQLThreshold: true}, // two hand-offs, one lead
			"l3": {Stage: "rejected"}, "l4": {Stage: records.SQL}, "l5": {Stage: "accepted"}, "l7": {Stage: records.SQL},
		},
	}
}

// Synthetic builds a plausible window of records for month m: leads new leads and sqls hand-offs in m (fewer in
// the months before), deterministic for a seed. It stands for the store in the preview and the benchmark.
func Synthetic(c *contract.Contract, m contract.Month, leads, sqls int, seed uint64) records.Input {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	in := records.Input{Month: m, Current: map[string]records.Current{}}
	in.AsOf = time.Date(m.Next().Year, m.Next().Month, 1, 8, 0, 0, 0, c.Location)
	sources := []string{"site-contact", "typeform-audit", "webflow-webinar", "zapier-linkedin"}
	campaigns := make([]string, 24)
	for i := range campaigns {
		campaigns[i] = fmt.Sprintf("gmao-2026-%02d", i)
	}
	campaigns[0] = ""
	reps := []string{"thomas-martin", "sophie-bernard", "julien-petit", "amelie-robert", "paul-durand"} // paul left
	reasons := c.Notify.RejectReasons
	at := func(month contract.Month) time.Time {
		start := time.Date(month.Year, month.Month, 1, 0, 0, 0, 0, c.Location)
		end := time.Date(month.Next().Year, month.Next().Month, 1, 0, 0, 0, 0, c.Location)
		return start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)))))
	}
	window := records.Window(m)
	n := 0
	for wi, month := range window {
		count := sqls * (7 + wi) / 12
		if month == m {
			count = sqls
		}
		for range count {
			n++
			id := fmt.Sprintf("ld_%08d", n)
			src, camp := sources[rng.IntN(len(sources))], campaigns[rng.IntN(len(campaigns))]
			h := records.Handoff{LeadID: id, At: at(month), ContractVersion: c.Version, Source: src, UTMCampaign: camp}
			if month == m && h.At.After(in.AsOf) {
				h.At = in.AsOf.Add(-time.Hour)
			}
			h.RepID = reps[rng.IntN(len(reps))]
			h.Assignments = []records.Assignment{{RepID: h.RepID, At: h.At}}
			h.FirstContactDue, h.FeedbackDue = must(c.FirstContactDue(h.At)), must(c.FeedbackDue(h.At))
			h.Clocks = []records.Clock{{From: h.At, FirstContactDue: h.FirstContactDue, FeedbackDue: h.FeedbackDue}}
			event := func(kind records.EventKind, at, due time.Time) records.Event {
				return records.Event{Kind: kind, LeadID: id, HandoffAt: h.At, Assignment: len(h.Assignments) - 1, At: at, Due: due, RepID: h.RepID}
			}
			if rng.IntN(3) == 0 {
				first := must(c.ReminderTimes(h.At))[0]
				in.Events = append(in.Events, event(records.Reminder, first, first))
			}
			if rng.IntN(20) == 0 { // reassigned after a breach
				next := reps[rng.IntN(4)]
				breach := h.FirstContactDue
				reassigned := event(records.Reassignment, breach, breach)
				reassigned.FromRep, reassigned.ToRep = h.RepID, next
				in.Events = append(in.Events, event(records.FirstContactBreach, breach, breach), reassigned)
				h.Assignments = append(h.Assignments, records.Assignment{RepID: next, At: breach})
				h.RepID = next
				h.FirstContactDue, h.FeedbackDue = must(c.FirstContactDue(breach)), must(c.FeedbackDue(breach))
				h.Clocks = append(h.Clocks, records.Clock{Assignment: 1, From: breach, FirstContactDue: h.FirstContactDue, FeedbackDue: h.FeedbackDue})
			}
			rep := h.Assignments[len(h.Assignments)-1]
			delay := time.Duration(rng.ExpFloat64() * float64(90*time.Minute))
			if rng.IntN(8) == 0 {
				delay += 5 * time.Hour
			}
			h.ContactedAt = must(c.Calendar.Add(rep.At, delay.Truncate(time.Minute)))
			h.ContactRepID, h.ContactChannel = rep.RepID, []string{"phone", "email", "meeting"}[rng.IntN(3)]
			if h.ContactedAt.After(h.FirstContactDue) { // the checker records the breach it finds, at the deadline
				in.Events = append(in.Events, event(records.FirstContactBreach, h.FirstContactDue, h.FirstContactDue))
			}
			if rng.IntN(20) != 0 {
				h.AnsweredAt = must(c.Calendar.Add(h.ContactedAt, time.Duration(rng.ExpFloat64()*float64(4*time.Hour)).Truncate(time.Minute)))
				h.Answer = records.Accepted
				if rng.IntN(4) == 0 {
					h.Answer = records.Rejected
					h.RejectReason = reasons[rng.IntN(len(reasons))]
					if src == "zapier-linkedin" && rng.IntN(2) == 0 {
						h.RejectReason = "student_or_job_seeker"
					}
					if h.RejectReason == "other" {
						h.RejectComment = []string{"Déjà client via un revendeur", "Projet repoussé à 2028", "=HYPERLINK(\"http://evil\")", "Cherche un stage <b>en maintenance</b>"}[rng.IntN(4)]
					}
				}
			}
			in.Handoffs = append(in.Handoffs, h)
			in.Transitions = append(in.Transitions, records.Transition{LeadID: id, From: records.MQL, To: records.SQL, At: h.At, ContractVersion: c.Version, Source: src, UTMCampaign: camp})
			if month == m {
				in.Current[id] = records.Current{Stage: records.SQL, BelowSQLThreshold: rng.IntN(25) == 0}
			}
			if h.Answer == records.Accepted && rng.IntN(3) == 0 {
				opp := h.AnsweredAt.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
				if opp.Before(in.AsOf) {
					in.Transitions = append(in.Transitions, records.Transition{LeadID: id, From: "accepted", To: records.Opportunity, At: opp, Source: src})
					won := opp.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
					if won.Before(in.AsOf) && rng.IntN(3) == 0 {
						cur := "EUR"
						if rng.IntN(6) == 0 {
							cur = "CHF"
						}
						in.Transitions = append(in.Transitions, records.Transition{LeadID: id, From: records.Opportunity, To: records.Customer, At: won, Source: src,
							Amount: fmt.Sprintf("%d.%02d", 5000+rng.IntN(40000), rng.IntN(2)*50), Currency: cur})
					}
				}
			}
		}
	}
	for i := range leads {
		id := fmt.Sprintf("nl_%08d", i)
		src, camp := sources[rng.IntN(len(sources))], campaigns[rng.IntN(len(campaigns))]
		created := at(m)
		in.Created = append(in.Created, records.Created{LeadID: id, At: created, Stage: records.NewLead, Source: src, UTMCampaign: camp})
		if rng.IntN(5) == 0 {
			in.Transitions = append(in.Transitions, records.Transition{LeadID: id, From: records.NewLead, To: records.MQL, At: created.Add(time.Hour), ContractVersion: c.Version, Source: src, UTMCampaign: camp})
		}
	}
	return in
}

// must unwraps a deadline of the sample's contract, whose deadlines are always within the clock's horizon.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// AsRead is in as the store reads it back from what storetest.Seed wrote: the seeder records every SQL email as
// sent at its hand-off (alerted then), and the store reads when each was alerted (records.Input.Alerts).
func AsRead(in records.Input) records.Input {
	in.Alerts = true
	in.DigestsRead = true // none seeded: the store reads an empty list
	for i := range in.Handoffs {
		in.Handoffs[i].AlertedAt = in.Handoffs[i].At
	}
	return in
}
