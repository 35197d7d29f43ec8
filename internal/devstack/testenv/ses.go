package testenv

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/email"
)

// Mail is an email as SES local stored it.
type Mail struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		HTML string `json:"html"`
		Text string `json:"text"`
	} `json:"body"`
}

// Mails returns the emails SES local holds whose text contains marker (tests share one server: filter by a
// lead ID or another value of your own).
func Mails(t testing.TB, marker string) []Mail {
	t.Helper()
	resp, err := http.Get(SESEndpoint(t) + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var store struct{ Emails []Mail }
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		t.Fatal(err)
	}
	var out []Mail
	for _, m := range store.Emails {
		if strings.Contains(m.Body.Text, marker) || strings.Contains(m.Subject, marker) {
			out = append(out, m)
		}
	}
	return out
}

// SES is an SES v2 client for SES local.
func SES(t testing.TB) *sesv2.Client {
	t.Helper()
	return sesv2.New(sesv2.Options{Region: localaws.Region, BaseEndpoint: aws.String(SESEndpoint(t)),
		Credentials: credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, "")})
}

// Sender sends through SES local, counting its calls, after failing the next ones with the errors it is given:
// fault injection in front of the real server (a refusal, throttling, an unknown outcome).
type Sender struct {
	email.SES
	mu    sync.Mutex
	fails []error
	// Calls counts every Send, failed or not.
	Calls atomic.Int64
}

// NewSender is a Sender to SES local.
func NewSender(t testing.TB) *Sender { return &Sender{SES: email.NewSES(SES(t))} }

// Send fails with the next injected error, if any, else sends.
func (s *Sender) Send(ctx context.Context, m email.Message) (string, error) {
	s.Calls.Add(1)
	s.mu.Lock()
	if len(s.fails) > 0 {
		err := s.fails[0]
		s.fails = s.fails[1:]
		s.mu.Unlock()
		return "", err
	}
	s.mu.Unlock()
	return s.SES.Send(ctx, m)
}

// FailNext makes the next sends fail with errs, in order.
func (s *Sender) FailNext(errs ...error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails = append(s.fails, errs...)
}
