package deadlines_test

// Independent audit of the GDPR work (issue 17): the deadline checker and an erasure, judged against README.md's
// "Erasure" ("the hand-off is ended (no more checks, reminders or answers …)") and "Consent" ("To stop all
// contact, erase the person … nothing more is sent about them").

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/forget"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/monthly"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// erasingHandoffs is the checker's store, with an erasure of the person completing right after the checker
// read their hand-off from due-checks and before it acts on it: what a `handoff forget` run at that instant does.
type erasingHandoffs struct {
	*store.Handoffs
	erase func()
}

func (e erasingHandoffs) ForEachDue(ctx context.Context, before time.Time, fn func(handoff.Handoff) error) error {
	return e.Handoffs.ForEachDue(ctx, before, func(h handoff.Handoff) error {
		e.erase()
		return fn(h)
	})
}

// TestAudit17NothingIsSentAboutAnErasedPerson: after an erasure nothing more is sent about the person — the
// reminder whose first sending SES refused (still pending on the hand-off) included. Twice: the erasure before
// the checker's run; the erasure while the run holds the hand-off it read from the index.
func TestAudit17NothingIsSentAboutAnErasedPerson(t *testing.T) {
	for _, race := range []bool{false, true} {
		name := map[bool]string{false: "erased before the run", true: "erased while the run holds the hand-off"}[race]
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			h := f.sql("FR-IDF", paris(t, "2026-11-30 09:00"))
			l, err := f.leads.Get(ctx, h.LeadID)
			if err != nil {
				t.Fatal(err)
			}
			// The first reminder falls due; SES refuses its email: it stays pending for the next run.
			f.sender.FailNext(outbox.ErrRejected)
			if _, err := f.runErr(h.Reminders[0]); err == nil {
				t.Fatal("the refused reminder did not fail the run")
			}
			if h = f.get(h.Key); len(h.Pending) != 1 {
				t.Fatalf("the refused reminder is not pending: %+v", h.Pending)
			}
			before := len(f.mails())
			var logs testenv.SyncBuffer
			log := slog.New(slog.NewJSONHandler(&logs, nil))
			people := store.NewPeople(f.db, f.tables)
			erase := func() {
				if r, err := forget.Person(ctx, people, l.Contact.Email, f.clock.Now()); err != nil || r.Status != forget.StatusErased && !race {
					t.Errorf("forget: %+v %v", r, err)
				}
			}
			var hs deadlines.Handoffs = f.handoffs
			if race {
				hs = erasingHandoffs{Handoffs: f.handoffs, erase: erase}
			} else {
				erase()
			}
			checker, err := deadlines.New(f.c, hs, f.leads, f.sender, email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"}, f.clock.Now, log)
			if err != nil {
				t.Fatal(err)
			}
			checker.Wait = f.checker.Wait
			f.clock.Set(h.Reminders[0].Add(time.Minute))
			if _, err := checker.Run(ctx, 0); err != nil {
				t.Logf("run: %v", err)
			}
			for _, m := range f.mails()[before:] {
				t.Errorf("sent after the erasure, to %v: %q", m.Destination.To, m.Subject)
			}
			for _, v := range []string{l.Contact.Email, l.Contact.LastName, "472000000"} {
				if strings.Contains(logs.String(), v) {
					t.Errorf("the checker's logs name %q", v)
				}
			}
		})
	}
}

