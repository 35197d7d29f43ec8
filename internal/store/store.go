// Package store keeps Handoff's data in DynamoDB. It is the only code that knows the tables, keys, indexes and
// attribute names, which template.yaml declares; every access pattern has a key or an index, written here and at
// the top of the template. One type per aggregate:
//
//	Leads (leads.go, deliveries.go): a lead, its activities, the claim of its email, the webhook deliveries
//	stored with them
//	  LeadsTable       pk = LEAD#<leadId>   sk = #PROFILE     the lead; decayBucket/decayAt (GSI decay-due)  TTL leads*
//	                   pk = EMAIL#<email>   sk = #EMAIL       claims an email for one lead (holds leadId)     TTL leads*
//	  ActivitiesTable  pk = LEAD#<leadId>   sk = <occurredAt>#<activityId>                                 TTL activities
//	                   (a re-score reads sk >= the scoring horizon's start: RescoreFrom; the lead's landmarks
//	                   tell what the older ones still count for)
//	  DeliveriesTable  pk = DELIVERY#<source>#<id>            the first answer, for retries                  TTL 48 h
//	                   pk = SEEN#<source>#<id>                that the delivery was stored (leadId, the
//	                                                          body's SHA-256, the instant: no value posted)  TTL activities
//	  SlaTable         pk = LEAD#<leadId>   sk = EVT#<at>#lead            the lead's creation (by-month)    TTL handoffs
//	                   pk = LEAD#<leadId>   sk = EVT#<at>#stage#<to>      a stage change (by-month)         TTL handoffs
//	                   pk = LEAD#<leadId>   sk = EVT#<at>#held            a hold starts: the lead qualified for
//	                                                                      sales, kept from them for want of
//	                                                                      consent (by-month)                TTL handoffs
//	                   pk = STATS#<yyyy-mm> sk = DISCARDED#<reason>#<src> counters of discarded submissions  no TTL
//
//	Handoffs (handoffs.go, events.go): an SQL's hand-off, its SLA events, the routing counters
//	  SlaTable         pk = LEAD#<leadId>   sk = HANDOFF#<at>             a hand-off; dueBucket/dueAt (GSI  TTL handoffs
//	                                                                      due-checks) while the checker has
//	                                                                      something to do; by-month. The
//	                                                                      lead's company, none of the
//	                                                                      person's details (the profile)
//	                   pk = LEAD#<leadId>   sk = EVT#<handoffAt>#<event>  an SLA event of that hand-off     TTL handoffs
//	                                                                      (by-month)                        (the hand-off's)
//	                   pk = ROUTING#<team>  sk = REP#<repId>              assignments a rep received        no TTL
//	                                                                      in a team
//	                   pk = LOAD            sk = REP#<repId>              SQLs awaiting the rep's answer    no TTL
//
//	Months (months.go): a month's records for the report, through the GSI by-month:
//	  month = yyyy-mm (in the contract's zone) for shard 0, yyyy-mm#<n> for shards 1 to 7 (MonthShards; the
//	  shard by a hash of the lead ID), monthSk = <kind>#<at>#<leadId>[#<event>], so one kind of one month is one
//	  Query per shard, all at once (kinds: lead, stage.<to>, held, handoff, and the SLA events' kinds); the
//	  leads handed off that month by ID (BatchGetItem, projected on their stage).
//
//	ConsentProofs (consents.go): a lead's form_submit activities projected on their consent answer, for
//	`handoff lead` (the ActivitiesTable key above; a filter on the type)
//
//	Ideas (ideas.go): sales' ideas and field feedback, recorded once per submission, each its own email's outbox item
//	  SlaTable         pk = IDEAS#<yyyy-mm> sk = REP#<repId>#<subId>      a submission and its email (mail);  TTL handoffs
//	                                                                      the month's, one Query (the report)
//	                   pk = IDEASUB#<repId>#<subId>  sk = #CLAIM          that it was recorded               TTL handoffs
//	                   pk = IDEAMAIL#PENDING  sk = <yyyy-mm>#<repId>#<subId>  its email, until settled     TTL handoffs
//
//	Bounces (bounces.go): SES's bounces and complaints of the emails that are no hand-off's (a hand-off's are
//	recorded on it: its bounces, bouncedAt, bounceKind, alertBouncedAt, and a mail.bounced SLA event)
//	  SlaTable         pk = BOUNCES#<yyyy-mm> sk = <at>#<feedbackId>  what SES said, the email's tags (IDs),   TTL handoffs
//	                                                                 the report's email to ops (mail)
//
//	Reports (reports.go): the report of record of each month
//	  SlaTable         pk = REPORT#<yyyy-mm> sk = #REPORT             when its figures were taken, their   TTL handoffs
//	                                                                 digest, the state of its emails     (from the
//	                                                                 (version)                           month's end)
//	                   pk = REPORT#<yyyy-mm> sk = #REPORT#FIGURES#<n> its figures (gzip JSON, 300 KB      TTL handoffs
//	                                                                 parts): lead IDs, reject comments
//
// The indexes project what their readers use: decay-due its keys (the decay job reads lead IDs); due-checks every
// attribute, since the checker reads a hand-off whole from it and writes it back whole (UpdateFrom), and a
// hand-off holds nothing of the person; by-month exactly the attributes months.go reads (template.yaml lists
// them, and a test holds the two together).
//
// TTL: expiresAt, epoch seconds, from the contract's retention (retention.go): leads* from the last thing heard
// of the lead, to the day; the others from the item's instant. An expired lead or claim is gone for the store
// even before DynamoDB deletes it.
//
// Items are Go structs marshalled with the SDK's attributevalue; instants are UTC RFC 3339 text with
// milliseconds (sortable). A stored item that does not read back is an error naming the item, never a zero
// value. An aggregate that is read, changed and written back is written on the condition that its version is
// still the one read; the retry loop is here, in Update, not in the handlers.
package store

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/platform"
)

