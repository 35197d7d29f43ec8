package faults_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	stypes "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/handoff-sla/handoff/internal/devstack/faults"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/platform"
)

func TestTheVariableIsThePlatforms(t *testing.T) {
	if faults.Env != platform.FaultsEnv {
		t.Errorf("faults.Env %q, platform.FaultsEnv %q", faults.Env, platform.FaultsEnv)
	}
}

// server answers every request as AWS would a success, and counts them.
func server(t *testing.T, body string) (*httptest.Server, *atomic.Int32) {
	var n atomic.Int32
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(s.Close)
	return s, &n
}

func config(kind string, log *strings.Builder) aws.Config {
	inj := faults.New(faults.Config{Seed: 1, Rates: map[string]float64{kind: 1}}, "TestFunction", "1", writerFunc(func(p []byte) { log.Write(p) }))
	return aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("a", "b", ""), APIOptions: inj.APIOptions()}
}

type writerFunc func([]byte)

func (w writerFunc) Write(p []byte) (int, error) { w(p); return len(p), nil }

// Each DynamoDB fault reaches the handler as the typed error AWS's answer is parsed into, without reaching the
// server; the SDK's standard retryer retries throttling and 500s (three attempts), not a cancelled transaction.
func TestDynamoDBFaultsAreAWSsErrors(t *testing.T) {
	t.Parallel()
	srv, hits := server(t, `{}`)
	for _, tc := range []struct {
		kind     string
		call     func(*dynamodb.Client) error
		check    func(error) bool
		attempts int
	}{
		{faults.DynamoThrottle, getItem, func(err error) bool {
			var a *dtypes.ProvisionedThroughputExceededException
			var b *dtypes.ThrottlingException
			return errors.As(err, &a) || errors.As(err, &b)
		}, 3},
		{faults.DynamoServer, getItem, func(err error) bool {
			var e *dtypes.InternalServerError
			var re interface{ HTTPStatusCode() int }
			return errors.As(err, &e) && errors.As(err, &re) && re.HTTPStatusCode() == 500
		}, 3},
		{faults.DynamoConflict, transact, func(err error) bool {
			var e *dtypes.TransactionCanceledException
			if !errors.As(err, &e) || len(e.CancellationReasons) != 2 {
				return false
			}
			codes := aws.ToString(e.CancellationReasons[0].Code) + "," + aws.ToString(e.CancellationReasons[1].Code)
			return codes == "TransactionConflict,None" || codes == "None,TransactionConflict"
		}, 1},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			var log strings.Builder
			db := dynamodb.NewFromConfig(config(tc.kind, &log), func(o *dynamodb.Options) {
				o.BaseEndpoint = aws.String(srv.URL)
				o.Retryer = noBackoff(o.Retryer)
			})
			err := tc.call(db)
			if err == nil || !tc.check(err) {
				t.Fatalf("err = %T %v", err, err)
			}
			// One fault per attempt: the SDK's retryer made them (as many as its MaxAttempts), recorded once.
			got := strings.Count(log.String(), `"fault":"`+tc.kind+`"`)
			if retried := tc.attempts > 1; retried != (got > 1) || (!retried && got != 1) {
				t.Errorf("%d faults recorded, retried: %v:\n%s", got, retried, log.String())
			}
			if got > 1 && !strings.Contains(log.String(), fmt.Sprintf(`"retries":%d`, got-1)) {
				t.Errorf("the retries are not recorded:\n%s", log.String())
			}
		})
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests reached the server", hits.Load())
	}
}

func noBackoff(r aws.Retryer) aws.Retryer {
	return retryNoWait{r}
}

type retryNoWait struct{ aws.Retryer }

func (retryNoWait) RetryDelay(int, error) (time.Duration, error) { return 0, nil }

func getItem(db *dynamodb.Client) error {
	_, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("t"),
		Key: map[string]dtypes.AttributeValue{"pk": &dtypes.AttributeValueMemberS{Value: "x"}}})
	return err
}

func transact(db *dynamodb.Client) error {
	put := func(k string) dtypes.TransactWriteItem {
		return dtypes.TransactWriteItem{Put: &dtypes.Put{TableName: aws.String("t"), Item: map[string]dtypes.AttributeValue{"pk": &dtypes.AttributeValueMemberS{Value: k}}}}
	}
	_, err := db.TransactWriteItems(context.Background(), &dynamodb.TransactWriteItemsInput{TransactItems: []dtypes.TransactWriteItem{put("a"), put("b")}})
	return err
}

