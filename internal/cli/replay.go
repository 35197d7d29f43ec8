package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/store"
)

const replayUsage = `usage: handoff replay (--from-failure FILE | --function notify|score) [--lead ID]... [--margin 5m] [--contract FILE] [--endpoint URL] [--sla-table T]
  Print the DynamoDB stream events that replay what a stream consumer gave up on, one JSON object per line (ten
  leads each), for aws lambda invoke --payload: see RUNBOOK.md, "Replay a stream failure from the table".
  FILE is the on-failure queue's messages (aws sqs receive-message's output) or one failure record. For notify,
  the leads that became SQLs in the failed batches' arrival window (widened by --margin) are read from the SLA
  table; score's are given with --lead (its logs name them). Reads only.
`

// replayBatch is how many leads one printed event holds: the consumers' BatchSize (notify's 10; score's is 100,
// but one lead's re-score reads its whole history, and ten keep an invocation well within its timeout).
const replayBatch = 10

// streamFailure is Lambda's on-failure record for a stream event source mapping: the batch it gave up on,
// described (not its records).
type streamFailure struct {
	RequestContext struct {
		Condition   string `json:"condition"`
		FunctionArn string `json:"functionArn"`
	} `json:"requestContext"`
	Batch *struct {
		StreamArn string    `json:"streamArn"`
		ShardID   string    `json:"shardId"`
		Start     string    `json:"startSequenceNumber"`
		End       string    `json:"endSequenceNumber"`
		First     time.Time `json:"approximateArrivalOfFirstRecord"`
		Last      time.Time `json:"approximateArrivalOfLastRecord"`
		Size      int       `json:"batchSize"`
	} `json:"DDBStreamBatchInfo"`
}

// consumer is the function a failure record's stream feeds: the leads table's stream feeds notify, the
// activities table's score (template.yaml).
func (f streamFailure) consumer() (string, error) {
	arn := f.Batch.StreamArn
	_, rest, ok := strings.Cut(arn, ":table/")
	table, _, _ := strings.Cut(rest, "/stream/")
	switch {
	case !ok || table == "":
		return "", fmt.Errorf("streamArn %q is not a DynamoDB stream's ARN", arn)
	case strings.HasSuffix(table, "-leads"):
		return "notify", nil
	case strings.HasSuffix(table, "-activities"):
		return "score", nil
	}
	return "", fmt.Errorf("streamArn %q: the stream of table %s feeds neither notify (…-leads) nor score (…-activities)", arn, table)
}

