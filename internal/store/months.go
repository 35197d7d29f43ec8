package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// Months reads a month's records for the report, through the GSI by-month (month = yyyy-mm in the contract's
// zone, followed by #<shard> for shards 1 to MonthShards-1; monthSk = <kind>#<at>#<leadId>…): one Query per kind,
// month and shard, paginated, all at once (Parallel in flight), with the quarter's ideas and the month's digests;
// then the leads whose present state the report shows and the hand-offs' SQL email state, batched, both at once.
// Never a Scan. Each Query is projected on the attributes the report uses: it reads no lead's name, email or
// phone.
type Months struct {
	db *client
	t  Tables
	// Parallel bounds the requests in flight (queries, then batches of lead reads).
	Parallel int
	// PageSize, when set, limits the items of a page (DynamoDB's own limit is 1 MB a page).
	PageSize int32
}

// NewMonths builds the reader of months.
func NewMonths(db DB, t Tables) *Months { return &Months{db: newClient(db), t: t, Parallel: 16} }

// monthQuery is one Query of the reader: a kind (monthSk prefix) of one shard of one month, up to an instant when
// upTo is set (a month after the reported one, read up to the report's AsOf).
type monthQuery struct {
	month contract.Month
	shard int
	kind  string // "lead#", "stage.", "stage.customer#", "handoff#", "reminder#"…
	upTo  time.Time
}

// sharded is the queries of qs over every shard of their month.
func sharded(qs []monthQuery) []monthQuery {
	out := make([]monthQuery, 0, len(qs)*MonthShards)
	for _, q := range qs {
		for n := range MonthShards {
			q.shard = n
			out = append(out, q)
		}
	}
	return out
}

// plan is the queries the report of m as of asOf needs (see records.Input): the creations, every stage change,
// hold and SLA event of m; the hand-offs of the six months; the stage changes that end a cohort's journey
// (opportunity, customer, lost) of the five months before m; and every stage change and SLA event of the months
// after m up to asOf (what happened to m's SQLs by then, and since the previous report to earlier ones). A zero
// asOf reads no month after m.
func plan(m contract.Month, asOf time.Time, loc *time.Location) []monthQuery {
	var qs []monthQuery
	for _, w := range records.Window(m) {
		qs = append(qs, monthQuery{month: w, kind: "handoff#"})
		if w == m {
			qs = append(qs, monthQuery{month: w, kind: "lead#"}, monthQuery{month: w, kind: "stage."}, monthQuery{month: w, kind: "held#"})
			for _, k := range records.EventKinds {
				qs = append(qs, monthQuery{month: w, kind: string(k) + "#"})
			}
			continue
		}
		for _, to := range []records.Stage{records.Opportunity, records.Customer, records.Lost} {
			qs = append(qs, monthQuery{month: w, kind: "stage." + string(to) + "#"})
		}
	}
	if asOf.IsZero() {
		return qs
	}
	for w, last := m.Next(), contract.MonthOf(asOf.In(loc)); !last.Before(w); w = w.Next() {
		qs = append(qs, monthQuery{month: w, kind: "stage.", upTo: asOf})
		for _, k := range records.EventKinds {
			qs = append(qs, monthQuery{month: w, kind: string(k) + "#", upTo: asOf})
		}
	}
	return qs
}

// The attributes each kind is projected on: by-month projects exactly these (template.yaml; a test compares).
var (
	createdAttributes    = []string{"pk", "sk", "leadId", "at", "stage", "source", "utmCampaign"}
	transitionAttributes = []string{"pk", "sk", "leadId", "from", "to", "at", "contractVersion", "source", "utmCampaign", "amount", "currency"}
	handoffAttributes    = []string{"pk", "sk", "leadId", "handoffAt", "contractVersion", "repId", "assignments", "clocks",
		"firstContactDue", "feedbackDue", "contact", "decision", "source", "utmCampaign"}
	holdAttributes    = []string{"pk", "sk", "leadId", "at", "reason", "source", "utmCampaign"}
	eventAttributes   = []string{"pk", "sk", "kind", "leadId", "handoffAt", "assignment", "n", "at", "due", "repId", "toRepId", "contractVersion"}
	currentAttributes = []string{"pk", "sk", "leadId", "stage", "belowSqlThreshold", "belowSqlAts"}
)

func projection(names []string) expression.ProjectionBuilder {
	p := expression.NamesList(expression.Name(names[0]))
	for _, n := range names[1:] {
		p = p.AddNames(expression.Name(n))
	}
	return p
}

