package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/devstack/ttlsample"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/emailtest"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/routing"
	"github.com/handoff-sla/handoff/internal/signed"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

// Friday 27 November 2026, 17:30 in Paris: after the example contract's Friday close (17:00).
var friday = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)

var linkKey = []byte("test-feedback-link-key-0123456789")

type fixture struct {
	t        testing.TB
	db       *dynamodb.Client
	tables   store.Tables
	leads    *store.Leads
	handoffs *store.Handoffs
	c        *contract.Contract
	sender   *emailtest.Sender
	n        *notify.Notifier
	seq      atomic.Int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	names := testenv.Tables(t)
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: testenv.DynamoDB(t), c: c, sender: emailtest.NewSender(t),
		tables: store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}}
	f.leads, f.handoffs = store.NewLeads(f.db, f.tables), store.NewHandoffs(f.db, f.tables)
	f.n, err = notify.New(c, f.leads, f.handoffs, f.sender, email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"},
		func() time.Time { return friday }, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// sql stores a lead that scoring just made an SQL (sqlAt = friday) and returns its stream record.
func (f *fixture) sql(email, company, size, region string, extra map[string]types.AttributeValue) (string, events.DynamoDBEventRecord) {
	f.t.Helper()
	d := webhook.Delivery{Source: "site-contact", ID: fmt.Sprint("d", f.seq.Add(1)), BodyHash: "h", At: friday}
	sub := lead.Submission{OccurredAt: friday, Contact: lead.Contact{Email: email, FirstName: "Claire", LastName: "Dubois",
		Company: company, CompanySize: size, Region: region, JobTitle: "Directrice technique", Phone: "+33472000000"}}
	saved, err := f.leads.SaveSubmission(context.Background(), d, sub,
		lead.Activity{ID: "a" + d.ID, Type: lead.FormSubmit, OccurredAt: friday, ReceivedAt: friday, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		f.t.Fatal(err)
	}
	values := map[string]types.AttributeValue{":sql": &types.AttributeValueMemberS{Value: "sql"}, ":at": &types.AttributeValueMemberS{Value: "2026-11-27T16:30:00.000Z"},
		":score": &types.AttributeValueMemberN{Value: "91"}, ":fit": &types.AttributeValueMemberN{Value: "50"}, ":beh": &types.AttributeValueMemberN{Value: "41"},
		":exp": &types.AttributeValueMemberS{Value: `[{"rule":"decision-maker","kind":"fit","points":20,"note":"job_title matches …"},{"rule":"demo-request","kind":"hand_raiser","points":0,"activityId":"x","activityType":"demo_request","at":"2026-11-27T16:20:00Z"}]`}}
	set := "SET stage = :sql, sqlAt = :at, score = :score, fitScore = :fit, behaviourScore = :beh, explanation = :exp"
	for k, v := range extra {
		values[":"+k] = v
		set += ", " + k + " = :" + k
	}
	_, err = f.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: &f.tables.Leads,
		Key:              map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + saved.LeadID}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}},
		UpdateExpression: aws.String(set), ExpressionAttributeValues: values})
	if err != nil {
		f.t.Fatal(err)
	}
	return saved.LeadID, events.DynamoDBEventRecord{EventName: "MODIFY", Change: events.DynamoDBStreamRecord{
		SequenceNumber: fmt.Sprintf("2%020d", f.seq.Add(1)),
		NewImage: map[string]events.DynamoDBAttributeValue{"leadId": events.NewStringAttribute(saved.LeadID), "stage": events.NewStringAttribute("sql"),
			"sk": events.NewStringAttribute("#PROFILE")},
	}}
}

