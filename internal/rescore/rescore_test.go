package rescore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strconv"
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
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/rescore"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m) }

var start = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)

// clock is the time the scorer sees; tests move it.
type clock struct{ ns atomic.Int64 }

func (c *clock) Now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

type fixture struct {
	t      testing.TB
	db     *dynamodb.Client
	calls  *testenv.Counter
	tables store.Tables
	leads  *store.Leads // writes the test's leads and activities (not counted)
	scorer *rescore.Scorer
	clock  *clock
	c      *contract.Contract
	seq    atomic.Int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	names := testenv.Tables(t)
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}
	counted, calls := testenv.CountingDynamoDB(t)
	f := &fixture{t: t, db: testenv.DynamoDB(t), calls: calls, tables: tables, c: c, clock: &clock{}}
	f.clock.set(start)
	f.leads = store.NewLeads(f.db, tables)
	f.scorer, err = rescore.New(c, store.NewLeads(counted, tables), f.clock.Now, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// submit creates (or updates) a lead through the ingest store, as a form submission would.
func (f *fixture) submit(email, jobTitle, size, industry string) string {
	f.t.Helper()
	now := f.clock.Now()
	sub := lead.Submission{OccurredAt: now, Contact: lead.Contact{Email: email, JobTitle: jobTitle, CompanySize: size, Industry: industry, Country: "FR",
		CompanyDomain: email[len(email)-8:]}}
	d := webhook.Delivery{Source: "site-contact", ID: fmt.Sprint("s", f.seq.Add(1)), BodyHash: "h", At: now}
	act := lead.Activity{ID: lead.ActivityID("site-contact", d.ID, 0), Type: lead.FormSubmit, OccurredAt: now, ReceivedAt: now, Source: d.Source, DeliveryID: d.ID}
	saved, err := f.leads.SaveSubmission(context.Background(), d, sub, act, func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		f.t.Fatal(err)
	}
	return saved.LeadID
}

// record adds activities to a lead and returns the stream records Lambda would deliver for them.
func (f *fixture) record(leadID string, acts ...lead.Activity) []events.DynamoDBEventRecord {
	f.t.Helper()
	d := webhook.Delivery{Source: "tracking", ID: fmt.Sprint("t", f.seq.Add(1)), BodyHash: "h", At: f.clock.Now()}
	for i := range acts {
		acts[i].ID, acts[i].Source, acts[i].DeliveryID, acts[i].ReceivedAt = lead.ActivityID(d.Source, d.ID, i), d.Source, d.ID, d.At
		if acts[i].OccurredAt.IsZero() {
			acts[i].OccurredAt = d.At
		}
	}
	if _, err := f.leads.SaveActivities(context.Background(), d, lead.LeadRef{ID: leadID}, acts, false, func(string) webhook.Answer { return webhook.Answer{Status: 202} }); err != nil {
		f.t.Fatal(err)
	}
	var recs []events.DynamoDBEventRecord
	for _, a := range acts {
		a.LeadID = leadID
		recs = append(recs, events.DynamoDBEventRecord{EventName: "INSERT", Change: events.DynamoDBStreamRecord{
			SequenceNumber: fmt.Sprintf("1%020d", f.seq.Add(1)),
			NewImage: map[string]events.DynamoDBAttributeValue{
				"pk": events.NewStringAttribute("LEAD#" + leadID), "sk": events.NewStringAttribute(a.OccurredAt.UTC().Format("2006-01-02T15:04:05.000Z") + "#" + a.ID),
				"leadId": events.NewStringAttribute(leadID), "type": events.NewStringAttribute(a.Type),
			},
		}})
	}
	return recs
}

func (f *fixture) handle(recs []events.DynamoDBEventRecord) events.DynamoDBEventResponse {
	f.t.Helper()
	resp, err := f.scorer.HandleStream(testenv.AsFunction(context.Background(), "ScoreFunction"), events.DynamoDBEvent{Records: recs})
	if err != nil {
		f.t.Fatal(err)
	}
	return resp
}

func (f *fixture) lead(id string) map[string]types.AttributeValue {
	f.t.Helper()
	out, err := f.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &f.tables.Leads,
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}, ConsistentRead: aws.Bool(true)})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.Item
}

var str = testenv.Attr

