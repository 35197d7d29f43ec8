package ses_test

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/outbox"
)

func sendThrough(t *testing.T, ctx context.Context, answer func(n int64, w http.ResponseWriter)) (int64, error) {
	t.Helper()
	srv, attempts := sesAPI(t, answer)
	cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	s := ses.New(ses.NewClient(cfg, aws.String(srv.URL)))
	_, err := s.Send(ctx, email.Message{
		From: &mail.Address{Address: "sla@example.com"}, To: []*mail.Address{{Address: "rep@example.com"}},
		Subject: "SQL", HTML: "<p>SQL</p>", Text: "SQL"})
	return attempts.Load(), err
}

// TestThrottleWaitCutByDeadlineIsThrottled: SES throttled the first attempt (nothing left) and the hand-over's
// deadline (outbox.SendTimeout) ends during the retryer's wait before the second. Nothing was sent, so the outcome
// is a refusal (outbox.ErrThrottled: claimed again), not an unknown one (the SDK's aws.RequestCanceledError no
// longer wraps the throttle: an event email would be abandoned as "may have left", an SQL email resent as a
// possible duplicate). SES's X-Amz-Retry-After lengthens each wait, so this is reachable within SendTimeout.
// Found by an independent review.
func TestThrottleWaitCutByDeadlineIsThrottled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	attempts, err := sendThrough(t, ctx, func(_ int64, w http.ResponseWriter) {
		w.Header().Set("X-Amz-Retry-After", "5000")
		throttle(w)
	})
	if attempts != 1 {
		t.Fatalf("%d attempts, want 1 (err %v)", attempts, err)
	}
	if !errors.Is(err, outbox.ErrThrottled) {
		t.Errorf("throttled, then out of time in the retryer's wait: err %v is not outbox.ErrThrottled (outbox.Send takes it as an unknown outcome)", err)
	}
}

// TestEveryThrottleTheRetryerRetriesIsThrottled: an answer the retryer takes as throttling (and retries, so it is
// sure nothing left) comes out as outbox.ErrThrottled after the last attempt, whatever its code — not as an
// unknown outcome; and the error says SES's code and status, never its message (SES's messages name the
// addresses refused, and the error reaches the logs).
func TestEveryThrottleTheRetryerRetriesIsThrottled(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"ThrottlingException", "SomethingUnmodelled"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			attempts, err := sendThrough(t, context.Background(), func(_ int64, w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Amzn-ErrorType", code)
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"message":"slow down, rep@example.com"}`))
			})
			if attempts != ses.MaxAttempts {
				t.Errorf("%d attempts, want %d (a 429 is throttling)", attempts, ses.MaxAttempts)
			}
			if !errors.Is(err, outbox.ErrThrottled) {
				t.Errorf("retried as throttling, then err %v is not outbox.ErrThrottled (taken as unknown)", err)
			}
			if err != nil && (strings.Contains(err.Error(), "rep@example.com") || !strings.Contains(err.Error(), "429")) {
				t.Errorf("err %q: want SES's status, not its message (an address)", err)
			}
		})
	}
}
