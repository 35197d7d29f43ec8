package ses_test

import (
	"context"
	"errors"
	"net/http"
	"net/mail"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/outbox"
)

func reviewSend(t *testing.T, ctx context.Context, answer func(n int64, w http.ResponseWriter)) (int64, error) {
	t.Helper()
	srv, attempts := sesAPI(t, answer)
	cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	s := ses.New(ses.NewClient(cfg, aws.String(srv.URL)))
	_, err := s.Send(ctx, email.Message{
		From: &mail.Address{Address: "sla@example.com"}, To: []*mail.Address{{Address: "rep@example.com"}},
		Subject: "SQL", HTML: "<p>SQL</p>", Text: "SQL"})
	return attempts.Load(), err
}

// TestReviewThrottleWaitCutByDeadlineIsThrottled: SES throttled the first attempt (nothing left) and the hand-over's
// deadline (outbox.SendTimeout) ends during the retryer's wait before the second. Nothing was sent, so the outcome
// must be a refusal (outbox.ErrThrottled: claimed again), as the removed hand-written loop made it (settle Refused
// on ctx.Done during the backoff). The SDK returns an aws.RequestCanceledError that no longer wraps the throttling
// error, so classify returns it as it is and outbox.Send takes it as an unknown outcome: the event email is
// abandoned ("may not have left"), the SQL email resent as a possible duplicate, the monthly report resent marked
// as a duplicate. SES's X-Amz-Retry-After makes each wait up to MaxBackoff+5 s (three waits: up to 18 s), so this
// is reachable within SendTimeout without any slow compose.
func TestReviewThrottleWaitCutByDeadlineIsThrottled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	attempts, err := reviewSend(t, ctx, func(_ int64, w http.ResponseWriter) {
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

// TestReviewRetriedThrottleIsClassifiedThrottled: an answer the retryer itself treats as throttling (and retries, so
// it is sure nothing left) must come out as outbox.ErrThrottled. classify only knows the modelled exceptions and
// the code "Throttling": a "ThrottlingException" (in throttlingCodes) or an unmodelled 429 is retried MaxAttempts
// times and then returned as an unknown outcome.
func TestReviewRetriedThrottleIsClassifiedThrottled(t *testing.T) {
	t.Parallel()
	for _, code := range []string{"ThrottlingException", "SomethingUnmodelled"} {
		t.Run(code, func(t *testing.T) {
			t.Parallel()
			attempts, err := reviewSend(t, context.Background(), func(_ int64, w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Amzn-ErrorType", code)
				w.WriteHeader(http.StatusTooManyRequests)
				_, _ = w.Write([]byte(`{"message":"slow down"}`))
			})
			if attempts != ses.MaxAttempts {
				t.Logf("%d attempts (the retryer did not take it as throttling)", attempts)
			}
			if attempts == ses.MaxAttempts && !errors.Is(err, outbox.ErrThrottled) {
				t.Errorf("retried %d times as throttling, then err %v is not outbox.ErrThrottled (taken as unknown)", attempts, err)
			}
		})
	}
}
