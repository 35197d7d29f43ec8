// Package pipeline_test runs the functions that carry a lead to sales — ingest, score, notify — in-process, on
// DynamoDB Local and SES local, joined as Lambda joins them: each function consumes its table's real stream
// (DynamoDB Local's), through the template's own filters. Then the month's report is computed from what they
// recorded. It checks what no single function's tests can: that consent decides what sales may receive.
package pipeline_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/emailtest"
	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/rescore"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES(), testenv.WithSecrets()) }

// monday is Monday 16 November 2026, 10:00 in Paris: office hours, mid-month.
var monday = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC)

// clock is every function's clock; tests move it.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) set(t time.Time)     { c.ns.Store(t.UnixNano()) }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }

// pipeline is ingest, score and notify on one set of tables, under one contract and one clock.
type pipeline struct {
	t        *testing.T
	c        *contract.Contract
	clock    *clock
	db       *dynamodb.Client
	tables   store.Tables
	secrets  map[string]string
	ingest   *ingest.Handler
	scorer   *rescore.Scorer
	notifier *notify.Notifier
	sender   *emailtest.Sender
	// The event source mappings: the activities stream to score, the leads stream to notify.
	activities, leads *stream
	// toNotify counts the leads-stream records the template's filter let through to notify.
	toNotify int
	// logs is what every function logged (JSON lines), also written to the test's log.
	logs *testenv.SyncBuffer
	seq  atomic.Int64
}

// newPipeline builds the functions on fresh tables. missing overrides the example contract's consent.missing.
func newPipeline(t *testing.T, missing contract.MissingConsent) *pipeline {
	t.Helper()
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c.Consent.Missing = missing
	names := testenv.Tables(t)
	db := testenv.DynamoDB(t)
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}
	sec := testenv.Secrets(t, ingest.SecretRefs(c))
	p := &pipeline{t: t, c: c, clock: &clock{}, db: db, tables: tables, secrets: sec, sender: emailtest.NewSender(t), logs: &testenv.SyncBuffer{}}
	p.clock.set(monday)
	log := slog.New(slog.NewJSONHandler(io.MultiWriter(p.logs, testenv.LogWriter(t)), nil))
	leads, handoffs := store.NewLeads(db, tables), store.NewHandoffs(db, tables)
	if p.ingest, err = ingest.New(c, sec, leads, handoffs, p.clock.now, log); err != nil {
		t.Fatal(err)
	}
	if p.scorer, err = rescore.New(c, leads, p.clock.now, log); err != nil {
		t.Fatal(err)
	}
	links := email.LinkSigner{Key: []byte("pipeline-test-link-key-0123456789"), BaseURL: "https://sla.maintenia.fr"}
	if p.notifier, err = notify.New(c, leads, handoffs, p.sender, links, p.clock.now, log); err != nil {
		t.Fatal(err)
	}
	p.activities = newStream(t, db, tables.Activities, "ScoreFunction")
	p.leads = newStream(t, db, tables.Leads, "NotifyFunction")
	return p
}

// post signs a JSON body as the source's sender does (Standard Webhooks) and hands it to ingest; it returns the
// lead's ID.
func (p *pipeline) post(source, route, body string) string {
	p.t.Helper()
	id := fmt.Sprintf("pipe-%d", p.seq.Add(1))
	now := p.clock.now()
	path := "/v1/sources/" + source + "/" + route
	req := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "POST /v1/sources/{sourceId}/" + route, RawPath: path,
		PathParameters: map[string]string{"sourceId": source}, Body: body,
		Headers: map[string]string{"content-type": "application/json", "webhook-id": id, "webhook-timestamp": strconv.FormatInt(now.Unix(), 10),
			"webhook-signature": webhook.SignStandard(p.secrets[source], id, now, []byte(body))},
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: id, HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "POST", Path: path}}}
	resp, err := p.ingest.Handle(testenv.AsFunction(context.Background(), "IngestFunction"), req)
	if err != nil || resp.StatusCode != 202 {
		p.t.Fatalf("POST %s: %d %s (%v)", path, resp.StatusCode, resp.Body, err)
	}
	var a struct{ LeadID string }
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil || a.LeadID == "" {
		p.t.Fatalf("POST %s: answer %s", path, resp.Body)
	}
	return a.LeadID
}

// settle runs the stream mappings until both streams are drained: what ingest wrote is scored, what scoring made
// an SQL is handed to notify.
func (p *pipeline) settle() {
	p.t.Helper()
	for round := 0; round < 10; round++ {
		acts, leads := p.activities.read(), p.leads.read()
		if len(acts) == 0 && len(leads) == 0 {
			return
		}
		if len(acts) > 0 {
			resp, err := p.scorer.HandleStream(testenv.AsFunction(context.Background(), "ScoreFunction"), events.DynamoDBEvent{Records: acts})
			if err != nil || len(resp.BatchItemFailures) > 0 {
				p.t.Fatalf("score: %+v %v", resp, err)
			}
		}
		if len(leads) > 0 {
			p.toNotify += len(leads)
			resp, err := p.notifier.HandleStream(testenv.AsFunction(context.Background(), "NotifyFunction"), events.DynamoDBEvent{Records: leads})
			if err != nil || len(resp.BatchItemFailures) > 0 {
				p.t.Fatalf("notify: %+v %v", resp, err)
			}
		}
	}
	p.t.Fatal("the streams never settled")
}

