package localiam

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// TestFromJSON: requests as the wire carries them (what the local stack's proxy reads) are allowed or refused as
// the template's roles say.
func TestFromJSON(t *testing.T) {
	root, err := localaws.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(tpl, func(name string) string { return strings.TrimPrefix(name, "local-") })
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, function, target, body string
		allowed                      bool
	}{
		{"a hand-off and its event", "BouncesFunction", "DynamoDB_20120810.TransactWriteItems",
			`{"TransactItems":[{"Put":{"TableName":"local-SlaTable","Item":{"pk":{"S":"LEAD#ld_1"},"sk":{"S":"HANDOFF#1"}}}},{"Put":{"TableName":"local-SlaTable","Item":{"pk":{"S":"LEAD#ld_1"},"sk":{"S":"EVT#1"}}}}]}`, true},
		{"a hand-off and a load", "BouncesFunction", "DynamoDB_20120810.TransactWriteItems",
			`{"TransactItems":[{"Put":{"TableName":"local-SlaTable","Item":{"pk":{"S":"LEAD#ld_1"},"sk":{"S":"HANDOFF#1"}}}},{"Update":{"TableName":"local-SlaTable","Key":{"pk":{"S":"LOAD"},"sk":{"S":"REP#a"}}}}]}`, false},
		{"a condition check", "BouncesFunction", "DynamoDB_20120810.TransactWriteItems",
			`{"TransactItems":[{"ConditionCheck":{"TableName":"local-SlaTable","Key":{"pk":{"S":"LEAD#ld_1"},"sk":{"S":"x"}}}}]}`, false},
		{"a lead's records by name", "NotifyFunction", "DynamoDB_20120810.Query",
			`{"TableName":"local-SlaTable","KeyConditionExpression":"#p = :p AND begins_with(sk, :s)","ExpressionAttributeNames":{"#p":"pk"},"ExpressionAttributeValues":{":p":{"S":"LEAD#ld_1"},":s":{"S":"HANDOFF#"}}}`, true},
		{"the reports", "NotifyFunction", "DynamoDB_20120810.Query",
			`{"TableName":"local-SlaTable","KeyConditionExpression":"pk = :p","ExpressionAttributeValues":{":p":{"S":"REPORT#2026-11"}}}`, false},
		{"a lead's name", "FeedbackFunction", "DynamoDB_20120810.GetItem",
			`{"TableName":"local-LeadsTable","Key":{"pk":{"S":"LEAD#ld_1"},"sk":{"S":"#PROFILE"}},"ProjectionExpression":"firstName, lastName, company, expiresAt"}`, true},
		{"a lead whole", "FeedbackFunction", "DynamoDB_20120810.GetItem",
			`{"TableName":"local-LeadsTable","Key":{"pk":{"S":"LEAD#ld_1"},"sk":{"S":"#PROFILE"}}}`, false},
		{"a lead's email", "FeedbackFunction", "DynamoDB_20120810.GetItem",
			`{"TableName":"local-LeadsTable","Key":{"pk":{"S":"LEAD#ld_1"},"sk":{"S":"#PROFILE"}},"ProjectionExpression":"firstName, #e","ExpressionAttributeNames":{"#e":"email"}}`, false},
		{"a scan", "OpsFunction", "DynamoDB_20120810.Scan", `{"TableName":"local-SlaTable"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reqs, err := p.FromJSON(tc.target, []byte(tc.body))
			if err == nil {
				err = p.Authorize(tc.function, reqs)
			}
			var denied *AccessDenied
			if tc.allowed && err != nil || !tc.allowed && !errors.As(err, &denied) {
				t.Errorf("%v; want allowed %v", err, tc.allowed)
			}
		})
	}
}
