package blackbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/handoff"
)

// A contact 30 business minutes after the deadline, before the checker's pass: the breach is recorded as late
// as the contact was, the manager told, and the SQL is not reassigned.
func TestLateContactBeforeThePass(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Fay", "fay@blackbox.example")
	at := h.FirstContactDue.Add(30 * time.Minute)
	_, err := f.hs.Update(context.Background(), h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		_, err := h.Record(handoff.Response{Action: handoff.Contacted, Channel: "phone", At: at, By: "crm"}, f.c.Calendar)
		return nil, err
	})
	if err != nil {
		t.Fatal(err)
	}
	f.run(h.FirstContactDue.Add(time.Hour))
	got := f.get(h.Key)
	if got.Rep() != "thomas-martin" || got.FirstContactBreaches != 1 {
		t.Fatalf("rep %s, breaches %d", got.Rep(), got.FirstContactBreaches)
	}
	e, err := f.hs.Event(context.Background(), h.Key, "breach.first_contact#0.0")
	if err != nil || e.BusinessMinutesLate != 30 {
		t.Fatalf("breach %+v %v", e, err)
	}
	if got.Contact.BusinessMinutes != 270 {
		t.Errorf("time to first contact %d business minutes, want 270", got.Contact.BusinessMinutes)
	}
	if all := mails(t, marker); len(all) != 1 || !strings.Contains(all[0].Destination.To[0], "claire.dubois@") {
		t.Fatalf("emails:%s", describe(all))
	}
}

// sophie-bernard is away from 21 December: at the reminder, her manager is told once, and no reminder goes.
func TestOutOfOfficeAtReminder(t *testing.T) {
	t.Parallel()
	f := newFx(t, func(s string) string { return strings.Replace(s, "on_breach: reassign", "on_breach: escalate", 1) })
	// Friday 18 December 16:00: 1h on Friday, then Monday 21 (away) from 09:00.
	h, marker := f.sql("sophie-bernard", "FR-PAC", "40", paris(2026, 12, 18, 16, 0), "Gil", "gil@blackbox.example")
	for _, r := range h.Reminders {
		f.run(r)
		f.run(r)
	}
	all := mails(t, marker)
	if len(all) != 1 || !strings.Contains(all[0].Destination.To[0], "claire.dubois@") {
		t.Fatalf("want one escalation to the manager:%s", describe(all))
	}
}

// Six SQLs due at the same instants; at each step two runs at once, then ten in a row: one email per step.
func TestConcurrentAndRepeatedRuns(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	at := paris(2026, 11, 30, 10, 0)
	var hs []handoff.Handoff
	var markers []string
	for i := 0; i < 6; i++ {
		h, m := f.sql("thomas-martin", "FR-IDF", "40", at.Add(time.Duration(i+1)*time.Second), "Hal", fmt.Sprintf("hal%d@blackbox.example", i))
		hs, markers = append(hs, h), append(markers, m)
	}
	steps := append(append([]time.Time{}, hs[0].Reminders...), hs[0].FirstContactDue)
	for _, s := range steps {
		f.set(s)
		done := make(chan struct{}, 2)
		for i := 0; i < 2; i++ {
			go func() { f.ch.Run(context.Background(), 0); done <- struct{}{} }()
		}
		<-done
		<-done
		for i := 0; i < 10; i++ {
			f.run(s)
		}
	}
	for _, m := range markers {
		// 2 reminders, the escalation, the new rep's SQL email.
		if all := mails(t, m); len(all) != 4 {
			t.Errorf("%s: %d emails, want 4:%s", m, len(all), describe(all))
		}
	}
}
