package soak

import (
	"strings"
	"testing"
)

// healthy is a state where everything held: a marketing lead, an SQL answered at once, one reminded twice, one
// escalated and reassigned, and one whose SQL email was resent marked as a possible duplicate.
func healthy() State {
	return State{Reminders: 2, Reports: 1, Leads: []LeadState{
		{Company: "A 00001", Found: true, Stage: "mql", PostedActivities: 4, Activities: 4, ActivityIDs: 4},
		{Company: "B 00002", SQL: true, Found: true, Stage: "sql", PostedActivities: 4, Activities: 4, ActivityIDs: 4, Handoffs: 1, SQLEmails: 1, Planned: "prompt"},
		{Company: "C 00003", SQL: true, Found: true, Stage: "sql", PostedActivities: 6, Activities: 6, ActivityIDs: 6, Handoffs: 1, SQLEmails: 1,
			Reminders: 2, Events: map[string]int{"reminder": 2}, Planned: "reminded"},
		{Company: "D 00004", SQL: true, Found: true, Stage: "sql", PostedActivities: 4, Activities: 4, ActivityIDs: 4, Handoffs: 2, SQLEmails: 2,
			Reminders: 2, Escalations: 1, Events: map[string]int{"reminder": 2, "breach.first_contact": 1, "reassignment": 1}, Planned: "late"},
		{Company: "E 00005", SQL: true, Found: true, Stage: "sql", PostedActivities: 2, Activities: 2, ActivityIDs: 2, Handoffs: 1, SQLEmails: 1, DupSQLEmails: 1},
	}}
}

func verdicts(st State) map[string]Invariant {
	out := map[string]Invariant{}
	for _, i := range Check(st) {
		out[i.Name] = i
	}
	return out
}

func TestCheckPassesAHealthyState(t *testing.T) {
	t.Parallel()
	for name, i := range verdicts(healthy()) {
		if !i.OK {
			t.Errorf("%s: FAIL %v (%s)", name, i.Bad, i.Counts)
		}
	}
	if got := len(Check(healthy())); got != 10 {
		t.Errorf("%d invariants, want 10", got)
	}
}

// Each doctored state breaks exactly the invariant it should, naming the lead.
func TestCheckFailsADoctoredState(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, invariant, names string
		doctor                 func(*State)
	}{
		{"a doubled SQL email", "exactly one SQL email per hand-off (a marked resend counted apart)", "B 00002", func(s *State) { s.Leads[1].SQLEmails = 2 }},
		{"a lost SQL email", "no SQL email lost", "B 00002", func(s *State) { s.Leads[1].SQLEmails = 0 }},
		{"a lost activity", "no activity lost", "C 00003", func(s *State) { s.Leads[2].Activities, s.Leads[2].ActivityIDs = 5, 5 }},
		{"an activity counted twice", "no activity counted twice", "A 00001", func(s *State) { s.Leads[0].Activities, s.Leads[0].ActivityIDs = 5, 5 }},
		{"one activity stored twice under one ID", "no activity counted twice", "A 00001", func(s *State) { s.Leads[0].ActivityIDs = 3 }},
		{"a lost lead", "no lead lost", "A 00001", func(s *State) { s.Leads[0].Found = false }},
		{"an SQL never handed off", "every SQL handed off", "B 00002", func(s *State) { s.Leads[1].Handoffs, s.Leads[1].SQLEmails = 0, 0 }},
		{"a second reminder for one point", "one reminder per reminder point", "C 00003", func(s *State) { s.Leads[2].Reminders = 3 }},
		{"a reminder recorded and not sent", "one reminder per reminder point", "C 00003", func(s *State) { s.Leads[2].Reminders = 1 }},
		{"a reminder point passed without a reminder", "each reminder point and breach the scenario passed is recorded", "C 00003",
			func(s *State) { s.Leads[2].Reminders, s.Leads[2].Events["reminder"] = 1, 1 }},
		{"a breach without its escalation", "each reminder point and breach the scenario passed is recorded", "D 00004",
			func(s *State) { s.Leads[3].Escalations, s.Leads[3].Events["breach.first_contact"] = 0, 0 }},
		{"a second escalation", "one escalation per breach", "D 00004", func(s *State) { s.Leads[3].Escalations = 2 }},
		{"two reports", "one report for the month", "2 report emails", func(s *State) { s.Reports = 2 }},
		{"no report", "one report for the month", "0 report emails", func(s *State) { s.Reports = 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := healthy()
			tc.doctor(&st)
			for name, i := range verdicts(st) {
				switch {
				case name == tc.invariant && i.OK:
					t.Errorf("%s passed", name)
				case name == tc.invariant && !strings.Contains(strings.Join(i.Bad, ";"), tc.names):
					t.Errorf("%s does not name %s: %v", name, tc.names, i.Bad)
				case name != tc.invariant && !i.OK:
					t.Errorf("%s failed too: %v", name, i.Bad)
				}
			}
		})
	}
}

func TestResultFailsWithAnInvariant(t *testing.T) {
	t.Parallel()
	st := healthy()
	st.Leads[1].SQLEmails = 2
	r := Result{Invariants: Check(st)}
	if r.Passed() || !strings.Contains(r.Markdown(), "**FAIL**") || !strings.HasPrefix(r.Markdown(), "# SOAK — FAIL") {
		t.Errorf("a failed invariant passes:\n%s", r.Markdown())
	}
	if (Result{}).Passed() {
		t.Error("a result with no invariant checked passes")
	}
}

// A reminder whose hand-over to SES was left unknown is given up with marketing ops told, never sent again
// (deadlines.deliver): recorded, maybe emailed (SES may have accepted it), still one per reminder point.
func TestCheckCountsAReminderGivenUp(t *testing.T) {
	t.Parallel()
	for _, emailed := range []int{1, 2} {
		st := healthy()
		st.Leads[2].Reminders = emailed
		st.Leads[2].GivenUp = map[string]int{"reminder": 1}
		if i := verdicts(st)["one reminder per reminder point"]; !i.OK {
			t.Errorf("a reminder given up with ops told, %d of 2 emailed: FAIL %v (%s)", emailed, i.Bad, i.Counts)
		}
	}
}