// Tables names the physical tables, and what the contract says of how they are kept: the zone report months are
// counted in, and how long items holding personal data are kept (retention.go; a period left zero is the
// contract's default).
type Tables struct {
	Leads, Activities, Deliveries, SLA string
	Zone                               *time.Location
	Retention                          contract.Retention
}

// TablesFrom reads the table names a function's environment holds (names as in template.yaml's Globals), with
// the contract's zone and retention.
func TablesFrom(env map[string]string, c *contract.Contract) Tables {
	return Tables{Leads: env["LEADS_TABLE"], Activities: env["ACTIVITIES_TABLE"], Deliveries: env["DELIVERIES_TABLE"],
		SLA: env["SLA_TABLE"], Zone: c.Location, Retention: c.Retention}
}

// DB is the DynamoDB client the store types are built with.
type DB = *dynamodb.Client

// client is what the store calls of the DynamoDB client: method values, not the client. A Lambda binary that
// executes an html/template keeps every exported method of every type reachable from a value converted to an
// interface (a store is, behind the handlers' ports), and the client's are its sixty operations: 1.6 MB measured.
// Closures hide the client from that reach.
type client struct {
	GetItem            func(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem            func(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem         func(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	TransactWriteItems func(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	Query              func(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchGetItem       func(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	BatchWriteItem     func(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	Scan               func(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

func newClient(db DB) *client {
	return &client{GetItem: db.GetItem, PutItem: db.PutItem, UpdateItem: db.UpdateItem, TransactWriteItems: db.TransactWriteItems, Query: db.Query,
		BatchGetItem: db.BatchGetItem, BatchWriteItem: db.BatchWriteItem, Scan: db.Scan}
}

// Errors of the store, besides the domain's (lead.ErrNotFound, handoff.ErrNotFound…).
var (
	// ErrConflict: the item kept changing under an Update, past its retries.
	ErrConflict = errors.New("store: the item kept changing; try again")
)

// maxAttempts bounds the retries of a write that lost a race (another writer on the same item).
const maxAttempts = 10

func leadPK(id string) string { return "LEAD#" + id }

// key is a table key.
func key(pk, sk string) map[string]types.AttributeValue {
	k := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}
	if sk != "" {
		k["sk"] = &types.AttributeValueMemberS{Value: sk}
	}
	return k
}

// stamp writes an instant as every item stores it; the zero instant is "" (and omitted).
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// reader turns an item's text back into values, remembering the first problem: a malformed item is an error
// that names it.
type reader struct {
	item string // "LEAD#ld_1/#PROFILE"
	err  error
}

// times reads a list of instants, as stamps wrote them.
func (r *reader) times(field string, vs []string) []time.Time {
	var out []time.Time
	for i, v := range vs {
		out = append(out, r.time(field+"["+strconv.Itoa(i)+"]", v))
	}
	return out
}

// stamps writes instants as stamp does.
func stamps(ts []time.Time) []string {
	var out []string
	for _, t := range ts {
		out = append(out, stamp(t))
	}
	return out
}

func (r *reader) time(field, v string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		r.fail("%s: not an instant: %q", field, v)
	}
	return t.UTC()
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("stored item %s: %s", r.item, fmt.Sprintf(format, args...))
	}
}

// unmarshal reads an item into a struct, naming the item when it does not fit.
func unmarshal(item map[string]types.AttributeValue, out any) error {
	if err := attributevalue.UnmarshalMap(item, out); err != nil {
		return fmt.Errorf("stored item %s: %w", describeKey(item), err)
	}
	return nil
}

func describeKey(item map[string]types.AttributeValue) string {
	s := func(k string) string {
		if v, ok := item[k].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	if sk := s("sk"); sk != "" {
		return s("pk") + "/" + sk
	}
	return s("pk")
}

func marshal(v any) map[string]types.AttributeValue {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		// Every item is a struct of strings, numbers, booleans, lists and maps of them: it cannot fail.
		panic(fmt.Sprintf("store: marshal %T: %v", v, err))
	}
	return item
}

// bucket spreads IDs over n index partitions, so no single partition takes every write.
func bucket(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// month is the report month of an instant, in the contract's zone.
func (t Tables) month(at time.Time) string {
	zone := t.Zone
	if zone == nil {
		zone = time.UTC
	}
	return contract.MonthOf(at.In(zone)).String()
}

// MonthShards is how many partitions of the by-month index one month's records are spread over, by a hash of the
// lead ID (every record of a lead on the same one). One partition of an index takes at most 1,000 write units a
// second, and a month's records are written at ~1,700 a second at 100 SQLs/s (README, "Tables and access
// patterns": the count per lead, SQL and event); eight keep each near 210, and let the report read a month's
// kind as eight queries at once.
const MonthShards = 8

// monthShard is the by-month partition key of a lead's record of the month of at (monthPartition).
func (t Tables) monthShard(at time.Time, leadID string) string {
	return monthPartition(t.month(at), bucket(leadID, MonthShards))
}

// monthPartition is the by-month partition key of shard n of month m: "yyyy-mm" for shard 0, "yyyy-mm#<n>" for
// the others. Shard 0 is the key every record had before the month was sharded, so records written then are
// read with shard 0's, without a migration (a hand-off written again moves to its own shard).
func monthPartition(m string, n int) string {
	if n == 0 {
		return m
	}
	return m + "#" + strconv.Itoa(n)
}

// MonthPartition is the by-month partition key under which the store writes lead leadID's records of month m
// (its shard of the month), for tests that query the index as the report does.
func MonthPartition(m contract.Month, leadID string) string {
	return monthPartition(m.String(), bucket(leadID, MonthShards))
}

// transact runs a transaction. A cancellation is not an error: its per-item reasons are returned.
func transact(ctx context.Context, db *client, items []types.TransactWriteItem) ([]types.CancellationReason, error) {
	_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var cancelled *types.TransactionCanceledException
	if errors.As(err, &cancelled) && len(cancelled.CancellationReasons) == len(items) {
		return cancelled.CancellationReasons, nil
	}
	return nil, err
}

func failed(reasons []types.CancellationReason, i int) bool {
	return i >= 0 && i < len(reasons) && aws.ToString(reasons[i].Code) == "ConditionalCheckFailed"
}

func anyFailed(reasons []types.CancellationReason, from, to int) int {
	for i := from; i < to; i++ {
		if failed(reasons, i) {
			return i
		}
	}
	return -1
}

func conflicted(reasons []types.CancellationReason) bool {
	for _, r := range reasons {
		if aws.ToString(r.Code) == "TransactionConflict" {
			return true
		}
	}
	return false
}

func describe(reasons []types.CancellationReason) string {
	codes := make([]string, len(reasons))
	for i, r := range reasons {
		codes[i] = aws.ToString(r.Code)
	}
	return "[" + strings.Join(codes, " ") + "]"
}

// conditionFailed reports a single write refused by its condition.
func conditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// backoff waits a little before retry n, longer each time, unless ctx ends.
func backoff(ctx context.Context, attempt int) {
	select {
	case <-ctx.Done():
	case <-time.After(time.Duration(5<<min(attempt, 6)) * time.Millisecond):
	}
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}
func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

// queryAll runs a query page by page, handing each page's items to fn. (A hand-written loop: the SDK's
// paginator takes the client as an interface; see DB.)
func queryAll(ctx context.Context, db *client, in *dynamodb.QueryInput, fn func([]map[string]types.AttributeValue) error) error {
	page := *in
	for {
		out, err := db.Query(ctx, &page)
		if err != nil {
			return err
		}
		if err := fn(out.Items); err != nil {
			return err
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		page.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// queryItems reads every item of a query (all its pages), each through read, in the query's order.
func queryItems[T any](ctx context.Context, db *client, in *dynamodb.QueryInput, read func(map[string]types.AttributeValue) (T, error)) ([]T, error) {
	var out []T
	err := queryAll(ctx, db, in, func(items []map[string]types.AttributeValue) error {
		for _, it := range items {
			v, err := read(it)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// NewClient is a function's DynamoDB client: AWS's endpoint, or AWS_ENDPOINT_URL_DYNAMODB's (DynamoDB Local).
func NewClient(cfg aws.Config, lookup func(string) (string, bool)) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if o.BaseEndpoint = platform.Endpoint(lookup, "DYNAMODB"); o.BaseEndpoint != nil {
			// DynamoDB Local's error answers carry no CRC32; validating them only logs noise.
			o.DisableValidateResponseChecksum = true
		}
	})
}
