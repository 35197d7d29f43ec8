package contract

import (
	"fmt"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/worktime"
)

// ReviewMeetingAt is the start of the review meeting the report taken at t invites to: the first meeting on or
// after t's local date (ReviewMeeting.Next), moved, when its day has no business time (a public holiday, a
// closed day, a weekend: calendar), to the next business day at the same local time — the example's "premier
// mardi" falls on 1 May in 2029. moved reports it was. It reports false when the contract schedules no meeting.
func (c *Contract) ReviewMeetingAt(t time.Time) (start time.Time, moved, ok bool, err error) {
	rm := c.Marketing.ReviewMeeting
	if rm == nil {
		return time.Time{}, false, false, nil
	}
	at := rm.Next(t, c.Location)
	if c.Calendar == nil {
		return at, false, true, nil
	}
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, c.Location)
	open, err := c.Calendar.NextOpen(day)
	if err != nil {
		return time.Time{}, false, false, fmt.Errorf("review meeting: %w", err)
	}
	o := open.In(c.Location)
	if DateOf(o) == DateOf(at) {
		return at, false, true, nil
	}
	return time.Date(o.Year(), o.Month(), o.Day(), rm.Hour, rm.Minute, 0, 0, c.Location), true, true, nil
}

// checkReviewMeeting warns of a review meeting set outside the business week: on a weekday with no business
// hours (it is then always moved to the next business day), or at a time outside them (its start or end).
func (r *reader) checkReviewMeeting(rm *ReviewMeeting, week worktime.Week) {
	if rm == nil || r.reviewMeetingNode == nil {
		return
	}
	n, path := r.reviewMeetingNode, "marketing.review_meeting"
	spans := week[rm.Weekday]
	if len(spans) == 0 {
		r.warn(n, path, "falls on a %s, a day without business hours (calendar.business_hours): the invitation moves it to the next business day, at the same time",
			strings.ToLower(rm.Weekday.String()))
		return
	}
	start := rm.Hour*60 + rm.Minute
	end := start + int(rm.Duration/time.Minute)
	inStart, inEnd := false, false
	for _, s := range spans {
		inStart = inStart || s.Start <= start && start < s.End
		inEnd = inEnd || s.Start < end && end <= s.End
	}
	if !inStart || !inEnd {
		var hours []string
		for _, s := range spans {
			hours = append(hours, s.String())
		}
		r.warn(n, path, "runs from %02d:%02d to %02d:%02d, outside the business hours of a %s (%s)",
			start/60, start%60, end/60%24, end%60, strings.ToLower(rm.Weekday.String()), strings.Join(hours, ", "))
	}
}
