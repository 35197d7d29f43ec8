package store

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/webhook"
)

// Webhook deliveries. Each delivery is stored with the lead and activities it brought, in the same transaction,
// twice:
//   - its first answer, kept DeliveryTTL (DELIVERY#…, TTL expiresAt): a retry gets exactly that answer, and the
//     same ID with another body is refused;
//   - that it was stored (SEEN#…), for as long as the activities it brought (retention.activities): a retry that
//     comes after the answer expired (Typeform signatures carry no timestamp; a queue may retry days later) is
//     still recognised, answered as a replay (the answer rebuilt: the same lead and count) and writes nothing.
//     It keeps only what that needs: the lead's ID (to rebuild the answer), the body's SHA-256 (to tell the same
//     delivery from a reused ID: a digest of the whole signed body, from which no value can be read back), the
//     instant — never a value the sender posted.
//
// The second costs no request (one more item in the transaction) and a few dozen bytes per delivery.

// DeliveryTTL is how long a delivery's answer is kept for retries (the promise is at least 24 h).
const DeliveryTTL = 48 * time.Hour

type deliveryItem struct {
	PK        string `dynamodbav:"pk"`
	LeadID    string `dynamodbav:"leadId"`
	Status    int    `dynamodbav:"status"`
	Body      string `dynamodbav:"body"`
	BodyHash  string `dynamodbav:"bodyHash"`
	CreatedAt string `dynamodbav:"createdAt"`
	ExpiresAt int64  `dynamodbav:"expiresAt"`
}

type seenItem struct {
	PK        string `dynamodbav:"pk"`
	LeadID    string `dynamodbav:"leadId"`
	BodyHash  string `dynamodbav:"bodyHash"`
	CreatedAt string `dynamodbav:"createdAt"`
	ExpiresAt int64  `dynamodbav:"expiresAt"` // retention.activities after the delivery
}

// DeliveryKey is the key (pk) a delivery's answer (kind "DELIVERY") or marker ("SEEN") is stored under. The ID a
// sender posts may name the person (an idempotency key templated from the form's email): the keys hold a digest
// of it (SHA-256, 128 bits), never the ID.
func DeliveryKey(kind, source, id string) string {
	sum := sha256.Sum256([]byte(id))
	return kind + "#" + source + "#" + hex.EncodeToString(sum[:16])
}

func (s *Leads) putDelivery(d webhook.Delivery, leadID string, a webhook.Answer) types.TransactWriteItem {
	item := marshal(deliveryItem{PK: DeliveryKey("DELIVERY", d.Source, d.ID), LeadID: leadID, Status: a.Status, Body: a.Body,
		BodyHash: d.BodyHash, CreatedAt: stamp(d.At), ExpiresAt: d.At.Add(DeliveryTTL).Unix()})
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &s.t.Deliveries, Item: item,
		// An expired answer that TTL has not deleted yet is gone as far as retries are concerned.
		ConditionExpression:                 aws.String("attribute_not_exists(pk) OR expiresAt < :now"),
		ExpressionAttributeValues:           map[string]types.AttributeValue{":now": num(d.At.Unix())},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
}

func (s *Leads) putSeen(d webhook.Delivery, leadID string) types.TransactWriteItem {
	return types.TransactWriteItem{Put: &types.Put{
		TableName: &s.t.Deliveries, Item: marshal(seenItem{PK: DeliveryKey("SEEN", d.Source, d.ID), LeadID: leadID, BodyHash: d.BodyHash, CreatedAt: stamp(d.At),
			ExpiresAt: s.t.activityExpiry(d.At)}),
		ConditionExpression:                 aws.String("attribute_not_exists(pk)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}}
}

// deliveryOutcome reads the two delivery writes of a cancelled transaction (at indexes i and i+1): a replay
// within the answer's life, a late replay after it, a reused ID, or neither (ok false).
func deliveryOutcome(d webhook.Delivery, reasons []types.CancellationReason, i int, answer func(string) webhook.Answer) (webhook.Receipt, bool, error) {
	switch {
	case failed(reasons, i):
		var it deliveryItem
		if err := unmarshal(reasons[i].Item, &it); err != nil {
			return webhook.Receipt{}, true, err
		}
		if it.BodyHash != d.BodyHash {
			return webhook.Receipt{}, true, webhook.ErrDeliveryReused
		}
		return webhook.Receipt{LeadID: it.LeadID, Replayed: true, Answer: webhook.Answer{Status: it.Status, Body: it.Body}}, true, nil
	case failed(reasons, i+1):
		var it seenItem
		if err := unmarshal(reasons[i+1].Item, &it); err != nil {
			return webhook.Receipt{}, true, err
		}
		if it.BodyHash != d.BodyHash {
			return webhook.Receipt{}, true, webhook.ErrDeliveryReused
		}
		return webhook.Receipt{LeadID: it.LeadID, Replayed: true, Late: true, Answer: answer(it.LeadID)}, true, nil
	}
	return webhook.Receipt{}, false, nil
}
