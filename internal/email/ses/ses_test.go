package ses_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// sesAPI is SES v2's SendEmail over its REST API (POST /v2/email/outbound-emails), counting the attempts it
// sees; answer answers attempt n (from 1).
func sesAPI(t *testing.T, answer func(n int64, w http.ResponseWriter)) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var attempts atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v2/email/outbound-emails" {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
			http.NotFound(w, r)
			return
		}
		answer(attempts.Add(1), w)
	}))
	t.Cleanup(srv.Close)
	return srv, &attempts
}

// throttle is SES v2's throttling answer.
func throttle(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", "TooManyRequestsException")
	w.WriteHeader(http.StatusTooManyRequests)
	_, _ = w.Write([]byte(`{"message":"Too many requests"}`))
}

func accept(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"MessageId":"ses-accepted-1"}`))
}

// TestOnlyWhatSentNothingIsRetried counts the attempts the SES client makes, configured as every function's
// (ses.NewClient): throttling is retried by the SDK's retryer, up to ses.MaxAttempts (an SES not reached too:
// TestUnreachableSESIsRetriedThenUnavailable); a 5xx or a connection
// closed mid-request is not (SES may have accepted the first attempt: a retry would send a duplicate), and its
// outcome is neither a throttling nor a rejection — unknown.
func TestOnlyWhatSentNothingIsRetried(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		answer   func(n int64, w http.ResponseWriter)
		attempts int64
		id       string
		check    func(error) bool
	}{
		{name: "throttled twice, then accepted", attempts: 3, id: "ses-accepted-1",
			answer: func(n int64, w http.ResponseWriter) {
				if n <= 2 {
					throttle(w)
					return
				}
				accept(w)
			},
			check: func(err error) bool { return err == nil }},
		{name: "always throttled", attempts: ses.MaxAttempts,
			answer: func(_ int64, w http.ResponseWriter) { throttle(w) },
			check: func(err error) bool {
				return errors.Is(err, outbox.ErrThrottled) && !errors.Is(err, outbox.ErrRejected)
			}},
		{name: "HTTP 500", attempts: 1,
			answer: func(_ int64, w http.ResponseWriter) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Amzn-ErrorType", "InternalFailure")
				w.WriteHeader(http.StatusInternalServerError)
				_, _ = w.Write([]byte(`{"message":"internal failure"}`))
			},
			check: unknown},
		{name: "connection closed mid-request", attempts: 1,
			answer: func(_ int64, w http.ResponseWriter) {
				conn, _, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				_ = conn.Close()
			},
			check: unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, attempts := sesAPI(t, tc.answer)
			cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
			s := ses.New(ses.NewClient(cfg, aws.String(srv.URL)))
			id, err := s.Send(context.Background(), email.Message{
				From: &mail.Address{Address: "sla@example.com"}, To: []*mail.Address{{Address: "rep@example.com"}},
				Subject: "SQL", HTML: "<p>SQL</p>", Text: "SQL"})
			if got := attempts.Load(); got != tc.attempts {
				t.Errorf("%d attempts, want %d (err %v)", got, tc.attempts, err)
			}
			if !tc.check(err) || id != tc.id {
				t.Errorf("Send = %q, %v", id, err)
			}
		})
	}
}

// unknown is an error after which whether SES accepted the email is unknown: neither a throttling nor a refusal
// nor an SES not reached.
func unknown(err error) bool {
	return err != nil && !errors.Is(err, outbox.ErrThrottled) && !errors.Is(err, outbox.ErrRejected) && !errors.Is(err, outbox.ErrUnavailable)
}

// TestUnreachableSESIsRetriedThenUnavailable: a connection never made (refused here) sent nothing, so the
// retryer tries again, and an SES still not reached after its attempts is outbox.ErrUnavailable — claimed again,
// not an unknown outcome (which would abandon a reminder, or resend an SQL email as a possible duplicate).
func TestUnreachableSESIsRetriedThenUnavailable(t *testing.T) {
	t.Parallel()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusing := closed.Addr().String()
	_ = closed.Close() // nothing listens there now: every dial is refused
	for _, tc := range []struct {
		name    string
		refused int // dials refused before SES answers
		dials   int64
		check   func(error) bool
	}{
		{"refused once, then reached", 1, 2, func(err error) bool { return err == nil }},
		{"never reached", ses.MaxAttempts, ses.MaxAttempts, func(err error) bool {
			return errors.Is(err, outbox.ErrUnavailable) && !errors.Is(err, outbox.ErrThrottled) && !errors.Is(err, outbox.ErrRejected)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := sesAPI(t, func(_ int64, w http.ResponseWriter) { accept(w) })
			var dials atomic.Int64
			var d net.Dialer
			cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
				HTTPClient: &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
					if dials.Add(1) <= int64(tc.refused) {
						return d.DialContext(ctx, network, refusing)
					}
					return d.DialContext(ctx, network, srv.Listener.Addr().String())
				}}}}
			_, err := ses.New(ses.NewClient(cfg, aws.String(srv.URL))).Send(context.Background(), email.Message{
				From: &mail.Address{Address: "sla@example.com"}, To: []*mail.Address{{Address: "rep@example.com"}},
				Subject: "SQL", HTML: "<p>SQL</p>", Text: "SQL"})
			if got := dials.Load(); got != tc.dials {
				t.Errorf("%d dials, want %d (err %v)", got, tc.dials, err)
			}
			if !tc.check(err) {
				t.Errorf("Send: %v", err)
			}
		})
	}
}
