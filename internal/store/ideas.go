package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Ideas keeps sales' ideas and field feedback (package ideas), in the SlaTable:
//
//	pk = IDEAS#<yyyy-mm>            sk = REP#<repId>#<submissionId>   a submission: kind, category, text, the   TTL handoffs
//	                                                                  email to marketing ops (mail)
//	pk = IDEASUB#<repId>#<subId>    sk = #CLAIM                       that the submission was recorded: a form  TTL handoffs
//	                                                                  posted again records nothing more
//	pk = IDEAMAIL#PENDING           sk = <yyyy-mm>#<repId>#<subId>    a submission whose email is not settled:  TTL handoffs
//	                                                                  what the deadline checker sends
//
// The three are written in one transaction, the claim on the condition that it is new: a submission is recorded
// once, whatever the month it is posted again in, and its email is pending from the instant it is recorded — the
// record is the outbox item, so a crash after the recording loses nothing. The pending item leaves when the email
// is sent or abandoned, in the same transaction as the record's settlement: the pending partition holds only the
// few emails in flight, one Query a minute. A month's submissions are one Query (the report's), no index.
//
// The text is the rep's and may name a lead: the items expire retention.handoffs from the submission's instant,
// like the hand-offs. `forget` cannot find a person in free text; the page asks reps to name companies, not people.
type Ideas struct {
	db *client
	t  Tables
}

// NewIdeas builds the ideas store.
func NewIdeas(db DB, t Tables) *Ideas { return &Ideas{db: newClient(db), t: t} }

const ideasPending = "IDEAMAIL#PENDING"

func ideasPK(m contract.Month) string                     { return "IDEAS#" + m.String() }
func ideasSK(k ideas.Key) string                          { return "REP#" + k.RepID + "#" + k.ID }
func ideaClaimPK(repID, id string) string                 { return "IDEASUB#" + repID + "#" + id }
func ideaPendingSK(k ideas.Key) string                    { return k.Month.String() + "#" + k.RepID + "#" + k.ID }
func ideaKey(k ideas.Key) map[string]types.AttributeValue { return key(ideasPK(k.Month), ideasSK(k)) }

// ideaItem is a submission as stored.
type ideaItem struct {
	PK           string   `dynamodbav:"pk"`
	SK           string   `dynamodbav:"sk"`
	RepID        string   `dynamodbav:"repId"`
	SubmissionID string   `dynamodbav:"submissionId"`
	Kind         string   `dynamodbav:"kind"`
	Category     string   `dynamodbav:"category,omitempty"`
	Text         string   `dynamodbav:"text"`
	At           string   `dynamodbav:"at"`
	Mail         mailItem `dynamodbav:"mail"`
	ExpiresAt    int64    `dynamodbav:"expiresAt"`
}

type markerItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
}

// Record records a submission with its email to marketing ops claimed, once: false when its submission ID was
// recorded already (the same form posted again), and nothing is written then.
func (s *Ideas) Record(ctx context.Context, sub ideas.Submission) (bool, error) {
	r := ideas.Record{Submission: sub, Month: ideas.MonthOf(sub.At, s.zone()), Mail: outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: sub.At}}
	k, exp := r.Key(), s.t.recordExpiry(sub.At)
	item := ideaItem{PK: ideasPK(k.Month), SK: ideasSK(k), RepID: sub.RepID, SubmissionID: sub.ID, Kind: string(sub.Kind), Category: sub.Category,
		Text: sub.Text, At: stamp(sub.At), Mail: newMailItem(r.Mail), ExpiresAt: exp}
	reasons, err := transact(ctx, s.db, []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(markerItem{PK: ideaClaimPK(sub.RepID, sub.ID), SK: "#CLAIM", ExpiresAt: exp}),
			ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(item)}},
		{Put: &types.Put{TableName: &s.t.SLA, Item: marshal(markerItem{PK: ideasPending, SK: ideaPendingSK(k), ExpiresAt: exp})}},
	})
	switch {
	case err != nil:
		return false, fmt.Errorf("record %s: %w", sub, err)
	case failed(reasons, 0):
		return false, nil
	case reasons != nil:
		return false, fmt.Errorf("record %s: transaction cancelled %s", sub, describe(reasons))
	}
	return true, nil
}

func (s *Ideas) zone() *time.Location {
	if s.t.Zone == nil {
		return time.UTC
	}
	return s.t.Zone
}

// Month is the submissions recorded in month m, in the contract's zone (the report's list and counts).
func (s *Ideas) Month(ctx context.Context, m contract.Month) ([]ideas.Record, error) {
	out, err := queryItems(ctx, s.db, &dynamodb.QueryInput{TableName: &s.t.SLA, KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(ideasPK(m))}}, readIdea)
	if err != nil {
		return nil, fmt.Errorf("ideas of %s: %w", m, err)
	}
	return out, nil
}

// Pending is the submissions whose email to marketing ops is not settled yet (claimed, or sending).
func (s *Ideas) Pending(ctx context.Context) ([]ideas.Key, error) {
	var out []ideas.Key
	err := queryAll(ctx, s.db, &dynamodb.QueryInput{TableName: &s.t.SLA, KeyConditionExpression: aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(ideasPending)}},
		func(items []map[string]types.AttributeValue) error {
			for _, it := range items {
				var m markerItem
				if err := unmarshal(it, &m); err != nil {
					return err
				}
				parts := strings.SplitN(m.SK, "#", 3)
				var mo contract.Month
				if len(parts) == 3 {
					mo, _ = parseMonth(parts[0])
				}
				if mo.IsZero() {
					return fmt.Errorf("stored item %s/%s: not a pending submission", m.PK, m.SK)
				}
				out = append(out, ideas.Key{Month: mo, RepID: parts[1], ID: parts[2]})
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("pending ideas emails: %w", err)
	}
	return out, nil
}

func parseMonth(s string) (contract.Month, bool) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return contract.Month{}, false
	}
	return contract.MonthOf(t), true
}

