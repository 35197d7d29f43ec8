package email_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
)

// The emails as composed, through SES local (aws-ses-v2-local) by the adapter (package email/ses): what SES
// stores of them. They live in package email_test because ses imports email.

func TestSendThroughSESLocal(t *testing.T) {
	t.Parallel()
	s := email.Sample(contract.French)
	html, text, err := s.Render()
	if err != nil {
		t.Fatal(err)
	}
	got := sendAndReadBack(t, email.Message{
		From:    &mail.Address{Name: "Handoff Maintenia", Address: "sla@maintenia.fr"},
		To:      []*mail.Address{{Name: "Thomas Martin", Address: "thomas.martin@maintenia.fr"}},
		Cc:      []*mail.Address{{Name: "Claire\r\nBcc: x@evil.fr", Address: "claire.dubois@maintenia.fr"}},
		Subject: s.Subject(), HTML: html, Text: text,
	}, s.LeadID)
	if got.Subject != s.Subject() || !strings.Contains(got.Body.HTML, "lundi 30/11/2026 à 14:00") || !strings.Contains(got.Body.Text, "Bonjour Thomas Martin") {
		t.Errorf("stored mail = %+v", got)
	}
	if len(got.Destination.To) != 1 || !strings.Contains(got.Destination.To[0], "thomas.martin@maintenia.fr") ||
		len(got.Destination.Cc) != 1 || strings.ContainsAny(got.Destination.Cc[0], "\r\n") {
		t.Errorf("destination = %+v", got.Destination)
	}
}

// sendAndReadBack sends m through SES local and returns it as SES local stored it (marker: a string of its
// subject or text part).
func sendAndReadBack(t *testing.T, m email.Message, marker string) testenv.Mail {
	t.Helper()
	id, err := ses.New(ses.NewClient(testenv.SESConfig(t))).Send(context.Background(), m)
	if err != nil || id == "" {
		t.Fatalf("Send = %q, %v", id, err)
	}
	for _, s := range testenv.Mails(t, marker) {
		if s.MessageID == id {
			return s
		}
	}
	t.Fatalf("message %s not in SES local's store", id)
	return testenv.Mail{}
}

// TestRawThroughSESLocal sends the message through SES v2's SendEmail with Content.Raw to SES local, and reads
// back what it stored (aws-ses-v2-local parses raw MIME with mailparser, an independent parser): the subject,
// both parts, every recipient, the two images with their Content-IDs — every cid: of the HTML resolved to one of
// them — and the CSV.
func TestRawThroughSESLocal(t *testing.T) {
	t.Parallel()
	marker := "raw-" + strings.ReplaceAll(t.Name(), "/", "-")
	m := email.RawSample(marker)
	id, err := ses.New(ses.NewClient(testenv.SESConfig(t))).Send(context.Background(), m)
	if err != nil || id == "" {
		t.Fatalf("send: %q %v", id, err)
	}
	got := testenv.Mails(t, marker)
	if len(got) != 1 {
		t.Fatalf("%d mails stored", len(got))
	}
	mail := got[0]
	if mail.MessageID != id || mail.Subject != email.Header(m.Subject) || mail.Body.Text != m.Text {
		t.Errorf("stored: id %q, subject %q, text %q", mail.MessageID, mail.Subject, mail.Body.Text)
	}
	if len(mail.Destination.To) != 1 || !strings.Contains(mail.Destination.To[0], "elise@maintenia.fr") ||
		!strings.Contains(mail.Destination.To[0], "ceo@maintenia.fr") || len(mail.Destination.Cc) != 1 || strings.Contains(mail.From, "\n") {
		t.Errorf("recipients: from %q, to %q, cc %q", mail.From, mail.Destination.To, mail.Destination.Cc)
	}
	if len(mail.Attachments) != 3 {
		t.Fatalf("%d attachments stored", len(mail.Attachments))
	}
	html := mail.Body.HTML
	for i, p := range m.Inline {
		a := mail.Attachments[i]
		if a.ContentID != p.ContentID || !a.Related || a.ContentType != "image/png" || !bytes.Equal(a.Content, p.Data) || a.Filename != p.Filename {
			t.Errorf("inline %d stored as %q %q related=%v %d bytes", i, a.ContentID, a.ContentType, a.Related, len(a.Content))
		}
		// SES local (mailparser) replaces a cid: link by the image it names, as a data: URL.
		if !strings.Contains(html, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(p.Data)) {
			t.Errorf("the HTML's cid:%s did not resolve to its part", p.ContentID)
		}
	}
	if strings.Contains(html, "cid:") || !strings.Contains(html, strings.Repeat("à", 200)) {
		t.Error("the stored HTML keeps a cid: no part answers, or lost its text")
	}
	csv := mail.Attachments[2]
	if csv.Filename != "handoff-sla-2026-11-sqls.csv" || csv.ContentType != "text/csv" || csv.ContentDisposition != "attachment" ||
		!bytes.Equal(csv.Content, m.Attachments[0].Data) {
		t.Errorf("csv stored as %q %q %q, %d bytes", csv.Filename, csv.ContentType, csv.ContentDisposition, len(csv.Content))
	}
}

// TestSendEventThroughSESLocal: an escalation with marketing ops in copy (addresses without a display name)
// goes through SES local as composed.
func TestSendEventThroughSESLocal(t *testing.T) {
	t.Parallel()
	c := email.Example(t, contract.French, nil)
	h := email.Sent(t, c, "thomas-martin", email.Paris(t, 2026, 11, 30, 10, 0))
	h.Key.LeadID = "ld_01kbsesevent00000000000000"
	now := h.FirstContactDue.Add(30 * time.Minute)
	m, err := email.EventMessage(c, *h, email.Acme(), h.BreachFirstContact("claire-dubois", 30, now), email.TestLinks, now)
	if err != nil {
		t.Fatal(err)
	}
	got := sendAndReadBack(t, m, h.LeadID)
	if got.Subject != m.Subject || len(got.Destination.To) != 1 || !strings.Contains(got.Destination.To[0], "claire.dubois@maintenia.fr") ||
		len(got.Destination.Cc) != 1 || !strings.Contains(got.Destination.Cc[0], "marketing-ops@maintenia.fr") ||
		!strings.Contains(got.Body.Text, "lundi 30/11/2026 à 15:00") || !strings.Contains(got.Body.HTML, "retard de 0h30") {
		t.Errorf("stored mail = %+v", got)
	}
}

// TestEncodedWordInSubjectThroughSES: a company spelling an encoded-word goes to SES (a simple message: SES
// encodes the subject) with its "=?" broken, so what SES stores and clients decode is the text as typed.
func TestEncodedWordInSubjectThroughSES(t *testing.T) {
	t.Parallel()
	s := email.Sample(contract.English)
	s.Lead.Company = "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("Demo granted")) + "?= enc-word-ses"
	html, text, err := s.Render()
	if err != nil {
		t.Fatal(err)
	}
	got := sendAndReadBack(t, email.Message{From: &mail.Address{Address: "sla@maintenia.fr"},
		To: []*mail.Address{{Address: "thomas.martin@maintenia.fr"}}, Subject: s.Subject(), HTML: html, Text: text}, "enc-word-ses")
	decoded, err := new(mime.WordDecoder).DecodeHeader(got.Subject)
	if err != nil || strings.Contains(got.Subject, "=?") || strings.Contains(decoded, "Demo granted") ||
		strings.ReplaceAll(decoded, "\u200b", "") != s.Subject() {
		t.Errorf("SES stored the subject %q, which decodes to %q (%v); want %q as typed", got.Subject, decoded, err, s.Subject())
	}
}
