package deadlines_test

import (
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// wantMail is an email expected from one step: its recipients and what its subject and text must hold.
type wantMail struct {
	to, cc  string // addresses, comma separated
	subject []string
	text    []string
}

func checkMails(t *testing.T, step string, got []testenv.Mail, want []wantMail) {
	t.Helper()
	if len(got) != len(want) {
		var subjects []string
		for _, m := range got {
			subjects = append(subjects, m.Subject+" → "+strings.Join(m.Destination.To, ","))
		}
		t.Fatalf("%s: %d emails, want %d:\n%s", step, len(got), len(want), strings.Join(subjects, "\n"))
	}
	for i, w := range want {
		m := got[i]
		if addrs(m.Destination.To) != w.to || addrs(m.Destination.Cc) != w.cc {
			t.Errorf("%s: email %d to %v cc %v, want to %s cc %s", step, i, m.Destination.To, m.Destination.Cc, w.to, w.cc)
		}
		for _, s := range w.subject {
			if !strings.Contains(m.Subject, s) {
				t.Errorf("%s: email %d subject %q lacks %q", step, i, m.Subject, s)
			}
		}
		for _, s := range w.text {
			if !strings.Contains(m.Body.Text, s) {
				t.Errorf("%s: email %d (%s) text lacks %q:\n%s", step, i, m.Subject, s, m.Body.Text)
			}
		}
	}
}

// addrs reduces "Name <a@b>" entries to their addresses, comma separated.
func addrs(list []string) string {
	var out []string
	for _, a := range list {
		if i := strings.LastIndex(a, "<"); i >= 0 {
			a = strings.TrimSuffix(a[i+1:], ">")
		}
		out = append(out, a)
	}
	return strings.Join(out, ",")
}

const (
	thomas = "thomas.martin@maintenia.fr"
	sophie = "sophie.bernard@maintenia.fr"
	claire = "claire.dubois@maintenia.fr" // manager of both
	ops    = "marketing-ops@maintenia.fr"
)

// TestAWeekOfDeadlines walks a week with an injected clock: an SQL handed off on Monday 10:00 that nobody
// contacts in time — two reminders, the breach escalated, the SQL reassigned, contacted by the new rep (late for
// the lead, within her own deadline), reminded to answer, answered. Every email and every SLA event, one by one.
func TestAWeekOfDeadlines(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Region FR-IDF: team nord, Thomas Martin alone in it; reassigned, the SQL goes to the first team that
	// still has someone (sud-ouest: Sophie Bernard first on a tie).
	h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
	company := h.LeadCompany
	checkMails(t, "the hand-off", f.mails(), []wantMail{{to: thomas, cc: claire, subject: []string{company}}})

	type step struct {
		at    string
		do    func() // an answer, before the run
		mails []wantMail
	}
	contact := func() {
		f.answer(h.Key, handoff.Response{Action: handoff.Contacted, Channel: "phone", At: paris(t, "2026-12-01 09:30"), RepID: "sophie-bernard", By: "page"})
	}
	accept := func() {
		f.answer(h.Key, handoff.Response{Action: handoff.Accept, At: paris(t, "2026-12-02 11:00"), RepID: "sophie-bernard", By: "page"})
	}
	steps := []step{
		{at: "2026-11-30 11:59"},
		// 50 % of 4 business hours: 12:00; the deadline 15:00 (lunch 12:30–13:30 not counted): 2h00 left.
		{at: "2026-11-30 12:00", mails: []wantMail{{to: thomas, subject: []string{company}, text: []string{"15:00", "2h00", "/v1/feedback/"}}}},
		{at: "2026-11-30 14:11"},
		// 80 %: 3h12 after 10:00 is 14:12; 48 minutes left.
		{at: "2026-11-30 14:12", mails: []wantMail{{to: thomas, subject: []string{company}, text: []string{"15:00", "0h48"}}}},
		{at: "2026-11-30 14:59"},
		// The breach: the manager told (marketing ops in copy), the SQL reassigned to Sophie with a fresh clock:
		// 3h on Monday, 1h on Tuesday → Tuesday 10:00.
		{at: "2026-11-30 15:00", mails: []wantMail{
			{to: sophie, cc: claire, subject: []string{company}, text: []string{"Thomas Martin", "mardi 01/12/2026 à 10:00"}},
			{to: claire, cc: ops, subject: []string{company, "Délai dépassé : Thomas Martin", "réattribué à Sophie Bernard"},
				text: []string{"lundi 30/11/2026 à 15:00", "délai dépassé à l'instant", "mardi 01/12/2026 à 10:00", "2026.12-1"}},
		}},
		{at: "2026-11-30 16:59"},
		// Sophie's reminders: 2h after 15:00 is 17:00; 3h12 is Tuesday 09:12.
		{at: "2026-11-30 17:00", mails: []wantMail{{to: sophie, subject: []string{company}, text: []string{"10:00", "2h00"}}}},
		{at: "2026-12-01 09:11"},
		{at: "2026-12-01 09:12", mails: []wantMail{{to: sophie, subject: []string{company}, text: []string{"10:00", "0h48"}}}},
		// She calls at 09:30: the first-contact clock stops.
		{at: "2026-12-01 10:00", do: contact},
		// Her answer is due 16 business hours after 15:00 Monday: Wednesday 15:00; reminded at 75 % (12h):
		// Wednesday 10:00.
		{at: "2026-12-02 09:59"},
		{at: "2026-12-02 10:00", mails: []wantMail{{to: sophie, subject: []string{company}}}},
		{at: "2026-12-02 15:00", do: accept},
		{at: "2026-12-03 10:00"},
		{at: "2026-12-04 16:59"},
		{at: "2026-12-05 12:00"},
	}
	seen := 1
	for _, s := range steps {
		if s.do != nil {
			s.do()
		}
		f.run(paris(t, s.at))
		all := f.mails()
		if len(all) < seen {
			t.Fatalf("at %s: emails disappeared", s.at)
		}
		checkMails(t, "at "+s.at, all[seen:], s.mails)
		seen = len(all)
	}

	events := f.events(h.Key)
	if got, want := ids(events), "breach.first_contact#0.0 reassignment#0.0 reminder#0.0 reminder#0.1 reminder#1.0 reminder#1.1 reminder.feedback#1.0"; got != want {
		t.Fatalf("events %s, want %s", got, want)
	}
	at := func(s string) time.Time { return paris(t, s) }
	for id, w := range map[string]struct {
		at, due time.Time
		rep     string
		late    int
	}{
		"breach.first_contact#0.0": {at("2026-11-30 15:00"), at("2026-11-30 15:00"), "thomas-martin", 0},
		"reassignment#0.0":         {at("2026-11-30 15:00"), at("2026-11-30 15:00"), "thomas-martin", 0},
		"reminder.feedback#1.0":    {at("2026-12-02 10:00"), at("2026-12-02 10:00"), "sophie-bernard", 0},
	} {
		e := events[id]
		if !e.At.Equal(w.at) || !e.Due.Equal(w.due) || e.RepID != w.rep || e.BusinessMinutesLate != w.late || e.ContractVersion != f.c.Version {
			t.Errorf("%s = at %s due %s rep %s late %d version %s", id, e.At, e.Due, e.RepID, e.BusinessMinutesLate, e.ContractVersion)
		}
	}
	if e := events["reassignment#0.0"]; e.ToRepID != "sophie-bernard" || !strings.Contains(e.Reason, "Thomas Martin") {
		t.Errorf("reassignment %+v", e)
	}
	if e := events["breach.first_contact#0.0"]; e.ManagerID != "claire-dubois" || e.Mail.Status != outbox.MailSent {
		t.Errorf("breach %+v", e)
	}

	final := f.get(h.Key)
	if final.Rep() != "sophie-bernard" || final.FirstContactBreaches != 1 || final.ContactedWithinDeadline() || !final.AnsweredWithinDeadline() {
		t.Errorf("final: rep %s breaches %d contacted within %v answered within %v", final.Rep(), final.FirstContactBreaches,
			final.ContactedWithinDeadline(), final.AnsweredWithinDeadline())
	}
	// Sophie's time to first contact: 15:00–18:00 Monday, 09:00–09:30 Tuesday.
	if final.Contact.BusinessMinutes != 210 || final.Contact.RepID != "sophie-bernard" {
		t.Errorf("contact %+v", final.Contact)
	}
	if len(final.Pending) != 0 || !final.NextCheck(at("2026-12-05 12:00")).IsZero() {
		t.Errorf("pending %v, next check %s", final.Pending, final.NextCheck(at("2026-12-05 12:00")))
	}
}