// transitions lists a lead's stage transitions (from -> to), in order.
func (f *fixture) transitions(id string) []string {
	f.t.Helper()
	out, err := f.db.Query(context.Background(), &dynamodb.QueryInput{TableName: &f.tables.SLA, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :evt)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, ":evt": &types.AttributeValueMemberS{Value: "EVT#"}}})
	if err != nil {
		f.t.Fatal(err)
	}
	var moves []string
	for _, it := range out.Items {
		if str(it, "kind") == "stage" {
			moves = append(moves, str(it, "from")+"->"+str(it, "to"))
		}
	}
	return moves
}

func pageView(url string, ago time.Duration) lead.Activity {
	return lead.Activity{Type: "page_view", OccurredAt: start.Add(-ago), Properties: map[string]string{"url": url}}
}

func TestReplayingEveryBatchTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// Three leads: one that becomes an SQL on score, one a hand-raiser, one that stays a lead.
	boss := f.submit("claire@acme-industrie.fr", "Directrice technique", "250-499", "Industrie")
	raiser := f.submit("paul@meca-precision.fr", "Acheteur", "20", "Banque")
	cold := f.submit("zoe@boulangerie-z.fr", "Vendeuse", "3", "Commerce")
	var batches [][]events.DynamoDBEventRecord
	batches = append(batches, f.record(boss, pageView("https://maintenia.fr/tarifs", time.Hour), lead.Activity{Type: "content_download", Properties: map[string]string{"content": "GMAO"}}))
	batches = append(batches, f.record(raiser, lead.Activity{Type: "demo_request"}), f.record(cold, pageView("https://maintenia.fr/blog", 0)))
	batches = append(batches, f.record(boss, lead.Activity{Type: "webinar_attended", Properties: map[string]string{"webinar": "W"}}))

	for _, b := range batches {
		if resp := f.handle(b); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("failures: %+v", resp.BatchItemFailures)
		}
	}
	snapshot := func() string {
		out := ""
		for _, id := range []string{boss, raiser, cold} {
			l := f.lead(id)
			out += fmt.Sprintf("%s %s fit=%s beh=%s total=%s %v\n", id, str(l, "stage"), str(l, "fitScore"), str(l, "behaviourScore"), str(l, "score"), f.transitions(id))
		}
		return out
	}
	first := snapshot()
	versions := str(f.lead(boss), "version")
	for round := 0; round < 2; round++ {
		for _, b := range batches {
			f.handle(b)
		}
	}
	if again := snapshot(); again != first {
		t.Fatalf("replay changed the scores:\n%s\nthen\n%s", first, again)
	}
	if v := str(f.lead(boss), "version"); v != versions {
		t.Errorf("replays wrote the lead again (version %s -> %s)", versions, v)
	}
	want := map[string][]string{boss: {"lead->sql"}, raiser: {"lead->sql"}, cold: nil}
	for id, moves := range want {
		if got := f.transitions(id); fmt.Sprint(got) != fmt.Sprint(moves) {
			t.Errorf("%s transitions = %v, want %v", id, got, moves)
		}
	}
	if str(f.lead(cold), "stage") != "lead" {
		t.Errorf("cold lead: %s", snapshot())
	}
}

func TestFourConcurrentConsumersGiveTheSequentialScore(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.submit("max@transports-m.fr", "Responsable maintenance", "120", "Transport")
	var recs []events.DynamoDBEventRecord
	var all []lead.Activity
	types := []string{"page_view", "email_click", "content_download", "webinar_attended"}
	for i := 0; i < 50; i++ {
		a := lead.Activity{Type: types[i%4], OccurredAt: start.Add(-time.Duration(i) * 37 * time.Hour),
			Properties: map[string]string{"url": fmt.Sprintf("https://maintenia.fr/tarifs?%d", i), "content": "c", "webinar": "w"}}
		recs = append(recs, f.record(id, a)...)
	}
	// Four consumers, each with a random share of the records, handled one by one, all at once.
	rand.New(rand.NewSource(7)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	var wg sync.WaitGroup
	for c := 0; c < 4; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; i < len(recs); i += 4 {
				if resp := f.handle(recs[i : i+1]); len(resp.BatchItemFailures) != 0 {
					t.Errorf("consumer %d: failures %+v", c, resp.BatchItemFailures)
				}
			}
		}()
	}
	wg.Wait()
	ld, err := f.leads.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if all, err = f.leads.Activities(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if len(all) != 51 {
		t.Fatalf("%d activities stored", len(all))
	}
	want := scoring.Score(f.c.Scoring, scoring.ProfileOf(ld), all, start)
	l := f.lead(id)
	if got := str(l, "score"); got != strconv.FormatFloat(want.Total, 'f', -1, 64) {
		t.Errorf("concurrent score %s, sequential %g", got, want.Total)
	}
	exp, _ := json.Marshal(want.Explanation)
	if str(l, "explanation") != string(exp) {
		t.Error("concurrent explanation differs from the sequential one")
	}
	if moves := f.transitions(id); len(moves) != 1 || moves[0] != "lead->sql" {
		t.Errorf("transitions %v, want exactly one lead->sql", moves)
	}
}

