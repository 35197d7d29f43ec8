package store

// Content (content.go): the pieces marketing published for sales, and what each weekly digest shared
//
//	SlaTable  pk = CONTENT#<sourceId>#<itemId>  sk = #PIECE     the piece's claim: its current publishedAt and
//	                                                            updatedAt, under a version (no duplicate, and
//	                                                            an older version never overwrites a newer)   TTL handoffs
//	          pk = CONTENT  sk = <sharedFrom>#<sourceId>#<itemId>  the piece itself, in the order Handoff could
//	                                                            first share it (max of publishedAt and the
//	                                                            first receipt): one Query per period (the
//	                                                            digest), or the newest first (the SQL email)   TTL handoffs
//	          pk = DIGESTS#<yyyy-mm>  sk = <isoWeek>#REP#<repId>  a rep's digest of a week (the month of its
//	                                                            slot, in the digest's zone): the pieces it
//	                                                            shared, its email's state (outbox)           TTL handoffs
//
// Pieces hold nothing of a person; they are kept as long as the report's records (retention.handoffs, from
// publication), which count the pieces shared. A digest names a rep (an employee, by ID) and lists piece keys:
// retention.handoffs from its slot, like the report of record it feeds.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Content keeps published pieces and the weekly digests.
type Content struct {
	db *client
	t  Tables
}

// NewContent builds the store of content.
func NewContent(db DB, t Tables) *Content { return &Content{db: newClient(db), t: t} }

const (
	contentPK  = "CONTENT"
	pieceSK    = "#PIECE"
	digestsPK  = "DIGESTS#"
	maxRecents = 100 // the SQL email looks this far back for two relevant pieces
)

type pieceClaim struct {
	PK          string `dynamodbav:"pk"`
	SK          string `dynamodbav:"sk"`
	Kind        string `dynamodbav:"kind"` // "content.claim"
	PublishedAt string `dynamodbav:"publishedAt"`
	UpdatedAt   string `dynamodbav:"updatedAt"`
	// FirstReceivedAt is when Handoff first received the piece; SharedFrom, max(publishedAt, FirstReceivedAt),
	// is its listing instant (absent on pieces saved before: their publishedAt).
	FirstReceivedAt string `dynamodbav:"firstReceivedAt,omitempty"`
	SharedFrom      string `dynamodbav:"sharedFrom,omitempty"`
	Version         int64  `dynamodbav:"version"`
	ExpiresAt       int64  `dynamodbav:"expiresAt"`
}

type pieceItem struct {
	PK          string   `dynamodbav:"pk"`
	SK          string   `dynamodbav:"sk"`
	Kind        string   `dynamodbav:"kind"` // "content.piece"
	Source      string   `dynamodbav:"source"`
	ItemID      string   `dynamodbav:"itemId"`
	Title       string   `dynamodbav:"title"`
	URL         string   `dynamodbav:"url"`
	Type        string   `dynamodbav:"type"`
	Segments    []string `dynamodbav:"segments,omitempty"`
	Industries  []string `dynamodbav:"industries,omitempty"`
	Why         string   `dynamodbav:"why,omitempty"`
	PublishedAt string   `dynamodbav:"publishedAt"`
	UpdatedAt   string   `dynamodbav:"updatedAt"`
	ReceivedAt  string   `dynamodbav:"receivedAt"` // the first receipt
	SharedFrom  string   `dynamodbav:"sharedFrom,omitempty"`
	ExpiresAt   int64    `dynamodbav:"expiresAt"`
}

func claimPK(p content.Piece) string { return "CONTENT#" + p.Key() }
func listingSK(sharedFrom string, p content.Piece) string {
	return sharedFrom + "#" + p.Key()
}

// sharedFrom is the claim's listing instant (publishedAt for a claim saved before it had one).
func (c pieceClaim) sharedFrom() string {
	if c.SharedFrom != "" {
		return c.SharedFrom
	}
	return c.PublishedAt
}

