package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// failureMessages is what `aws sqs receive-message` prints for notify's on-failure queue holding one failure
// record per window (arrival of the batch's first and last records), as Lambda writes them.
func failureMessages(t *testing.T, table string, windows ...[2]time.Time) string {
	t.Helper()
	var msgs []map[string]string
	for i, w := range windows {
		body := fmt.Sprintf(`{"requestContext":{"requestId":"r%d","functionArn":"arn:aws:lambda:eu-west-3:123456789012:function:handoff-prod-NotifyFunction-x","condition":"RetryAttemptsExhausted","approximateInvokeCount":9},
"responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},"version":"1.0","timestamp":"2026-12-01T10:00:00.000Z",
"DDBStreamBatchInfo":{"shardId":"shardId-00000001","startSequenceNumber":"100000000000000000001","endSequenceNumber":"100000000000000000009",
"approximateArrivalOfFirstRecord":%q,"approximateArrivalOfLastRecord":%q,"batchSize":3,
"streamArn":"arn:aws:dynamodb:eu-west-3:123456789012:table/%s/stream/2026-11-01T00:00:00.000"}}`,
			i, w[0].UTC().Format("2006-01-02T15:04:05.000Z"), w[1].UTC().Format("2006-01-02T15:04:05.000Z"), table)
		msgs = append(msgs, map[string]string{"MessageId": fmt.Sprint("m", i), "ReceiptHandle": "h", "Body": body})
	}
	data, err := json.Marshal(map[string]any{"Messages": msgs})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "msgs.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestReplayFindsTheSQLsOfAFailedBatchInTheTable: notify gave up on two batches of the leads stream; replay reads
// the leads that became SQLs within their arrival windows (widened by --margin) from the SLA table — not the leads
// that became SQLs outside them, nor those that moved to another stage inside — and prints them as the stream
// events notify reads, ten leads an event, each lead once.
func TestReplayFindsTheSQLsOfAFailedBatchInTheTable(t *testing.T) {
	t.Parallel()
	c, err := contract.Load(example)
	if err != nil {
		t.Fatal(err)
	}
	// The months of the by-month index are the contract's zone's (Paris), as the functions write them.
	names := testenv.Tables(t)
	tables := store.TablesFrom(testenv.TableEnv(t, names), c)
	leads := store.NewLeads(testenv.DynamoDB(t), tables)
	ctx := context.Background()
	n := 0
	becomes := func(stage lead.Stage, at time.Time) string {
		t.Helper()
		n++
		id := fmt.Sprint("d", n)
		rec, err := leads.SaveSubmission(ctx, webhook.Delivery{Source: "site-contact", ID: id, BodyHash: "h" + id, At: at},
			lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: fmt.Sprintf("lead%d@example.fr", n), Company: "ACME"}},
			lead.Activity{ID: lead.ActivityID("site-contact", id, 0), Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: "site-contact", DeliveryID: id},
			func(string) webhook.Answer { return webhook.Answer{Status: 202} })
		if err != nil {
			t.Fatal(err)
		}
		if _, err := leads.Rescore(ctx, rec.LeadID, func(l lead.Lead, _ []lead.Activity) *scoring.Change {
			return &scoring.Change{Stage: stage, At: at, Move: &scoring.Move{From: l.Stage, To: stage, Cause: "score"}}
		}); err != nil {
			t.Fatal(err)
		}
		return rec.LeadID
	}
	// Window 1 straddles a month's end in Paris (two months of the by-month index); window 2 is a day later.
	w1 := [2]time.Time{time.Date(2026, 11, 30, 22, 58, 0, 0, time.UTC), time.Date(2026, 11, 30, 23, 1, 0, 0, time.UTC)}
	w2 := [2]time.Time{time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 2, 9, 0, 30, 0, time.UTC)}
	var want []string
	want = append(want, becomes(lead.StageSQL, w1[0].Add(-4*time.Minute))) // within the 5-minute margin
	want = append(want, becomes(lead.StageSQL, w1[0].Add(time.Second)))    // November
	for i := 0; i < 10; i++ {
		want = append(want, becomes(lead.StageSQL, w1[1].Add(-time.Duration(i)*time.Second))) // December
	}
	want = append(want, becomes(lead.StageSQL, w2[1]))
	outside := []string{becomes(lead.StageSQL, w1[0].Add(-6*time.Minute)), becomes(lead.StageSQL, w2[1].Add(6*time.Minute)),
		becomes(lead.StageMQL, w2[0].Add(time.Second))}

	file := failureMessages(t, "handoff-prod-leads", w1, w2, w1) // the same window twice: each lead once
	var out, errOut bytes.Buffer
	code := Run([]string{"replay", "--from-failure", file, "--contract", example, "--endpoint", testenv.DynamoEndpoint(t),
		"--sla-table", tables.SLA}, &out, &errOut, fixedNow)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d events, want 2 (13 leads, ten an event):\n%s", len(lines), out.String())
	}
	var got []string
	for _, l := range lines {
		var ev events.DynamoDBEvent
		if err := json.Unmarshal([]byte(l), &ev); err != nil {
			t.Fatalf("not a DynamoDB stream event: %v: %s", err, l)
		}
		for _, r := range ev.Records {
			id := r.Change.NewImage["leadId"].String()
			// What notify reads of a record (internal/notify.HandleStream): the new image's lead and its stage.
			if r.Change.NewImage["stage"].String() != string(lead.StageSQL) || r.Change.SequenceNumber != id || r.EventName != "MODIFY" {
				t.Errorf("record %+v is not an SQL transition of its lead", r)
			}
			got = append(got, id)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("replayed %v\nwant     %v", got, want)
	}
	for _, id := range outside {
		if slices.Contains(got, id) {
			t.Errorf("%s replayed: it became an SQL outside the windows, or did not become one", id)
		}
	}
	if strings.Contains(out.String(), "example.fr") || strings.Contains(out.String(), "ACME") {
		t.Errorf("the events carry the person's details: %s", out.String())
	}
}

