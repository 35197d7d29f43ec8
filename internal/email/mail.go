// Package email composes Handoff's emails — the SQL email to a rep (SQLMessage) and the deadline checker's
// (EventMessage) — with html/template for the HTML part and a plain-text part always, and sends them through
// SES v2. Header values never carry CR or LF, and names are escaped as text.
package email

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/platform"
)

// Message is one email.
type Message struct {
	From    *mail.Address
	To      []*mail.Address
	Cc      []*mail.Address
	Subject string
	HTML    string
	Text    string
	// Inline parts (images the HTML shows by cid:) and attachments: a message with any is sent as raw MIME
	// (see Raw), one without as SES's simple content.
	Inline      []Part
	Attachments []Part
}

// SES sends through SES v2. It holds the client's SendEmail, not the client: see store.client for why.
// A message with inline parts or attachments goes as SendEmail's Content.Raw (a MIME message built here), one
// without as Content.Simple; both are verified against SES local (aws-ses-v2-local, see the tests).
type SES struct {
	sendEmail func(context.Context, *sesv2.SendEmailInput, ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// NewSES is a sender through a client.
func NewSES(c *sesv2.Client) SES { return SES{sendEmail: c.SendEmail} }

// SESFromEnv is a function's sender: AWS's SES v2 endpoint, or AWS_ENDPOINT_URL_SESV2's (SES local).
func SESFromEnv(cfg aws.Config, lookup func(string) (string, bool)) SES {
	return NewSES(sesv2.NewFromConfig(cfg, func(o *sesv2.Options) { o.BaseEndpoint = platform.Endpoint(lookup, "SESV2") }))
}

// Send sends m and returns SES's message ID. A refusal is outbox.ErrThrottled or outbox.ErrRejected (wrapped); any other
// error (a timeout, a reset connection) leaves unknown whether SES accepted the message.
func (s SES) Send(ctx context.Context, m Message) (string, error) {
	if len(m.Inline)+len(m.Attachments) > 0 {
		return s.sendRaw(ctx, m)
	}
	in := &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(header(m.From.String())),
		Destination:      &types.Destination{ToAddresses: addresses(m.To), CcAddresses: addresses(m.Cc)},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(header(m.Subject)), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
			},
		}},
	}
	out, err := s.sendEmail(ctx, in)
	if err != nil {
		return "", classify(err)
	}
	return aws.ToString(out.MessageId), nil
}

// sendRaw sends m as a MIME message; the envelope's recipients are its To and Cc.
func (s SES) sendRaw(ctx context.Context, m Message) (string, error) {
	raw, err := m.Raw(time.Now())
	if err != nil {
		return "", fmt.Errorf("%w: %v", outbox.ErrRejected, err)
	}
	out, err := s.sendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(header(m.From.String())),
		Destination:      &types.Destination{ToAddresses: addresses(m.To), CcAddresses: addresses(m.Cc)},
		Content:          &types.EmailContent{Raw: &types.RawMessage{Data: raw}},
	})
	if err != nil {
		return "", classify(err)
	}
	return aws.ToString(out.MessageId), nil
}

func classify(err error) error {
	var (
		tooMany   *types.TooManyRequestsException
		limit     *types.LimitExceededException
		rejected  *types.MessageRejected
		bad       *types.BadRequestException
		mailFrom  *types.MailFromDomainNotVerifiedException
		suspended *types.AccountSuspendedException
		paused    *types.SendingPausedException
		notFound  *types.NotFoundException
		api       smithy.APIError
	)
	switch {
	case errors.As(err, &tooMany), errors.As(err, &limit):
		return fmt.Errorf("%w: %v", outbox.ErrThrottled, err)
	case errors.As(err, &rejected), errors.As(err, &bad), errors.As(err, &mailFrom), errors.As(err, &suspended),
		errors.As(err, &paused), errors.As(err, &notFound):
		return fmt.Errorf("%w: %v", outbox.ErrRejected, err)
	case errors.As(err, &api) && api.ErrorCode() == "Throttling":
		return fmt.Errorf("%w: %v", outbox.ErrThrottled, err)
	}
	return err
}

func addresses(as []*mail.Address) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		if a != nil && a.Address != "" {
			out = append(out, header(a.String()))
		}
	}
	return out
}

// header makes a value safe for an email header, and any value one line: control characters (CR, LF, C1's NEL:
// header injection) and Unicode's line and paragraph separators become spaces; bidirectional embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what a reader sees, are dropped.
func header(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			return ' '
		case r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			return -1
		}
		return r
	}, v)
}
