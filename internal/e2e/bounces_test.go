package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// TestBouncedSQLEmailThroughTheStack: Thomas Martin's address in the contract is SES's mailbox simulator's bounce
// address. A lead of Paris becomes an SQL for him; SES (local, with the stack's emulation of its events) accepts
// the SQL email, then publishes its bounce through the configuration set to EventBridge, whose rule invokes the
// bounces function's real binary: the hand-off's SQL email is bounced, not sent, and the SQL not alerted. The
// deadline checker's next run tells marketing ops and reassigns the SQL: the next rep gets the SQL email. Through
// Thomas's reminder instants and his deadline, nobody chases him. Then a complaint is injected for the second
// rep's SQL email (POST /_local/ses/bounce): ops are told again, and the SQL goes to a third rep.
func TestBouncedSQLEmailThroughTheStack(t *testing.T) {
	s := startStack(t, "fr", "thomas.martin@maintenia.fr", "bounce@simulator.amazonses.com")
	loc := s.contract.Location
	monday := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	s.setClock(monday)
	company := fmt.Sprintf("ACME Rebonds %d", time.Now().UnixNano()%1e6)
	email := fmt.Sprintf("bounce.%d@acme-rebonds.fr", time.Now().UnixNano()%1e6)
	out := s.post("site-contact", "submissions", "bn-"+company, `{"E-mail professionnel":"`+email+`","Prénom":"Claire","Nom":"Dubois","Société":"`+company+`","Fonction":"Directrice technique","Effectif":"250-499","Code postal":"75001"}`)
	id := out["leadId"].(string)
	s.post("tracking", "activities", "bn-t-"+company, `{"email":"`+email+`","type":"demo_request"}`)
	mails := func(n int) []testenv.Mail { return s.mails(t, company, n) }
	m := mails(1)
	if to := strings.Join(m[0].Destination.To, ","); !strings.Contains(to, "bounce@simulator.amazonses.com") {
		t.Fatalf("the SQL email went to %s", to)
	}
	var h handoff.Handoff
	waitFor(t, "the bounce recorded on the hand-off", func() bool { h = s.handoff(id); return h.Mail.Status == outbox.MailBounced })
	if h.Rep() != "thomas-martin" || !h.AlertedAt.IsZero() && h.AlertBouncedAt.IsZero() || len(h.Bounces) != 1 {
		t.Fatalf("hand-off after the bounce: rep %s, alerted %v, alert bounced %v, bounces %v", h.Rep(), h.AlertedAt, h.AlertBouncedAt, h.Bounces)
	}

	check := func(at time.Time) {
		t.Helper()
		s.setClock(at)
		if _, err := s.Invoke(context.Background(), "DeadlinesFunction", []byte(`{"window":"0s"}`)); err != nil {
			t.Fatalf("deadlines at %s: %v", at, err)
		}
	}
	// The checker: ops told, the SQL reassigned with its email to the next rep.
	check(monday.Add(2 * time.Minute))
	m = mails(3)
	ops, sqlB := split(m[1:])
	if len(ops) != 1 || len(sqlB) != 1 {
		t.Fatalf("after the bounce: to ops %v, other %v", subjects(ops), subjects(sqlB))
	}
	h = s.handoff(id)
	repB, _ := s.contract.Rep(h.Rep())
	if h.Rep() == "thomas-martin" || !strings.Contains(strings.Join(sqlB[0].Destination.To, ","), repB.Email) ||
		!strings.Contains(ops[0].Body.Text, repB.Name) || !strings.Contains(sqlB[0].Body.Text, "Thomas Martin") {
		t.Fatalf("reassigned to %s; SQL email to %v; ops read:\n%s", h.Rep(), sqlB[0].Destination.To, ops[0].Body.Text)
	}

	// Thomas's reminders and deadline pass: nothing to him, nothing about him.
	first, err := handoff.DeadlinesFrom(s.contract, monday)
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{first.Reminders[0], first.Reminders[1], first.FirstContact} {
		check(at.Add(time.Second))
	}
	s.idle()
	for _, x := range testenv.Mails(t, company)[3:] {
		if strings.Contains(strings.Join(x.Destination.To, ","), "bounce@simulator") || strings.Contains(x.Body.Text, "Thomas Martin") {
			t.Errorf("Thomas, who never had the SQL, is chased: %q to %v", x.Subject, x.Destination.To)
		}
	}

	// A complaint of the second rep's SQL email, injected: ops told again, a third rep gets it.
	sent := len(testenv.Mails(t, company))
	resp, err := http.Post(s.URL()+"/_local/ses/bounce", "application/json", strings.NewReader(`{"messageId":"`+sqlB[0].MessageID+`","type":"complaint"}`))
	if err != nil {
		t.Fatal(err)
	}
	var injected struct {
		Deliveries []struct{ Function, Error string }
	}
	_ = json.NewDecoder(resp.Body).Decode(&injected)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(injected.Deliveries) != 1 || injected.Deliveries[0].Function != "BouncesFunction" {
		t.Fatalf("complaint injected: %d %+v", resp.StatusCode, injected)
	}
	if h = s.handoff(id); h.Mail.Status != outbox.MailBounced || h.BounceKind != handoff.BounceComplaint {
		t.Fatalf("after the complaint: mail %s, kind %s", h.Mail.Status, h.BounceKind)
	}
	check(first.FirstContact.Add(2 * time.Minute))
	m = mails(sent + 2)
	ops, sqlC := split(m[sent:])
	h = s.handoff(id)
	repC, _ := s.contract.Rep(h.Rep())
	if len(ops) != 1 || len(sqlC) != 1 || h.Rep() == repB.ID || h.Rep() == "thomas-martin" ||
		!strings.Contains(strings.Join(sqlC[0].Destination.To, ","), repC.Email) {
		t.Fatalf("after the complaint: rep %s, to ops %v, other %v", h.Rep(), subjects(ops), subjects(sqlC))
	}
}

// split separates the emails to marketing ops from the others.
func split(ms []testenv.Mail) (ops, others []testenv.Mail) {
	for _, m := range ms {
		if strings.Contains(strings.Join(m.Destination.To, ","), "marketing-ops@") {
			ops = append(ops, m)
		} else {
			others = append(others, m)
		}
	}
	return ops, others
}

func subjects(ms []testenv.Mail) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject+" -> "+strings.Join(m.Destination.To, ","))
	}
	return out
}
