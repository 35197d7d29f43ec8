package blackbox_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/deadlines/crashtest"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// crashOnce makes the checker's process die at point, once (see crashtest).
func (f *fx) crashOnce(point string) { f.proc.CrashAt(point) }

// A crash after the reassignment is recorded, before any email: the next run sends the new rep's SQL email and
// the escalation, once each.
func TestCrashAfterRecordingAReassignment(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Cora", "cora@blackbox.example")
	f.crashOnce(crashtest.AfterRecord)
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
	t.Parallel()
	f := newFx(t, nil)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", paris(2026, 11, 30, 10, 0), "Dora", "dora@blackbox.example")
	f.crashOnce(crashtest.AfterGate)
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
	t.Parallel()
	f := newFx(t, nil)
	at := paris(2026, 11, 30, 10, 0)
	h, marker := f.sql("thomas-martin", "FR-IDF", "40", at, "Ezra", "ezra@blackbox.example")
	// Put the SQL email back to claimed (never handed to SES), as a notify crash leaves it.
	_, err := f.hs.Update(context.Background(), h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.Mail = outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: at}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	f.crashOnce(crashtest.AfterRecord)
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

// killedRun runs, at `at`, a checker whose process is killed after `after` emails (kill -9 during a run), and
// waits for it to stop: the first `after` emails go to SES; from the next one on the process is dead — a send
// under way gets no answer (its email stays sending, as after the gate and before SES's answer), and nothing it
// does reaches DynamoDB or SES any more (crashtest). The run still returns, with failures, which is the test's
// signal that the dead run touches nothing more.
func (f *fx) killedRun(at time.Time, after int) {
	f.t.Helper()
	p := crashtest.New()
	p.DieAfterSends(after)
	ch, err := deadlines.New(f.c, p.Handoffs(f.hs), f.leads, p.Sender(f.sender), email.LinkSigner{Key: []byte("try12-feedback-link-key-0123456789"), BaseURL: "https://sla.example"},
		f.clock, slogJSON(f.logs))
	if err != nil {
		f.t.Fatal(err)
	}
	f.set(at)
	if _, err := ch.Run(context.Background(), 0); err == nil {
		f.t.Fatal("the killed run reported no failure")
	}
	if !p.Died() {
		f.t.Fatalf("the run sent fewer than %d emails: never killed", after)
	}
}

// scheduled runs the checker as the schedule does, every minute from `from` to `to` with its one-minute window.
// A run waits for what falls due within its window by moving the clock, as time would.
func (f *fx) scheduled(from, to time.Time) {
	f.t.Helper()
	f.ch.Wait = func(_ context.Context, until time.Time) error {
		f.mu.Lock()
		defer f.mu.Unlock()
		if until.After(f.now) {
			f.now = until
		}
		return nil
	}
	defer func() { f.ch.Wait = nil }()
	for at := from; !at.After(to); at = at.Add(time.Minute) {
		f.set(at)
		if _, err := f.ch.Run(context.Background(), time.Minute); err != nil {
			f.t.Logf("run at %s: %v", at.In(f.c.Location).Format("15:04:05"), err)
		}
	}
}

// 32 SQLs fall due at once, reassigned on breach, and the checker's process is killed within its first emails.
// Every new rep gets their SQL email at the run after the crash — 30 to 60 seconds later whatever the schedule's
// phase, not through the 5-minute stale path — once, marked as a possible duplicate when it may have left, and
// their deadline counts from the reassignment. Every escalation leaves once, or (its sending interrupted) is told
// to marketing ops once, naming it. The delay from the kill to the last new rep's SQL email is logged
// (go test -v -run TestKilledAtABreachInstant ./internal/deadlines/blackbox).
func TestKilledAtABreachInstantWith32SQLsDue(t *testing.T) {
	t.Parallel()
	// The next run starts a minute after the killed one's instant, or 20 seconds after it (the schedule's phase).
	for _, phase := range []time.Duration{time.Minute, 20 * time.Second} {
		t.Run(fmt.Sprintf("next run %s after", phase), func(t *testing.T) { killedAtABreachInstant(t, phase) })
	}
}

func killedAtABreachInstant(t *testing.T, phase time.Duration) {
	f := newFx(t, nil)
	at := paris(2026, 11, 30, 10, 0)
	type sql struct {
		h      handoff.Handoff
		marker string
	}
	var sqls []sql
	for i := 0; i < 32; i++ {
		h, m := f.sql("thomas-martin", "FR-IDF", "40", at, "Kim", fmt.Sprintf("kim%d@blackbox.example", i))
		sqls = append(sqls, sql{h, m})
	}
	breach := sqls[0].h.FirstContactDue
	f.killedRun(breach, 6)
	inDoubt := 0
	for _, s := range sqls {
		if got := f.get(s.h.Key); got.Reassignments == 1 && got.Mail.Status == outbox.MailSending {
			inDoubt++
		}
	}
	if inDoubt == 0 {
		t.Fatal("the kill left no new rep's SQL email sending: the test does not cover the defect")
	}
	f.scheduled(breach.Add(phase), breach.Add(8*time.Minute))
	var worst time.Duration
	for _, s := range sqls {
		got := f.get(s.h.Key)
		all := only(mails(t, s.marker), s.marker)
		if got.Reassignments == 0 {
			continue // nobody else to take it
		}
		rep, _ := f.c.Rep(got.Rep())
		var toRep []string
		for _, m := range all {
			if strings.Contains(m.Destination.To[0], rep.Email) {
				toRep = append(toRep, m.Body.Text)
			}
		}
		// Once; twice only when the kill came after SES accepted the first (its answer lost), the second marked.
		if len(toRep) != 1 && (len(toRep) != 2 || !strings.Contains(toRep[1], "Doublon possible")) {
			t.Errorf("%s: %d SQL emails to the new rep %s, want 1:%s", s.marker, len(toRep), rep.ID, describe(all))
			continue
		}
		if got.Mail.Status != outbox.MailSent {
			t.Errorf("%s: the new rep's SQL email is %s", s.marker, got.Mail.Status)
			continue
		}
		if got.Mail.PossibleDuplicate != strings.Contains(toRep[len(toRep)-1], "Doublon possible") {
			t.Errorf("%s: marked possible duplicate %v, the email says so: %v", s.marker, got.Mail.PossibleDuplicate, !got.Mail.PossibleDuplicate)
		}
		if d := got.Mail.SentAt.Sub(breach); d > worst {
			worst = d
		}
		reassigned := got.Assignments[len(got.Assignments)-1].At
		d, err := handoff.DeadlinesFrom(f.c, reassigned)
		if err != nil {
			t.Fatal(err)
		}
		if !got.ClockFrom.Equal(reassigned) || !got.FirstContactDue.Equal(d.FirstContact) {
			t.Errorf("%s: the new rep's clock from %s (due %s), want from the reassignment at %s (due %s)", s.marker,
				got.ClockFrom.In(f.c.Location).Format("15:04:05"), got.FirstContactDue.In(f.c.Location).Format("Mon 15:04"),
				reassigned.In(f.c.Location).Format("15:04:05"), d.FirstContact.In(f.c.Location).Format("Mon 15:04"))
		}
		escalations, alerts := 0, 0
		for _, m := range all {
			switch {
			case strings.Contains(m.Destination.To[0], "claire.dubois@"):
				escalations++
			case strings.Contains(m.Destination.To[0], "marketing-ops@") && strings.Contains(m.Subject, "non remis"):
				alerts++
				if !strings.Contains(m.Subject, "escalade") {
					t.Errorf("%s: the alert does not name the escalation: %q", s.marker, m.Subject)
				}
			}
		}
		// At most once, and ops told when it may not have left (it may have: a kill after SES's answer).
		if escalations > 1 || alerts > 1 || escalations+alerts == 0 {
			t.Errorf("%s: %d escalations and %d alerts about one:%s", s.marker, escalations, alerts, describe(all))
		}
	}
	t.Logf("%d new reps' SQL emails left sending by the kill; the last of all the new reps' SQL emails went %s after it", inDoubt, worst)
	if want := max(phase, handoff.InterruptedAfter); worst > want {
		t.Errorf("a new rep got their SQL email %s after the kill, want at the next run (%s)", worst, want)
	}
}

// 32 first reminders fall due at once and the checker's process is killed within its first emails: the
// reminders only recorded go at the next run; each one whose sending was interrupted is never resent, and
// marketing ops are told once, in an alert that names that reminder — never as if the SQL email was lost.
func TestKilledAtAReminderInstantWith32SQLsDue(t *testing.T) {
	t.Parallel()
	f := newFx(t, nil)
	at := paris(2026, 11, 30, 10, 0)
	var markers []string
	var first time.Time
	for i := 0; i < 32; i++ {
		h, m := f.sql("thomas-martin", "FR-IDF", "40", at, "Lou", fmt.Sprintf("lou%d@blackbox.example", i))
		markers, first = append(markers, m), h.Reminders[0]
	}
	f.killedRun(first, 6)
	f.scheduled(first.Add(time.Minute), first.Add(7*time.Minute))
	inDoubt := 0
	for _, m := range markers {
		reminders, alerts := 0, 0
		all := only(mails(t, m), m)
		for _, e := range all {
			switch {
			case strings.Contains(e.Destination.To[0], "thomas.martin@"):
				reminders++
			case strings.Contains(e.Destination.To[0], "marketing-ops@"):
				alerts++
				if !strings.Contains(e.Subject, "rappel 1 sur 2 à Thomas Martin") || !strings.Contains(e.Body.Text, "prévu le lundi 30/11/2026 à 12:00") ||
					!strings.Contains(e.Body.Text, "Thomas Martin a l'e-mail SQL de ce lead") {
					t.Errorf("%s: the alert does not name the reminder in doubt, or what the rep has:\n%s\n%s", m, e.Subject, e.Body.Text)
				}
			}
		}
		inDoubt += alerts
		if reminders > 1 || alerts > 1 || reminders+alerts == 0 {
			t.Errorf("%s: %d reminders and %d alerts:%s", m, reminders, alerts, describe(all))
		}
	}
	if inDoubt == 0 {
		t.Error("no reminder was left in doubt: the test does not cover the alert")
	}
}

// only keeps the emails of marker itself (Try12Co1, not Try12Co12).
func only(ms []testenv.Mail, marker string) []testenv.Mail {
	re := regexp.MustCompile(regexp.QuoteMeta(marker) + `\b`)
	var out []testenv.Mail
	for _, m := range ms {
		if re.MatchString(m.Subject + "\n" + m.Body.Text) {
			out = append(out, m)
		}
	}
	return out
}
