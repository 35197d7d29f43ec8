package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
)

// Bounces records SES's bounces and complaints of the emails that are not a hand-off's (the monthly report, a
// digest, an idea's email to marketing ops), each once:
//
//	SlaTable  pk = BOUNCES#<yyyy-mm>  sk = <at>#<feedbackId>   what SES reported (kind, subtype, message ID) and
//	                                                            the email's tags (month, week, rep ID): no address  TTL handoffs
//
// The month is SES's instant's, in the contract's zone: one Query lists a month's. A hand-off's emails are
// recorded on the hand-off (handoff.RecordBounce, through Handoffs).
type Bounces struct {
	db *client
	t  Tables
}

// NewBounces is the store of other emails' bounces.
func NewBounces(db DB, t Tables) *Bounces { return &Bounces{db: newClient(db), t: t} }

type bounceItem struct {
	PK         string `dynamodbav:"pk"`
	SK         string `dynamodbav:"sk"`
	Kind       string `dynamodbav:"kind"` // "bounce"
	Email      string `dynamodbav:"email"`
	MessageID  string `dynamodbav:"messageId"`
	FeedbackID string `dynamodbav:"feedbackId"`
	Bounce     string `dynamodbav:"bounce"`
	SubType    string `dynamodbav:"subType,omitempty"`
	At         string `dynamodbav:"at"`
	Month      string `dynamodbav:"reportMonth,omitempty"`
	Week       string `dynamodbav:"week,omitempty"`
	RepID      string `dynamodbav:"repId,omitempty"`
	ExpiresAt  int64  `dynamodbav:"expiresAt"`
}

// Record stores SES's report (feedbackID, at) of the email ref names unless it is stored already (a conditional
// put): recorded reports it was new.
func (s *Bounces) Record(ctx context.Context, ref mailtag.Ref, messageID, feedbackID string, kind handoff.BounceKind, subType string, at time.Time) (bool, error) {
	it := bounceItem{PK: "BOUNCES#" + s.t.month(at), SK: stamp(at) + "#" + feedbackID, Kind: "bounce", Email: ref.Kind,
		MessageID: messageID, FeedbackID: feedbackID, Bounce: string(kind), SubType: subType, At: stamp(at),
		Month: ref.Month, Week: ref.Week, RepID: ref.RepID, ExpiresAt: s.t.recordExpiry(at)}
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