// SavePiece records a published piece, or updates it: the same source and item ID is one piece, whatever the
// retries and republications. An older version than the one stored (by UpdatedAt) changes nothing; the same
// version again rewrites it as it was. It reports whether the piece was new. The claim and the piece are written
// in one transaction under the claim's version, so two deliveries racing leave one piece, in one place.
//
// The piece is listed (and the digest windows it) at the instant Handoff could first share it: the later of its
// publication and its first receipt, so a piece published just before a digest ran but received after it (a
// webhook retried, a backdated post) goes in the next week's digest instead of none. The first receipt is kept
// on the claim: a re-send never moves the piece. A piece without a publication (or update) instant is dated by
// its first receipt, so the same piece sent again changes nothing.
func (s *Content) SavePiece(ctx context.Context, p content.Piece) (created bool, err error) {
	for attempt := 0; attempt < maxAttempts; attempt++ {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.t.SLA), Key: key(claimPK(p), pieceSK), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return false, fmt.Errorf("read content claim %s: %w", p.Key(), err)
		}
		var old pieceClaim
		exists := len(out.Item) > 0
		if exists {
			if err := unmarshal(out.Item, &old); err != nil {
				return false, err
			}
		}
		first := p.ReceivedAt.UTC()
		if exists {
			if t, err := time.Parse(time.RFC3339Nano, old.FirstReceivedAt); err == nil {
				first = t
			} else if t, err := time.Parse(time.RFC3339Nano, old.PublishedAt); err == nil && t.Before(first) {
				first = t // saved before the first receipt was kept: listed at its publication
			}
		}
		if p.PublishedAt.IsZero() {
			p.PublishedAt = first
		}
		if p.UpdatedAt.IsZero() {
			p.UpdatedAt = p.PublishedAt
		}
		if exists && old.UpdatedAt > stamp(p.UpdatedAt) {
			return false, nil // a newer version is stored: this one arrived late
		}
		shared := p.PublishedAt
		if first.After(shared) {
			shared = first
		}
		expires := s.t.recordExpiry(shared)
		claim := pieceClaim{PK: claimPK(p), SK: pieceSK, Kind: "content.claim", PublishedAt: stamp(p.PublishedAt), UpdatedAt: stamp(p.UpdatedAt),
			FirstReceivedAt: stamp(first), SharedFrom: stamp(shared), Version: old.Version + 1, ExpiresAt: expires}
		put := &types.Put{TableName: aws.String(s.t.SLA), Item: marshal(claim)}
		if exists {
			put.ConditionExpression = aws.String("version = :v")
			put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": num(old.Version)}
		} else {
			put.ConditionExpression = aws.String("attribute_not_exists(pk)")
		}
		item := pieceItem{PK: contentPK, SK: listingSK(claim.SharedFrom, p), Kind: "content.piece", Source: p.Source, ItemID: p.ItemID,
			Title: p.Title, URL: p.URL, Type: string(p.Type), Segments: p.Segments, Industries: p.Industries, Why: p.Why,
			PublishedAt: claim.PublishedAt, UpdatedAt: claim.UpdatedAt, ReceivedAt: claim.FirstReceivedAt, SharedFrom: claim.SharedFrom, ExpiresAt: expires}
		items := []types.TransactWriteItem{{Put: put}, {Put: &types.Put{TableName: aws.String(s.t.SLA), Item: marshal(item)}}}
		if exists && old.sharedFrom() != claim.SharedFrom {
			// Republished at another instant: the piece moves in the listing order.
			items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.t.SLA), Key: key(contentPK, listingSK(old.sharedFrom(), p))}})
		}
		reasons, err := transact(ctx, s.db, items)
		if err != nil {
			return false, fmt.Errorf("save content %s: %w", p.Key(), err)
		}
		if reasons == nil {
			return !exists, nil
		}
		if !failed(reasons, 0) && !conflicted(reasons) {
			return false, fmt.Errorf("save content %s: cancelled %s", p.Key(), describe(reasons))
		}
		backoff(ctx, attempt)
	}
	return false, fmt.Errorf("save content %s: %w", p.Key(), ErrConflict)
}

