package deadlines_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/deadlines/crashtest"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// errLost is SES's answer lost (a reset connection after SES may have accepted the email): the outcome is unknown,
// and the email stays sending — what a run killed between the gate and SES's answer leaves too.
var errLost = errors.New("read tcp 10.0.0.1:443: connection reset by peer")

// sqlEmails are the emails of this test to a rep that hand them an SQL (the SQL email, or its resend).
func (f *fixture) sqlEmails(to string) []testenv.Mail {
	f.t.Helper()
	var out []testenv.Mail
	for _, m := range f.mails() {
		if strings.HasPrefix(m.Subject, "Nouveau SQL") && addrs(m.Destination.To) == to {
			out = append(out, m)
		}
	}
	return out
}

// TestTheCheckersSQLEmailLeftSendingGoesAtTheNextRun: an SQL email the checker itself claimed — the new rep's
// after a reassignment, or a resend of a stuck one — left sending (the run died after its gate, or SES's answer
// was lost). The checker knows nothing else can be sending it once its own bound on SES has passed: the next run
// sends it again, marked as a possible duplicate, and the rep's deadline still counts from the reassignment (or
// the resend) — not five minutes later with the clock restarted.
func TestTheCheckersSQLEmailLeftSendingGoesAtTheNextRun(t *testing.T) {
	t.Parallel()
	// How the run at the breach left the new rep's SQL email: sending, SES's answer unknown.
	for _, tc := range []struct {
		name  string
		leave func(*fixture)
		sent  int // SQL emails to the new rep in the end (the first may have left: the resend is marked)
	}{
		{"SES's answer lost", func(f *fixture) { f.sender.FailNext(errLost) }, 1},
		{"the run killed after the SQL email's gate", func(f *fixture) { f.proc.CrashAt(crashtest.AfterSQLGate) }, 1},
		{"the run killed after SES accepted it", func(f *fixture) { f.proc.CrashAt(crashtest.AfterSQLSend) }, 2},
	} {
		t.Run("reassignment, "+tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
			f.run(paris(t, "2026-11-30 12:00"))
			f.run(paris(t, "2026-11-30 14:12"))
			tc.leave(f)
			f.runErr(paris(t, "2026-11-30 15:00"))
			f.proc.CrashAt("") // disarmed, had it not been reached
			if got := f.get(h.Key); got.Rep() != "sophie-bernard" || got.Mail.Status != outbox.MailSending || len(f.sqlEmails(sophie)) != tc.sent-1 {
				t.Fatalf("after the breach: rep %s, mail %s, %d SQL emails to her", got.Rep(), got.Mail.Status, len(f.sqlEmails(sophie)))
			}
			// The next minute, the schedule firing twice at once and then ten times: one resend.
			hammer(f, paris(t, "2026-11-30 15:01"))
			sent := f.sqlEmails(sophie)
			if len(sent) != tc.sent || !strings.Contains(sent[len(sent)-1].Body.Text, "Doublon possible") {
				got := f.get(h.Key)
				t.Fatalf("a minute later Sophie has %d SQL emails (mail %s, resends %d), want %d, the last marked as a possible duplicate",
					len(sent), got.Mail.Status, got.Resends, tc.sent)
			}
			for _, at := range []string{"15:02", "15:05", "15:06", "15:10"} {
				f.run(paris(t, "2026-11-30 "+at))
			}
			if n := len(f.sqlEmails(sophie)); n != tc.sent {
				t.Errorf("%d SQL emails to Sophie in the end, want %d", n, tc.sent)
			}
			// It says when her deadline started, and the deadline itself: the reassignment's.
			if text := sent[len(sent)-1].Body.Text; !strings.Contains(text, "Votre délai part du lundi 30/11/2026 à 15:00.") || !strings.Contains(text, "mardi 01/12/2026 à 10:00") {
				t.Errorf("the resent SQL email:\n%s", text)
			}
			got := f.get(h.Key)
			// Reassigned at 15:00: 3h on Monday, 1h on Tuesday.
			if !got.ClockFrom.Equal(paris(t, "2026-11-30 15:00")) || !got.FirstContactDue.Equal(paris(t, "2026-12-01 10:00")) ||
				got.Mail.Status != outbox.MailSent || !got.Mail.PossibleDuplicate || got.Resends != 1 {
				t.Errorf("clock from %s, due %s, mail %+v, resends %d; want the reassignment's clock (15:00, due Tuesday 10:00)",
					got.ClockFrom, got.FirstContactDue, got.Mail, got.Resends)
			}
			if e := f.events(h.Key)["mail.stuck#1.0"]; e.Reason != handoff.ReasonInterrupted {
				t.Errorf("the resend recorded %+v", e)
			}
			// The escalation once; marketing ops told once of the resend, that the deadline did not move.
			var rest []testenv.Mail
			for _, m := range f.mails() {
				if !strings.HasPrefix(m.Subject, "Nouveau SQL") && !strings.HasPrefix(m.Subject, "Rappel") {
					rest = append(rest, m)
				}
			}
			checkMails(t, "the escalation and the alert", rest, []wantMail{
				{to: claire, cc: ops, subject: []string{"Délai dépassé", "réattribué à Sophie Bernard"}},
				{to: ops, subject: []string{"E-mail SQL renvoyé", "à Sophie Bernard (doublon possible)"},
					text: []string{"l'envoi de l'e-mail SQL par Handoff a été interrompu", "Le délai de premier contact de Sophie Bernard ne change pas", "mardi 01/12/2026 à 10:00"}},
			})
		})
	}
	t.Run("resend of a stuck SQL email", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		refused := fmt.Errorf("%w: MessageRejected", outbox.ErrRejected)
		h := f.sqlWhoseEmailFails("FR-IDF", paris(t, "2026-11-30 10:00"), refused)
		f.proc.CrashAt(crashtest.AfterSQLGate) // the checker's resend at 10:05
		f.runErr(paris(t, "2026-11-30 10:05"))
		if !f.proc.Died() {
			t.Fatal("the run never reached the crash point")
		}
		if got := f.get(h.Key); got.Resends != 1 || got.Mail.Status != outbox.MailSending || len(f.sqlEmails(thomas)) != 0 {
			t.Fatalf("after the resend: resends %d, mail %s, %d SQL emails", got.Resends, got.Mail.Status, len(f.sqlEmails(thomas)))
		}
		hammer(f, paris(t, "2026-11-30 10:06"))
		if sent := f.sqlEmails(thomas); len(sent) != 1 || !strings.Contains(sent[0].Body.Text, "Doublon possible") {
			t.Fatalf("a minute later Thomas has %d SQL emails, want 1 marked as a possible duplicate", len(sent))
		}
		for _, at := range []string{"10:07", "10:10", "10:11"} {
			f.run(paris(t, "2026-11-30 "+at))
		}
		got := f.get(h.Key)
		if n := len(f.sqlEmails(thomas)); n != 1 || got.Resends != 2 {
			t.Errorf("%d SQL emails to Thomas, %d resends; want 1 and 2", n, got.Resends)
		}
		// The clock started at the resend of 10:05 (the first SQL email never left): 15:05.
		if !got.ClockFrom.Equal(paris(t, "2026-11-30 10:05")) || !got.FirstContactDue.Equal(paris(t, "2026-11-30 15:05")) {
			t.Errorf("clock from %s, due %s; want the resend's (10:05, due 15:05)", got.ClockFrom, got.FirstContactDue)
		}
		// Ops were told at the first resend (10:05); the second is recorded only.
		if got := ids(f.events(h.Key)); got != "mail.stuck#0.0 mail.stuck#0.1" {
			t.Errorf("events %s", got)
		}
	})
}