// SES's faults through the project's own SES client (ses.NewClient, its retryer): a throttle is retried up to
// ses.MaxAttempts and never reaches SES; a refusal is MessageRejected, not retried; a timeout after acceptance
// reaches SES once (the email exists) and returns a send error that the retryer does not retry.
func TestSESFaultsAreAWSsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind     string
		check    func(error) bool
		attempts int
		reached  int32
	}{
		{faults.SESThrottle, func(err error) bool {
			var e *stypes.TooManyRequestsException
			var re interface{ HTTPStatusCode() int }
			return errors.As(err, &e) && errors.As(err, &re) && re.HTTPStatusCode() == 429
		}, ses.MaxAttempts, 0},
		{faults.SESReject, func(err error) bool {
			var e *stypes.MessageRejected
			var api smithy.APIError
			return errors.As(err, &e) && errors.As(err, &api) && api.ErrorCode() == "MessageRejected"
		}, 1, 0},
		{faults.SESTimeoutAfter, func(err error) bool {
			var op *net.OpError
			return errors.As(err, &op) && op.Timeout() && op.Op != "dial"
		}, 1, 1},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			t.Parallel()
			srv, hits := server(t, `{"MessageId":"0100-abc"}`)
			var log strings.Builder
			c := ses.NewClient(config(tc.kind, &log), aws.String(srv.URL))
			_, err := c.SendEmail(context.Background(), &sesv2.SendEmailInput{FromEmailAddress: aws.String("a@example.com"),
				Destination: &stypes.Destination{ToAddresses: []string{"b@example.com"}},
				Content:     &stypes.EmailContent{Simple: &stypes.Message{Subject: &stypes.Content{Data: aws.String("s")}, Body: &stypes.Body{Text: &stypes.Content{Data: aws.String("t")}}}}})
			if err == nil || !tc.check(err) {
				t.Fatalf("err = %T %v", err, err)
			}
			if got := strings.Count(log.String(), `"fault":"`+tc.kind+`"`); got != tc.attempts {
				t.Errorf("%d faults recorded, want %d", got, tc.attempts)
			}
			if hits.Load() != tc.reached {
				t.Errorf("%d requests reached SES, want %d", hits.Load(), tc.reached)
			}
		})
	}
}

// The share of faulty calls is the configured rate, each kind its own; the same seed and instance give the same
// faults, another instance others.
func TestRatesAndSeed(t *testing.T) {
	t.Parallel()
	rates := map[string]float64{faults.DynamoThrottle: 0.04, faults.DynamoServer: 0.02, faults.DynamoConflict: 0.04}
	draw := func(instance string, n int, op string) []string {
		var log strings.Builder
		inj := faults.New(faults.Config{Seed: 7, Rates: rates}, "F", instance, writerFunc(func(p []byte) { log.Write(p) }))
		out := make([]string, n)
		for i := range out {
			out[i] = faults.Choose(inj, "DynamoDB", op)
		}
		return out
	}
	const n = 20000
	counts := map[string]int{}
	for _, k := range draw("a", n, "TransactWriteItems") {
		counts[k]++
	}
	for k, r := range rates {
		if got := float64(counts[k]) / n; got < r*0.8 || got > r*1.2 {
			t.Errorf("%s: %.4f of calls, want %.2f", k, got, r)
		}
	}
	if counts[faults.DynamoConflict] == 0 || func() bool {
		for _, k := range draw("a", 2000, "PutItem") {
			if k == faults.DynamoConflict {
				return true
			}
		}
		return false
	}() {
		t.Error("a transaction conflict is drawn for transactions, and only for them")
	}
	a, b, c := draw("a", 500, "GetItem"), draw("a", 500, "GetItem"), draw("b", 500, "GetItem")
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Error("the same seed and instance gave other faults")
	}
	if strings.Join(a, ",") == strings.Join(c, ",") {
		t.Error("two instances drew the same faults")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	c, err := faults.Parse("seed=9, ddb.throttle=0.05,ses.timeout=0.1,log=/tmp/f.jsonl")
	if err != nil || c.Seed != 9 || c.Rates[faults.DynamoThrottle] != 0.05 || c.Rates[faults.SESTimeoutAfter] != 0.1 || c.Log != "/tmp/f.jsonl" || !c.Active() {
		t.Fatalf("%+v %v", c, err)
	}
	if back, err := faults.Parse(c.String()); err != nil || back.String() != c.String() {
		t.Errorf("round trip %q -> %q (%v)", c.String(), back.String(), err)
	}
	for _, bad := range []string{"ddb.throtle=0.1", "ddb.5xx=2", "seed=x", "ses.reject"} {
		if _, err := faults.Parse(bad); err == nil || !strings.Contains(err.Error(), faults.Env) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if c, err := faults.Parse(""); err != nil || c.Active() {
		t.Errorf("empty: %+v %v", c, err)
	}
}
