package soak

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/handoff"
)

// State is what the checker reads: each lead posted, as the tables and SES local have it, and the month's
// reports.
type State struct {
	Leads     []LeadState
	Reminders int // the contract's reminder points of a first-contact deadline
	Reports   int // the month's report emails (not ops' numbered copies)
}

// LeadState is one lead posted and what became of it.
type LeadState struct {
	Company          string
	SQL              bool // posted to become an SQL
	Found            bool // its email's claim names a lead whose profile is in the leads table
	Stage            string
	PostedActivities int            // activities posted for it (a form's submission counts one; a rep's answer too)
	Activities       int            // its activities in the activities table
	ActivityIDs      int            // of which distinct activity IDs
	Handoffs         int            // its hand-offs in the SLA table: the first, and each reassignment to the next rep
	Events           map[string]int // its SLA events by kind
	SQLEmails        int            // SQL emails about it in SES local, not marked as a possible duplicate
	DupSQLEmails     int            // SQL emails resent and marked as a possible duplicate
	Reminders        int            // first-contact reminders about it
	Escalations      int            // first-contact breach escalations about it
	// GivenUp counts, by the kind of the event whose email it was, the emails the checker gave up with marketing
	// ops told (mail.undelivered): an email whose hand-over to SES was left unknown (a crash, an answer lost) is
	// never sent again, and may or may not have left.
	GivenUp map[string]int
	// Planned is what the scenario did with the SQL when its rep answered on the day as planned ("" otherwise:
	// not an SQL, or its email came too late to be answered that day): prompt (before any reminder point),
	// reminded (after every reminder point, before the deadline) or late (after the deadline, by the next rep).
	Planned string
}

// Invariant is one property checked, with its counts.
type Invariant struct {
	Name    string
	Checked int      // what it was checked on
	Counts  string   // the figures it rests on
	Bad     []string // what breaks it (a few named)
	OK      bool
}

