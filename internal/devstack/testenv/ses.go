package testenv

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
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
	// Attachments are the files SES local parsed out of the message (for raw MIME, mailparser's view: inline
	// images too, with their Content-ID; the HTML's cid: links to them are replaced by data: URLs).
	Attachments []Attachment `json:"attachments"`
	At          int64        `json:"at"` // unix seconds
}

// Attachment is a file of a stored email.
type Attachment struct {
	Filename           string `json:"filename"`
	ContentType        string `json:"contentType"`
	ContentDisposition string `json:"contentDisposition"`
	ContentID          string `json:"cid"` // without angle brackets
	Related            bool   `json:"related"`
	Content            []byte `json:"content"` // base64 in the JSON
	Size               int    `json:"size"`
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

// SESConfig is the configuration and endpoint of an SES v2 client for SES local, for ses.NewClient: the tests
// send with the functions' own client (its retryer among the rest).
func SESConfig(t testing.TB) (aws.Config, *string) {
	t.Helper()
	return aws.Config{Region: localaws.Region, Credentials: credentials.NewStaticCredentialsProvider(localaws.AccessKey, localaws.SecretKey, "")},
		aws.String(SESEndpoint(t))
}