// Read reads what the report of month m as of asOf needs (the instant the figures are taken, set on the Input).
func (s *Months) Read(ctx context.Context, m contract.Month, asOf time.Time) (records.Input, error) {
	in := records.Input{Month: m, AsOf: asOf, Current: map[string]records.Current{}}
	qs := sharded(plan(m, asOf, s.zone()))
	results := make([]monthPage, len(qs))
	// Every kind of every shard, the quarter's ideas and the month's digests: independent reads, all at once.
	var digests records.Input
	err := s.each(ctx, len(qs)+2, func(ctx context.Context, i int) error {
		var err error
		switch i {
		case len(qs):
			in.Ideas, err = s.quartersIdeas(ctx, m, asOf)
		case len(qs) + 1:
			err = s.readDigests(ctx, m, asOf, &digests)
		default:
			results[i], err = s.query(ctx, qs[i])
		}
		return err
	})
	if err != nil {
		return records.Input{}, err
	}
	in.Digests, in.Listed, in.DigestsRead = digests.Digests, digests.Listed, digests.DigestsRead
	gather(&in, results)
	// The present state of the leads handed off in m, and when each of m's hand-offs was alerted: both at once.
	var ids []string
	for _, h := range in.Handoffs {
		if contract.MonthOf(h.At.In(s.zone())) == m {
			ids = append(ids, h.LeadID)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	alerts := s.alertKeys(m, &in)
	var mu sync.Mutex
	err = parallel(ctx, 2, 2, func(ctx context.Context, i int) error {
		if i == 1 {
			if err := s.readAlerts(ctx, &in, alerts); err != nil {
				return fmt.Errorf("read the SQL emails of %s: %w", m, err)
			}
			return nil
		}
		err := batchGet(ctx, s.db, s.t.Leads, leadKeys(ids), currentAttributes, s.Parallel, func(item map[string]types.AttributeValue) error {
			var it leadItem
			if err := unmarshal(item, &it); err != nil {
				return err
			}
			if it.LeadID == "" || it.Stage == "" {
				return fmt.Errorf("stored item %s: no leadId or stage", describeKey(item))
			}
			r := reader{item: it.PK + "/" + it.SK}
			cur := records.Current{Stage: records.Stage(it.Stage), BelowSQLThreshold: it.BelowSQL, BelowSQLAts: r.times("belowSqlAts", it.BelowSQLAts)}
			if r.err != nil {
				return r.err
			}
			mu.Lock()
			in.Current[it.LeadID] = cur
			mu.Unlock()
			return nil
		})
		if err != nil {
			return fmt.Errorf("read the leads of %s: %w", m, err)
		}
		return nil
	})
	if err != nil {
		return records.Input{}, err
	}
	return in, nil
}

// gather moves what the queries read into in, each kind in one slice of its final size, letting each page go
// as it is copied (the month is held once, not twice, at the end).
func gather(in *records.Input, results []monthPage) {
	var nc, nt, nh, ne, nd int
	for _, r := range results {
		nc, nt, nh, ne, nd = nc+len(r.created), nt+len(r.transitions), nh+len(r.handoffs), ne+len(r.events), nd+len(r.holds)
	}
	in.Created, in.Transitions = make([]records.Created, 0, nc), make([]records.Transition, 0, nt)
	in.Handoffs, in.Events, in.Holds = make([]records.Handoff, 0, nh), make([]records.Event, 0, ne), make([]records.Hold, 0, nd)
	for i := range results {
		r := &results[i]
		in.Created = append(in.Created, r.created...)
		in.Transitions = append(in.Transitions, r.transitions...)
		in.Handoffs = append(in.Handoffs, r.handoffs...)
		in.Events = append(in.Events, r.events...)
		in.Holds = append(in.Holds, r.holds...)
		*r = monthPage{}
	}
}

// readDigests reads the weekly digests of month m whose slot is not after asOf (one Query): the content
// commitment's figures (digests due and sent, pieces shared).
func (s *Months) readDigests(ctx context.Context, m contract.Month, asOf time.Time, in *records.Input) error {
	ds, err := (&Content{db: s.db, t: s.t}).DigestsOfMonth(ctx, m)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if !asOf.IsZero() && d.Slot.After(asOf) {
			continue
		}
		in.Digests = append(in.Digests, records.WeeklyDigest{RepID: d.RepID, Slot: d.Slot, Pieces: d.Pieces,
			Sent: d.Mail.Status == outbox.MailSent})
	}
	// The pieces listed in the month's weeks (from the slot before its first, at most a week and a day before
	// it), up to asOf: one Query on the listing order.
	from := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, s.zone()).AddDate(0, 0, -8)
	to := time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, s.zone()).AddDate(0, 0, 1)
	if !asOf.IsZero() && asOf.Before(to) {
		to = asOf.Add(time.Nanosecond)
	}
	ps, err := (&Content{db: s.db, t: s.t}).Published(ctx, from, to)
	if err != nil {
		return err
	}
	for _, p := range ps {
		in.Listed = append(in.Listed, records.ListedPiece{Key: p.Key(), SharedFrom: p.SharedFrom, Segments: p.Segments, Industries: p.Industries})
	}
	in.DigestsRead = true
	return nil
}