// hammer is the schedule firing twice at once at an instant, then ten times in a row.
func hammer(f *fixture, at time.Time) {
	f.t.Helper()
	var wg sync.WaitGroup
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := f.runErr(at); err != nil {
				f.t.Errorf("concurrent run at %s: %v", at, err)
			}
		}()
	}
	wg.Wait()
	for i := 0; i < 10; i++ {
		f.run(at)
	}
}

// opsAlerts are this test's emails to marketing ops about an email given up.
func (f *fixture) opsAlerts() []testenv.Mail {
	f.t.Helper()
	var out []testenv.Mail
	for _, m := range f.mails() {
		if addrs(m.Destination.To) == ops && !strings.Contains(m.Subject, "renvoyé") && !strings.Contains(m.Subject, "resent") {
			out = append(out, m)
		}
	}
	return out
}

// TestTheAlertNamesTheEmailInDoubt: an email of the checker's given up — its sending interrupted (outcome
// unknown, never resent) or refused five times — is told to marketing ops once, naming that email (which
// reminder, its point, to whom, when it was due, in local time), never as if the SQL email itself had not
// reached the rep, and saying what the rep already has.
func TestTheAlertNamesTheEmailInDoubt(t *testing.T) {
	t.Parallel()
	refused := fmt.Errorf("%w: MessageRejected: mailbox full", outbox.ErrRejected)
	for _, tc := range []struct {
		name  string
		edits []string
		at    []string // the runs' instants on Monday 30 November
		// From the run at[from] on: a crash at this point (once), or these sends failing.
		from  int
		crash string
		fail  []error
		subj  []string
		text  []string
		not   []string
		// The alert as stored: the email it is about, and that email's instant (Monday 30 November).
		about    string
		aboutDue string
	}{
		{name: "first reminder, interrupted", crash: "after-gate", from: 0, at: []string{"12:00", "12:01", "12:05", "12:06"},
			subj: []string{"E-mail peut-être non remis : rappel 1 sur 2 à Thomas Martin"},
			text: []string{"le rappel de premier contact 1 sur 2 (à 50\u00a0% du délai) à Thomas Martin, prévu le lundi 30/11/2026 à 12:00",
				"Thomas Martin a l'e-mail SQL de ce lead, envoyé le lundi 30/11/2026 à 10:00", "liens de réponse", "restent valables",
				"lundi 30/11/2026 à 15:00"},
			not: []string{"E-mail concerné\u00a0: l'e-mail SQL"}, about: "reminder#0.0", aboutDue: "12:00"},
		{name: "second reminder, interrupted, in English", edits: []string{"locale: fr", "locale: en"}, crash: "after-gate", from: 1,
			at:   []string{"12:00", "14:12", "14:13", "14:17", "14:18"},
			subj: []string{"Email maybe not delivered: reminder 2 of 2 to Thomas Martin"},
			text: []string{"first-contact reminder 2 of 2 (at 80% of the deadline) to Thomas Martin, due Monday 30 Nov 2026 at 14:12",
				"Thomas Martin has the SQL email of this lead, sent Monday 30 Nov 2026 at 10:00", "reminder 1 of 2, sent Monday 30 Nov 2026 at 12:00"},
			about: "reminder#0.1", aboutDue: "14:12"},
		{name: "escalation, interrupted", edits: []string{"on_breach: reassign", "on_breach: escalate"}, crash: "after-gate", from: 2,
			at:    []string{"12:00", "14:12", "15:00", "15:05", "15:06"},
			subj:  []string{"E-mail peut-être non remis : escalade du dépassement à Claire Dubois"},
			text:  []string{"Claire Dubois", "l'escalade du dépassement de délai de Thomas Martin à Claire Dubois, pour le délai du lundi 30/11/2026 à 15:00"},
			about: "breach.first_contact#0.0", aboutDue: "15:00"},
		{name: "first reminder, refused five times", fail: []error{refused, refused, refused, refused, refused},
			at:   []string{"12:00", "12:01", "12:02", "12:03", "12:04", "12:05"},
			subj: []string{"E-mail non remis : rappel 1 sur 2 à Thomas Martin"},
			text: []string{"SES l'a refusé 5 fois", "prévu le lundi 30/11/2026 à 12:00", "Thomas Martin a l'e-mail SQL de ce lead"},
			not:  []string{"peut-être"}, about: "reminder#0.0", aboutDue: "12:00"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, tc.edits...)
			h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
			for i, at := range tc.at {
				if i == tc.from && tc.crash != "" {
					f.proc.CrashAt(tc.crash)
				}
				if i == tc.from && tc.fail != nil {
					f.sender.FailNext(tc.fail...)
				}
				f.runErr(paris(t, "2026-11-30 "+at)) // the crashed run and the refused sends report failures
			}
			alerts := f.opsAlerts()
			if len(alerts) != 1 {
				var subjects []string
				for _, m := range alerts {
					subjects = append(subjects, m.Subject)
				}
				t.Fatalf("%d alerts to marketing ops, want 1: %q", len(alerts), subjects)
			}
			m := alerts[0]
			for _, w := range tc.subj {
				if !strings.Contains(m.Subject, w) {
					t.Errorf("subject %q lacks %q", m.Subject, w)
				}
			}
			if strings.Contains(m.Subject, "non remis : SQL") || strings.Contains(m.Subject, "delivered: SQL") {
				t.Errorf("subject %q reads as if the SQL email was lost", m.Subject)
			}
			for _, w := range tc.text {
				if !strings.Contains(m.Body.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, m.Body.Text)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(m.Subject+m.Body.Text, w) {
					t.Errorf("says %q:\n%s\n%s", w, m.Subject, m.Body.Text)
				}
			}
			u := f.events(h.Key)["mail.undelivered#0.0"]
			about := handoff.Event{Kind: u.About, Assignment: u.AboutAssignment, N: u.AboutN}.ID()
			if about != tc.about || !u.AboutDue.Equal(paris(t, "2026-11-30 "+tc.aboutDue)) {
				t.Errorf("the alert is about %s due %s, want %s due %s", about, u.AboutDue, tc.about, tc.aboutDue)
			}
		})
	}
}
