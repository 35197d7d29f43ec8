package soak

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/handoff-sla/handoff/internal/cli"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
)

// Failure is one on-failure destination's records (the local stack's file standing for the queue) and their
// redrive.
type Failure struct {
	Queue    string // the file, as <Function>-<Event> or <Function>-async
	Function string
	Records  int // failure records on it
	Covered  int // stream records (a stream's) or invocations (asynchronous) they stand for
	Leads    int // leads replayed (a stream's)
	Events   int // invocations redriving them
	Failed   int // of those, invocations that failed again
	// Causes counts the records by why the last attempt failed: a crash the stack injected, an execution
	// environment stopped by a move of the clock (the local stack restarts every function then), the function's
	// own error (a fault it could not absorb, a timeout).
	Causes  map[string]int
	Command string // the documented command, as run
}

// redrive lists every on-failure destination's records and redrives them as RUNBOOK.md says: a stream
// consumer's with handoff replay (notify: --from-failure, the SQLs of the failed window read from the SLA table;
// score: --lead, the leads of the failed range read from the stream), each printed event invoked as aws lambda
// invoke would (POST /_local/invoke/<Function>); an asynchronous invocation's with its requestPayload.
func (s *soak) redrive(ctx context.Context) ([]Failure, error) {
	dir := s.local.Stack.FailureFiles()
	files, _ := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	sort.Strings(files)
	var out []Failure
	for _, file := range files {
		lines, err := readLines(file)
		if err != nil {
			return out, err
		}
		if len(lines) == 0 {
			continue
		}
		queue := strings.TrimSuffix(filepath.Base(file), ".jsonl")
		fn, _, _ := strings.Cut(queue, "-")
		f := Failure{Queue: queue, Function: fn, Records: len(lines), Causes: map[string]int{}}
		for _, l := range lines {
			f.Causes[cause(l)]++
		}
		var events [][]byte
		switch {
		case strings.HasSuffix(queue, "-async"):
			f.Command = "POST /_local/invoke/" + fn + " with each record's requestPayload (aws lambda invoke --payload)"
			for _, l := range lines {
				var rec struct {
					RequestPayload json.RawMessage `json:"requestPayload"`
				}
				if err := json.Unmarshal(l, &rec); err != nil || len(rec.RequestPayload) == 0 {
					return out, fmt.Errorf("%s: a record without requestPayload: %s", file, l)
				}
				events = append(events, rec.RequestPayload)
			}
			f.Covered = len(lines)
		case fn == "NotifyFunction":
			if events, f.Covered, f.Command, err = s.replayNotify(file, lines); err != nil {
				return out, err
			}
		case fn == "ScoreFunction":
			if events, f.Covered, f.Command, err = s.replayScore(ctx, file, lines); err != nil {
				return out, err
			}
		default:
			return out, fmt.Errorf("%s: no redrive for %s's failures", file, fn)
		}
		if !strings.HasSuffix(queue, "-async") {
			f.Leads = countLeads(events)
		}
		f.Events = len(events)
		for _, ev := range events {
			if !s.invoke(ctx, fn, ev) {
				f.Failed++
			}
		}
		s.say("%s: %d failure records (%d covered), %d events redriven, %d failed again", queue, f.Records, f.Covered, f.Events, f.Failed)
		out = append(out, f)
	}
	return out, s.settle(ctx)
}

// cause classifies a failure record by its last error.
func cause(line []byte) string {
	switch s := string(line); {
	case strings.Contains(s, "crash injected"):
		return "crash"
	case strings.Contains(s, "stopped during the invocation by the local stack") || strings.Contains(s, "signal: terminated"):
		return "clock move"
	case strings.Contains(s, "Sandbox.Timedout") || strings.Contains(s, "timed out"):
		return "timeout"
	}
	return "function error"
}

func readLines(file string) ([][]byte, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			out = append(out, append([]byte(nil), l...))
		}
	}
	return out, sc.Err()
}

// receive writes the records as aws sqs receive-message prints them, the file handoff replay reads.
func receive(dir string, lines [][]byte) (string, error) {
	type msg struct {
		MessageID string `json:"MessageId"`
		Body      string `json:"Body"`
	}
	var doc struct{ Messages []msg }
	for i, l := range lines {
		doc.Messages = append(doc.Messages, msg{MessageID: fmt.Sprintf("local-%d", i+1), Body: string(l)})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return "", err
	}
	f, err := os.CreateTemp(dir, "msgs-*.json")
	if err != nil {
		return "", err
	}
	defer f.Close()
	_, err = f.Write(b)
	return f.Name(), err
}

