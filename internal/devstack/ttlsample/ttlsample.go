// Package ttlsample checks the sample stream events of TTL deletions for the functions' tests. Apart from testenv,
// which the local stack's own tests import, because it uses the local stack's filter matching.
package ttlsample

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// Read reads a sample stream event of a TTL deletion (events/<function>/ttl-expired.json), checks that it is
// one as AWS delivers it (a REMOVE by dynamodb.amazonaws.com) and that the template's filter of the function's
// stream keeps it out, and returns it for the handler itself.
func Read(t testing.TB, sample, function string) events.DynamoDBEvent {
	t.Helper()
	raw, err := os.ReadFile(testenv.Root() + "/" + sample)
	if err != nil {
		t.Fatal(err)
	}
	var records struct{ Records []json.RawMessage }
	if err := json.Unmarshal(raw, &records); err != nil {
		t.Fatal(err)
	}
	fn, _ := testenv.Template().Function(function)
	if ok, err := samlocal.FilterMatches(fn.Streams[0].Filters, records.Records[0]); err != nil || ok {
		t.Errorf("the template's filter lets a TTL deletion through to %s (%v)", function, err)
	}
	var ev events.DynamoDBEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	if r := ev.Records[0]; r.EventName != "REMOVE" || r.UserIdentity == nil || r.UserIdentity.PrincipalID != "dynamodb.amazonaws.com" {
		t.Fatalf("%s is not a TTL deletion: %+v", sample, r)
	}
	return ev
}
