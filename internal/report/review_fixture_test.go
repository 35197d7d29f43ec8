package report_test

// An independent reviewer's fixture: November 2026 under testdata/review-contract.yaml, every figure worked out by
// hand from the issue and the README before running the code, and the business times checked with
// `handoff deadline --contract internal/report/testdata/review-contract.yaml` (the contract's own clock).

import (
	"os"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report"
)

var reviewParis = mustLoc("Europe/Paris")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// rt is a wall-clock instant in Paris, "2026-11-02 10:00".
func rt(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, reviewParis)
	if err != nil {
		panic(err)
	}
	return t
}

func reviewContract(t testing.TB) *contract.Contract {
	t.Helper()
	data, err := os.ReadFile("testdata/review-contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.Parse("review-contract.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// reviewNovember is the hand-made month. Hand-offs of November (the SQLs):
//
//	H1 L1 Mon 02 10:00 ann,  contacted 11:30 (1h30), accepted 15:00 (fb due Tue 03 ...): within / within
//	H2 L2 Tue 10 17:00 ann,  contacted Thu 12 10:00 (2h: Wed 11 is a holiday), rejected not_a_fit Thu 12 11:00
//	H3 L3 Fri 06 16:00 bob,  contacted Mon 09 12:00 (4h, exactly the deadline), rejected other "Already a customer"
//	H4 L4 Mon 16 09:00 bob,  breach Mon 16 14:00, reassigned to ann 14:00, contacted by ann 16:00 (2h from her
//	                         assignment), accepted Tue 17 09:30 (fb due Tue 17 18:00)
//	H5 L2 Wed 18 10:00 carl (left the roster), contacted 16:00 (5h, late; breach 15:00), never answered
//	                         (feedback breach Fri 20 10:00)
//	H6 L6 Mon 30 16:00 ann,  not contacted; due Tue 01 Dec 11:00, after AsOf: pending
//	H7 L7 Thu 26 09:00 ann,  contacted 09:20 (20 min), rejected not_a_fit 10:00
//
// Earlier cohorts: September (L14 accepted then lost), October (L11 customer 12000.50 EUR, L12 customer 5000 USD
// with its deal_won delivered twice, L13 rejected).
func reviewNovember() report.Input {
	asOf := rt("2026-12-01 08:00")
	h := func(lead string, at string, rep, src, camp string) report.Handoff {
		a := rt(at)
		return report.Handoff{LeadID: lead, At: a, ContractVersion: "v1", RepID: rep, Source: src, UTMCampaign: camp,
			Assignments: []report.Assignment{{RepID: rep, At: a}}}
	}
	var hs []report.Handoff

	h1 := h("L1", "2026-11-02 10:00", "ann", "site-contact", "c1")
	h1.FirstContactDue, h1.FeedbackDue = rt("2026-11-02 15:00"), rt("2026-11-04 10:00")
	h1.ContactedAt, h1.ContactRepID, h1.ContactChannel = rt("2026-11-02 11:30"), "ann", "phone"
	h1.Answer, h1.AnsweredAt = report.Accepted, rt("2026-11-02 15:00")
	hs = append(hs, h1)

	h2 := h("L2", "2026-11-10 17:00", "ann", "site-contact", "")
	h2.FirstContactDue, h2.FeedbackDue = rt("2026-11-12 12:00"), rt("2026-11-13 17:00")
	h2.ContactedAt, h2.ContactRepID, h2.ContactChannel = rt("2026-11-12 10:00"), "ann", "email"
	h2.Answer, h2.AnsweredAt, h2.RejectReason = report.Rejected, rt("2026-11-12 11:00"), "not_a_fit"
	hs = append(hs, h2)

	h3 := h("L3", "2026-11-06 16:00", "bob", "webflow-webinar", "c2")
	h3.FirstContactDue, h3.FeedbackDue = rt("2026-11-09 12:00"), rt("2026-11-10 17:00")
	h3.ContactedAt, h3.ContactRepID, h3.ContactChannel = rt("2026-11-09 12:00"), "bob", "phone"
	h3.Answer, h3.AnsweredAt = report.Rejected, rt("2026-11-09 14:00")
	h3.RejectReason, h3.RejectComment = "other", "Already a customer"
	hs = append(hs, h3)

	h4 := h("L4", "2026-11-16 09:00", "bob", "zapier-linkedin", "")
	h4.RepID = "ann"
	h4.Assignments = append(h4.Assignments, report.Assignment{RepID: "ann", At: rt("2026-11-16 14:00")})
	h4.FirstContactDue, h4.FeedbackDue = rt("2026-11-17 10:00"), rt("2026-11-17 18:00") // ann's fresh deadline
	h4.ContactedAt, h4.ContactRepID, h4.ContactChannel = rt("2026-11-16 16:00"), "ann", "phone"
	h4.Answer, h4.AnsweredAt = report.Accepted, rt("2026-11-17 09:30")
	hs = append(hs, h4)

	h5 := h("L2", "2026-11-18 10:00", "carl", "site-contact", "")
	h5.FirstContactDue, h5.FeedbackDue = rt("2026-11-18 15:00"), rt("2026-11-20 10:00")
	h5.ContactedAt, h5.ContactRepID, h5.ContactChannel = rt("2026-11-18 16:00"), "carl", "meeting"
	hs = append(hs, h5)

	h6 := h("L6", "2026-11-30 16:00", "ann", "site-contact", "c1")
	h6.FirstContactDue, h6.FeedbackDue = rt("2026-12-01 11:00"), rt("2026-12-02 16:00")
	hs = append(hs, h6)

	h7 := h("L7", "2026-11-26 09:00", "ann", "site-contact", "")
	h7.FirstContactDue, h7.FeedbackDue = rt("2026-11-26 14:00"), rt("2026-11-27 16:00")
	h7.ContactedAt, h7.ContactRepID, h7.ContactChannel = rt("2026-11-26 09:20"), "ann", "phone"
	h7.Answer, h7.AnsweredAt, h7.RejectReason = report.Rejected, rt("2026-11-26 10:00"), "not_a_fit"
	hs = append(hs, h7)

	// Earlier months of the window.
	s1 := h("L14", "2026-09-15 10:00", "ann", "site-contact", "")
	s1.ContactedAt, s1.ContactRepID = rt("2026-09-15 11:00"), "ann"
	s1.Answer, s1.AnsweredAt = report.Accepted, rt("2026-09-15 12:00")
	o1 := h("L11", "2026-10-05 10:00", "ann", "site-contact", "")
	o1.Answer, o1.AnsweredAt = report.Accepted, rt("2026-10-05 12:00")
	o2 := h("L12", "2026-10-07 10:00", "bob", "site-contact", "")
	o2.Answer, o2.AnsweredAt = report.Accepted, rt("2026-10-07 12:00")
	o3 := h("L13", "2026-10-08 10:00", "bob", "site-contact", "")
	o3.Answer, o3.AnsweredAt, o3.RejectReason = report.Rejected, rt("2026-10-08 12:00"), "duplicate"
	hs = append(hs, s1, o1, o2, o3)

	tr := func(lead string, from, to report.Stage, at, src, camp string) report.Transition {
		return report.Transition{LeadID: lead, From: from, To: to, At: rt(at), ContractVersion: "v1", Source: src, UTMCampaign: camp}
	}
	won := func(lead, at, amount, cur string) report.Transition {
		t := tr(lead, report.Opportunity, report.Customer, at, "site-contact", "")
		t.Amount, t.Currency = amount, cur
		return t
	}
	transitions := []report.Transition{
		tr("L8", report.Subscriber, report.NewLead, "2026-11-06 10:00", "tracking", ""),
		tr("L8", report.NewLead, report.MQL, "2026-11-20 10:00", "tracking", ""),
		tr("L6", report.NewLead, report.MQL, "2026-11-25 10:00", "site-contact", "c1"),
		tr("L6", report.MQL, report.SQL, "2026-11-30 16:00", "site-contact", "c1"),
		tr("L7", report.NewLead, report.SQL, "2026-11-26 09:00", "site-contact", ""), // hand-raiser: an MQL too
		tr("L4", report.MQL, report.SQL, "2026-11-16 09:00", "zapier-linkedin", ""),
		tr("L1", "accepted", report.Opportunity, "2026-11-20 10:00", "site-contact", "c1"),
		won("L1", "2026-11-25 10:00", "1000", "GBP"),
		// Earlier cohorts.
		tr("L14", "accepted", report.Lost, "2026-10-01 10:00", "site-contact", ""),
		tr("L11", "accepted", report.Opportunity, "2026-10-20 10:00", "site-contact", ""),
		won("L11", "2026-11-10 10:00", "12000.50", "EUR"),
		won("L12", "2026-10-28 10:00", "5000", "USD"),
		won("L12", "2026-10-28 10:00", "5000", "USD"), // deal_won delivered twice
	}
	created := []report.Created{
		{LeadID: "L6", At: rt("2026-11-20 09:00"), Stage: report.NewLead, Source: "site-contact", UTMCampaign: "c1"},
		{LeadID: "L7", At: rt("2026-11-25 09:00"), Stage: report.NewLead, Source: "site-contact"},
		{LeadID: "L8", At: rt("2026-11-05 09:00"), Stage: report.Subscriber, Source: "tracking"},
		{LeadID: "L9", At: rt("2026-11-10 09:00"), Stage: report.NewLead, Source: "webflow-webinar", UTMCampaign: "c2"},
		{LeadID: "L10", At: rt("2026-11-12 09:00"), Stage: report.Subscriber, Source: "tracking"},
		{LeadID: "L99", At: rt("2026-12-01 09:00"), Stage: report.NewLead, Source: "site-contact"}, // after AsOf
	}
	ev := func(kind report.EventKind, lead, at, rep string) report.Event {
		return report.Event{Kind: kind, LeadID: lead, At: rt(at), RepID: rep, ContractVersion: "v1"}
	}
	re := ev(report.Reassignment, "L4", "2026-11-16 14:00", "bob")
	re.FromRep, re.ToRep = "bob", "ann"
	events := []report.Event{
		ev(report.Reminder, "L4", "2026-11-16 11:00", "bob"),
		ev(report.Reminder, "L4", "2026-11-16 12:12", "bob"),
		ev(report.FirstContactBreach, "L4", "2026-11-16 14:00", "bob"),
		re,
		ev(report.Reminder, "L2", "2026-11-18 12:00", "carl"),
		ev(report.Reminder, "L2", "2026-11-18 14:12", "carl"),
		ev(report.FirstContactBreach, "L2", "2026-11-18 15:00", "carl"),
		ev(report.FeedbackBreachEvent, "L2", "2026-11-20 10:00", "carl"),
		ev(report.Reminder, "L6", "2026-11-30 18:00", "ann"),
	}
	current := map[string]report.Current{
		"L1": {Stage: report.Customer}, "L2": {Stage: "sql"}, "L3": {Stage: "rejected"}, "L4": {Stage: "accepted"},
		"L6": {Stage: report.SQL, BelowSQLThreshold: true}, "L7": {Stage: "rejected"},
	}
	return report.Input{Month: contract.Month{Year: 2026, Month: time.November}, AsOf: asOf, Created: created,
		Transitions: transitions, Handoffs: hs, Events: events, Current: current}
}

func readContract() ([]byte, error) { return os.ReadFile("../../infra/contract/contract.yaml") }
