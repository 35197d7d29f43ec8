package invite

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

func example(t *testing.T, replace ...string) *contract.Contract {
	t.Helper()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(replace) == 0 {
		return c
	}
	// The example's text with replacements, parsed again (a contract is only built by Parse).
	data, err := os.ReadFile("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(replace); i += 2 {
		if !bytes.Contains(data, []byte(replace[i])) {
			t.Fatalf("the example contract has no %q", replace[i])
		}
		data = bytes.Replace(data, []byte(replace[i]), []byte(replace[i+1]), 1)
	}
	c, err = contract.Parse("contract.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReviewInvitation: the report's .ics parses with the library, and carries the contract's date, time and
// zone (DTSTART;TZID and a VTIMEZONE of that zone), METHOD:REQUEST, the month's UID, the sender as organiser and
// both teams' managers as attendees; a copy sent again has the same UID and a higher SEQUENCE.
func TestReviewInvitation(t *testing.T) {
	t.Parallel()
	november := contract.Month{Year: 2026, Month: time.November}
	for _, tc := range []struct {
		name       string
		replace    []string
		month      contract.Month
		asOf       string // RFC 3339
		zone       string
		start, end string // local wall clock
		tzOffsets  []string
	}{
		{"first Tuesday in Paris, the 1st itself", nil, november, "2026-12-01T06:00:00+01:00", "Europe/Paris",
			"2026-12-01 10:00", "2026-12-01 10:45", []string{"+0100", "+0200"}},
		{"first Tuesday, summer time", nil, contract.Month{Year: 2027, Month: time.May}, "2027-06-01T06:00:00+02:00", "Europe/Paris",
			"2027-06-01 10:00", "2027-06-01 10:45", []string{"+0200", "+0100"}},
		{"last Friday in New York, Christmas (closed): the Monday after", []string{"time_zone: Europe/Paris", "time_zone: America/New_York",
			`review_meeting: "premier mardi, 10:00, 45 min"`, `review_meeting: "last friday, 16:30, 90 min"`},
			november, "2026-12-01T06:00:00-05:00", "America/New_York", "2026-12-28 16:30", "2026-12-28 18:00", []string{"-0500", "-0400"}},
		{"first Tuesday on 1 May, a public holiday: the next business day, same time", nil, contract.Month{Year: 2029, Month: time.April},
			"2029-05-01T06:00:00+02:00", "Europe/Paris", "2029-05-02 10:00", "2029-05-02 10:45", []string{"+0200", "+0100"}},
		{"a zone without changes", []string{"time_zone: Europe/Paris", "time_zone: Asia/Tokyo"},
			november, "2026-12-01T06:00:00+09:00", "Asia/Tokyo", "2026-12-01 10:00", "2026-12-01 10:45", []string{"+0900"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := example(t, tc.replace...)
			asOf, _ := time.Parse(time.RFC3339, tc.asOf)
			stamp := asOf.Add(time.Minute)
			part, ok, err := Review(c, tc.month, asOf, 0, stamp)
			if err != nil || !ok {
				t.Fatalf("Review: %v, %v", ok, err)
			}
			if lines := strings.Split(string(part.Data), "\r\n"); len(lines) < 10 || strings.Contains(string(part.Data), "\n") && strings.Count(string(part.Data), "\n") != len(lines)-1 {
				t.Errorf("lines not ended by CRLF:\n%q", part.Data)
			}
			if !strings.HasPrefix(part.ContentType, "text/calendar") || !strings.Contains(part.ContentType, "method=REQUEST") || !strings.HasSuffix(part.Filename, ".ics") {
				t.Errorf("part %q %q", part.Filename, part.ContentType)
			}
			cal, err := ics.ParseCalendar(bytes.NewReader(part.Data))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, part.Data)
			}
			if m := cal.CalendarProperties; !slices.ContainsFunc(m, func(p ics.CalendarProperty) bool { return p.IANAToken == "METHOD" && p.Value == "REQUEST" }) {
				t.Errorf("no METHOD:REQUEST:\n%s", part.Data)
			}
			events := cal.Events()
			if len(events) != 1 {
				t.Fatalf("%d events", len(events))
			}
			e := events[0]
			if c.Locale == contract.French {
				wordstest.French(t, "review meeting invitation", e.GetProperty(ics.ComponentPropertySummary).Value+"\n"+e.GetProperty(ics.ComponentPropertyDescription).Value)
			}
			loc, _ := time.LoadLocation(tc.zone)
			wantStart, _ := time.ParseInLocation("2006-01-02 15:04", tc.start, loc)
			wantEnd, _ := time.ParseInLocation("2006-01-02 15:04", tc.end, loc)
			start, err := e.GetStartAt()
			if err != nil || !start.Equal(wantStart) || start.Location().String() != tc.zone {
				t.Errorf("start %s (%v), want %s in %s", start, err, wantStart, tc.zone)
			}
			if end, err := e.GetEndAt(); err != nil || !end.Equal(wantEnd) {
				t.Errorf("end %s (%v), want %s", end, err, wantEnd)
			}
			if p := e.GetProperty(ics.ComponentPropertyDtStart); p == nil || p.ICalParameters["TZID"][0] != tc.zone {
				t.Errorf("DTSTART %+v, want TZID=%s", p, tc.zone)
			}
			tzs := cal.Timezones()
			if len(tzs) != 1 || tzs[0].GetProperty(ics.ComponentPropertyTzid).Value != tc.zone {
				t.Fatalf("VTIMEZONE %+v", tzs)
			}
			var offsets []string
			for _, ob := range tzs[0].Components {
				var base *ics.ComponentBase
				switch o := ob.(type) {
				case *ics.Standard:
					base = &o.ComponentBase
				case *ics.Daylight:
					base = &o.ComponentBase
				default:
					t.Fatalf("observance %T", ob)
				}
				offsets = append(offsets, base.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto)).Value)
			}
			if !slices.Equal(offsets, tc.tzOffsets) {
				t.Errorf("observances' offsets %v, want %v", offsets, tc.tzOffsets)
			}
			if uid := e.Id(); uid != "sla-review-"+tc.month.String()+"@maintenia.fr" {
				t.Errorf("UID %q", uid)
			}
			if o := e.GetProperty(ics.ComponentPropertyOrganizer); o == nil || o.Value != "mailto:"+c.Sender.Address {
				t.Errorf("organizer %+v, want %s", o, c.Sender.Address)
			}
			var got []string
			for _, a := range e.Attendees() {
				got = append(got, a.Email())
			}
			var want []string
			for _, m := range c.Roster.Managers {
				want = append(want, m.Email)
			}
			want = append(want, c.Recipients.MarketingOps...)
			if !slices.Equal(got, want) || len(want) < 2 {
				t.Errorf("attendees %v, want %v", got, want)
			}

			// Sent again: the same meeting, updated.
			again, _, err := Review(c, tc.month, asOf, 2, stamp.AddDate(0, 0, 3))
			if err != nil {
				t.Fatal(err)
			}
			cal2, err := ics.ParseCalendar(bytes.NewReader(again.Data))
			if err != nil {
				t.Fatal(err)
			}
			e2 := cal2.Events()[0]
			s2, _ := e2.GetStartAt()
			if e2.Id() != e.Id() || !s2.Equal(start) || e2.GetProperty(ics.ComponentPropertySequence).Value != "2" || e.GetProperty(ics.ComponentPropertySequence).Value != "0" {
				t.Errorf("a copy sent again: UID %q, start %s, sequence %s", e2.Id(), s2, e2.GetProperty(ics.ComponentPropertySequence).Value)
			}
		})
	}
}