func (f *fixture) handle(recs ...events.DynamoDBEventRecord) events.DynamoDBEventResponse {
	f.t.Helper()
	resp, err := f.n.HandleStream(testenv.AsFunction(context.Background(), "NotifyFunction"), events.DynamoDBEvent{Records: recs})
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

// sqls stores n SQLs of 40-employee companies in a region and returns their stream records.
func (f *fixture) sqls(n int, name, region string) []events.DynamoDBEventRecord {
	f.t.Helper()
	recs := make([]events.DynamoDBEventRecord, 0, n)
	for i := 0; i < n; i++ {
		_, rec := f.sql(fmt.Sprintf("lead%03d@%s-%d.fr", i, name, i), fmt.Sprint(name, " ", i), "40", region, nil)
		recs = append(recs, rec)
	}
	return recs
}

// handleConcurrently hands the records, one per invocation, to that many concurrent consumers. A record that
// fails (its assignment kept losing races past notify's attempts, on a loaded machine) is delivered again, as
// the stream mapping would, up to twice.
func (f *fixture) handleConcurrently(recs []events.DynamoDBEventRecord, consumers int) {
	var wg sync.WaitGroup
	for w := 0; w < consumers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(recs); i += consumers {
				resp := f.handle(recs[i])
				for retry := 0; retry < 2 && len(resp.BatchItemFailures) != 0; retry++ {
					resp = f.handle(recs[i])
				}
				if len(resp.BatchItemFailures) != 0 {
					f.t.Errorf("failures after the stream's retries %+v", resp)
				}
			}
		}()
	}
	wg.Wait()
}

// handoff is the lead's hand-off (the SQL of friday), and its item as stored (for the index attributes).
func (f *fixture) handoff(id string) (handoff.Handoff, map[string]types.AttributeValue) {
	f.t.Helper()
	h, err := f.handoffs.Get(context.Background(), handoff.Key{LeadID: id, At: friday})
	if errors.Is(err, handoff.ErrNotFound) {
		return handoff.Handoff{}, nil
	}
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := f.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &f.tables.SLA, ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, "sk": &types.AttributeValueMemberS{Value: "HANDOFF#2026-11-27T16:30:00.000Z"}}})
	if err != nil {
		f.t.Fatal(err)
	}
	return h, out.Item
}

var str = testenv.Attr

func TestOneSQLOneEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, rec := f.sql("claire@acme-industrie.fr", "ACME Industrie", "250-499", "FR-HDF", nil)
	if resp := f.handle(rec); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures: %+v", resp.BatchItemFailures)
	}
	mails := testenv.Mails(t, id)
	if len(mails) != 1 {
		t.Fatalf("%d emails for the SQL, want 1", len(mails))
	}
	m := mails[0]
	// Region FR-HDF: team nord, Thomas Martin; his manager in copy.
	if len(m.Destination.To) != 1 || !strings.Contains(m.Destination.To[0], "thomas.martin@maintenia.fr") ||
		len(m.Destination.Cc) != 1 || !strings.Contains(m.Destination.Cc[0], "claire.dubois@maintenia.fr") {
		t.Errorf("destination = %+v", m.Destination)
	}
	if m.Subject != "Nouveau SQL : ACME Industrie (score 91)" || !strings.Contains(m.From, "sla@maintenia.fr") {
		t.Errorf("subject %q from %q", m.Subject, m.From)
	}
	// Friday 17:30, 4 business hours, the example's hours (Mon 9:00–12:30, 13:30–): Monday 14:00.
	for _, want := range []string{"lundi 30/11/2026 à 14:00", "Claire Dubois", "Directrice technique", "territoire Nord, Thomas Martin couvre Hauts-de-France",
		"Décideur", "A demandé une démo le 27/11", "https://sla.maintenia.fr/v1/feedback/"} {
		if !strings.Contains(m.Body.HTML, want) || !strings.Contains(m.Body.Text, want) {
			t.Errorf("the email lacks %q", want)
		}
	}
	// The explanation stored before it was data (an English note with the rule's condition) reads in French.
	wordstest.French(t, "SQL email as sent (subject)", m.Subject)
	wordstest.French(t, "SQL email as sent (text)", m.Body.Text)
	wordstest.French(t, "SQL email as sent (html)", m.Body.HTML)
	h, item := f.handoff(id)
	if h.Mail.Status != outbox.MailSent || h.Rep() != "thomas-martin" || !h.FirstContactDue.Equal(time.Date(2026, 11, 30, 13, 0, 0, 0, time.UTC)) ||
		h.Mail.MessageID != m.MessageID || str(item, "dueAt") != "2026-11-30T10:00:00.000Z" || str(item, "month") != store.MonthPartition(contract.Month{Year: 2026, Month: 11}, id) {
		t.Errorf("hand-off = %+v (due %s)", h, str(item, "dueAt"))
	}
	// The links are bound to this hand-off and this rep.
	for _, line := range strings.Split(m.Body.Text, "\n") {
		if i := strings.Index(line, "/v1/feedback/"); i >= 0 {
			c, err := handoff.Verify(signed.Keys{linkKey}, strings.TrimSpace(line[i+len("/v1/feedback/"):]), friday)
			if err != nil || c.Handoff != h.Key || c.RepID != "thomas-martin" {
				t.Errorf("link %q: %+v %v", line, c, err)
			}
		}
	}
}