// Published lists the pieces Handoff could first share in [from, to) (content.Piece.SharedFrom: the later of
// their publication and first receipt), oldest first: one Query on the listing order.
func (s *Content) Published(ctx context.Context, from, to time.Time) ([]content.Piece, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.t.SLA), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String("pk = :pk AND sk BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(contentPK), ":from": str(stamp(from)),
			// Every key of an instant before `to` sorts below "<to>#": "#" is below every character of an ID.
			":to": str(stamp(to))}}
	var out []content.Piece
	err := queryAll(ctx, s.db, in, func(items []map[string]types.AttributeValue) error {
		for _, it := range items {
			p, err := readPiece(it)
			if err != nil {
				return err
			}
			if p.SharedFrom.Before(to) && !expired(readExpiry(it)) {
				out = append(out, p)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read the content published from %s to %s: %w", stamp(from), stamp(to), err)
	}
	return out, nil
}

// RecentContent lists the newest pieces, newest first, at most n (at most 100): one Query, backwards.
func (s *Content) RecentContent(ctx context.Context, n int) ([]content.Piece, error) {
	return recentContent(ctx, s.db, s.t, n)
}

// RecentContent lists the newest pieces, newest first (see Content.RecentContent): the SQL email's two relevant
// pieces, read with the lead.
func (s *Leads) RecentContent(ctx context.Context, n int) ([]content.Piece, error) {
	return recentContent(ctx, s.db, s.t, n)
}

func recentContent(ctx context.Context, db *client, t Tables, n int) ([]content.Piece, error) {
	n = min(n, maxRecents)
	out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(t.SLA), KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(contentPK)}, ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(n))})
	if err != nil {
		return nil, fmt.Errorf("read recent content: %w", err)
	}
	var ps []content.Piece
	for _, it := range out.Items {
		p, err := readPiece(it)
		if err != nil {
			return nil, err
		}
		if !expired(readExpiry(it)) {
			ps = append(ps, p)
		}
	}
	return ps, nil
}

func readExpiry(it map[string]types.AttributeValue) int64 {
	var e struct {
		ExpiresAt int64 `dynamodbav:"expiresAt"`
	}
	_ = unmarshal(it, &e)
	return e.ExpiresAt
}

func readPiece(it map[string]types.AttributeValue) (content.Piece, error) {
	var pi pieceItem
	if err := unmarshal(it, &pi); err != nil {
		return content.Piece{}, err
	}
	r := reader{item: pi.PK + "/" + pi.SK}
	p := content.Piece{Source: pi.Source, ItemID: pi.ItemID, Title: pi.Title, URL: pi.URL, Type: content.Type(pi.Type),
		Segments: pi.Segments, Industries: pi.Industries, Why: pi.Why, PublishedAt: r.time("publishedAt", pi.PublishedAt),
		UpdatedAt: r.time("updatedAt", pi.UpdatedAt), ReceivedAt: r.time("receivedAt", pi.ReceivedAt)}
	p.SharedFrom = p.PublishedAt
	if pi.SharedFrom != "" {
		p.SharedFrom = r.time("sharedFrom", pi.SharedFrom)
	}
	if p.Source == "" || p.ItemID == "" || p.PublishedAt.IsZero() {
		r.fail("not a piece of content (source, itemId, publishedAt)")
	}
	return p, r.err
}

type digestItem struct {
	PK        string   `dynamodbav:"pk"`
	SK        string   `dynamodbav:"sk"`
	Kind      string   `dynamodbav:"kind"` // "digest"
	Week      string   `dynamodbav:"week"`
	Slot      string   `dynamodbav:"slot"`
	RepID     string   `dynamodbav:"repId"`
	Pieces    []string `dynamodbav:"pieces"`
	Mail      mailItem `dynamodbav:"mail"`
	Version   int64    `dynamodbav:"version"`
	ExpiresAt int64    `dynamodbav:"expiresAt"`
}

func digestKey(m contract.Month, week, rep string) map[string]types.AttributeValue {
	return key(digestsPK+m.String(), week+"#REP#"+rep)
}

// ErrDigestExists: ClaimDigest found the rep's digest of that week recorded (returned with it).
var ErrDigestExists = errors.New("store: the digest is recorded")