func TestReplayRefusesWhatItCannotReplay(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, content string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	at := [2]time.Time{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 9, 1, 0, 0, time.UTC)}
	score := failureMessages(t, "handoff-prod-activities", at)
	asyncRecord := write("async.json", `{"version":"1.0","requestContext":{"condition":"RetriesExhausted"},"requestPayload":{"month":"2026-11"}}`)
	otherTable := failureMessages(t, "orders", at)
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"nothing to replay", []string{"replay"}, 2, "give one of --from-failure and --function"},
		{"both", []string{"replay", "--from-failure", score, "--function", "score"}, 2, "give one of --from-failure and --function"},
		{"unknown function", []string{"replay", "--function", "ingest", "--lead", "ld_1"}, 2, "--function must be notify or score"},
		{"function without leads", []string{"replay", "--function", "notify"}, 2, "--function needs --lead"},
		{"not a lead ID", []string{"replay", "--function", "score", "--lead", "bob@example.fr"}, 2, "a lead ID such as ld_"},
		{"negative margin", []string{"replay", "--function", "score", "--lead", "ld_1", "--margin", "-1m"}, 2, "--margin must be"},
		{"score names no lead", []string{"replay", "--from-failure", score}, 2, "give the leads with --lead"},
		{"an asynchronous invocation's record", []string{"replay", "--from-failure", asyncRecord}, 1, "no DDBStreamBatchInfo"},
		{"another table's stream", []string{"replay", "--from-failure", otherTable}, 1, "feeds neither notify"},
		{"not JSON", []string{"replay", "--from-failure", write("x.json", "Messages:")}, 1, "not JSON"},
		{"an empty receive", []string{"replay", "--from-failure", write("empty.json", `{"Messages":[]}`)}, 1, "no message in it"},
		// What aws sqs receive-message prints when it got nothing: not a word.
		{"a receive that printed nothing", []string{"replay", "--from-failure", write("nothing.json", "\n")}, 1, "empty: the receive got no message"},
		{"a window backwards", []string{"replay", "--from-failure", write("back.json", `{"DDBStreamBatchInfo":{"streamArn":"arn:aws:dynamodb:eu-west-3:1:table/handoff-prod-leads/stream/x",
			"approximateArrivalOfFirstRecord":"2026-12-01T10:00:00Z","approximateArrivalOfLastRecord":"2026-12-01T09:00:00Z"}}`)}, 1, "in order"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := Run(tc.args, &out, &errOut, fixedNow)
			if code != tc.code || out.Len() != 0 || !strings.Contains(errOut.String(), tc.says) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d saying %q", code, out.String(), errOut.String(), tc.code, tc.says)
			}
		})
	}
}

// TestReplayScoresTheLeadsGiven: score's events are INSERTs of the leads named, which is what the score function
// re-scores (its whole history), each once.
func TestReplayScoresTheLeadsGiven(t *testing.T) {
	t.Parallel()
	at := [2]time.Time{time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 9, 1, 0, 0, time.UTC)}
	for _, args := range [][]string{
		{"replay", "--function", "score", "--lead", "ld_a", "--lead", "ld_b", "--lead", "ld_a"},
		{"replay", "--from-failure", failureMessages(t, "handoff-prod-activities", at), "--lead", "ld_a", "--lead", "ld_b"},
	} {
		var out, errOut bytes.Buffer
		if code := Run(args, &out, &errOut, fixedNow); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(out.Bytes(), &ev); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range ev.Records {
			if r.EventName != "INSERT" {
				t.Errorf("%s record, want INSERT (score ignores the others)", r.EventName)
			}
			got = append(got, r.Change.NewImage["leadId"].String())
		}
		if strings.Join(got, " ") != "ld_a ld_b" {
			t.Errorf("%v: replayed %v, want ld_a ld_b", args, got)
		}
	}
	var out, errOut bytes.Buffer
	if code := Run([]string{"replay", "--help"}, &out, &errOut, fixedNow); code != 0 || !strings.HasPrefix(out.String(), "usage:") {
		t.Errorf("replay --help: exit %d, %q", code, out.String())
	}
}