func (s *Months) zone() *time.Location {
	if s.t.Zone == nil {
		return time.UTC
	}
	return s.t.Zone
}

// monthPage is what one Query read, converted.
type monthPage struct {
	created     []records.Created
	transitions []records.Transition
	handoffs    []records.Handoff
	events      []records.Event
	holds       []records.Hold
}

func (s *Months) query(ctx context.Context, q monthQuery) (monthPage, error) {
	var attrs []string
	switch {
	case q.kind == "lead#":
		attrs = createdAttributes
	case q.kind == "handoff#":
		attrs = handoffAttributes
	case q.kind == "held#":
		attrs = holdAttributes
	case strings.HasPrefix(q.kind, "stage."):
		attrs = transitionAttributes
	default:
		attrs = eventAttributes
	}
	month := expression.Key("month").Equal(expression.Value(monthPartition(q.month.String(), q.shard)))
	key := month.And(expression.Key("monthSk").BeginsWith(q.kind))
	b := expression.NewBuilder().WithProjection(projection(attrs))
	switch {
	case q.upTo.IsZero():
	case q.kind == "stage.":
		// The stage comes before the instant in the sort key: kept up to upTo by a filter.
		b = b.WithFilter(expression.Name("at").LessThanEqual(expression.Value(stamp(q.upTo))))
	default:
		// <kind>#<at>#<leadId>…: "~" sorts after every character of a lead ID.
		key = month.And(expression.Key("monthSk").Between(expression.Value(q.kind), expression.Value(q.kind+stamp(q.upTo)+"#~")))
	}
	expr, err := b.WithKeyCondition(key).Build()
	if err != nil {
		return monthPage{}, err
	}
	var page monthPage
	err = queryAll(ctx, s.db, &dynamodb.QueryInput{
		TableName: &s.t.SLA, IndexName: aws.String("by-month"), KeyConditionExpression: expr.KeyCondition(),
		ProjectionExpression: expr.Projection(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
		FilterExpression: expr.Filter(), Limit: limit(s.PageSize),
	}, func(items []map[string]types.AttributeValue) error {
		for _, item := range items {
			if err := page.add(q.kind, item); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return monthPage{}, fmt.Errorf("read %s records of %s (shard %d): %w", q.kind, q.month, q.shard, err)
	}
	return page, nil
}

func (p *monthPage) add(kind string, item map[string]types.AttributeValue) error {
	switch {
	case kind == "lead#":
		var it createdItem
		if err := unmarshal(item, &it); err != nil {
			return err
		}
		r := reader{item: it.PK + "/" + it.SK}
		c := records.Created{LeadID: it.LeadID, At: r.time("at", it.At), Stage: records.Stage(it.Stage), Source: it.Source, UTMCampaign: it.UTMCampaign}
		if c.LeadID == "" || c.At.IsZero() {
			r.fail("no leadId or at")
		}
		p.created = append(p.created, c)
		return r.err
	case kind == "held#":
		var it holdItem
		if err := unmarshal(item, &it); err != nil {
			return err
		}
		r := reader{item: it.PK + "/" + it.SK}
		h := records.Hold{LeadID: it.LeadID, At: r.time("at", it.At), Reason: it.Reason, Source: it.Source, UTMCampaign: it.UTMCampaign}
		if h.LeadID == "" || h.At.IsZero() || (h.Reason != records.HeldRefused && h.Reason != records.HeldMissing) {
			r.fail("leadId %q, at %q, reason %q: not a hold", it.LeadID, it.At, it.Reason)
		}
		p.holds = append(p.holds, h)
		return r.err
	case kind == "handoff#":
		var it handoffItem
		if err := unmarshal(item, &it); err != nil {
			return err
		}
		h, err := it.toRecord()
		p.handoffs = append(p.handoffs, h)
		return err
	case strings.HasPrefix(kind, "stage."):
		var it transitionItem
		if err := unmarshal(item, &it); err != nil {
			return err
		}
		r := reader{item: it.PK + "/" + it.SK}
		t := records.Transition{LeadID: it.LeadID, From: records.Stage(it.From), To: records.Stage(it.To), At: r.time("at", it.At),
			ContractVersion: it.ContractVersion, Source: it.Source, UTMCampaign: it.UTMCampaign, Amount: it.Amount, Currency: it.Currency}
		if t.LeadID == "" || t.To == "" || t.At.IsZero() {
			r.fail("no leadId, to or at")
		}
		p.transitions = append(p.transitions, t)
		return r.err
	}
	var it eventItem
	if err := unmarshal(item, &it); err != nil {
		return err
	}
	r := reader{item: it.PK + "/" + it.SK}
	e := records.Event{Kind: records.EventKind(it.Kind), LeadID: it.LeadID, HandoffAt: r.time("handoffAt", it.HandoffAt),
		Assignment: it.Assignment, At: r.time("at", it.At), Due: r.time("due", it.Due), RepID: it.RepID,
		ContractVersion: it.ContractVersion, ToRep: it.ToRepID}
	if e.Kind == records.Reassignment {
		e.FromRep = it.RepID // the rep it was taken from
	}
	if e.LeadID == "" || e.At.IsZero() || string(e.Kind)+"#" != kind {
		r.fail("kind %q, leadId %q, at %q: not a %s record", it.Kind, it.LeadID, it.At, kind)
	}
	p.events = append(p.events, e)
	return r.err
}

// toRecord is a hand-off as the report reads it (from the attributes Months projects).
func (it handoffItem) toRecord() (records.Handoff, error) {
	r := reader{item: it.PK + "/" + it.SK}
	h := records.Handoff{LeadID: it.LeadID, At: r.time("handoffAt", it.At), ContractVersion: it.ContractVersion, RepID: it.RepID,
		FirstContactDue: r.time("firstContactDue", it.FirstContactDue), FeedbackDue: r.time("feedbackDue", it.FeedbackDue),
		Source: it.Source, UTMCampaign: it.UTMCampaign}
	for i, a := range it.Assignments {
		h.Assignments = append(h.Assignments, records.Assignment{RepID: a.RepID, At: r.time("assignments["+strconv.Itoa(i)+"].at", a.At)})
	}
	for i, c := range it.Clocks {
		hc := c.toClock(&r, "clocks["+strconv.Itoa(i)+"]")
		h.Clocks = append(h.Clocks, records.Clock{Assignment: hc.Assignment, From: hc.From, FirstContactDue: hc.FirstContactDue, FeedbackDue: hc.FeedbackDue})
	}
	if c := it.Contact; c != nil {
		h.ContactedAt, h.ContactChannel, h.ContactRepID = r.time("contact.at", c.At), c.Channel, c.RepID
	}
	if d := it.Decision; d != nil {
		h.Answer, h.AnsweredAt, h.RejectReason, h.RejectComment = d.Verdict, r.time("decision.at", d.At), d.Reason, d.Comment
	}
	switch {
	case h.LeadID == "" || h.At.IsZero():
		r.fail("no leadId or handoffAt")
	case len(h.Assignments) == 0 || h.Assignments[len(h.Assignments)-1].RepID != h.RepID:
		r.fail("repId %q is not the last assignment", it.RepID)
	}
	return h, r.err
}

func limit(n int32) *int32 {
	if n <= 0 {
		return nil
	}
	return &n
}

func leadKeys(ids []string) []map[string]types.AttributeValue {
	keys := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		keys[i] = key(leadPK(id), profileSK)
	}
	return keys
}

// each runs fn for 0..n-1, at most Parallel at a time; the first error cancels the rest and is returned.
func (s *Months) each(ctx context.Context, n int, fn func(context.Context, int) error) error {
	return parallel(ctx, n, s.Parallel, fn)
}

// parallel runs fn for 0..n-1, at most limit at a time; the first error cancels the rest and is returned.
func parallel(ctx context.Context, n, limit int, fn func(context.Context, int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(limit, 1))
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := fn(ctx, i); err != nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	return context.Cause(ctx)
}

// batchGet reads items by key (BatchGetItem, 100 keys a call, limit calls in flight; unprocessed keys retried
// with backoff), projected on attrs (nil: whole items), handing each to fn (concurrently). Missing items are
// left out.
func batchGet(ctx context.Context, db *client, table string, keys []map[string]types.AttributeValue, attrs []string, limit int,
	fn func(map[string]types.AttributeValue) error) error {
	var names map[string]string
	var proj *string
	if len(attrs) > 0 {
		expr, err := expression.NewBuilder().WithProjection(projection(attrs)).Build()
		if err != nil {
			return err
		}
		names, proj = expr.Names(), expr.Projection()
	}
	const perCall = 100
	return parallel(ctx, (len(keys)+perCall-1)/perCall, limit, func(ctx context.Context, b int) error {
		req := map[string]types.KeysAndAttributes{table: {Keys: keys[b*perCall : min((b+1)*perCall, len(keys))],
			ProjectionExpression: proj, ExpressionAttributeNames: names}}
		for attempt := 0; len(req) > 0; attempt++ {
			if attempt == maxAttempts {
				return fmt.Errorf("batch read of %s: unprocessed keys after %d attempts: %w", table, attempt, ErrConflict)
			}
			res, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return err
			}
			for _, item := range res.Responses[table] {
				if err := fn(item); err != nil {
					return err
				}
			}
			req = res.UnprocessedKeys
			if len(req) > 0 {
				backoff(ctx, attempt)
			}
		}
		return nil
	})
}