// ClaimDigest records a rep's digest of a week, its email claimed, unless it is recorded: then it returns the
// recorded one and ErrDigestExists. One conditional write: two runs of the schedule record one digest.
func (s *Content) ClaimDigest(ctx context.Context, d content.Digest) (content.Digest, error) {
	it := digestItem{Week: d.Week, Slot: stamp(d.Slot), RepID: d.RepID, Pieces: d.Pieces, Mail: newMailItem(d.Mail), Version: 1, Kind: "digest",
		ExpiresAt: s.t.recordExpiry(d.Slot)}
	k := digestKey(d.Month, d.Week, d.RepID)
	item := marshal(it)
	item["pk"], item["sk"] = k["pk"], k["sk"]
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.t.SLA), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) && len(ccf.Item) > 0 {
		got, rerr := readDigest(ccf.Item, d.Month)
		if rerr != nil {
			return got, rerr
		}
		return got, ErrDigestExists
	}
	if err != nil {
		return content.Digest{}, fmt.Errorf("claim the digest of %s for %s: %w", d.Week, d.RepID, err)
	}
	d.Version = 1
	return d, nil
}

// UpdateDigest changes the email state of a rep's digest under its version (the outbox's gate and settlement):
// change returns false to leave it as it is (ErrNoChange is not returned: the digest as found is).
func (s *Content) UpdateDigest(ctx context.Context, m contract.Month, week, rep string, change func(*outbox.Mail) bool) (content.Digest, bool, error) {
	k := digestKey(m, week, rep)
	for attempt := 0; attempt < maxAttempts; attempt++ {
		out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.t.SLA), Key: k, ConsistentRead: aws.Bool(true)})
		if err != nil {
			return content.Digest{}, false, fmt.Errorf("read the digest of %s for %s: %w", week, rep, err)
		}
		if len(out.Item) == 0 {
			return content.Digest{}, false, fmt.Errorf("the digest of %s for %s is not recorded", week, rep)
		}
		d, err := readDigest(out.Item, m)
		if err != nil {
			return d, false, err
		}
		if !change(&d.Mail) {
			return d, false, nil
		}
		_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.t.SLA), Key: k,
			UpdateExpression:    aws.String("SET mail = :m, version = :next"),
			ConditionExpression: aws.String("version = :v"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberM{Value: marshal(newMailItem(d.Mail))},
				":v": num(int64(d.Version)), ":next": num(int64(d.Version + 1))}})
		if conditionFailed(err) {
			backoff(ctx, attempt)
			continue
		}
		if err != nil {
			return d, false, fmt.Errorf("update the digest of %s for %s: %w", week, rep, err)
		}
		d.Version++
		return d, true, nil
	}
	return content.Digest{}, false, fmt.Errorf("update the digest of %s for %s: %w", week, rep, ErrConflict)
}

// DigestsOfMonth lists the digests whose slot falls in month m (in the digest's zone), for the report: how many
// were sent (Mail.Status sent) and how many pieces each shared (len(Pieces)). One Query.
func (s *Content) DigestsOfMonth(ctx context.Context, m contract.Month) ([]content.Digest, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.t.SLA), KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(digestsPK + m.String())}}
	out, err := queryItems(ctx, s.db, in, func(it map[string]types.AttributeValue) (content.Digest, error) { return readDigest(it, m) })
	if err != nil {
		return nil, fmt.Errorf("read the digests of %s: %w", m, err)
	}
	return out, nil
}

// DigestsOfWeek lists the digests recorded for a week (whose slot is in month m), by rep ID.
func (s *Content) DigestsOfWeek(ctx context.Context, m contract.Month, week string) (map[string]content.Digest, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.t.SLA), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :w)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(digestsPK + m.String()), ":w": str(week + "#REP#")}}
	ds, err := queryItems(ctx, s.db, in, func(it map[string]types.AttributeValue) (content.Digest, error) { return readDigest(it, m) })
	if err != nil {
		return nil, fmt.Errorf("read the digests of %s: %w", week, err)
	}
	out := make(map[string]content.Digest, len(ds))
	for _, d := range ds {
		out[d.RepID] = d
	}
	return out, nil
}

func readDigest(it map[string]types.AttributeValue, m contract.Month) (content.Digest, error) {
	var di digestItem
	if err := unmarshal(it, &di); err != nil {
		return content.Digest{}, err
	}
	r := reader{item: di.PK + "/" + di.SK}
	d := content.Digest{Week: di.Week, Slot: r.time("slot", di.Slot), Month: m, RepID: di.RepID, Pieces: di.Pieces,
		Mail: di.Mail.toMail(&r, "mail"), Version: int(di.Version)}
	if d.Week == "" || d.RepID == "" || !strings.HasPrefix(di.PK, digestsPK) {
		r.fail("not a digest (week, repId)")
	}
	return d, r.err
}
