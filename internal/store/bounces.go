package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Bounces records SES's bounces and complaints of the emails that are not a hand-off's (the monthly report, a
// digest, an idea's email to marketing ops), each once, with the email that tells marketing ops of it when there
// is one (the report's: its outbox record, claimed with the record):
//
//	SlaTable  pk = BOUNCES#<yyyy-mm>  sk = <at>#<feedbackId>   what SES reported (kind, subtype, message ID), the
//	                                                            email's tags (month, week, rep ID: no address), and
//	                                                            the email to ops (mail)                 TTL handoffs
//
// The month is SES's instant's, in the contract's zone: one Query lists a month's. A hand-off's emails are
// recorded on the hand-off (handoff.RecordBounce, through Handoffs).
type Bounces struct {
	db *client
	t  Tables
}

// NewBounces is the store of other emails' bounces.
func NewBounces(db DB, t Tables) *Bounces { return &Bounces{db: newClient(db), t: t} }

// ErrBounceNotFound: no bounce recorded under that key.
var ErrBounceNotFound = errors.New("no such bounce recorded")

type bounceItem struct {
	PK         string    `dynamodbav:"pk"`
	SK         string    `dynamodbav:"sk"`
	Kind       string    `dynamodbav:"kind"` // "bounce"
	Email      string    `dynamodbav:"email"`
	MessageID  string    `dynamodbav:"messageId"`
	FeedbackID string    `dynamodbav:"feedbackId"`
	Bounce     string    `dynamodbav:"bounce"`
	SubType    string    `dynamodbav:"subType,omitempty"`
	At         string    `dynamodbav:"at"`
	Month      string    `dynamodbav:"reportMonth,omitempty"`
	Week       string    `dynamodbav:"week,omitempty"`
	RepID      string    `dynamodbav:"repId,omitempty"`
	Mail       *mailItem `dynamodbav:"mail,omitempty"`
	ExpiresAt  int64     `dynamodbav:"expiresAt"`
}

func (s *Bounces) key(feedbackID string, at time.Time) map[string]types.AttributeValue {
	return key("BOUNCES#"+s.t.month(at), stamp(at)+"#"+feedbackID)
}

// Record stores SES's report (feedbackID, at) of the email ref names unless it is stored already (a conditional
// put): recorded reports it was new. withMail claims, in the same write, the email that tells marketing ops.
func (s *Bounces) Record(ctx context.Context, ref mailtag.Ref, messageID, feedbackID string, kind handoff.BounceKind, subType string, at time.Time, withMail bool) (bool, error) {
	it := bounceItem{PK: "BOUNCES#" + s.t.month(at), SK: stamp(at) + "#" + feedbackID, Kind: "bounce", Email: ref.Kind,
		MessageID: messageID, FeedbackID: feedbackID, Bounce: string(kind), SubType: subType, At: stamp(at),
		Month: ref.Month, Week: ref.Week, RepID: ref.RepID, ExpiresAt: s.t.recordExpiry(at)}
	if withMail {
		m := newMailItem(outbox.Mail{Status: outbox.MailClaimed, ClaimedAt: at})
		it.Mail = &m
	}
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.t.SLA, Item: marshal(it),
		ConditionExpression: aws.String("attribute_not_exists(pk)")})
	switch {
	case conditionFailed(err):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("record bounce %s/%s: %w", it.PK, it.SK, err)
	}
	return true, nil
}

// StartMail is the gate of the email to ops about the bounce (feedbackID, at): claimed -> sending at now, a
// conditional write; passed reports this caller made the move. The email is returned as passed or as found.
func (s *Bounces) StartMail(ctx context.Context, feedbackID string, at, now time.Time) (outbox.Mail, bool, error) {
	item, passed, err := s.db.startMail(ctx, s.t.SLA, s.key(feedbackID, at), now, "", nil)
	switch {
	case err != nil:
		return outbox.Mail{}, false, fmt.Errorf("start the email of bounce %s: %w", feedbackID, err)
	case item == nil:
		return outbox.Mail{}, false, fmt.Errorf("the email of bounce %s: %w", feedbackID, ErrBounceNotFound)
	}
	m, err := readBounceMail(item)
	return m, passed && err == nil, err
}

// SettleMail records how the email to ops ended, only if it is still the hand-over that passed the gate at
// sendingAt (otherwise another try owns it: nothing is written, and no error).
func (s *Bounces) SettleMail(ctx context.Context, feedbackID string, at, sendingAt time.Time, m outbox.Mail) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.t.SLA, Key: s.key(feedbackID, at),
		UpdateExpression:         aws.String("SET mail = :mail"),
		ConditionExpression:      aws.String("mail.#status = :sending AND mail.sendingAt = :at"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":mail": &types.AttributeValueMemberM{Value: marshal(newMailItem(m))},
			":sending": str(string(outbox.MailSending)), ":at": str(stamp(sendingAt))},
	})
	if err != nil && !conditionFailed(err) {
		return fmt.Errorf("settle the email of bounce %s: %w", feedbackID, err)
	}
	return nil
}

func readBounceMail(item map[string]types.AttributeValue) (outbox.Mail, error) {
	var it bounceItem
	if err := unmarshal(item, &it); err != nil {
		return outbox.Mail{}, err
	}
	if it.Mail == nil {
		return outbox.Mail{}, fmt.Errorf("stored item %s/%s: no mail", it.PK, it.SK)
	}
	r := reader{item: it.PK + "/" + it.SK}
	m := it.Mail.toMail(&r, "mail")
	return m, r.err
}