func TestDuplicateDeliveriesSendOneEmail(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, rec := f.sql("paul@meca-precision.fr", "Méca Précision", "80", "FR-OCC", nil)
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); f.handle(rec, rec) }()
	}
	wg.Wait()
	f.handle(rec)
	if n := len(testenv.Mails(t, id)); n != 1 {
		t.Errorf("%d emails after 11 deliveries, want 1", n)
	}
	if n := f.sender.Calls.Load(); n != 1 {
		t.Errorf("SES was called %d times", n)
	}
}

func TestSESFailureOnTheFirstTry(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, rec := f.sql("ana@forges-lopez.fr", "Forges Lopez", "120", "FR-NAQ", nil)
	f.sender.FailNext(fmt.Errorf("%w: MessageRejected", outbox.ErrRejected))
	resp := f.handle(rec)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != rec.Change.SequenceNumber {
		t.Fatalf("a refused email must fail its record: %+v", resp)
	}
	// Nothing left: the email is claimed again (for the retry), the assignment stays.
	if h, _ := f.handoff(id); h.Mail.Status != outbox.MailClaimed || h.Mail.Attempts != 1 || len(testenv.Mails(t, id)) != 0 {
		t.Fatalf("after a refusal: mail %+v, %d emails", h.Mail, len(testenv.Mails(t, id)))
	}
	// The stream retries the record: now it goes.
	if resp := f.handle(rec); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("retry: %+v", resp)
	}
	if n := len(testenv.Mails(t, id)); n != 1 {
		t.Errorf("%d emails after the retry, want 1", n)
	}
	loads, err := f.handoffs.TeamLoads(context.Background(), "sud-ouest")
	if err != nil {
		t.Fatal(err)
	}
	total, open := 0, 0
	for _, l := range loads {
		total += l.Assigned
		open += l.Open
	}
	if total != 1 || open != 1 {
		t.Errorf("the retry counted the assignment again: %d assignments in sud-ouest, want 1 (%v)", total, loads)
	}
}

// TestThrottlingIsRetried: SES still throttling once the SDK's retryer has given up (ses.Retryer, counted in
// package ses's tests) sent nothing: the email is claimed again and the record fails, so that the stream's retry
// sends it — once.
func TestThrottlingIsRetried(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, rec := f.sql("lea@agro-ouest.fr", "Agro Ouest", "60", "FR-BRE", nil)
	f.sender.FailNext(fmt.Errorf("%w: TooManyRequests", outbox.ErrThrottled))
	if resp := f.handle(rec); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("a throttled email must make the stream retry: %+v", resp)
	}
	if h, _ := f.handoff(id); h.Mail.Status != outbox.MailClaimed || h.Mail.Attempts != 1 {
		t.Fatalf("after the throttled send: mail %+v, want claimed again", h.Mail)
	}
	if resp := f.handle(rec); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("the stream's retry: %+v", resp)
	}
	f.handle(rec)
	if n := len(testenv.Mails(t, id)); n != 1 || f.sender.Calls.Load() != 2 {
		t.Errorf("%d emails, %d calls; want 1 email after 2 calls", n, f.sender.Calls.Load())
	}
}

func TestUnknownOutcomeIsNeverResent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id, rec := f.sql("max@transports-m.fr", "Transports M", "90", "FR-OCC", nil)
	f.sender.FailNext(errors.New("read tcp: connection reset by peer"))
	if resp := f.handle(rec); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("an unknown outcome must not make the stream retry: %+v", resp)
	}
	f.handle(rec)
	h, item := f.handoff(id)
	if h.Mail.Status != outbox.MailSending || f.sender.Calls.Load() != 1 || len(testenv.Mails(t, id)) != 0 {
		t.Errorf("status %s, %d calls: a possibly sent email must not be sent again", h.Mail.Status, f.sender.Calls.Load())
	}
	// The deadline checker looks at it once it is stale, not at the deadlines: nobody is chased for it.
	if str(item, "dueAt") != "2026-11-27T16:35:00.000Z" {
		t.Errorf("an unconfirmed email is next checked at %s", str(item, "dueAt"))
	}
}

func TestOwnerKeptAndBigAccounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	owned, rec1 := f.sql("x@owned-co.fr", "Owned", "80", "FR-HDF", map[string]types.AttributeValue{"ownerId": &types.AttributeValueMemberS{Value: "julien-petit"}})
	big, rec2 := f.sql("y@big-co.fr", "Big Co", "5 000", "FR-HDF", nil)
	f.handle(rec1, rec2)
	if h, _ := f.handoff(owned); h.Rep() != "julien-petit" || !strings.Contains(h.Assignments[0].Reason, "déjà attribué à Julien Petit") {
		t.Errorf("owned lead handed to %s (%+v)", h.Rep(), h.Assignments)
	}
	if h, _ := f.handoff(big); h.Rep() != "amelie-robert" || h.Team() != "grands-comptes" {
		t.Errorf("5 000 employees handed to %s in %s", h.Rep(), h.Team())
	}
}

// TestHundredConcurrentAssignments: 100 SQLs for team sud-ouest (Sophie weight 1, Julien weight 2) handed off
// at once, from a region neither rep's territory covers (Bourgogne-Franche-Comté): the round-robin runs among
// both. Bound: assignments per weight differ by at most 1, so Sophie gets 33 or 34 and Julien the rest.
func TestHundredConcurrentAssignments(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.handleConcurrently(f.sqls(100, "ouest", "FR-BFC"), 10)
	loads, err := f.handoffs.TeamLoads(context.Background(), "sud-ouest")
	if err != nil {
		t.Fatal(err)
	}
	sophie, julien := loads["sophie-bernard"], loads["julien-petit"]
	// Open counts are the SQLs each actually received.
	if sophie.Open+julien.Open != 100 || sophie.Open < 33 || sophie.Open > 34 ||
		float64(julien.Open)/2-float64(sophie.Open) > 1 || float64(sophie.Open)-float64(julien.Open)/2 > 1 {
		t.Errorf("Sophie %d, Julien %d SQLs (weights 1 and 2)", sophie.Open, julien.Open)
	}
	if sophie.Open != sophie.Assigned || julien.Open != julien.Assigned {
		t.Errorf("open counts %d/%d differ from assignments", sophie.Open, julien.Open)
	}
	if n := f.sender.Calls.Load(); n != 100 {
		t.Errorf("%d emails sent, want 100", n)
	}
}

// TestCapacityHoldsUnderConcurrency: Thomas (team nord, alone) may hold 15 open SQLs; 20 arrive at once. He
// gets 15; the next matching team with someone available (sud-ouest, which has no conditions) the rest.
func TestCapacityHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.handleConcurrently(f.sqls(20, "nord", "FR-HDF"), 5)
	loads, err := f.handoffs.TeamLoads(context.Background(), "nord")
	if err != nil {
		t.Fatal(err)
	}
	if got := loads["thomas-martin"].Open; got != 15 {
		t.Errorf("Thomas holds %d open SQLs, capacity 15", got)
	}
	if got := loads["sophie-bernard"].Open + loads["julien-petit"].Open; got != 5 {
		t.Errorf("team sud-ouest got %d, want 5", got)
	}
}

// TestSampleEventAndTheTemplatesFilter: events/notify holds an SQL transition; the template's FilterCriteria
// let it through (and not a lead already an SQL), and handling it sends the email.
func TestSampleEventAndTheTemplatesFilter(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(testenv.Root() + "/events/notify/sql-transitions.json")
	if err != nil {
		t.Fatal(err)
	}
	var sample struct{ Records []json.RawMessage }
	if err := json.Unmarshal(raw, &sample); err != nil {
		t.Fatal(err)
	}
	fn, _ := testenv.Template().Function("NotifyFunction")
	filters := fn.Streams[0].Filters
	if ok, err := samlocal.FilterMatches(filters, sample.Records[0]); err != nil || !ok {
		t.Fatalf("the template's filter refuses the sample SQL transition (%v)", err)
	}
	again := bytes.Replace(sample.Records[0], []byte(`"stage": {"S": "mql"}`), []byte(`"stage": {"S": "sql"}`), 1)
	if ok, _ := samlocal.FilterMatches(filters, again); ok {
		t.Error("the filter lets through a lead that was already an SQL")
	}

	f := newFixture(t)
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	id := ev.Records[0].Change.NewImage["leadId"].String()
	_, err = f.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &f.tables.Leads, Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"},
		"leadId": &types.AttributeValueMemberS{Value: id}, "stage": &types.AttributeValueMemberS{Value: "sql"},
		"sqlAt": &types.AttributeValueMemberS{Value: "2026-11-27T16:30:00.000Z"}, "company": &types.AttributeValueMemberS{Value: "Sample SA"},
		"version": &types.AttributeValueMemberN{Value: "4"}}})
	if err != nil {
		t.Fatal(err)
	}
	if resp := f.handle(ev.Records...); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v", resp)
	}
	if n := len(testenv.Mails(t, id)); n != 1 {
		t.Errorf("%d emails for the sample, want 1", n)
	}
}

