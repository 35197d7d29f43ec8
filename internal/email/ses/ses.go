// Package ses sends the emails package email composes through SES v2: the adapter at the edge, apart from the
// composing, which holds no AWS code (the report, which composes its own email, links no SES client).
//
// Throttling is retried here, by the SDK's retryer, configured once (Retryer) and nowhere else: a loop on top of
// it would multiply the attempts. Only what surely sent nothing is retried — a throttle (SES said no before
// sending anything), a connection never made (outbox.ErrUnavailable when it lasts). A connection broken once
// made, a timeout or a 5xx is not: SES may have accepted the first attempt, and a retried SendEmail would send a
// duplicate. Its outcome stays unknown, for the outbox's rule (never resent blindly).
package ses

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/platform"
)

// The retryer's bounds: a throttled email is tried MaxAttempts times in all, waiting at most MaxBackoff between
// two (jittered, growing from SES's throttling base), well within the hand-over's outbox.SendTimeout.
const (
	MaxAttempts = 4
	MaxBackoff  = time.Second
)

// throttlingCodes are SES v2's throttling errors (TooManyRequestsException, LimitExceededException) and the
// AWS-wide ones.
var throttlingCodes = map[string]struct{}{
	"TooManyRequestsException": {}, "LimitExceededException": {}, "Throttling": {}, "ThrottlingException": {},
}

// throttled reports an SES answer that says it sent nothing for now: a throttling code, or an HTTP 429.
var throttled = retry.IsErrorThrottles(append([]retry.IsErrorThrottle{retry.ThrottleErrorCode{Codes: throttlingCodes}}, retry.DefaultThrottles...))

// unreachable reports an attempt that never reached SES: its connection was never made (refused, no route, SES's
// name not resolved), so nothing was sent. A connection that broke once made is not: SES may have the email.
func unreachable(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// Retryer is the SES client's retryer: throttling and an SES not reached only (nothing sent either way),
// MaxAttempts, MaxBackoff.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts, o.MaxBackoff = MaxAttempts, MaxBackoff
		o.Retryables = []retry.IsErrorRetryable{
			retry.NoRetryCanceledError{},
			retry.IsErrorRetryableFunc(func(err error) aws.Ternary {
				return aws.BoolTernary(throttled.IsErrorThrottle(err).Bool() || unreachable(err))
			}),
		}
		o.Throttles = []retry.IsErrorThrottle{throttled}
	})
}

// NewClient is the SES v2 client emails are sent with: cfg's, to endpoint when set (SES local), with Retryer.
func NewClient(cfg aws.Config, endpoint *string) *sesv2.Client {
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		o.BaseEndpoint = endpoint
		o.Retryer = Retryer()
	})
}

