package deadlines_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/deadlines/crashtest"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/emailtest"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

var linkKey = []byte("test-feedback-link-key-0123456789")

// clock is the injected clock every handler of a fixture reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// advanceTo moves the clock forward to t (never back): what waiting does.
func (c *clock) advanceTo(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.t) {
		c.t = t
	}
}

type fixture struct {
	t        *testing.T
	c        *contract.Contract
	clock    *clock
	db       *dynamodb.Client
	tables   store.Tables
	leads    *store.Leads
	handoffs *store.Handoffs
	sender   *emailtest.Sender
	notifier *notify.Notifier
	checker  *deadlines.Checker
	// proc is the checker's process: a test makes it die at a point of a check (crashtest).
	proc   *crashtest.Process
	marker string // in every lead's company name: the emails of this test are those that carry it
	seq    atomic.Int64
	// notifyMayFail: the hand-off's SQL email is made to fail (sqlWhoseEmailFails).
	notifyMayFail bool
}

// newFixture wires the checker as functions/deadlines does, on DynamoDB Local and SES local, with the example
// contract edited by the given replacements (old, new, old, new…).
func newFixture(t *testing.T, edits ...string) *fixture {
	t.Helper()
	data, err := os.ReadFile(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(edits); i += 2 {
		if !bytes.Contains(data, []byte(edits[i])) {
			t.Fatalf("the example contract has no %q", edits[i])
		}
		data = bytes.Replace(data, []byte(edits[i]), []byte(edits[i+1]), 1)
	}
	c, err := contract.Parse("contract.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	f := &fixture{t: t, c: c, clock: &clock{}, db: testenv.DynamoDB(t), sender: emailtest.NewSender(t),
		tables: store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location},
		marker: fmt.Sprintf("T%d", time.Now().UnixNano()%1e9)}
	f.leads, f.handoffs = store.NewLeads(f.db, f.tables), store.NewHandoffs(f.db, f.tables)
	links := email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"}
	if f.notifier, err = notify.New(c, f.leads, f.handoffs, f.sender, links, f.clock.Now, testenv.Logger(t)); err != nil {
		t.Fatal(err)
	}
	f.proc = crashtest.New()
	if f.checker, err = deadlines.New(c, f.proc.Handoffs(f.handoffs), f.leads, f.proc.Sender(f.sender), links, f.clock.Now, testenv.Logger(t)); err != nil {
		t.Fatal(err)
	}
	f.checker.Workers = 4
	f.checker.Wait = func(_ context.Context, until time.Time) error {
		f.clock.advanceTo(until)
		return nil
	}
	return f
}

func paris(t testing.TB, s string) time.Time {
	t.Helper()
	loc, _ := time.LoadLocation("Europe/Paris")
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// sql stores a lead of a region that became an SQL at at, and hands it off as notify does (at that instant).
func (f *fixture) sql(region string, at time.Time) handoff.Handoff {
	f.t.Helper()
	return f.sqlOwnedBy("", region, at)
}

// sqlOwnedBy is sql for a lead a rep owns already (notify keeps the owner, away or not); "" for none.
func (f *fixture) sqlOwnedBy(owner, region string, at time.Time) handoff.Handoff {
	f.t.Helper()
	ctx := context.Background()
	n := f.seq.Add(1)
	d := webhook.Delivery{Source: "site-contact", ID: fmt.Sprint("d", f.marker, n), BodyHash: "h", At: at}
	sub := lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: fmt.Sprintf("lead%d@%s.fr", n, strings.ToLower(f.marker)),
		FirstName: "Claire", LastName: "Dubois", Company: fmt.Sprintf("ACME %s %d", f.marker, n), CompanySize: "250-499", Region: region,
		JobTitle: "Directrice technique", Phone: "+33472000000"}}
	saved, err := f.leads.SaveSubmission(ctx, d, sub,
		lead.Activity{ID: "a" + d.ID, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		f.t.Fatal(err)
	}
	_, err = f.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &f.tables.Leads,
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + saved.LeadID}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}},
		UpdateExpression: aws.String("SET stage = :sql, sqlAt = :at, score = :s, fitScore = :s, behaviourScore = :z, ownerId = :owner"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":sql": &types.AttributeValueMemberS{Value: "sql"},
			":at": &types.AttributeValueMemberS{Value: at.UTC().Format("2006-01-02T15:04:05.000Z")}, ":s": &types.AttributeValueMemberN{Value: "75"},
			":z": &types.AttributeValueMemberN{Value: "0"}, ":owner": &types.AttributeValueMemberS{Value: owner}}})
	if err != nil {
		f.t.Fatal(err)
	}
	f.clock.Set(at)
	if err := f.notifier.Handoff(testenv.AsFunction(ctx, "NotifyFunction"), saved.LeadID); err != nil && !f.notifyMayFail {
		f.t.Fatal(err)
	}
	return f.get(handoff.Key{LeadID: saved.LeadID, At: at})
}