// Check checks the invariants on a state.
func Check(st State) []Invariant {
	var out []Invariant
	add := func(name string, checked int, counts string, bad []string) {
		sort.Strings(bad)
		out = append(out, Invariant{Name: name, Checked: checked, Counts: counts, Bad: bad, OK: len(bad) == 0})
	}
	var lost, lostAct, doubled, noHandoff, sqlLost, sqlDoubled, remind, escal, planned []string
	var plannedN int
	var posted, stored, sqls, handoffs, unmarked, marked, reminders, remEvents, escalations, breaches int
	var remindersGivenUp, escalationsGivenUp int
	for _, l := range st.Leads {
		if !l.Found {
			lost = append(lost, l.Company)
			continue
		}
		posted += l.PostedActivities
		stored += l.Activities
		if l.Activities < l.PostedActivities {
			lostAct = append(lostAct, fmt.Sprintf("%s: %d of %d", l.Company, l.Activities, l.PostedActivities))
		}
		if l.Activities > l.PostedActivities || l.ActivityIDs < l.Activities {
			doubled = append(doubled, fmt.Sprintf("%s: %d stored (%d distinct) for %d posted", l.Company, l.Activities, l.ActivityIDs, l.PostedActivities))
		}
		if l.Stage == "sql" || l.Handoffs > 0 {
			sqls++
			handoffs += l.Handoffs
			unmarked += l.SQLEmails
			marked += l.DupSQLEmails
			switch {
			case l.Handoffs == 0:
				noHandoff = append(noHandoff, l.Company)
			case l.SQLEmails+l.DupSQLEmails < l.Handoffs:
				sqlLost = append(sqlLost, fmt.Sprintf("%s: %d email(s) for %d hand-off(s)", l.Company, l.SQLEmails+l.DupSQLEmails, l.Handoffs))
			case l.SQLEmails > l.Handoffs:
				sqlDoubled = append(sqlDoubled, fmt.Sprintf("%s: %d unmarked emails for %d hand-off(s)", l.Company, l.SQLEmails, l.Handoffs))
			}
		}
		// Each recorded reminder and breach has one email at most, and none only when it was given up with marketing
		// ops told (it may have left all the same).
		ev := l.Events[string(handoff.EventReminder)]
		remGivenUp := l.GivenUp[string(handoff.EventReminder)]
		reminders += l.Reminders
		remEvents += ev
		remindersGivenUp += remGivenUp
		if l.Reminders > ev || l.Reminders+remGivenUp < ev || l.Reminders > st.Reminders*max(l.Handoffs, 1) {
			remind = append(remind, fmt.Sprintf("%s: %d reminder emails (%d given up), %d reminders recorded", l.Company, l.Reminders, remGivenUp, ev))
		}
		br := l.Events[string(handoff.EventFirstContactBreach)]
		escGivenUp := l.GivenUp[string(handoff.EventFirstContactBreach)]
		escalations += l.Escalations
		breaches += br
		escalationsGivenUp += escGivenUp
		if l.Escalations > br || l.Escalations+escGivenUp < br || br > max(l.Handoffs, 1) {
			escal = append(escal, fmt.Sprintf("%s: %d escalations (%d given up), %d breaches recorded", l.Company, l.Escalations, escGivenUp, br))
		}
		if l.Planned != "" {
			plannedN++
			wantRem, wantEsc := 0, 0
			switch l.Planned {
			case "reminded":
				wantRem = st.Reminders
			case "late":
				wantRem, wantEsc = st.Reminders, 1
			}
			// Recorded; that each recorded one has its one email is the two invariants above.
			if ev != wantRem || br != wantEsc {
				planned = append(planned, fmt.Sprintf("%s (%s): %d reminders, %d breaches recorded; want %d, %d", l.Company, l.Planned, ev, br, wantRem, wantEsc))
			}
		}
	}
	add("no lead lost", len(st.Leads), fmt.Sprintf("%d leads posted, %d in the leads table", len(st.Leads), len(st.Leads)-len(lost)), lost)
	add("no activity lost", len(st.Leads), fmt.Sprintf("%d activities posted, %d stored", posted, stored), lostAct)
	add("no activity counted twice", len(st.Leads), fmt.Sprintf("%d activities posted, %d stored", posted, stored), doubled)
	add("every SQL handed off", sqls, fmt.Sprintf("%d SQLs, %d hand-offs (reassignments included)", sqls, handoffs), noHandoff)
	add("no SQL email lost", handoffs, fmt.Sprintf("%d hand-offs, %d SQL emails + %d resent marked as a possible duplicate", handoffs, unmarked, marked), sqlLost)
	add("exactly one SQL email per hand-off (a marked resend counted apart)", handoffs,
		fmt.Sprintf("%d hand-offs, %d SQL emails, %d possible duplicates (marked)", handoffs, unmarked, marked), sqlDoubled)
	add("one reminder per reminder point", sqls, fmt.Sprintf("%d reminder emails + %d given up (marketing ops told), %d reminders recorded", reminders, remindersGivenUp, remEvents), remind)
	add("one escalation per breach", sqls, fmt.Sprintf("%d escalations + %d given up (marketing ops told), %d breaches recorded", escalations, escalationsGivenUp, breaches), escal)
	add("each reminder point and breach the scenario passed is recorded", plannedN,
		fmt.Sprintf("%d SQLs answered on their day as planned (prompt: none; reminded: one reminder per point; late: those and one escalation)", plannedN), planned)
	var rep []string
	if st.Reports != 1 {
		rep = []string{fmt.Sprintf("%d report emails", st.Reports)}
	}
	add("one report for the month", 1, fmt.Sprintf("%d report email(s)", st.Reports), rep)
	return out
}

// scan reads a whole table (the checker's read, never a function's).
func scan(ctx context.Context, db *dynamodb.Client, table string) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(table)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("scan %s: %w", table, err)
		}
		out = append(out, page.Items...)
	}
	return out, nil
}