// lead reads a lead as the functions stored it.
func (p *pipeline) lead(id string) lead.Lead {
	p.t.Helper()
	l, err := store.NewLeads(p.db, p.tables).Get(context.Background(), id)
	if err != nil {
		p.t.Fatal(err)
	}
	return l
}

// handoffs lists the instants a lead was handed off at (its hand-off records).
func (p *pipeline) handoffs(id string) []string {
	p.t.Helper()
	out, err := p.db.Query(context.Background(), &dynamodb.QueryInput{TableName: &p.tables.SLA, ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :h)"),
		ExpressionAttributeValues: map[string]dbtypes.AttributeValue{":pk": &dbtypes.AttributeValueMemberS{Value: "LEAD#" + id},
			":h": &dbtypes.AttributeValueMemberS{Value: "HANDOFF#"}}})
	if err != nil {
		p.t.Fatal(err)
	}
	var ats []string
	for _, it := range out.Items {
		ats = append(ats, testenv.Attr(it, "handoffAt"))
	}
	return ats
}

// sqlEmails are the SQL emails SES local received about a lead (by its email address, which the SQL email shows).
func (p *pipeline) sqlEmails(address string) []testenv.Mail { return testenv.Mails(p.t, address) }

// november is November 2026's report computed from the stored records as of asOf, as the report function does.
func (p *pipeline) november(asOf time.Time) report.Report {
	p.t.Helper()
	in, err := store.NewMonths(p.db, p.tables).Read(context.Background(), contract.Month{Year: 2026, Month: time.November}, asOf)
	if err != nil {
		p.t.Fatal(err)
	}
	return report.Compute(p.c, in)
}

// reportTime is when November's report is taken: 1 December, 08:00 in Paris.
var reportTime = time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)

// stream plays an event source mapping on a table of DynamoDB Local: it reads the table's stream from where it
// last stopped and keeps the records the function's FilterCriteria in template.yaml let through, as Lambda would
// hand them over.
type stream struct {
	t         *testing.T
	streams   *dynamodbstreams.Client
	arn       string
	filters   []json.RawMessage
	iterators map[string]*string // by shard
	last      map[string]string  // the last sequence number read, by shard
}

func newStream(t *testing.T, db *dynamodb.Client, table, function string) *stream {
	t.Helper()
	desc, err := db.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := testenv.Template().Function(function)
	if !ok || len(fn.Streams) != 1 {
		t.Fatalf("template.yaml: %s has no single stream mapping", function)
	}
	return &stream{t: t, arn: aws.ToString(desc.Table.LatestStreamArn), filters: fn.Streams[0].Filters,
		streams: dynamodbstreams.New(dynamodbstreams.Options{Region: localaws.Region, BaseEndpoint: aws.String(testenv.DynamoEndpoint(t)),
			Credentials: aws.NewCredentialsCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: localaws.AccessKey, SecretAccessKey: localaws.SecretKey}, nil
			}))}),
		iterators: map[string]*string{}, last: map[string]string{}}
}

// read returns the records written since the last read that pass the function's filters.
func (s *stream) read() []events.DynamoDBEventRecord {
	s.t.Helper()
	ctx := context.Background()
	desc, err := s.streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(s.arn)})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []events.DynamoDBEventRecord
	for _, sh := range desc.StreamDescription.Shards {
		id := aws.ToString(sh.ShardId)
		in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(s.arn), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
		if last := s.last[id]; last != "" {
			in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(last)
		}
		it, err := s.streams.GetShardIterator(ctx, in)
		if err != nil {
			s.t.Fatal(err)
		}
		for iter := it.ShardIterator; iter != nil; {
			page, err := s.streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				break // DynamoDB Local refuses an empty new shard's iterator: nothing to read yet
			}
			for _, r := range page.Records {
				s.last[id] = aws.ToString(r.Dynamodb.SequenceNumber)
				b, err := samlocal.EventRecord(r, s.arn)
				if err != nil {
					s.t.Fatal(err)
				}
				if pass, err := samlocal.FilterMatches(s.filters, b); err != nil {
					s.t.Fatal(err)
				} else if !pass {
					continue
				}
				var rec events.DynamoDBEventRecord
				if err := json.Unmarshal(b, &rec); err != nil {
					s.t.Fatal(err)
				}
				out = append(out, rec)
			}
			if len(page.Records) == 0 {
				break // an open shard: what was written is read
			}
			iter = page.NextShardIterator
		}
	}
	return out
}