// sqlWhoseEmailFails is sql with the SQL email's sending failing with err: a refusal leaves it claimed, an
// unknown outcome (a reset connection after SES may have accepted) leaves it sending.
func (f *fixture) sqlWhoseEmailFails(region string, at time.Time, errs ...error) handoff.Handoff {
	f.t.Helper()
	f.sender.FailNext(errs...)
	f.notifyMayFail = true
	defer func() { f.notifyMayFail = false }()
	return f.sql(region, at)
}

func (f *fixture) get(k handoff.Key) handoff.Handoff {
	f.t.Helper()
	h, err := f.handoffs.Get(context.Background(), k)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// run is one run of the checker at an instant of the contract's zone (window 0: what is due then).
func (f *fixture) run(at time.Time) deadlines.Result {
	f.t.Helper()
	res, err := f.runErr(at)
	if err != nil {
		f.t.Fatalf("run at %s: %v", at, err)
	}
	return res
}

func (f *fixture) runErr(at time.Time) (deadlines.Result, error) {
	f.clock.Set(at)
	return f.checker.Run(testenv.AsFunction(context.Background(), "DeadlinesFunction"), 0)
}

// answer records a rep's response as the feedback page does.
func (f *fixture) answer(k handoff.Key, r handoff.Response) {
	f.t.Helper()
	f.clock.Set(r.At)
	_, err := f.handoffs.Update(context.Background(), k, r.At, func(h *handoff.Handoff) ([]handoff.Event, error) {
		if _, err := h.Record(r, f.c.Calendar); err != nil {
			return nil, err
		}
		return nil, nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
}

// mails are this test's emails in SES local, in the order sent.
func (f *fixture) mails() []testenv.Mail { return testenv.Mails(f.t, f.marker) }

// events are the SLA events recorded on a lead's hand-offs, by ID (kind#n).
func (f *fixture) events(k handoff.Key) map[string]handoff.Event {
	f.t.Helper()
	out, err := f.db.Query(context.Background(), &dynamodb.QueryInput{TableName: &f.tables.SLA, ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :evt)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "LEAD#" + k.LeadID},
			":evt": &types.AttributeValueMemberS{Value: "EVT#" + k.At.UTC().Format("2006-01-02T15:04:05.000Z") + "#"}}})
	if err != nil {
		f.t.Fatal(err)
	}
	events := map[string]handoff.Event{}
	for _, it := range out.Items {
		if testenv.Attr(it, "handoffAt") == "" {
			continue // the lead's creation or a stage change, recorded in the same key space
		}
		sk := testenv.Attr(it, "sk")
		id := sk[len("EVT#")+len("2006-01-02T15:04:05.000Z")+1:]
		e, err := f.handoffs.Event(context.Background(), k, id)
		if err != nil {
			f.t.Fatal(err)
		}
		events[id] = e
	}
	return events
}

// ids lists the keys of the events, sorted.
func ids(events map[string]handoff.Event) string {
	var out []string
	for id := range events {
		out = append(out, id)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
