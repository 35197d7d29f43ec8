package deadlines_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/monthly"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestTheReportOfRecordIsTheReportComputedAgain: November's report taken on 1 December at 08:00, with the
// deadline checker having run until then, gives the same figures, byte for byte, when it is computed again as of
// that instant after the checker went on until 4 December — reminders, breaches and reassignments of 1 December
// after 08:00, a feedback breach, a contact and an answer all recorded since. Then its CSV and its per-rep table
// add up, and a report taken on 4 December does differ (so the comparison can fail).
func TestTheReportOfRecordIsTheReportComputedAgain(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	november := contract.Month{Year: 2026, Month: time.November}
	asOf := paris(t, "2026-12-01 08:00")

	// The hand-offs (routing: FR-IDF is Thomas Martin's, FR-NAQ the Sud-Ouest team's, by round-robin).
	inTime := f.sql("FR-IDF", paris(t, "2026-11-24 10:00"))
	f.answer(inTime.Key, handoff.Response{Action: handoff.Contacted, Channel: "phone", At: paris(t, "2026-11-24 11:00"), RepID: "thomas-martin", By: "page"})
	f.answer(inTime.Key, handoff.Response{Action: handoff.Accept, At: paris(t, "2026-11-24 15:00"), RepID: "thomas-martin", By: "page"})
	twice := f.sql("FR-NAQ", paris(t, "2026-11-30 10:00"))    // missed at 15:00, reassigned; the next rep's deadline is 1 Dec 11:00
	due11 := f.sql("FR-IDF", paris(t, "2026-11-30 16:00"))    // due 1 December at 11:00: pending at 08:00
	awaiting := f.sql("FR-IDF", paris(t, "2026-11-30 14:00")) // contacted in time; its answer is due on 2 December
	f.answer(awaiting.Key, handoff.Response{Action: handoff.Contacted, Channel: "email", At: paris(t, "2026-11-30 15:00"), RepID: "thomas-martin", By: "page"})
	keys := []handoff.Key{inTime.Key, twice.Key, due11.Key, awaiting.Key}

	// The checker, every ten minutes of business days (each step at its instant), until the report's instant.
	runUntil := func(from, to time.Time) {
		t.Helper()
		for at := from; at.Before(to); at = at.Add(10 * time.Minute) {
			if h := at.In(f.c.Location).Hour(); h < 8 || h >= 19 {
				continue
			}
			f.clock.Set(at)
			if _, err := f.checker.Run(ctx, 10*time.Minute); err != nil {
				t.Fatalf("run at %s: %v", at, err)
			}
		}
	}
	runUntil(paris(t, "2026-11-30 10:00"), asOf)
	months, reports := store.NewMonths(f.db, f.tables), store.NewReports(f.db, f.tables)
	compute := func(at time.Time) (report.Report, string) {
		t.Helper()
		r, err := monthly.Compute(ctx, f.c, months, reports, november, at)
		if err != nil {
			t.Fatal(err)
		}
		figures, err := report.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		return r, string(figures)
	}
	record, recorded := compute(asOf)

	// What 1 December brings after 08:00: due11 breached at 11:00 and reassigned, twice's second rep breached
	// too; the contact of twice by its third rep, and the answer to awaiting, after the report's instant.
	runUntil(asOf, paris(t, "2026-12-01 12:00"))
	if got := f.get(twice.Key); got.Reassignments < 1 {
		t.Fatalf("twice: %d reassignments by 1 December noon", got.Reassignments)
	}
	f.answer(awaiting.Key, handoff.Response{Action: handoff.Reject, Reason: "no_budget", At: paris(t, "2026-12-01 14:00"), RepID: "thomas-martin", By: "page"})
	runUntil(paris(t, "2026-12-01 12:00"), paris(t, "2026-12-04 19:00"))
	if got := f.get(due11.Key); got.FirstContactBreaches == 0 || got.Reassignments == 0 {
		t.Fatalf("due11 by 4 December: %d breaches, %d reassignments; the checker should have gone on", got.FirstContactBreaches, got.Reassignments)
	}

	again, recomputed := compute(asOf)
	if recomputed != recorded {
		t.Errorf("computed again as of %s, the report differs from the one of record:\nrecord: %+v\nagain:  %+v", asOf, record.Sales, again.Sales)
		for i := range record.SQLs {
			if i < len(again.SQLs) && record.SQLs[i] != again.SQLs[i] {
				t.Errorf("row %d:\n%+v\n%+v", i, record.SQLs[i], again.SQLs[i])
			}
		}
	}

	// The figures of record, as they stood at 08:00 on 1 December.
	s := record.Sales
	rows := map[handoff.Key]report.SQLRow{}
	for _, row := range record.SQLs {
		for _, k := range keys {
			if row.LeadID == k.LeadID {
				rows[k] = row
			}
		}
	}
	if row := rows[due11.Key]; row.Contact != report.Pending || row.FirstContactBreaches != 0 || row.Reassignments != 0 || row.RepID != "thomas-martin" {
		t.Errorf("due11 at 08:00 = %+v; want pending with Thomas Martin, no breach, no reassignment", row)
	}
	if row := rows[twice.Key]; row.Contact != report.Missed || row.FirstContactBreaches != 1 || row.Reassignments != 1 || row.Reminders < 2 {
		t.Errorf("twice at 08:00 = %+v; want missed once, reassigned once, its first rep's two reminders", row)
	}
	if row := rows[awaiting.Key]; row.Feedback != report.Pending || row.Answer != "" {
		t.Errorf("awaiting at 08:00 = %+v; want its answer pending", row)
	}
	if s.Contact != (report.Ratio{N: 2, D: 3}) || s.ContactPending != 1 {
		t.Errorf("contact %+v, %d pending; want 2 of 3 (inTime, awaiting; twice missed), due11 pending", s.Contact, s.ContactPending)
	}

	// Every count a manager adds up, adds up: the CSV's columns and the per-rep table's total.
	var csv, table report.RepLine
	for _, row := range record.SQLs {
		csv.Assigned += 1 + row.Reassignments
		csv.Taken += row.Reassignments
		csv.FirstContactBreaches += row.FirstContactBreaches
		csv.Reminders += row.Reminders
		if row.FeedbackBreach {
			csv.FeedbackBreaches++
		}
	}
	for _, rep := range s.Reps {
		table.Assigned, table.Taken = table.Assigned+rep.Assigned, table.Taken+rep.Taken
		table.FirstContactBreaches += rep.FirstContactBreaches
		table.FeedbackBreaches += rep.FeedbackBreaches
		table.Reminders += rep.Reminders
	}
	if csv != table || csv.Assigned != len(record.SQLs)+csv.Taken || csv.Reminders == 0 {
		t.Errorf("the CSV sums to %+v, the per-rep table to %+v", csv, table)
	}

	// Taken on 4 December, the report sees what happened since: it differs.
	if later, figures := compute(paris(t, "2026-12-04 19:00")); figures == recorded || later.Sales.ContactPending != 0 {
		t.Errorf("a report taken on 4 December has the figures of 1 December (pending %d)", later.Sales.ContactPending)
	}
	e, err := report.Render(record)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.Text, "Attribués") || !strings.Contains(e.Text, "Total") {
		t.Errorf("the per-rep table lacks its columns or total:\n%s", e.Text)
	}
}
