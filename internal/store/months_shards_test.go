package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
)

// shardKey is the by-month partition key of shard n of month m, as the store writes it.
func shardKey(m contract.Month, n int) string {
	if n == 0 {
		return m.String()
	}
	return m.String() + "#" + strconv.Itoa(n)
}

// partitionItems counts the items of each shard of month m in by-month, reading each shard's whole partition,
// one shard after the other, page by page.
func partitionItems(t *testing.T, db *dynamodb.Client, tables store.Tables, m contract.Month) []int {
	t.Helper()
	counts := make([]int, store.MonthShards)
	for n := range store.MonthShards {
		var start map[string]types.AttributeValue
		for {
			out, err := db.Query(context.Background(), &dynamodb.QueryInput{TableName: &tables.SLA, IndexName: sdkaws.String("by-month"),
				KeyConditionExpression:    sdkaws.String("#m = :m"),
				ExpressionAttributeNames:  map[string]string{"#m": "month"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: shardKey(m, n)}},
				Select:                    types.SelectCount, ExclusiveStartKey: start})
			if err != nil {
				t.Fatal(err)
			}
			counts[n] += int(out.Count)
			if start = out.LastEvaluatedKey; start == nil {
				break
			}
		}
	}
	return counts
}

// canonical sorts what a read returned, whose order depends on which query answered first.
func canonical(in records.Input) records.Input {
	sortBy := func(s any) {
		v := reflect.ValueOf(s)
		keys := make([]string, v.Len())
		for i := range keys {
			keys[i] = fmt.Sprintf("%+v", v.Index(i).Interface())
		}
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			switch {
			case keys[a] < keys[b]:
				return -1
			case keys[a] > keys[b]:
				return 1
			}
			return 0
		})
		sorted := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i, j := range idx {
			sorted.Index(i).Set(v.Index(j))
		}
		reflect.Copy(v, sorted)
	}
	sortBy(in.Created)
	sortBy(in.Transitions)
	sortBy(in.Handoffs)
	sortBy(in.Events)
	sortBy(in.Holds)
	return in
}

// TestMonthsShardedReadIsTheSerialRead: reading a month's shards and kinds all at once returns exactly what one
// request at a time (small pages) returns, for a month with records on every shard (a synthetic one) and one
// with empty shards (the hand-computed July); both make the fixture's report, and every record of the month's
// partitions is read once.
func TestMonthsShardedReadIsTheSerialRead(t *testing.T) {
	t.Parallel()
	big, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	julyContract, err := contract.Parse("july.yaml", []byte(reporttest.JulyContract))
	if err != nil {
		t.Fatal(err)
	}
	nov := contract.Month{Year: 2026, Month: time.November}
	for _, tc := range []struct {
		name       string
		c          *contract.Contract
		m          contract.Month
		in         records.Input
		emptyShard bool // some shard of the month holds nothing
	}{
		{"every shard", big, nov, reporttest.Synthetic(big, nov, 2_000, 200, 3), false},
		{"empty shards", julyContract, july, reporttest.July(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			names := testenv.Tables(t)
			tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"],
				SLA: names["SlaTable"], Zone: tc.c.Location, Retention: tc.c.Retention}
			db := testenv.DynamoDB(t)
			if err := storetest.Seed(context.Background(), db, tables, tc.in, 4); err != nil {
				t.Fatal(err)
			}
			counts := partitionItems(t, db, tables, tc.m)
			empty := slices.Contains(counts, 0)
			if empty != tc.emptyShard || slices.Max(counts) == 0 {
				t.Fatalf("items per shard of %s: %v; want an empty shard: %v", tc.m, counts, tc.emptyShard)
			}

			serial := store.NewMonths(db, tables)
			serial.Parallel, serial.PageSize = 1, 7
			want, err := serial.Read(context.Background(), tc.m, tc.in.AsOf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := store.NewMonths(db, tables).Read(context.Background(), tc.m, tc.in.AsOf)
			if err != nil {
				t.Fatal(err)
			}
			got, want = canonical(got), canonical(want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the concurrent read differs from the serial one: %d/%d creations, %d/%d stage changes, %d/%d hand-offs, %d/%d events, %d/%d holds, %d/%d leads",
					len(got.Created), len(want.Created), len(got.Transitions), len(want.Transitions), len(got.Handoffs), len(want.Handoffs),
					len(got.Events), len(want.Events), len(got.Holds), len(want.Holds), len(got.Current), len(want.Current))
			}

			// Every record in the month's partitions, on whichever shard, is read once: those of the month.
			inMonth := func(at time.Time) bool { return contract.MonthOf(at.In(tc.c.Location)) == tc.m }
			read := len(got.Created) + len(got.Holds)
			for _, x := range got.Transitions {
				if inMonth(x.At) {
					read++
				}
			}
			for _, x := range got.Handoffs {
				if inMonth(x.At) {
					read++
				}
			}
			for _, x := range got.Events {
				if inMonth(x.At) {
					read++
				}
			}
			total := 0
			for _, n := range counts {
				total += n
			}
			if read != total {
				t.Errorf("%d records of %s read; its shards hold %d (%v)", read, tc.m, total, counts)
			}

			rep, err := report.Render(report.Compute(tc.c, got))
			if err != nil {
				t.Fatal(err)
			}
			fixture, err := report.Render(report.Compute(tc.c, reporttest.AsRead(tc.in)))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Text != fixture.Text {
				t.Errorf("the month read renders differently from the fixture:\n%s\n----\n%s", rep.Text, fixture.Text)
			}
		})
	}
}

// TestMonthsReadsRecordsWrittenBeforeShards: records written before the month was sharded carry the month alone
// as their by-month key, which is shard 0's: the month reads the same with every record moved back there.
func TestMonthsReadsRecordsWrittenBeforeShards(t *testing.T) {
	t.Parallel()
	_, tables, months, _ := seededJuly(t)
	ctx := context.Background()
	before, err := months.Read(ctx, july, reporttest.July().AsOf)
	if err != nil {
		t.Fatal(err)
	}
	db := testenv.DynamoDB(t)
	moved := 0
	for _, m := range []contract.Month{july.Prev(), july, july.Next()} {
		for n := 1; n < store.MonthShards; n++ {
			out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: &tables.SLA, IndexName: sdkaws.String("by-month"),
				KeyConditionExpression:    sdkaws.String("#m = :m"),
				ExpressionAttributeNames:  map[string]string{"#m": "month"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: shardKey(m, n)}}})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range out.Items {
				full, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &tables.SLA, Key: map[string]types.AttributeValue{"pk": it["pk"], "sk": it["sk"]}})
				if err != nil {
					t.Fatal(err)
				}
				full.Item["month"] = &types.AttributeValueMemberS{Value: m.String()}
				if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &tables.SLA, Item: full.Item}); err != nil {
					t.Fatal(err)
				}
				moved++
			}
		}
	}
	if moved == 0 {
		t.Fatal("no record of July's fixture is on a shard other than 0")
	}
	after, err := months.Read(ctx, july, reporttest.July().AsOf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(canonical(after), canonical(before)) {
		t.Errorf("with %d records under the month alone, the read differs", moved)
	}
}