func TestSQLTransitionIsWhatNotifyConsumes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.submit("ines@agro-ouest.fr", "Acheteuse", "80", "Agroalimentaire")
	f.handle(f.record(id, lead.Activity{Type: "demo_request"}))
	l := f.lead(id)
	if str(l, "stage") != "sql" || str(l, "sqlAt") != "2026-11-27T16:30:00.000Z" || str(l, "stageAt") != str(l, "sqlAt") {
		t.Fatalf("lead = %v", l)
	}
	var exp []scoring.Contribution
	if err := json.Unmarshal([]byte(str(l, "explanation")), &exp); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for _, c := range exp {
		kinds[c.Kind+":"+c.Rule] = true
	}
	for _, want := range []string{"hand_raiser:demo-request", "fit:target-size", "fit:target-industry", "fit:french-speaking", "behaviour:contact-form"} {
		if !kinds[want] {
			t.Errorf("explanation lacks %s: %s", want, str(l, "explanation"))
		}
	}
	// The report reads one kind of a month with one query per shard: the SQL transitions of November, on the lead's.
	out, err := f.db.Query(context.Background(), &dynamodb.QueryInput{TableName: &f.tables.SLA, IndexName: aws.String("by-month"),
		KeyConditionExpression:   aws.String("#m = :m AND begins_with(monthSk, :kind)"),
		ExpressionAttributeNames: map[string]string{"#m": "month"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: store.MonthPartition(contract.Month{Year: 2026, Month: 11}, id)},
			":kind": &types.AttributeValueMemberS{Value: "stage.sql#"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Items) != 1 || str(out.Items[0], "source") != "site-contact" || str(out.Items[0], "to") != "sql" ||
		str(out.Items[0], "contractVersion") != "2026.12-1" || str(out.Items[0], "leadId") != id {
		t.Fatalf("the month's transitions = %v", out.Items)
	}
	// Its cause is on the record, which the index does not project (the report does not read it).
	rec, err := f.db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: &f.tables.SLA,
		Key: map[string]types.AttributeValue{"pk": out.Items[0]["pk"], "sk": out.Items[0]["sk"]}})
	if err != nil || str(rec.Item, "cause") != "demo-request" || str(out.Items[0], "cause") != "" {
		t.Errorf("the transition's cause: %v in the table, %q in the index (%v)", rec.Item, str(out.Items[0], "cause"), err)
	}
}