func str(item map[string]types.AttributeValue, k string) string {
	if v, ok := item[k].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// state reads the tables and SES local.
func (s *soak) state(ctx context.Context) (State, error) {
	db := s.db
	st := State{Reminders: len(s.c.Sales.Reminders)}
	leads, err := scan(ctx, db, s.local.Tables["LeadsTable"])
	if err != nil {
		return st, err
	}
	claims, stage := map[string]string{}, map[string]string{}
	for _, it := range leads {
		pk, sk := str(it, "pk"), str(it, "sk")
		switch {
		case sk == "#EMAIL":
			claims[strings.TrimPrefix(pk, "EMAIL#")] = str(it, "leadId")
		case sk == "#PROFILE":
			stage[strings.TrimPrefix(pk, "LEAD#")] = str(it, "stage")
		}
	}
	acts, err := scan(ctx, db, s.local.Tables["ActivitiesTable"])
	if err != nil {
		return st, err
	}
	nActs, ids := map[string]int{}, map[string]map[string]bool{}
	for _, it := range acts {
		id := strings.TrimPrefix(str(it, "pk"), "LEAD#")
		nActs[id]++
		if ids[id] == nil {
			ids[id] = map[string]bool{}
		}
		_, aid, _ := strings.Cut(str(it, "sk"), "#")
		ids[id][aid] = true
	}
	sla, err := scan(ctx, db, s.local.Tables["SlaTable"])
	if err != nil {
		return st, err
	}
	handoffs, events, givenUp := map[string]int{}, map[string]map[string]int{}, map[string]map[string]int{}
	for _, it := range sla {
		pk, sk := str(it, "pk"), str(it, "sk")
		id, ok := strings.CutPrefix(pk, "LEAD#")
		if !ok {
			continue
		}
		switch {
		case strings.HasPrefix(sk, "HANDOFF#"):
			handoffs[id]++
		case strings.HasPrefix(sk, "EVT#"):
			if events[id] == nil {
				events[id] = map[string]int{}
			}
			events[id][str(it, "kind")]++
			if str(it, "kind") == string(handoff.EventUndelivered) && str(it, "about") != "" {
				if givenUp[id] == nil {
					givenUp[id] = map[string]int{}
				}
				givenUp[id][str(it, "about")]++
			}
		}
	}
	mails, err := s.d.Mails(ctx)
	if err != nil {
		return st, err
	}
	type counts struct{ sql, dup, rem, esc int }
	byNumber := map[string]*counts{}
	report := s.d.ReportSubject(s.cfg.Month)
	for _, m := range mails {
		if strings.HasPrefix(m.Subject, report) && !strings.Contains(m.Subject, s.d.ReportCopyMark()) {
			st.Reports++
			continue
		}
		n := numberOf(m.Subject)
		if n == "" {
			continue
		}
		c := byNumber[n]
		if c == nil {
			c = &counts{}
			byNumber[n] = c
		}
		switch {
		case strings.HasPrefix(m.Subject, s.d.SQLSubject()) && strings.Contains(m.Body.Text, s.d.DuplicateNote()):
			c.dup++
		case strings.HasPrefix(m.Subject, s.d.SQLSubject()):
			c.sql++
		case strings.HasPrefix(m.Subject, s.d.ReminderSubject()):
			c.rem++
		case strings.HasPrefix(m.Subject, s.d.BreachSubject()):
			c.esc++
		}
	}
	for _, p := range s.posted {
		l := LeadState{Company: p.p.Company, SQL: p.sql, PostedActivities: p.activities + p.answers}
		if p.sql && p.onTime {
			l.Planned = [...]string{prompt: "prompt", reminded: "reminded", late: "late"}[p.fate]
		}
		id, ok := claims[p.p.Email]
		if _, profile := stage[id]; ok && profile {
			l.Found, l.Stage = true, stage[id]
			// A reassignment hands the SQL to the next rep on the same hand-off item, with its own SQL email.
			l.Activities, l.ActivityIDs, l.Events, l.GivenUp = nActs[id], len(ids[id]), events[id], givenUp[id]
			l.Handoffs = handoffs[id] + events[id][string(handoff.EventReassignment)]
		}
		if c := byNumber[numberOf(p.p.Company)]; c != nil {
			l.SQLEmails, l.DupSQLEmails, l.Reminders, l.Escalations = c.sql, c.dup, c.rem, c.esc
		}
		st.Leads = append(st.Leads, l)
	}
	return st, nil
}