// TestNoReviewMeeting: a contract without marketing.review_meeting gives no invitation.
func TestNoReviewMeeting(t *testing.T) {
	t.Parallel()
	c := example(t, `  review_meeting: "premier mardi, 10:00, 45 min"`, `  # no review meeting`)
	if _, ok, err := Review(c, contract.Month{Year: 2026, Month: time.November}, time.Now(), 0, time.Now()); ok || err != nil {
		t.Errorf("an invitation without a meeting: %v, %v", ok, err)
	}
}

// TestAttendeeNames: a name with a comma, a semicolon or an apostrophe reaches the calendar readable, and the
// attendee's address intact.
func TestAttendeeNames(t *testing.T) {
	t.Parallel()
	c := example(t, "      name: Claire Dubois", "      name: \"Dubois, Claire; d'Arc: \\\"CD\\\"\"")
	part, _, err := Review(c, contract.Month{Year: 2026, Month: time.November}, time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC), 0, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cal, err := ics.ParseCalendar(bytes.NewReader(part.Data))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, part.Data)
	}
	a := cal.Events()[0].Attendees()[0]
	if a.Email() != "claire.dubois@maintenia.fr" || a.ICalParameters["CN"][0] != "Dubois Claire d’Arc CD" {
		t.Errorf("attendee %q named %q", a.Email(), a.ICalParameters["CN"])
	}
	if o := cal.Events()[0].GetProperty(ics.ComponentPropertyAttendee); strings.Contains(o.Value, "\\") {
		t.Errorf("escaped: %q", o.Value)
	}
}

// TestReviewMovedSaysSo: a meeting moved off a public holiday says, in the invitation's description, which day
// the contract's rule gave; one on its own day says nothing of it.
func TestReviewMovedSaysSo(t *testing.T) {
	t.Parallel()
	c := example(t)
	paris := c.Location
	for _, tc := range []struct {
		m     contract.Month
		asOf  time.Time
		moved bool
	}{
		{contract.Month{Year: 2029, Month: time.April}, time.Date(2029, 5, 1, 6, 0, 0, 0, paris), true},
		{contract.Month{Year: 2026, Month: time.November}, time.Date(2026, 12, 1, 6, 0, 0, 0, paris), false},
	} {
		part, ok, err := Review(c, tc.m, tc.asOf, 0, tc.asOf)
		if err != nil || !ok {
			t.Fatalf("Review: %v, %v", ok, err)
		}
		cal, err := ics.ParseCalendar(bytes.NewReader(part.Data))
		if err != nil {
			t.Fatal(err)
		}
		d := cal.Events()[0].GetProperty(ics.ComponentPropertyDescription).Value
		if got := strings.Contains(d, "mardi 01/05/2029, jour férié ou fermé"); got != tc.moved {
			t.Errorf("%s: description %q", tc.m, d)
		}
		wordstest.French(t, "moved review meeting", d)
	}
}
