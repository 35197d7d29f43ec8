package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
)

var july = contract.Month{Year: 2026, Month: time.July}

// seededJuly is fresh tables holding the hand-computed July (reporttest.July), written as the functions write
// it, and a reader of months counting its requests.
func seededJuly(t *testing.T) (*contract.Contract, store.Tables, *store.Months, *testenv.Counter) {
	t.Helper()
	c, err := contract.Parse("july.yaml", []byte(reporttest.JulyContract))
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"],
		SLA: names["SlaTable"], Zone: c.Location}
	if err := storetest.Seed(context.Background(), testenv.DynamoDB(t), tables, reporttest.July(), 4); err != nil {
		t.Fatal(err)
	}
	db, calls := testenv.CountingDynamoDB(t)
	return c, tables, store.NewMonths(db, tables), calls
}

// TestMonthsReadJuly: the month read back from DynamoDB Local makes the same report as the fixture itself —
// every figure of TestJuly, the same email and CSV — in one Query per kind, month and shard and one batch of lead
// reads, no Scan.
func TestMonthsReadJuly(t *testing.T) {
	t.Parallel()
	c, _, months, calls := seededJuly(t)
	calls.Reset()
	want := reporttest.July()
	in, err := months.Read(context.Background(), july, want.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	// lead#, stage., held# and the 8 event kinds of July (CRM care's two among them); handoff# of 6 months; 3
	// stage kinds of the 5 months before; stage. and the 8 event kinds of August up to AsOf (1 August 08:00);
	// sales' ideas of the quarter to date (July: the first month of its quarter); July's weekly digests and the
	// content listed in its weeks (a week whose digest never ran). Two batch reads: July's leads, and July's
	// hand-offs' SQL email state (the alert commitment). Each kind of each month is read on every shard.
	wantQ := (11+6+15+9)*store.MonthShards + 1 + 1 + 1
	if q, b, total := calls.Of("Query"), calls.Of("BatchGetItem"), calls.Total(); q != wantQ || b != 2 || total != q+b {
		t.Errorf("%d queries, %d batch reads, %d requests in all; want %d, 2, %d", q, b, total, wantQ, wantQ+2)
	}
	want = reporttest.AsRead(want) // every SQL email sent at its hand-off, as seeded
	got, err := report.Render(report.Compute(c, in))
	if err != nil {
		t.Fatal(err)
	}
	fixture, err := report.Render(report.Compute(c, want))
	if err != nil {
		t.Fatal(err)
	}
	if got.HTML != fixture.HTML || got.Text != fixture.Text || !bytes.Equal(got.Attachments[0].Data, fixture.Attachments[0].Data) {
		t.Errorf("the month read from DynamoDB renders differently from the fixture:\n%s\n----\n%s", got.Text, fixture.Text)
	}
}

// TestMonthsReadOnlyTheMonth checks what is read against the fixture filtered by month in the contract's zone
// (not UTC): July's creations, stage changes and events; the window's hand-offs; the cohorts' later stages of
// the months before; the present state of July's leads only.
func TestMonthsReadOnlyTheMonth(t *testing.T) {
	t.Parallel()
	c, _, months, _ := seededJuly(t)
	months.PageSize = 2 // every kind on several pages
	fx := reporttest.July()
	in, err := months.Read(context.Background(), july, fx.AsOf)
	if err != nil {
		t.Fatal(err)
	}
	inJuly := func(at time.Time) bool { return contract.MonthOf(at.In(c.Location)) == july }
	// Changes and events are read up to AsOf, past the month's end (l11 becoming an MQL at 00:30 on 1 August).
	byAsOf := func(at time.Time) bool {
		return inJuly(at) || july.Before(contract.MonthOf(at.In(c.Location))) && !at.After(fx.AsOf)
	}
	inWindow := func(at time.Time) bool {
		return slices.Contains(records.Window(july), contract.MonthOf(at.In(c.Location)))
	}
	var want, got []string
	for _, x := range fx.Created {
		if inJuly(x.At) {
			want = append(want, "lead "+x.LeadID)
		}
	}
	for _, x := range fx.Transitions {
		if byAsOf(x.At) || inWindow(x.At) && (x.To == records.Opportunity || x.To == records.Customer || x.To == records.Lost) {
			want = append(want, "stage "+x.LeadID+" "+string(x.To)+" "+x.Amount+x.Currency)
		}
	}
	for _, x := range fx.Handoffs {
		if inWindow(x.At) {
			want = append(want, "handoff "+x.LeadID+" "+x.At.UTC().Format(time.RFC3339))
		}
	}
	for _, x := range fx.Events {
		if byAsOf(x.At) {
			want = append(want, "event "+x.LeadID+" "+string(x.Kind)+" "+x.RepID+" "+x.FromRep+">"+x.ToRep)
		}
	}
	for id := range fx.Current {
		want = append(want, "current "+id)
	}
	for _, x := range in.Created {
		got = append(got, "lead "+x.LeadID)
	}
	for _, x := range in.Transitions {
		got = append(got, "stage "+x.LeadID+" "+string(x.To)+" "+x.Amount+x.Currency)
	}
	for _, x := range in.Handoffs {
		got = append(got, "handoff "+x.LeadID+" "+x.At.UTC().Format(time.RFC3339))
	}
	for _, x := range in.Events {
		got = append(got, "event "+x.LeadID+" "+string(x.Kind)+" "+x.RepID+" "+x.FromRep+">"+x.ToRep)
	}
	for id := range in.Current {
		got = append(got, "current "+id)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// l12 was created at 23:30 in Paris on 31 July (21:30 UTC), l13 at 00:30 on 1 August (22:30 UTC on 31 July).
	if !slices.Contains(got, "lead l12") || slices.Contains(got, "lead l13") {
		t.Error("a month is not the contract zone's")
	}
}

// TestMonthsMalformedRecord: a record that does not read back is an error naming it, never a zero value.
func TestMonthsMalformedRecord(t *testing.T) {
	t.Parallel()
	_, tables, months, _ := seededJuly(t)
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	_, err := testenv.DynamoDB(t).PutItem(context.Background(), &dynamodb.PutItemInput{TableName: sdkaws.String(tables.SLA), Item: map[string]types.AttributeValue{
		"pk": s("LEAD#ld_bad"), "sk": s("HANDOFF#x"), "month": s("2026-07"), "monthSk": s("handoff#2026-07-02T00:00:00.000Z#ld_bad"),
		"leadId": s("ld_bad"), "handoffAt": s("yesterday"), "repId": s("anna")}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := months.Read(context.Background(), july, time.Time{}); err == nil || !strings.Contains(err.Error(), "LEAD#ld_bad/HANDOFF#x") {
		t.Errorf("a malformed hand-off: %v", err)
	}
}

func newReports(t *testing.T) *store.Reports {
	t.Helper()
	names := testenv.Tables(t)
	return store.NewReports(testenv.DynamoDB(t), store.Tables{SLA: names["SlaTable"], Leads: names["LeadsTable"]})
}

func storedReport(m contract.Month, figures []byte) records.Stored {
	asOf := time.Date(m.Next().Year, m.Next().Month, 1, 7, 0, 0, 0, time.UTC)
	return records.Stored{Month: m, AsOf: asOf, ComputedAt: asOf.Add(time.Second), Contract: "2026.07-1", Figures: figures, SQLs: 7,
		Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: asOf.Add(time.Second)}}
}

// TestReportsStoredOnce: a month's report is stored once — a second Create, with other figures, gets the first
// back and changes nothing — and reads back whole, large figures in several parts included.
func TestReportsStoredOnce(t *testing.T) {
	t.Parallel()
	reports, ctx := newReports(t), context.Background()
	noise := make([]byte, 1_000_000) // incompressible: four parts
	rand.Read(noise)
	for _, figures := range [][]byte{[]byte(`{"Month":{"Year":2026,"Month":7}}`), noise} {
		m := contract.Month{Year: 2026, Month: time.Month(len(figures) % 12)}
		first, err := reports.Create(ctx, storedReport(m, figures))
		if err != nil {
			t.Fatal(err)
		}
		if first.Version != 1 || first.Digest != records.Digest(figures) {
			t.Errorf("created %+v", first)
		}
		again, err := reports.Create(ctx, storedReport(m, []byte("other figures")))
		if !errors.Is(err, records.ErrReported) || again.Digest != first.Digest || again.Mail.Status != outbox.MailClaimed {
			t.Errorf("a second Create: %v, %+v", err, again)
		}
		back, err := reports.Get(ctx, m, true)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(back.Figures, figures) || back.Digest != first.Digest || !back.AsOf.Equal(first.AsOf) || back.SQLs != 7 {
			t.Errorf("read back %d bytes, digest %s (want %d, %s)", len(back.Figures), back.Digest, len(figures), first.Digest)
		}
	}
	if _, err := reports.Get(ctx, contract.Month{Year: 2020, Month: 1}, false); !errors.Is(err, records.ErrNoReport) {
		t.Errorf("a month without report: %v", err)
	}
	tooBig := make([]byte, 5_000_000)
	rand.Read(tooBig)
	if _, err := reports.Create(ctx, storedReport(contract.Month{Year: 2026, Month: 1}, tooBig)); err == nil ||
		!strings.Contains(err.Error(), "more than") {
		t.Errorf("figures beyond a transaction: %v", err)
	}
}

// TestReportsUpdateUnderVersion: concurrent changes of the emails' state are all applied, none lost; the
// figures never change.
func TestReportsUpdateUnderVersion(t *testing.T) {
	t.Parallel()
	reports, ctx := newReports(t), context.Background()
	m := contract.Month{Year: 2026, Month: time.July}
	created, err := reports.Create(ctx, storedReport(m, []byte(`{"x":1}`)))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := reports.Update(ctx, m, func(st *records.Stored) error {
				st.Resends++
				st.Digest, st.AsOf = "forged", time.Time{} // not the change's to make
				return nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	st, err := reports.Get(ctx, m, true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Resends != 6 || st.Version != 7 || st.Digest != created.Digest || !st.AsOf.Equal(created.AsOf) {
		t.Errorf("after 6 concurrent updates: %+v", st)
	}
	if _, err := reports.Update(ctx, m, func(*records.Stored) error { return records.ErrNoChange }); !errors.Is(err, records.ErrNoChange) {
		t.Errorf("no change: %v", err)
	}
}

// TestMonthsReadListedContent: the month's read carries the pieces listed in its weeks up to AsOf (the content
// commitment sees a week whose digest never ran), not those listed after AsOf.
func TestMonthsReadListedContent(t *testing.T) {
	t.Parallel()
	_, tables, months, _ := seededJuly(t)
	ctx := context.Background()
	asOf := reporttest.July().AsOf
	pieces := store.NewContent(testenv.DynamoDB(t), tables)
	for id, at := range map[string]time.Time{"in-july": time.Date(2026, 7, 8, 10, 0, 0, 0, time.UTC), "after-asof": asOf.Add(time.Hour)} {
		p := content.Piece{Source: "blog", ItemID: id, Title: id, URL: "https://m.fr/" + id, PublishedAt: at, UpdatedAt: at, ReceivedAt: at, Segments: []string{"smb"}}
		if _, err := pieces.SavePiece(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	in, err := months.Read(ctx, july, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Listed) != 1 || in.Listed[0].Key != "blog#in-july" || !slices.Equal(in.Listed[0].Segments, []string{"smb"}) {
		t.Errorf("listed %+v, want blog#in-july alone", in.Listed)
	}
}