func TestDecayMovesMQLBackButNeverUndoesSQL(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// An MQL on fresh behaviour only (fit 5 + form 15 + 2 white papers 30 = 50).
	mql := f.submit("leo@bureau-l.fr", "Consultant", "", "Conseil")
	f.handle(f.record(mql, lead.Activity{Type: "content_download", Properties: map[string]string{"content": "a"}},
		lead.Activity{Type: "content_download", Properties: map[string]string{"content": "b"}}))
	// An SQL by score that will decay below the threshold.
	sql := f.submit("ana@usine-a.fr", "Directrice d'usine", "300", "Industrie")
	f.handle(f.record(sql, lead.Activity{Type: "content_download", Properties: map[string]string{"content": "a"}}))
	if str(f.lead(mql), "stage") != "mql" || str(f.lead(sql), "stage") != "sql" {
		t.Fatalf("setup: %s %s / %s %s", str(f.lead(mql), "stage"), str(f.lead(mql), "score"), str(f.lead(sql), "stage"), str(f.lead(sql), "score"))
	}
	f.clock.add(120 * 24 * time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sum, err := f.scorer.HandleDecay(ctx, json.RawMessage(`{}`))
	if err != nil || !sum.Complete || sum.Rescored != 2 || sum.Moved != 1 {
		t.Fatalf("decay run = %+v, %v", sum, err)
	}
	if l := f.lead(mql); str(l, "stage") != "lead" {
		t.Errorf("decayed MQL is %s (score %s)", str(l, "stage"), str(l, "score"))
	}
	if l := f.lead(sql); str(l, "stage") != "sql" || str(l, "belowSqlThreshold") != "true" {
		t.Errorf("decayed SQL: stage %s, below %s", str(l, "stage"), str(l, "belowSqlThreshold"))
	}
	if got := f.transitions(mql); fmt.Sprint(got) != "[lead->mql mql->lead]" {
		t.Errorf("MQL transitions %v", got)
	}
	// A second run the same day finds nobody due.
	again, err := f.scorer.HandleDecay(ctx, nil)
	if err != nil || again.Rescored != 0 {
		t.Errorf("second run = %+v, %v", again, err)
	}
}

// failing wraps the real store and fails every re-score of one lead.
type failing struct {
	rescore.Store
	lead string
}

func (s failing) RescoreFrom(ctx context.Context, id string, rd scoring.Reading, decide func(lead.Lead, []lead.Activity) *scoring.Change) (*scoring.Change, error) {
	if id == s.lead {
		return nil, errors.New("injected failure")
	}
	return s.Store.RescoreFrom(ctx, id, rd, decide)
}

func TestBatchItemFailuresNameTheFailedLeadsRecords(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ok1, bad, ok2 := f.submit("a@a-corp.fr", "", "", ""), f.submit("b@b-corp.fr", "", "", ""), f.submit("c@c-corp.fr", "", "", "")
	recs := append(append(f.record(ok1, lead.Activity{Type: "demo_request"}), f.record(bad, pageView("/x", 0), pageView("/y", 0))...),
		f.record(ok2, lead.Activity{Type: "demo_request"})...)
	s, err := rescore.New(f.c, failing{store.NewLeads(f.db, f.tables), bad}, f.clock.Now, testenv.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.HandleStream(testenv.AsFunction(context.Background(), "ScoreFunction"), events.DynamoDBEvent{Records: recs})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 2 || resp.BatchItemFailures[0].ItemIdentifier != recs[1].Change.SequenceNumber ||
		resp.BatchItemFailures[1].ItemIdentifier != recs[2].Change.SequenceNumber {
		t.Errorf("failures = %+v, want the two records of the failing lead", resp.BatchItemFailures)
	}
	if str(f.lead(ok1), "stage") != "sql" || str(f.lead(ok2), "stage") != "sql" {
		t.Error("the other leads were not scored")
	}
}

func TestSampleEvent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	raw, err := os.ReadFile(testenv.Root() + "/events/score/activities-insert.json")
	if err != nil {
		t.Fatal(err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	// The template's filter lets every sample insert through, and not an erasure (a REMOVE has no new image).
	var sample struct{ Records []map[string]any }
	if err := json.Unmarshal(raw, &sample); err != nil {
		t.Fatal(err)
	}
	fn, _ := testenv.Template().Function("ScoreFunction")
	for i, rec := range sample.Records {
		b, _ := json.Marshal(rec)
		if ok, err := samlocal.FilterMatches(fn.Streams[0].Filters, b); err != nil || !ok {
			t.Fatalf("the template's filter refuses sample record %d (%v)", i, err)
		}
		rec["eventName"] = "REMOVE"
		rec["dynamodb"].(map[string]any)["OldImage"] = rec["dynamodb"].(map[string]any)["NewImage"]
		delete(rec["dynamodb"].(map[string]any), "NewImage")
		b, _ = json.Marshal(rec)
		if ok, _ := samlocal.FilterMatches(fn.Streams[0].Filters, b); ok {
			t.Errorf("the template's filter lets an activity's removal through")
		}
	}
	// Store the lead and the activities the sample's records describe.
	id := ev.Records[0].Change.NewImage["leadId"].String()
	put := func(table string, item map[string]types.AttributeValue) {
		if _, err := f.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	put(f.tables.Leads, map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"},
		"leadId": &types.AttributeValueMemberS{Value: id}, "stage": &types.AttributeValueMemberS{Value: "lead"}, "version": &types.AttributeValueMemberN{Value: "1"}})
	for _, r := range ev.Records {
		item := map[string]types.AttributeValue{}
		for k, v := range r.Change.NewImage {
			if v.DataType() == events.DataTypeString {
				item[k] = &types.AttributeValueMemberS{Value: v.String()}
			}
		}
		put(f.tables.Activities, item)
	}
	resp, err := f.scorer.HandleStream(testenv.AsFunction(context.Background(), "ScoreFunction"), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("%+v %v", resp, err)
	}
	if l := f.lead(id); str(l, "stage") != "sql" {
		t.Errorf("the sample's demo request did not make an SQL: %v", l)
	}
}

// TestATTLDeletionIsNotScored: an activity DynamoDB deleted when its retention ended (events/score/ttl-expired.json:
// a REMOVE by dynamodb.amazonaws.com, keys only on a NEW_IMAGE stream) is kept from score by the template's filter,
// and ignored by score itself.
func TestATTLDeletionIsNotScored(t *testing.T) {
	t.Parallel()
	ev := ttlsample.Read(t, "events/score/ttl-expired.json", "ScoreFunction")
	f := newFixture(t)
	resp, err := f.scorer.HandleStream(testenv.AsFunction(context.Background(), "ScoreFunction"), ev)
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Errorf("%+v %v", resp, err)
	}
}

// TestDecaySampleEvent: events/decay holds what EventBridge Scheduler sends; the decay job accepts it.
func TestDecaySampleEvent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	raw, err := os.ReadFile(testenv.Root() + "/events/decay/nightly.json")
	if err != nil || !json.Valid(raw) {
		t.Fatalf("sample: %v", err)
	}
	sum, err := f.scorer.HandleDecay(testenv.AsFunction(context.Background(), "DecayFunction"), raw)
	if err != nil || !sum.Complete {
		t.Errorf("decay on the sample = %+v, %v", sum, err)
	}
}

// TestActivityAheadOfTheClockCounts: ingest accepts an activity up to five minutes ahead of its clock (the
// sender's clock runs fast); the score function must not ignore it as "after the scoring instant" — a demo
// request would otherwise wait for the next activity, or the next day's decay run, to make an SQL.
func TestActivityAheadOfTheClockCounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.submit("lena@fonderie-l.fr", "Acheteuse", "80", "Industrie")
	f.handle(f.record(id, lead.Activity{Type: "demo_request", OccurredAt: start.Add(2 * time.Minute)}))
	if l := f.lead(id); str(l, "stage") != "sql" {
		t.Fatalf("stage %s, want sql (score %s, explanation %s)", str(l, "stage"), str(l, "score"), str(l, "explanation"))
	}
	// Far ahead (a hand-made item): not counted before its time.
	other := f.submit("noe@fonderie-n.fr", "Acheteur", "80", "Industrie")
	f.handle(f.record(other, lead.Activity{Type: "demo_request", OccurredAt: start.Add(time.Hour)}))
	if l := f.lead(other); str(l, "stage") == "sql" {
		t.Errorf("an activity an hour ahead made an SQL")
	}
}

