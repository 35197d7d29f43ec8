package deadlines_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// refuse records the lead's no to the consent question, on the contact form, at at.
func (f *fixture) refuse(leadID string, at time.Time) {
	f.t.Helper()
	ctx := context.Background()
	l, err := f.leads.Get(ctx, leadID)
	if err != nil {
		f.t.Fatal(err)
	}
	d := webhook.Delivery{Source: "site-contact", ID: fmt.Sprint("no-", f.marker, f.seq.Add(1)), BodyHash: "h", At: at}
	sub := lead.Submission{OccurredAt: at, Consent: &lead.Consent{Given: false, At: at, Field: "J'accepte d'être recontacté"},
		Contact: lead.Contact{Email: l.Contact.Email}}
	if _, err := f.leads.SaveSubmission(ctx, d, sub, lead.Activity{ID: "a" + d.ID, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at,
		Source: d.Source, DeliveryID: d.ID}, func(string) webhook.Answer { return webhook.Answer{Status: 202} }); err != nil {
		f.t.Fatal(err)
	}
}

// openSQLs is a rep's count of SQLs awaiting their answer.
func (f *fixture) openSQLs(rep string) string {
	f.t.Helper()
	out, err := f.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &f.tables.SLA, Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "LOAD"}, "sk": &types.AttributeValueMemberS{Value: "REP#" + rep}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return fmt.Sprint(out.Item["open"].(*types.AttributeValueMemberN).Value)
}

// TestNoSQLEmailLeavesAfterANo: the rep has not had the SQL email (SES refused it, or its outcome is unknown)
// when the lead answers no. Whoever would send it next — notify's retry from its stream, the checker's resend of
// an email left unconfirmed — it does not leave: the hand-off is withdrawn (its email abandoned, the rep's
// capacity released, out of the checker's index and the open SQLs), marketing ops are told once, and nothing
// more is sent to anyone about it, past every deadline.
func TestNoSQLEmailLeavesAfterANo(t *testing.T) {
	t.Parallel()
	refused := fmt.Errorf("%w: MessageRejected", outbox.ErrRejected)
	unknown := errors.New("read tcp: connection reset by peer")
	tests := []struct {
		name string
		fail error
		// retry is notify's retry from its stream (else the checker finds the email stale).
		retry bool
	}{
		{"notify's retry", refused, true},
		{"the checker's resend of a refused email", refused, false},
		{"the checker's resend of an email whose outcome is unknown", unknown, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			at := paris(t, "2026-11-30 10:00")
			h := f.sqlWhoseEmailFails("FR-IDF", at, tc.fail)
			if len(f.mails()) != 0 || !h.Mail.Outstanding() {
				t.Fatalf("the SQL email left or was confirmed: %+v", h.Mail)
			}
			f.refuse(h.LeadID, at.Add(time.Minute))
			if tc.retry {
				f.clock.Set(at.Add(2 * time.Minute))
				if err := f.notifier.Handoff(context.Background(), h.LeadID); err != nil {
					t.Fatalf("notify's retry: %v (a withdrawn hand-off leaves nothing to retry)", err)
				}
				f.run(at.Add(2 * time.Minute)) // the alert
			}
			for _, when := range []time.Time{at.Add(handoff.StuckAfter), at.Add(handoff.StuckAfter + time.Minute), h.Reminders[0], h.FirstContactDue,
				h.FeedbackDue.Add(time.Hour)} {
				f.run(when)
			}
			checkMails(t, "after her no", f.mails(), []wantMail{{to: ops, subject: []string{"E-mail non envoyé, pas de consentement", h.LeadCompany},
				text: []string{"la dernière réponse du lead à la question du consentement est non", "Ne transmettez pas ce lead à Thomas Martin"}}})
			got := f.get(h.Key)
			if got.Mail.Status != outbox.MailAbandoned || got.Withdrawn.IsZero() || got.FirstContactBreaches != 0 || len(got.Pending) != 0 {
				t.Errorf("the hand-off: mail %+v, withdrawn %s, breaches %d, pending %v; want withdrawn, nothing chased", got.Mail, got.Withdrawn,
					got.FirstContactBreaches, got.Pending)
			}
			if e := f.events(h.Key); ids(e) != "mail.undelivered#0.0" || e["mail.undelivered#0.0"].Reason != handoff.ReasonConsentRefused {
				t.Errorf("events %s (%+v), want the alert to ops only", ids(e), e)
			}
			if open := f.openSQLs("thomas-martin"); open != "0" {
				t.Errorf("the rep holds %s open SQLs, want 0 (the withdrawn one released)", open)
			}
			var listed []string
			if err := f.handoffs.ForEachOpen(context.Background(), func(o handoff.Handoff) error {
				if o.LeadID == h.LeadID {
					listed = append(listed, o.Key.String())
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(listed) != 0 {
				t.Errorf("still among the open SQLs: %v", listed)
			}
		})
	}
}

// TestANoAfterTheHandOffIsNotReassigned: a no once the rep has had the SQL email does not end the hand-off (the
// rep holds the lead's details already, the breach is escalated to the manager), but the SQL is not reassigned:
// its SQL email would give another rep the details of a person who said no.
func TestANoAfterTheHandOffIsNotReassigned(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	h := f.sql("FR-IDF", paris(t, "2026-11-30 10:00"))
	f.refuse(h.LeadID, paris(t, "2026-11-30 10:30"))
	f.run(h.FirstContactDue)
	got := f.get(h.Key)
	if got.Rep() != "thomas-martin" || got.Reassignments != 0 || got.FirstContactBreaches != 1 || !got.Withdrawn.IsZero() {
		t.Errorf("after the breach: rep %s, %d reassignment(s), %d breach(es), withdrawn %s; want Thomas's still, breached, not reassigned",
			got.Rep(), got.Reassignments, got.FirstContactBreaches, got.Withdrawn)
	}
	for _, m := range f.mails() {
		if strings.Contains(m.Subject, h.LeadCompany) && !strings.Contains(addrs(m.Destination.To), thomas) && !strings.Contains(addrs(m.Destination.To), claire) {
			t.Errorf("an email about the SQL to %v after her no: %q", m.Destination.To, m.Subject)
		}
	}
}
