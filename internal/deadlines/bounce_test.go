package deadlines_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/bounces"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
)

// bounceEvent is SES's event (as EventBridge delivers it) of a bounce or complaint of the SQL email of h's
// assignment i, to the rep's address.
func (f *fixture) bounceEvent(h handoff.Handoff, i int, kind, feedbackID string, at time.Time) bounces.Event {
	f.t.Helper()
	rep, _ := f.c.Rep(h.Assignments[i].RepID)
	tags := map[string][]string{"ses:configuration-set": {"handoff-dev"}}
	for _, tg := range mailtag.SQL(h.LeadID, h.At, i).Tags() {
		tags[tg.Name] = []string{tg.Value}
	}
	ev := bounces.Event{Version: "0", ID: "ev-" + feedbackID, Source: bounces.Source, Time: at,
		Detail: bounces.Detail{Mail: bounces.Mail{Timestamp: at, MessageID: "m-" + feedbackID, Tags: tags}}}
	to := []bounces.Recipient{{EmailAddress: rep.Email}}
	if kind == "complaint" {
		ev.DetailType, ev.Detail.EventType = bounces.DetailTypeComplaint, "Complaint"
		ev.Detail.Complaint = &bounces.Complaint{ComplainedRecipients: to, Timestamp: at, FeedbackID: feedbackID, ComplaintFeedbackType: "abuse"}
	} else {
		ev.DetailType, ev.Detail.EventType = bounces.DetailTypeBounce, "Bounce"
		ev.Detail.Bounce = &bounces.Bounce{BounceType: kind, BounceSubType: "General", BouncedRecipients: to, Timestamp: at, FeedbackID: feedbackID}
	}
	return ev
}

// TestABouncedSQLEmail: SES reports the SQL email bounced (or complained of) a minute after it left; the bounces
// handler records it on the hand-off in DynamoDB (twice delivered: once recorded), and the checker's next run tells
// marketing ops once and, as sales.on_bounce says, gives the SQL to the next rep (who gets the SQL email and their
// own deadlines) or holds it. The first rep is never chased for it: no reminder, breach or escalation about them,
// through the deadline and after. A transient bounce changes nothing.
func TestABouncedSQLEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, kind, onBounce string
		taken, reassigned    bool
	}{
		{"permanent bounce, reassigned", "Permanent", "reassign", true, true},
		{"complaint, reassigned", "complaint", "reassign", true, true},
		{"permanent bounce, held", "Permanent", "hold", true, false},
		{"transient bounce", "Transient", "reassign", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "on_bounce: reassign", "on_bounce: "+tc.onBounce)
			h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
			first := h.Rep()
			repA, _ := f.c.Rep(first)
			if m := f.mails(); len(m) != 1 {
				t.Fatalf("%d emails, want the SQL email", len(m))
			}
			handler := bounces.New(f.c, f.handoffs, store.NewBounces(f.db, f.tables), f.sender, f.clock.Now, testenv.Logger(t))
			at := paris(t, "2026-11-30 10:01")
			f.clock.Set(at)
			ev := f.bounceEvent(h, 0, tc.kind, "fb-"+f.marker, at)
			want := bounces.Recorded
			if tc.taken {
				want = bounces.SQLBounce
			}
			for i, w := range []bounces.Outcome{want, bounces.Duplicate} {
				if got, err := handler.Process(testenv.AsFunction(context.Background(), "BouncesFunction"), ev); err != nil || got != w {
					t.Fatalf("delivery %d: %q, %v; want %q", i+1, got, err, w)
				}
			}
			// The checker, twice at the same minute, then through the first rep's deadlines.
			f.run(paris(t, "2026-11-30 10:02"))
			f.run(paris(t, "2026-11-30 10:02"))
			after := f.get(h.Key)
			mails := f.mails()
			var ops, sqlTo []string
			for _, m := range mails[1:] {
				to := strings.Join(m.Destination.To, ",")
				switch {
				case strings.Contains(to, "marketing-ops@"):
					ops = append(ops, m.Subject)
				default:
					sqlTo = append(sqlTo, to)
				}
			}
			if !tc.taken {
				if len(mails) != 1 || after.Mail.Status != outbox.MailSent || after.Rep() != first {
					t.Fatalf("a transient bounce changed things: %d emails, mail %s, rep %s", len(mails), after.Mail.Status, after.Rep())
				}
				if _, ok := f.events(h.Key)["mail.bounced#0.0"]; !ok {
					t.Errorf("not recorded: events %s", ids(f.events(h.Key)))
				}
				return
			}
			if len(ops) != 1 || !strings.Contains(ops[0], "ACME "+f.marker) {
				t.Errorf("marketing ops told %d times: %q", len(ops), ops)
			}
			events := ids(f.events(h.Key))
			if tc.reassigned {
				repB, _ := f.c.Rep(after.Rep())
				if after.Rep() == first || after.Mail.Status != outbox.MailSent || len(sqlTo) != 1 || !strings.Contains(sqlTo[0], repB.Email) ||
					!strings.Contains(events, "reassignment#0.0") || !after.ClockFrom.Equal(paris(t, "2026-11-30 10:02")) {
					t.Fatalf("reassigned to %s (mail %s), SQL emails to %v, events %s", after.Rep(), after.Mail.Status, sqlTo, events)
				}
			} else if !after.Held() || after.Rep() != first || len(sqlTo) != 0 || len(after.Pending) != 0 {
				t.Fatalf("held %v, rep %s, SQL emails to %v, pending %v", after.Held(), after.Rep(), sqlTo, after.Pending)
			}
			if !strings.Contains(events, "mail.bounced#0.0") || !strings.Contains(events, "mail.undelivered#0.0") {
				t.Errorf("events %s", events)
			}
			sent := len(mails)
			for _, at := range []time.Time{h.Reminders[0], h.Reminders[1], h.FirstContactDue, h.FeedbackDue} {
				f.run(at.Add(time.Second))
			}
			for _, m := range f.mails()[sent:] {
				if strings.Contains(strings.Join(append(m.Destination.To, m.Destination.Cc...), ","), repA.Email) || strings.Contains(m.Body.Text, repA.Name) {
					t.Errorf("the first rep, who never had the SQL, is chased: %q to %v", m.Subject, m.Destination.To)
				}
				if !tc.reassigned {
					t.Errorf("a held SQL sent %q to %v", m.Subject, m.Destination.To)
				}
			}
		})
	}
}