// ErrIdeaNotFound: no such submission (it expired, was deleted by hand, or never was).
var ErrIdeaNotFound = ideas.ErrNotFound

// DropPending takes a submission off the pending list without settling it: its record is gone (deleted by hand,
// expired), so there is nothing left to send.
func (s *Ideas) DropPending(ctx context.Context, k ideas.Key) error {
	// A transaction of one Delete: the store's client makes no single deletes (see client).
	reasons, err := transact(ctx, s.db, []types.TransactWriteItem{{Delete: &types.Delete{TableName: &s.t.SLA, Key: key(ideasPending, ideaPendingSK(k))}}})
	if err == nil && reasons != nil {
		err = fmt.Errorf("transaction cancelled %s", describe(reasons))
	}
	if err != nil {
		return fmt.Errorf("drop the pending email of %s/%s/%s: %w", k.Month, k.RepID, k.ID, err)
	}
	return nil
}

// StartMail is the gate of a submission's email (outbox.Gate.Pass): claimed → sending at now, a conditional
// write; passed is false, with the record as found, when it was not claimed.
func (s *Ideas) StartMail(ctx context.Context, k ideas.Key, now time.Time) (ideas.Record, bool, error) {
	item, passed, err := s.db.startMail(ctx, s.t.SLA, ideaKey(k), now, "", nil)
	switch {
	case err != nil:
		return ideas.Record{}, false, fmt.Errorf("start the email of %s/%s/%s: %w", k.Month, k.RepID, k.ID, err)
	case item == nil:
		return ideas.Record{}, false, fmt.Errorf("email of %s/%s/%s: %w", k.Month, k.RepID, k.ID, ErrIdeaNotFound)
	}
	r, err := readIdea(item)
	return r, passed && err == nil, err
}

// SettleMail records how a submission's email ended, only if it is still the hand-over that passed the gate at
// sendingAt (otherwise another try owns it: nothing is written, and no error). A settled email (sent,
// abandoned) leaves the pending list in the same transaction.
func (s *Ideas) SettleMail(ctx context.Context, k ideas.Key, sendingAt time.Time, m outbox.Mail) error {
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: &s.t.SLA, Key: ideaKey(k),
		UpdateExpression:         aws.String("SET mail = :mail"),
		ConditionExpression:      aws.String("mail.#status = :sending AND mail.sendingAt = :at"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":mail": &types.AttributeValueMemberM{Value: marshal(newMailItem(m))},
			":sending": str(string(outbox.MailSending)), ":at": str(stamp(sendingAt))},
	}}}
	if !m.Outstanding() {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.t.SLA, Key: key(ideasPending, ideaPendingSK(k))}})
	}
	reasons, err := transact(ctx, s.db, items)
	switch {
	case err != nil:
		return fmt.Errorf("settle the email of %s/%s/%s: %w", k.Month, k.RepID, k.ID, err)
	case failed(reasons, 0):
		return nil
	case reasons != nil:
		return fmt.Errorf("settle the email of %s/%s/%s: transaction cancelled %s", k.Month, k.RepID, k.ID, describe(reasons))
	}
	return nil
}

// Abandon gives up a submission's email left sending since sendingAt (its outcome unknown, its sender gone):
// abandoned, out of the pending list; nothing when another try moved it since.
func (s *Ideas) Abandon(ctx context.Context, r ideas.Record) error {
	m := r.Mail
	m.Status = outbox.MailAbandoned
	return s.SettleMail(ctx, r.Key(), r.Mail.SendingAt, m)
}

// Get reads one submission.
func (s *Ideas) Get(ctx context.Context, k ideas.Key) (ideas.Record, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.t.SLA, Key: ideaKey(k), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return ideas.Record{}, fmt.Errorf("read %s/%s/%s: %w", k.Month, k.RepID, k.ID, err)
	}
	if out.Item == nil {
		return ideas.Record{}, fmt.Errorf("read %s/%s/%s: %w", k.Month, k.RepID, k.ID, ErrIdeaNotFound)
	}
	return readIdea(out.Item)
}

func readIdea(item map[string]types.AttributeValue) (ideas.Record, error) {
	var it ideaItem
	if err := unmarshal(item, &it); err != nil {
		return ideas.Record{}, err
	}
	rd := &reader{item: it.PK + "/" + it.SK}
	mo, ok := parseMonth(strings.TrimPrefix(it.PK, "IDEAS#"))
	if !ok {
		rd.fail("pk: not a month")
	}
	r := ideas.Record{Submission: ideas.Submission{ID: it.SubmissionID, RepID: it.RepID, Kind: ideas.Kind(it.Kind), Category: it.Category,
		Text: it.Text, At: rd.time("at", it.At)}, Month: mo, Mail: it.Mail.toMail(rd, "mail")}
	switch {
	case r.Kind != ideas.Idea && r.Kind != ideas.Feedback:
		rd.fail("kind: %q", it.Kind)
	case r.ID == "" || r.RepID == "" || r.At.IsZero():
		rd.fail("incomplete")
	}
	return r, rd.err
}