// TestATTLDeletionIsNoSQL: a lead DynamoDB deleted when its retention ended (events/notify/ttl-expired.json: a
// REMOVE by dynamodb.amazonaws.com, an SQL in its old image) is no hand-off: the template's filter keeps it from
// notify, and notify itself ignores it.
func TestATTLDeletionIsNoSQL(t *testing.T) {
	t.Parallel()
	ev := ttlsample.Read(t, "events/notify/ttl-expired.json", "NotifyFunction")
	f := newFixture(t)
	if resp := f.handle(ev.Records...); len(resp.BatchItemFailures) != 0 {
		t.Errorf("failures %+v", resp)
	}
	if n := len(testenv.Mails(t, ev.Records[0].Change.OldImage["leadId"].String())); n != 0 {
		t.Errorf("%d emails for a lead deleted by TTL", n)
	}
}

// gatedSender sends through SES local, after holding each send a little (so that concurrent ones overlap) and
// refusing those whose subject names a failing company; it counts the sends in flight and per company.
type gatedSender struct {
	next    notify.Sender
	hold    time.Duration
	mu      sync.Mutex
	failing map[string]bool // company -> refused
	calls   map[string]int  // company -> sends
	running int
	maxRun  int
}

func (g *gatedSender) Send(ctx context.Context, m email.Message) (string, error) {
	g.mu.Lock()
	company := ""
	for c := range g.calls {
		if strings.Contains(m.Subject, c) {
			company = c
		}
	}
	g.calls[company]++
	fail := g.failing[company]
	g.running++
	g.maxRun = max(g.maxRun, g.running)
	g.mu.Unlock()
	time.Sleep(g.hold)
	g.mu.Lock()
	g.running--
	g.mu.Unlock()
	if fail {
		return "", fmt.Errorf("%w: MessageRejected", outbox.ErrRejected)
	}
	return g.next.Send(ctx, m)
}

// TestConcurrentBatchReportsFailuresInOrder: a batch of six leads (one of them twice) is claimed in order and sent
// concurrently, at most ConcurrentRecords(4) at once; the failing lead's record and its later one are reported, in the batch's
// order, and the later one is not handled before the first succeeds. The stream's retry from the first failure
// sends the failing lead's email once and nobody else's again.
func TestConcurrentBatchReportsFailuresInOrder(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	companies := []string{"Alpha Usinage", "Beta Forge", "Gamma Plast", "Delta Meca", "Epsilon Bois", "Zeta Verre"}
	g := &gatedSender{next: f.sender, hold: 150 * time.Millisecond, failing: map[string]bool{"Beta Forge": true}, calls: map[string]int{}}
	for _, c := range companies {
		g.calls[c] = 0
	}
	n, err := notify.New(f.c, f.leads, f.handoffs, g, email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"},
		func() time.Time { return friday }, testenv.Logger(t), notify.ConcurrentRecords(4))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	var recs []events.DynamoDBEventRecord
	for i, c := range companies {
		id, rec := f.sql(fmt.Sprintf("contact%d@%s.fr", i, strings.ReplaceAll(strings.ToLower(c), " ", "-")), c, "40", "FR-HDF", nil)
		ids[c] = id
		recs = append(recs, rec)
	}
	// Beta Forge's record again, later in the batch (a redelivered or second change of the same lead).
	again := recs[1]
	again.Change.SequenceNumber = fmt.Sprintf("2%020d", f.seq.Add(1))
	batch := []events.DynamoDBEventRecord{recs[0], recs[1], recs[2], recs[3], again, recs[4], recs[5]}
	handle := func(b []events.DynamoDBEventRecord) events.DynamoDBEventResponse {
		resp, err := n.HandleStream(testenv.AsFunction(context.Background(), "NotifyFunction"), events.DynamoDBEvent{Records: b})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}

	resp := handle(batch)
	var got []string
	for _, fl := range resp.BatchItemFailures {
		got = append(got, fl.ItemIdentifier)
	}
	if want := []string{recs[1].Change.SequenceNumber, again.Change.SequenceNumber}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("failures %v, want %v (the failing lead's records, in the batch's order)", got, want)
	}
	g.mu.Lock()
	if g.calls["Beta Forge"] != 1 {
		t.Errorf("Beta Forge's email tried %d times in one batch: its later record overtook the failed one", g.calls["Beta Forge"])
	}
	if g.maxRun < 2 || g.maxRun > 4 {
		t.Errorf("%d sends at once, want 2 to 4 (different leads concurrently, bounded)", g.maxRun)
	}
	g.failing = map[string]bool{}
	g.mu.Unlock()
	for _, c := range companies {
		want := 1
		if c == "Beta Forge" {
			want = 0
		}
		if got := len(testenv.Mails(t, ids[c])); got != want {
			t.Errorf("%s: %d emails after the first delivery, want %d", c, got, want)
		}
	}

	// Lambda retries from the lowest sequence number reported: the failing record and everything after it.
	if resp := handle(batch[1:]); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("the retry failed: %+v", resp)
	}
	for _, c := range companies {
		if got := len(testenv.Mails(t, ids[c])); got != 1 {
			t.Errorf("%s: %d emails after the retry, want 1", c, got)
		}
	}
}