// readFailures reads a file of failure records: receive-message's output ({"Messages":[{"Body":…}]}) or one
// record. Every problem is named with the message it is in.
func readFailures(data []byte) ([]streamFailure, error) {
	var doc struct {
		Messages []struct {
			MessageID string `json:"MessageId"`
			Body      string `json:"Body"`
		} `json:"Messages"`
	}
	if len(bytes.TrimSpace(data)) == 0 {
		// What aws sqs receive-message prints when it received nothing: no visible message (another receive holds
		// them for its visibility timeout), or a short poll that sampled servers holding none.
		return nil, errors.New("empty: the receive got no message (receive again with --wait-time-seconds 20; messages another receive took come back after its visibility timeout)")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	bodies, names := [][]byte{data}, []string{"the record"}
	if doc.Messages != nil {
		bodies, names = nil, nil
		for i, m := range doc.Messages {
			bodies = append(bodies, []byte(m.Body))
			names = append(names, fmt.Sprintf("message %d (%s)", i+1, m.MessageID))
		}
	}
	if len(bodies) == 0 {
		return nil, errors.New("no message in it (the queue was empty, or the messages are hidden by another receive)")
	}
	var out []streamFailure
	var errs []error
	for i, b := range bodies {
		var f streamFailure
		switch err := json.Unmarshal(b, &f); {
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: not a failure record: %w", names[i], err))
		case f.Batch == nil:
			errs = append(errs, fmt.Errorf("%s: no DDBStreamBatchInfo: not a stream consumer's failure record (an asynchronous invocation's is replayed with its requestPayload)", names[i]))
		case f.Batch.First.IsZero() || f.Batch.Last.IsZero() || f.Batch.Last.Before(f.Batch.First):
			errs = append(errs, fmt.Errorf("%s: DDBStreamBatchInfo needs approximateArrivalOfFirstRecord and approximateArrivalOfLastRecord, in order", names[i]))
		default:
			out = append(out, f)
		}
	}
	return out, errors.Join(errs...)
}

type leadList []string

func (l *leadList) String() string { return strings.Join(*l, ",") }
func (l *leadList) Set(v string) error {
	if !strings.HasPrefix(v, "ld_") || strings.ContainsAny(v, " \t\n\"") {
		return fmt.Errorf("a lead ID such as ld_01jd…, got %q", v)
	}
	*l = append(*l, v)
	return nil
}

func replay(args []string, stdout, stderr io.Writer) int {
	fs := flags("replay", replayUsage)
	file := fs.String("from-failure", "", "the on-failure queue's messages (aws sqs receive-message output) or one failure record")
	function := fs.String("function", "", "notify or score, when no failure file says which")
	var leads leadList
	fs.Var(&leads, "lead", "a lead to replay (repeat it); score's leads, or notify's beside the table's")
	margin := fs.Duration("margin", 5*time.Minute, "how far the arrival window is widened on each side (notify)")
	contractFile := fs.String("contract", "infra/contract/contract.yaml", "contract file (its time zone: the SLA table's months)")
	endpoint := endpointFlag(fs)
	slaTable := fs.String("sla-table", "handoff-local-sla", "SLA table (notify: the SQLs' stage records)")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	var problems []string
	if (*file == "") == (*function == "") {
		problems = append(problems, "give one of --from-failure and --function")
	}
	if *function != "" && *function != "notify" && *function != "score" {
		problems = append(problems, fmt.Sprintf("--function must be notify or score, got %q", *function))
	}
	if *margin < 0 || *margin > 24*time.Hour {
		problems = append(problems, fmt.Sprintf("--margin must be from 0s to 24h, got %s", *margin))
	}
	if *function != "" && len(leads) == 0 {
		problems = append(problems, "--function needs --lead (the leads to replay)")
	}
	if problems = append(problems, extra(fs)...); len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	consumer := *function
	var failures []streamFailure
	if *file != "" {
		data, err := os.ReadFile(*file)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		if failures, err = readFailures(data); err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", *file, err)
			return 1
		}
		for _, f := range failures {
			c, err := f.consumer()
			if err != nil {
				fmt.Fprintf(stderr, "%s: %v\n", *file, err)
				return 1
			}
			if consumer != "" && c != consumer {
				fmt.Fprintf(stderr, "%s: records of both %s and %s: replay one queue at a time\n", *file, consumer, c)
				return 1
			}
			consumer = c
		}
	}
	ids := slices.Clone(leads)
	if consumer == "score" && len(ids) == 0 {
		fmt.Fprintln(stderr, "score's failure records name no lead, and activities are not indexed by arrival: give the leads with --lead "+
			"(the score function logs leadId with \"rescore failed\"; within 24 hours the stream still holds the range: RUNBOOK.md)")
		return 2
	}
	if consumer == "notify" && len(failures) > 0 {
		c, db, code, ok := contractAndDB(*contractFile, *endpoint, stderr)
		if !ok {
			return code
		}
		st := store.NewTransitions(db, store.Tables{SLA: *slaTable, Zone: c.Location})
		for _, f := range failures {
			from, to := f.Batch.First.Add(-*margin), f.Batch.Last.Add(*margin)
			found, err := st.SQLsBetween(context.Background(), from, to)
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			fmt.Fprintf(stderr, "%s to %s (batch of %d, %s): %d SQL(s) recorded\n", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339),
				f.Batch.Size, f.RequestContext.Condition, len(found))
			ids = append(ids, found...)
		}
	}
	ids = unique(ids)
	if len(ids) == 0 {
		fmt.Fprintf(stderr, "no SQL was recorded in the window: widen --margin, or name the leads with --lead (notify logs leadId with \"hand-off failed\")\n")
		return 1
	}
	for i := 0; i < len(ids); i += replayBatch {
		line, err := json.Marshal(replayEvent(consumer, ids[i:min(i+replayBatch, len(ids))]))
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", line)
	}
	fmt.Fprintf(stderr, "%d lead(s) in %d event(s) for %s: invoke it with each line (aws lambda invoke --payload)\n", len(ids), (len(ids)+replayBatch-1)/replayBatch, consumer)
	return 0
}

func unique(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// replayEvent is a stream event of the leads, shaped as what each consumer reads of a record (the lead's ID;
// for notify its stage, sql; for score an INSERT), with the lead's ID as the sequence number: the function's
// answer names a lead that failed again in batchItemFailures. The consumers read the lead from the table, so
// the event carries nothing else of it.
func replayEvent(consumer string, ids []string) events.DynamoDBEvent {
	var ev events.DynamoDBEvent
	for _, id := range ids {
		image := map[string]events.DynamoDBAttributeValue{"leadId": events.NewStringAttribute(id)}
		keys := map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute("LEAD#" + id)}
		name, view := "INSERT", "NEW_IMAGE"
		if consumer == "notify" {
			name, view = "MODIFY", "NEW_AND_OLD_IMAGES"
			image["stage"] = events.NewStringAttribute(string(lead.StageSQL))
			image["sk"] = events.NewStringAttribute("#PROFILE")
			keys["sk"] = events.NewStringAttribute("#PROFILE")
		}
		ev.Records = append(ev.Records, events.DynamoDBEventRecord{EventID: "replay-" + id, EventName: name, EventSource: "aws:dynamodb",
			EventVersion: "1.1", Change: events.DynamoDBStreamRecord{Keys: keys, NewImage: image, SequenceNumber: id, StreamViewType: view}})
	}
	return ev
}
