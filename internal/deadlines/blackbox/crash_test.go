package blackbox_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
)

// crashOnce makes the checker die at point, once.
func (f *fx) crashOnce(point string) {
	var done atomic.Bool
	f.ch.Crash = func(p string) bool { return p == point && done.CompareAndSwap(false, true) }
}

// A crash after the reassignment is recorded, before any email: the next run sends the new rep's SQL email and
// the escalation, once each.
func TestCrashAfterRecordingAReassignment(t *testing.T) {
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Cora", "cora@blackbox.example")
	f.crashOnce("after-record")
	f.run(h.FirstContactDue)
	if n := len(mails(t, marker)); n != 0 {
		t.Fatalf("%d emails after a crash right after the record", n)
	}
	for i := 0; i < 4; i++ {
		f.run(h.FirstContactDue.Add(time.Duration(30+i) * time.Second))
	}
	all := mails(t, marker)
	if len(all) != 2 {
		t.Fatalf("%d emails, want the new rep's SQL email and the escalation:%s", len(all), describe(all))
	}
}

// A crash after the gate of a reminder (its outcome unknown): never resent; after 5 minutes it is abandoned and
// marketing ops told, once.
func TestCrashAfterTheGateOfAReminder(t *testing.T) {
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Dora", "dora@blackbox.example")
	f.crashOnce("after-gate")
	r := h.Reminders[0]
	f.run(r)
	for _, d := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute, 6 * time.Minute, 7 * time.Minute} {
		f.run(r.Add(d))
	}
	all := mails(t, marker)
	if len(all) != 1 || !strings.Contains(all[0].Destination.To[0], "marketing-ops@") {
		t.Fatalf("want exactly one alert to marketing ops:%s", describe(all))
	}
	if got := f.get(h.Key); len(got.Pending) != 0 {
		t.Fatalf("still pending: %v", got.Pending)
	}
}

// The SQL email claimed by notify but never handed to SES (notify crashed): 5 minutes later the checker sends
// it. If the checker itself crashes right after recording that resend, README's crash table says a recorded
// step's email "goes through the gate and leaves (within a minute)": the rep should have the SQL email at the
// next run, not 5 minutes later with the clock restarted again.
func TestCrashAfterRecordingAStuckSQLResend(t *testing.T) {
	f := newFx(t, nil)
	at := paris(2026, 11, 30, 10, 0)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", at, "Ezra", "ezra@blackbox.example")
	// Put the SQL email back to claimed (never handed to SES), as a notify crash leaves it.
	_, err := f.hs.Update(context.Background(), h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail = handoff.Mail{Status: handoff.MailClaimed, ClaimedAt: at}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.crashOnce("after-record")
	f.run(at.Add(handoff.StuckAfter))
	f.run(at.Add(handoff.StuckAfter + time.Minute))
	f.run(at.Add(handoff.StuckAfter + time.Minute + 30*time.Second))
	var sqlMails int
	for _, m := range mails(t, marker) {
		if strings.Contains(m.Destination.To[0], "thomas.martin@") {
			sqlMails++
		}
	}
	got := f.get(h.Key)
	if sqlMails != 1 {
		t.Fatalf("a minute after the crash, the rep has %d SQL emails (mail %s, resends %d, clock from %s); want 1:%s",
			sqlMails, got.Mail.Status, got.Resends, got.ClockFrom.In(f.c.Location).Format("15:04"), describe(mails(t, marker)))
	}
}