// TestALateActivityBeforeTheHorizonCounts: the score function reads a lead's activities from the scoring
// horizon's start (~400 days for the example contract), but an activity that arrives late, dated before it, is
// read by the re-score its record brings — the record's instant widens the read: a demo request made 500 days
// ago, imported today, still raises the lead's hand, and the lead's landmarks keep it for the next re-scores.
func TestALateActivityBeforeTheHorizonCounts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	id := f.submit("marc@usinage-m.fr", "Acheteur", "20", "Banque")
	if resp := f.handle(f.record(id, pageView("https://maintenia.fr/blog", 0))); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures: %+v", resp.BatchItemFailures)
	}
	if got := f.lead(id); str(got, "landmarks") == "" || strings.Contains(str(got, "explanation"), "demo-request") {
		t.Fatalf("after a page view: landmarks %q, explanation %s", str(got, "landmarks"), str(got, "explanation"))
	}
	f.clock.add(time.Hour)
	late := lead.Activity{Type: "demo_request", OccurredAt: start.Add(-500 * 24 * time.Hour)}
	if resp := f.handle(f.record(id, late)); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures: %+v", resp.BatchItemFailures)
	}
	got := f.lead(id)
	if !strings.Contains(str(got, "explanation"), `"rule":"demo-request"`) || str(got, "qualifiesFor") != "sql" {
		t.Fatalf("after a late demo request: qualifies for %q, explanation %s", str(got, "qualifiesFor"), str(got, "explanation"))
	}
	// The next activity's re-score reads the horizon only: the demo request counts through the landmarks.
	f.clock.add(time.Hour)
	if resp := f.handle(f.record(id, pageView("https://maintenia.fr/", 0))); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures: %+v", resp.BatchItemFailures)
	}
	if got := f.lead(id); !strings.Contains(str(got, "explanation"), `"rule":"demo-request"`) || str(got, "qualifiesFor") != "sql" {
		t.Errorf("the next re-score: qualifies for %q, explanation %s", str(got, "qualifiesFor"), str(got, "explanation"))
	}
}