// SES sends through SES v2. It holds the client's SendEmail, not the client: see store.client for why.
// A message with inline parts or attachments goes as SendEmail's Content.Raw (a MIME message, email.Message.Raw),
// one without as Content.Simple; both are verified against SES local (aws-ses-v2-local, see the tests).
type SES struct {
	sendEmail func(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
	// ConfigurationSet is the SES configuration set every email names (ConfigurationSetName), whose event
	// destination publishes its bounces and complaints with the email's tags (template.yaml,
	// SesConfigurationSet); "" names none — a test's sender, whose bounces nobody would hear of.
	ConfigurationSet string
}

// New is a sender through a client (NewClient's, or a test's).
func New(c *sesv2.Client) SES { return SES{sendEmail: c.SendEmail} }

// ConfigurationSetEnv is the environment variable naming the configuration set (template.yaml's Globals).
const ConfigurationSetEnv = "SES_CONFIGURATION_SET"

// FromEnv is a function's sender: AWS's SES v2 endpoint, or AWS_ENDPOINT_URL_SESV2's (SES local), sending
// through the configuration set SES_CONFIGURATION_SET names.
func FromEnv(cfg aws.Config, lookup func(string) (string, bool)) SES {
	s := New(NewClient(cfg, platform.Endpoint(lookup, "SESV2")))
	s.ConfigurationSet, _ = lookup(ConfigurationSetEnv)
	return s
}

// Send sends m and returns SES's message ID. What surely did not leave is outbox.ErrThrottled or
// outbox.ErrUnavailable (after the retryer's attempts) or outbox.ErrRejected, wrapped; any other error (a
// timeout, a reset connection, a 5xx) leaves unknown whether SES accepted the message.
func (s SES) Send(ctx context.Context, m email.Message) (string, error) {
	from, to, cc := m.Envelope()
	in := &sesv2.SendEmailInput{FromEmailAddress: aws.String(from), Destination: &types.Destination{ToAddresses: to, CcAddresses: cc}}
	if s.ConfigurationSet != "" {
		in.ConfigurationSetName = aws.String(s.ConfigurationSet)
	}
	for _, t := range m.Tags {
		in.EmailTags = append(in.EmailTags, types.MessageTag{Name: aws.String(t.Name), Value: aws.String(t.Value)})
	}
	if len(m.Inline)+len(m.Attachments) > 0 {
		raw, err := m.Raw(time.Now())
		if err != nil {
			return "", fmt.Errorf("%w: %v", outbox.ErrRejected, err)
		}
		in.Content = &types.EmailContent{Raw: &types.RawMessage{Data: raw}}
	} else {
		in.Content = &types.EmailContent{Simple: &types.Message{
			// The subject is one line already (composed so); Envelope's rule applies to it as to the addresses.
			Subject: &types.Content{Data: aws.String(email.Header(m.Subject)), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
			},
		}}
	}
	w := &watch{}
	out, err := s.sendEmail(ctx, in, w.install)
	if err != nil {
		var last error
		if p := w.last.Load(); p != nil {
			last = *p
		}
		return "", classify(err, last)
	}
	return aws.ToString(out.MessageId), nil
}

// watch follows one SendEmail's attempts, to know whether a hand-over that ran out of time had an attempt in
// flight: when the time runs out while the retryer waits to try again after a throttle or an SES not reached (or
// before the next attempt starts), SES has sent nothing — not an unknown outcome.
type watch struct {
	aws.RetryerV2
	last atomic.Pointer[error] // the error of the last attempt, retried, while no other has started
}

// install wraps the call's retryer (Retryer's) in the watch; one that cannot be watched is left as it is, and
// a hand-over that runs out of time is then always an unknown outcome.
func (w *watch) install(o *sesv2.Options) {
	if r, ok := o.Retryer.(aws.RetryerV2); ok {
		w.RetryerV2 = r
		o.Retryer = w
	}
}

// GetAttemptToken is called as an attempt starts.
func (w *watch) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	w.last.Store(nil)
	return w.RetryerV2.GetAttemptToken(ctx)
}

// RetryDelay is called after an attempt the retryer retries (a throttle or an SES not reached: Retryer retries
// nothing else), before it waits.
func (w *watch) RetryDelay(attempt int, err error) (time.Duration, error) {
	w.last.Store(&err)
	return w.RetryerV2.RetryDelay(attempt, err)
}

// classify names what surely did not leave — SES's refusals, an SES not reached — and returns anything else as it
// is (the outcome unknown). A hand-over that ran out of time while the retryer waited after such an attempt
// (last, the attempt retried) sent nothing: classified as that attempt. The refusals say SES's error code, HTTP
// status and request ID, not its message, which names the addresses refused (no personal data in the logs the
// error reaches).
func classify(err error, last error) error {
	var (
		tooMany   *types.TooManyRequestsException
		limit     *types.LimitExceededException
		rejected  *types.MessageRejected
		bad       *types.BadRequestException
		mailFrom  *types.MailFromDomainNotVerifiedException
		suspended *types.AccountSuspendedException
		paused    *types.SendingPausedException
		notFound  *types.NotFoundException
		canceled  *aws.RequestCanceledError
	)
	switch {
	case errors.As(err, &tooMany), errors.As(err, &limit), throttled.IsErrorThrottle(err) == aws.TrueTernary:
		return fmt.Errorf("%w: %s", outbox.ErrThrottled, describe(err))
	case errors.As(err, &rejected), errors.As(err, &bad), errors.As(err, &mailFrom), errors.As(err, &suspended),
		errors.As(err, &paused), errors.As(err, &notFound):
		return fmt.Errorf("%w: %s", outbox.ErrRejected, describe(err))
	case unreachable(err):
		return fmt.Errorf("%w: %v", outbox.ErrUnavailable, err)
	case last != nil && (errors.As(err, &canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)):
		return fmt.Errorf("out of time before trying again (%v): %w", err, classify(last, nil))
	}
	return err
}

// describe is an SES error without its message: its code, HTTP status and request ID.
func describe(err error) string {
	var (
		api  smithy.APIError
		resp *awshttp.ResponseError
	)
	d := "SES"
	if errors.As(err, &api) {
		d += " " + api.ErrorCode()
	}
	if errors.As(err, &resp) {
		d += fmt.Sprintf(" (HTTP %d, request %s)", resp.HTTPStatusCode(), resp.ServiceRequestID())
	}
	return d
}