// TestAudit17APersonThroughEveryHandlerThenErased: a person with distinctive values through notify, the checker
// (reminders, the breach, the reassignment and its SQL email), the feedback page (a rejection whose comment names
// her), the monthly report, then `POST /v1/ops/forget` with her address as she typed it. Afterwards: none of her
// values in any table or index; nothing sent about her (the checker again, a copy of the month's report); and in
// no log line of any handler, before or after ("Logs carry lead IDs, never a name, an email or a phone").
func TestAudit17APersonThroughEveryHandlerThenErased(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var logs testenv.SyncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, nil))
	links := email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"}
	notifier, err := notify.New(f.c, f.leads, f.handoffs, f.sender, links, f.clock.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	checker, err := deadlines.New(f.c, f.handoffs, f.leads, f.sender, links, f.clock.Now, log)
	if err != nil {
		t.Fatal(err)
	}
	checker.Wait = f.checker.Wait
	mk := strings.ToLower(f.marker)
	typed := "Zoe.Q" + mk + "@Quintrell-Forges.FR"
	normal := strings.ToLower(typed)
	first, last, company, comment := "Zoélie", "Quintrellan"+f.marker, "Forges Quintrellan "+f.marker, "Zoélie "+f.marker+" ne veut pas de devis"
	at := paris(t, "2026-11-30 09:00")
	d := webhook.Delivery{Source: "site-contact", ID: "zoe-" + f.marker, BodyHash: "h", At: at}
	saved, err := f.leads.SaveSubmission(ctx, d, lead.Submission{OccurredAt: at, Message: "Rappelez " + first + " au 06 12 34 56 78",
		Consent: &lead.Consent{Given: true, At: at}, Contact: lead.Contact{Email: normal, EmailOriginal: typed, FirstName: first, LastName: last,
			Phone: "+33612345678", Company: company, CompanySize: "250-499", Region: "FR-IDF", JobTitle: "Gérante unique"}},
		lead.Activity{ID: "a" + d.ID, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		t.Fatal(err)
	}
	id := saved.LeadID
	if _, err := f.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &f.tables.Leads,
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}},
		UpdateExpression: aws.String("SET stage = :sql, sqlAt = :at"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":sql": &types.AttributeValueMemberS{Value: "sql"},
			":at": &types.AttributeValueMemberS{Value: at.UTC().Format("2006-01-02T15:04:05.000Z")}}}); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(at)
	if err := notifier.Handoff(ctx, id); err != nil {
		t.Fatal(err)
	}
	h := f.get(handoff.Key{LeadID: id, At: at})
	for _, when := range append(slices.Clone(h.Reminders), h.FirstContactDue.Add(time.Minute)) {
		f.clock.Set(when)
		if _, err := checker.Run(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	if h = f.get(h.Key); h.Reassignments != 1 {
		t.Fatalf("not reassigned after the breach: %+v", h)
	}
	// The new rep rejects it on the page, naming her.
	page := feedback.NewPage(f.c, f.handoffs, f.leads, signed.Keys{linkKey}, f.clock.Now, log)
	f.clock.Set(h.ClockFrom.Add(30 * time.Minute)) // Monday evening: in November
	reject := links.Links(h, f.clock.Now()).Reject
	token := reject[strings.LastIndexByte(reject, '/')+1:]
	req := events.APIGatewayV2HTTPRequest{RawPath: "/v1/feedback/" + token, PathParameters: map[string]string{"token": token},
		Headers: map[string]string{"host": "sla.maintenia.fr"}, Body: url.Values{"reason": {"other"}, "comment": {comment}}.Encode()}
	req.RequestContext.HTTP.Method = "POST"
	if resp, err := page.Handle(ctx, req); err != nil || resp.StatusCode != 303 {
		t.Fatalf("reject: %d %v %s", resp.StatusCode, err, resp.Body)
	}
	// The month's report.
	reporter := monthly.New(f.c, store.NewMonths(f.db, f.tables), store.NewReports(f.db, f.tables), f.sender, f.clock.Now, log)
	f.clock.Set(time.Date(2026, 12, 1, 6, 0, 0, 0, time.UTC))
	if _, err := reporter.Handle(ctx, json.RawMessage(`{"month":"2026-11"}`)); err != nil {
		t.Fatal(err)
	}
	values := []string{normal, "zoe.q" + mk, first, last, "612345678", "06 12 34 56 78", company, comment, "Gérante unique"}
	if hits := testenv.Occurrences(t, f.db, []string{f.tables.Leads, f.tables.Activities, f.tables.Deliveries, f.tables.SLA}, comment, company); len(hits) == 0 {
		t.Fatal("none of her values stored: the check would prove nothing")
	}
	t.Logf("before the erasure: %d of her values stored", len(testenv.Occurrences(t, f.db, []string{f.tables.SLA}, comment)))
	sentBefore := len(testenv.Mails(t, id))

	// Erased by the ops route, with her address as she typed it.
	eraser := forget.New(store.NewPeople(f.db, f.tables), f.clock.Now, log)
	resp, err := eraser.Handle(ctx, events.APIGatewayV2HTTPRequest{Body: `{"email":"` + typed + `"}`})
	if err != nil || resp.StatusCode != 200 || !strings.Contains(resp.Body, `"erased"`) {
		t.Fatalf("forget: %d %v %s", resp.StatusCode, err, resp.Body)
	}
	if !strings.Contains(resp.Body, `"reports":1`) {
		t.Errorf("the month's report of record holds her comment, and the erasure rewrote no report: %s", resp.Body)
	}
	t.Logf("forget: %s", resp.Body)
	// Afterwards: the checker at the feedback deadline and later, a copy of the report.
	for _, when := range []time.Time{h.FeedbackDue.Add(time.Minute), h.FeedbackDue.Add(72 * time.Hour)} {
		f.clock.Set(when)
		if _, err := checker.Run(ctx, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := reporter.Handle(lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "resend-1"}), json.RawMessage(`{"month":"2026-11","resend":true}`)); err != nil {
		t.Fatal(err)
	}
	for _, hit := range testenv.Occurrences(t, f.db, []string{f.tables.Leads, f.tables.Activities, f.tables.Deliveries, f.tables.SLA}, values...) {
		t.Errorf("left after the erasure: %s", hit)
	}
	for _, m := range testenv.Mails(t, id)[sentBefore:] {
		all := m.Subject + m.Body.Text + m.Body.HTML
		for _, a := range m.Attachments {
			all += string(a.Content)
		}
		for _, v := range values {
			if strings.Contains(strings.ToLower(all), strings.ToLower(v)) {
				t.Errorf("an email sent after the erasure (%q) holds %q", m.Subject, v)
			}
		}
	}
	for _, v := range values {
		if strings.Contains(strings.ToLower(logs.String()), strings.ToLower(v)) {
			t.Errorf("the handlers' logs hold %q", v)
		}
	}
	t.Logf("%d emails sent in all about her, %d log bytes", len(testenv.Mails(t, id)), len(logs.String()))
}

// TestAudit17NoSQLEmailAfterANoBeforeTheRepHasIt: README "Consent": "A lead whose latest answer is no is never
// handed off, whatever the contract says"; "A no after the hand-off … does not end the hand-off: the rep holds
// the lead's details already". Here the rep does not: SES refused the SQL email (notify's stream retries it), and
// her no arrives before the retry. The retry sends her name and email to the rep after her refusal.
func TestAudit17NoSQLEmailAfterANoBeforeTheRepHasIt(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	at := paris(t, "2026-11-30 09:00")
	h := f.sqlWhoseEmailFails("FR-IDF", at, outbox.ErrRejected)
	if h.Mail.Status != outbox.MailClaimed || len(f.mails()) != 0 {
		t.Fatalf("the SQL email was not refused: %+v, %d sent", h.Mail, len(f.mails()))
	}
	l, err := f.leads.Get(ctx, h.LeadID)
	if err != nil {
		t.Fatal(err)
	}
	// Her no, a minute later, on the contact form.
	no := at.Add(time.Minute)
	d := webhook.Delivery{Source: "site-contact", ID: "no-" + f.marker, BodyHash: "h", At: no}
	if _, err := f.leads.SaveSubmission(ctx, d, lead.Submission{OccurredAt: no, Consent: &lead.Consent{Given: false, At: no, Field: "J'accepte d'être recontacté"},
		Contact: lead.Contact{Email: l.Contact.Email}}, lead.Activity{ID: "a" + d.ID, Type: lead.FormSubmit, OccurredAt: no, ReceivedAt: no, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} }); err != nil {
		t.Fatal(err)
	}
	// The stream's retry of the SQL record.
	f.clock.Set(no.Add(time.Minute))
	if err := f.notifier.Handoff(ctx, h.LeadID); err != nil {
		t.Fatal(err)
	}
	for _, m := range f.mails() {
		if strings.Contains(m.Body.Text, l.Contact.Email) {
			t.Errorf("after her no, the rep %v was sent her details: %q", m.Destination.To, m.Subject)
		}
	}
}