// countingLoads counts the reads of the teams' loads.
type countingLoads struct {
	*store.Handoffs
	reads atomic.Int64
}

func (c *countingLoads) TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error) {
	c.reads.Add(1)
	return c.Handoffs.TeamLoads(ctx, team)
}

// TestBatchClaimsReadTheLoadsOnce: a batch's claims read a team's loads once and keep them up to date with their
// own claims — nine SQLs for team sud-ouest (Sophie weight 1, Julien weight 2) in one batch: one read, 3 and 6.
// Then batches of ten, three at once: another batch's claims make the cached counts stale, which a claim's
// condition catches (read again), so the round-robin still holds within one assignment per weight.
func TestBatchClaimsReadTheLoadsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	loads := &countingLoads{Handoffs: f.handoffs}
	n, err := notify.New(f.c, f.leads, loads, f.sender, email.LinkSigner{Key: linkKey, BaseURL: "https://sla.maintenia.fr"},
		func() time.Time { return friday }, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	handle := func(recs []events.DynamoDBEventRecord) {
		t.Helper()
		for try := 0; try < 3; try++ {
			resp, err := n.HandleStream(testenv.AsFunction(context.Background(), "NotifyFunction"), events.DynamoDBEvent{Records: recs})
			if err != nil {
				t.Error(err)
				return
			}
			if len(resp.BatchItemFailures) == 0 {
				return
			}
			recs = recs[slices.IndexFunc(recs, func(r events.DynamoDBEventRecord) bool {
				return r.Change.SequenceNumber == resp.BatchItemFailures[0].ItemIdentifier
			}):]
		}
		t.Errorf("a batch still failed after the stream's retries")
	}
	weights := func(want int) {
		t.Helper()
		l, err := f.handoffs.TeamLoads(context.Background(), "sud-ouest")
		if err != nil {
			t.Fatal(err)
		}
		sophie, julien := l["sophie-bernard"], l["julien-petit"]
		if sophie.Open+julien.Open != want || sophie.Open != sophie.Assigned || julien.Open != julien.Assigned ||
			math.Abs(float64(julien.Open)/2-float64(sophie.Open)) > 1 {
			t.Errorf("Sophie %+v, Julien %+v after %d SQLs (weights 1 and 2)", sophie, julien, want)
		}
	}

	handle(f.sqls(9, "batch", "FR-BFC"))
	if got := loads.reads.Load(); got != 1 {
		t.Errorf("the team's loads read %d times for one batch of 9, want once", got)
	}
	weights(9)

	recs := f.sqls(60, "batches", "FR-BFC")
	var wg sync.WaitGroup
	for b := 0; b < 3; b++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := b * 10; i < len(recs); i += 30 {
				handle(recs[i : i+10])
			}
		}()
	}
	wg.Wait()
	weights(69)
	if got := f.sender.Calls.Load(); got != 69 {
		t.Errorf("%d emails sent, want 69", got)
	}
}
