// Package invite writes the invitation to the monthly SLA review meeting that the monthly report carries
// (marketing.review_meeting): an iCalendar object (RFC 5545, METHOD:REQUEST as RFC 5546 schedules it) with the
// contract's time zone, organised by the contract's sender, to both teams' managers — sales' (roster.managers) and
// marketing's (recipients.marketing_ops).
//
// One meeting per report month, with a UID of its own (the month's): the report sent again on request carries the
// same meeting with a higher SEQUENCE, which calendars take as an update of the one they have, not a second
// meeting. The meeting is the first on or after the day the report was taken (its as-of instant, the 1st), moved
// to the next business day of the contract's calendar, at the same time, when its day is a holiday or closed
// (contract.ReviewMeetingAt): the same on every copy of the month's report, whenever it is sent.
package invite

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/words"
)

// Review is the invitation to the review meeting that the report of month m feeds, taken at asOf; sequence
// counts the copies sent before (0 for the report's own email), stamp is when it is written. It reports false when
// the contract schedules no meeting.
func Review(c *contract.Contract, m contract.Month, asOf time.Time, sequence int, stamp time.Time) (email.Part, bool, error) {
	rm := c.Marketing.ReviewMeeting
	if rm == nil {
		return email.Part{}, false, nil
	}
	if c.Sender == nil {
		return email.Part{}, false, fmt.Errorf("review meeting: the contract has no sender to organise it")
	}
	// A meeting whose day is a holiday or closed moves to the next business day, at the same time.
	start, moved, _, err := c.ReviewMeetingAt(asOf)
	if err != nil {
		return email.Part{}, false, err
	}
	end := start.Add(rm.Duration)
	t := words.ForCRM(c.Locale)

	cal := ics.NewCalendar()
	cal.SetProductId("-//Handoff//SLA review//" + strings.ToUpper(string(c.Locale)))
	cal.SetMethod(ics.MethodRequest)
	cal.AddVTimezone(timezone(c.Location, start))

	e := cal.AddEvent(UID(m, c.Sender.Address))
	e.SetSequence(sequence)
	e.SetDtStampTime(stamp)
	e.SetProperty(ics.ComponentPropertyDtStart, local(start), ics.WithTZID(c.Location.String()))
	e.SetProperty(ics.ComponentPropertyDtEnd, local(end), ics.WithTZID(c.Location.String()))
	e.SetSummary(oneLine(t.MeetingSummary + " — " + c.Company))
	month := words.ForCommon(c.Locale).Month(m.Year, m.Month)
	description := fmt.Sprintf(t.MeetingDescription, month)
	if moved {
		description += " " + fmt.Sprintf(words.ForReviewDay(c.Locale).Moved, words.ForCommon(c.Locale).Day(rm.Next(asOf, c.Location), true))
	}
	e.SetDescription(description)
	e.SetStatus(ics.ObjectStatusConfirmed)
	e.SetOrganizer("mailto:"+c.Sender.Address, params(c.Sender)...)
	for _, a := range Attendees(c) {
		e.AddAttendee("mailto:"+a.Address, append(params(a), ics.CalendarUserTypeIndividual, ics.ParticipationRoleReqParticipant,
			ics.ParticipationStatusNeedsAction, rsvp)...)
	}
	return email.Part{
		Filename:    fmt.Sprintf("handoff-sla-review-%s.ics", m),
		ContentType: "text/calendar; charset=utf-8; method=REQUEST",
		Data:        []byte(cal.Serialize(ics.WithNewLineWindows)), // RFC 5545 lines end in CRLF, whatever the OS
	}, true, nil
}

// UID names the review meeting of the report of month m: the same on every copy, so that a re-send updates it.
func UID(m contract.Month, sender string) string {
	domain := sender[strings.LastIndexByte(sender, '@')+1:]
	return "sla-review-" + m.String() + "@" + domain
}

// Attendees are both teams' managers: sales' (roster.managers, with their names) and marketing's
// (recipients.marketing_ops), each address once.
func Attendees(c *contract.Contract) []*mail.Address {
	var out []*mail.Address
	seen := map[string]bool{}
	add := func(a *mail.Address) {
		if k := strings.ToLower(a.Address); !seen[k] {
			seen[k] = true
			out = append(out, a)
		}
	}
	for _, m := range c.Roster.Managers {
		add(&mail.Address{Name: m.Name, Address: m.Email})
	}
	for _, a := range c.Recipients.MarketingOps {
		add(&mail.Address{Address: a})
	}
	return out
}

// rsvp asks for an answer (RFC 5545 writes booleans in capitals; the library's WithRSVP writes "true").
var rsvp = &ics.KeyValues{Key: string(ics.ParameterRsvp), Value: []string{"TRUE"}}

// params names a person (CN). The library escapes a comma, semicolon, colon or apostrophe in a parameter with a
// backslash, which RFC 5545 does not define (such a value is to be quoted): a name is kept to what needs neither —
// an apostrophe becomes the typographic one, the other separators a space.
func params(a *mail.Address) []ics.PropertyParameter {
	name := strings.Map(func(r rune) rune {
		switch r {
		case '\'':
			return '’'
		case ',', ';', ':', '\\':
			return ' '
		}
		return r
	}, a.Name)
	if name = oneLine(name); name != "" {
		return []ics.PropertyParameter{ics.WithCN(name)}
	}
	return nil
}

// oneLine keeps a text on one line, its spaces single, without the characters a parameter cannot hold.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r <= 0x20 || r == 0x7f || r == '"' }), " ")
}

// local is t as a local date-time of its zone (DTSTART;TZID=…:20261201T100000).
func local(t time.Time) string { return t.Format("20060102T150405") }

// timezone is the VTIMEZONE of loc that covers the meeting: the observance in force at its start and, when the
// zone changes later, the next one — each with its onset, its offsets and its name, as Go's
// zone database has them. A zone that never changes has one STANDARD observance.
func timezone(loc *time.Location, start time.Time) *ics.VTimezone {
	tz := ics.NewTimezone(loc.String())
	add := func(at time.Time) time.Time {
		name, offset := at.Zone()
		from, until := at.ZoneBounds()
		before := offset
		if !from.IsZero() {
			_, before = from.Add(-time.Second).Zone()
		} else {
			from = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		var ob *ics.ComponentBase
		if at.IsDST() {
			d := &ics.Daylight{}
			tz.Components = append(tz.Components, d)
			ob = &d.ComponentBase
		} else {
			ob = &tz.AddStandard().ComponentBase
		}
		// The onset in the local time of the offset in force before it (RFC 5545, 3.6.5).
		ob.SetProperty(ics.ComponentPropertyDtStart, local(from.In(time.FixedZone("", before))))
		ob.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(before))
		ob.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(offset))
		ob.SetProperty(ics.ComponentProperty(ics.PropertyTzname), name)
		return until
	}
	if next := add(start); !next.IsZero() {
		add(next) // the zone's next change: a meeting that runs across it, or is moved past it, is still described
	}
	return tz
}

// utcOffset is "+0100" for an offset in seconds east of UTC.
func utcOffset(seconds int) string {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	return fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
}
