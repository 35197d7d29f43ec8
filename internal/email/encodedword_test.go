package email

import (
	"bytes"
	"encoding/base64"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// fakeWord is an RFC 2047 encoded-word a lead could type as its company: decoded, it reads "Démo accordée".
var fakeWord = "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte("Démo accordée")) + "?="

// TestEncodedWordsInSubjectsAreShownAsTyped: a company spelling encoded-words reaches the raw MIME Subject
// (what clients decode) so that decoding it gives back what the lead typed, "=?" broken by a zero-width space
// only — never the text the encoded-word hides.
func TestEncodedWordsInSubjectsAreShownAsTyped(t *testing.T) {
	t.Parallel()
	for _, company := range []string{
		fakeWord,
		"ACME" + fakeWord, // glued to a word: some clients decode it anyway
		"=?utf-8?q?D=C3=A9mo_accord=C3=A9e?= Industrie", // Q encoding, lower case
		"ACME =?=?UTF-8?B?RMOpbW8gYWNjb3Jkw6ll?=",       // "=?" twice in a row
		"ACME Industrie =",                              // an "=" the subject's own "?" could follow
	} {
		s := sample(contract.French)
		s.Lead.Company = company
		m := Message{From: &mail.Address{Address: "sla@maintenia.fr"}, To: []*mail.Address{{Address: "thomas@maintenia.fr"}},
			Subject: s.Subject(), Text: "x", HTML: "<p>x</p>", Attachments: []Part{{Filename: "a.csv", ContentType: "text/csv", Data: []byte("a")}}}
		raw, err := m.Raw(time.Date(2026, 11, 27, 17, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(got, "Démo") || strings.Contains(got, "=?") || strings.ReplaceAll(got, "\u200b", "") != s.Subject() {
			t.Errorf("company %q: the subject decodes to %q, want %q as typed", company, got, s.Subject())
		}
		// The adapter's subject for a simple message (SES encodes it): no "=?" left to decode.
		if h := Header(s.Subject()); strings.Contains(h, "=?") || strings.ReplaceAll(h, "\u200b", "") != s.Subject() {
			t.Errorf("company %q: Header = %q", company, h)
		}
	}
}