func (s *soak) replayNotify(file string, lines [][]byte) ([][]byte, int, string, error) {
	msgs, err := receive(s.cfg.StateDir, lines)
	if err != nil {
		return nil, 0, "", err
	}
	covered := 0
	for _, l := range lines {
		var rec struct {
			Batch struct {
				Size int `json:"batchSize"`
			} `json:"DDBStreamBatchInfo"`
		}
		_ = json.Unmarshal(l, &rec)
		covered += rec.Batch.Size
	}
	args := []string{"replay", "--from-failure", msgs, "--contract", filepath.Join(s.cfg.Root, "infra", "contract", "contract.yaml"),
		"--endpoint", s.local.DynamoDB.Endpoint, "--sla-table", s.local.Tables["SlaTable"]}
	events, err := s.handoff(args)
	return events, covered, "handoff " + strings.Join(args, " "), err
}

// replayScore reads the leads of each failed range from the stream (RUNBOOK.md: within 24 hours the stream
// holds the range), then prints their events with handoff replay --function score.
func (s *soak) replayScore(ctx context.Context, file string, lines [][]byte) ([][]byte, int, string, error) {
	streams := dynamodbstreams.New(dynamodbstreams.Options{Region: localaws.Region, BaseEndpoint: aws.String(s.local.DynamoDB.Endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, "")})
	leads, covered := map[string]bool{}, 0
	for _, l := range lines {
		var rec struct {
			Batch struct {
				StreamArn string `json:"streamArn"`
				ShardID   string `json:"shardId"`
				Start     string `json:"startSequenceNumber"`
				End       string `json:"endSequenceNumber"`
			} `json:"DDBStreamBatchInfo"`
		}
		if err := json.Unmarshal(l, &rec); err != nil || rec.Batch.ShardID == "" {
			return nil, 0, "", fmt.Errorf("%s: not a stream failure record: %s", file, l)
		}
		it, err := streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(rec.Batch.StreamArn),
			ShardId: aws.String(rec.Batch.ShardID), ShardIteratorType: types.ShardIteratorTypeAtSequenceNumber, SequenceNumber: aws.String(rec.Batch.Start)})
		if err != nil {
			return nil, 0, "", fmt.Errorf("%s: %w", file, err)
		}
		iter := it.ShardIterator
	read:
		for iter != nil {
			out, err := streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(1000)})
			if err != nil {
				return nil, 0, "", fmt.Errorf("%s: %w", file, err)
			}
			if len(out.Records) == 0 {
				break
			}
			for _, r := range out.Records {
				if seqAfter(aws.ToString(r.Dynamodb.SequenceNumber), rec.Batch.End) {
					break read
				}
				covered++
				if pk, ok := r.Dynamodb.Keys["pk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(pk.Value, "LEAD#") {
					leads[strings.TrimPrefix(pk.Value, "LEAD#")] = true
				}
			}
			iter = out.NextShardIterator
		}
	}
	args := []string{"replay", "--function", "score"}
	ids := make([]string, 0, len(leads))
	for id := range leads {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		args = append(args, "--lead", id)
	}
	events, err := s.handoff(args)
	return events, covered, "handoff replay --function score --lead <each lead of the failed ranges, read from the stream>", err
}

// seqAfter reports a stream sequence number after another (decimal strings of any length).
func seqAfter(a, b string) bool {
	a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}

// handoff runs the handoff command (internal/cli) and returns the events it printed, one a line.
func (s *soak) handoff(args []string) ([][]byte, error) {
	var stdout, stderr bytes.Buffer
	if code := cli.Run(args, &stdout, &stderr, time.Now); code != 0 {
		return nil, fmt.Errorf("handoff %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
	}
	var out [][]byte
	for _, l := range bytes.Split(stdout.Bytes(), []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

func countLeads(events [][]byte) int {
	n := 0
	for _, e := range events {
		var ev struct{ Records []json.RawMessage }
		_ = json.Unmarshal(e, &ev)
		n += len(ev.Records)
	}
	return n
}

// invoke is aws lambda invoke on the local stack: true when the function answered without an error and, for a
// stream event, named no failed record (it is tried three times).
func (s *soak) invoke(ctx context.Context, function string, payload []byte) bool {
	for attempt := 0; attempt < 3; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.local.Stack.URL()+"/_local/invoke/"+function, bytes.NewReader(payload))
		if err != nil {
			return false
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct {
			Failures []json.RawMessage `json:"batchItemFailures"`
		}
		if resp.StatusCode == http.StatusOK && (json.Unmarshal(body, &r) != nil || len(r.Failures) == 0) {
			return true
		}
		s.say("redrive of %s failed (%d): %s", function, resp.StatusCode, body)
	}
	return false
}
