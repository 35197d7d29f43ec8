package store

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/outbox"
)

// startMail is the gate every stored email passes (outbox.Gate.Pass): the item's mail goes from claimed to
// sending at now, once, by a conditional write, with extraSet (", expiresAt = :expires"…) and its values in the
// same write. It returns the item as written and passed, or as found and not passed (another caller made the
// move, or the email is not claimed); a nil item, not passed, when there is no item at all.
func (c *client) startMail(ctx context.Context, table string, k map[string]types.AttributeValue, now time.Time,
	extraSet string, extraValues map[string]types.AttributeValue) (map[string]types.AttributeValue, bool, error) {
	values := map[string]types.AttributeValue{":sending": str(string(outbox.MailSending)), ":claimed": str(string(outbox.MailClaimed)),
		":now": str(stamp(now))}
	for name, v := range extraValues {
		values[name] = v
	}
	out, err := c.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &table, Key: k,
		UpdateExpression:                    aws.String("SET mail.#status = :sending, mail.sendingAt = :now" + extraSet),
		ConditionExpression:                 aws.String("mail.#status = :claimed"),
		ExpressionAttributeNames:            map[string]string{"#status": "status"},
		ExpressionAttributeValues:           values,
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if conditionFailed(err) {
		var ccf *types.ConditionalCheckFailedException
		errors.As(err, &ccf)
		return ccf.Item, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return out.Attributes, true, nil
}
