package localaws_test

import (
	"context"
	"encoding/json"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

func TestCreateTablesFollowsTheTemplate(t *testing.T) {
	t.Parallel()
	names := testenv.Tables(t)
	db := testenv.DynamoDB(t)
	ctx := context.Background()
	for _, tbl := range testenv.Template().Tables {
		out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(names[tbl.LogicalID])})
		if err != nil {
			t.Fatalf("%s: %v", tbl.LogicalID, err)
		}
		d := out.Table
		if len(d.KeySchema) != len(tbl.Keys) || *d.KeySchema[0].AttributeName != tbl.Keys[0].Attribute {
			t.Errorf("%s: key schema %+v, template %+v", tbl.LogicalID, d.KeySchema, tbl.Keys)
		}
		if len(d.GlobalSecondaryIndexes) != len(tbl.Indexes) {
			t.Errorf("%s: %d indexes, template has %d", tbl.LogicalID, len(d.GlobalSecondaryIndexes), len(tbl.Indexes))
		}
		hasStream := d.StreamSpecification != nil && aws.ToBool(d.StreamSpecification.StreamEnabled)
		if hasStream != (tbl.StreamView != "") || (hasStream && string(d.StreamSpecification.StreamViewType) != tbl.StreamView) {
			t.Errorf("%s: stream %+v, template %q", tbl.LogicalID, d.StreamSpecification, tbl.StreamView)
		}
		ttl, err := db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: d.TableName})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if ttl.TimeToLiveDescription != nil && ttl.TimeToLiveDescription.TimeToLiveStatus == "ENABLED" {
			got = aws.ToString(ttl.TimeToLiveDescription.AttributeName)
		}
		if got != tbl.TTL {
			t.Errorf("%s: TTL on %q, template %q", tbl.LogicalID, got, tbl.TTL)
		}
	}
	// Creating again is harmless: the local stack restarts against an existing database without failing.
	if _, err := localaws.CreateTables(ctx, db, testenv.Template().Tables, func(tbl samtemplate.Table) (string, error) {
		return names[tbl.LogicalID], nil
	}); err != nil {
		t.Fatalf("second CreateTables: %v", err)
	}
}

func TestSESLocalAnswers(t *testing.T) {
	t.Parallel()
	resp, err := http.Get(testenv.SESEndpoint(t) + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var store map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /store: %s, %v", resp.Status, err)
	}
	if _, ok := store["emails"]; !ok {
		t.Errorf("GET /store has no emails list: %v", store)
	}
}

func TestStopLeavesNoProcess(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := localaws.StartSES(ctx, testenv.NodeModules(), nil)
	if err != nil {
		t.Fatal(err)
	}
	pid := s.PID()
	s.Stop()
	select {
	case <-s.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("process still running after Stop")
	}
	// The whole group is gone: signal 0 to the group reports no such process.
	if err := syscall.Kill(-pid, 0); err != syscall.ESRCH {
		t.Errorf("process group %d still exists (kill -0: %v)", pid, err)
	}
}
