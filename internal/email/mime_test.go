package email

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"testing"
	"time"
)

// rawSample is a message with everything a report email carries, and hostile values where values go.
func rawSample(marker string) Message {
	png := func(n int) []byte {
		b := make([]byte, n)
		rand.Read(b)
		return append([]byte("\x89PNG\r\n\x1a\n"), b...)
	}
	return Message{
		From:    &mail.Address{Name: "Handoff Maintenia – SLA", Address: "sla@maintenia.fr"},
		To:      []*mail.Address{{Name: "Élise Dupré", Address: "elise@maintenia.fr"}, {Address: "ceo@maintenia.fr"}},
		Cc:      []*mail.Address{{Name: "Ops\r\nBcc: evil@example.com", Address: "ops@maintenia.fr"}},
		Subject: "Rapport SLA marketing–ventes de Maintenia SAS : novembre 2026 " + marker + "\r\nBcc: evil@example.com",
		Text:    "Rapport de novembre " + marker + "\nUne ligne très longue " + strings.Repeat("é", 120) + "\nfin =3D.\n",
		HTML:    `<p>Rapport ` + marker + `</p><img src="cid:sqls-2026-11@handoff"><img src="cid:first-contact-2026-11@handoff"><p>` + strings.Repeat("à", 200) + `</p>`,
		Inline: []Part{{Filename: "sqls-2026-11.png", ContentType: "image/png", ContentID: "sqls-2026-11@handoff", Data: png(3000)},
			{Filename: "first-contact-2026-11.png", ContentType: "image/png", ContentID: "first-contact-2026-11@handoff", Data: png(5000)}},
		Attachments: []Part{{Filename: "handoff-sla-2026-11-sqls.csv", ContentType: "text/csv; charset=utf-8",
			Data: []byte("\ufefflead;source\r\nld_1;'=HYPERLINK(\"x\")\r\n")}},
	}
}

// TestRawIsWellFormed reads the MIME message back with Go's own parsers: headers without injected lines, an
// RFC 2047 subject, the mixed → related → alternative tree, every part decoding to what was given, CRLF line
// ends, base64 lines of 76 characters.
func TestRawIsWellFormed(t *testing.T) {
	t.Parallel()
	m := rawSample("m1")
	raw, err := m.Raw(time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if strings.ContainsAny(line, "\r\n") || len(line) > 998 {
			t.Fatalf("line %d: a bare CR or LF, or %d characters: %q", i+1, len(line), line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Header["Bcc"]) > 0 || strings.Contains(string(raw), "\r\nBcc:") {
		t.Error("a value injected a Bcc header")
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != header(m.Subject) {
		t.Errorf("subject = %q (%v), want %q", subject, err, header(m.Subject))
	}
	// Each encoded-word at most 75 characters (RFC 2047), one per line of the folded subject.
	for _, w := range strings.Fields(strings.ReplaceAll(msg.Header.Get("Subject"), "\r\n", " ")) {
		if len(w) > 75 || !strings.HasPrefix(w, "=?utf-8?") {
			t.Errorf("the subject's word %q", w)
		}
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Name != "Élise Dupré" || to[1].Address != "ceo@maintenia.fr" {
		t.Errorf("To = %v (%v)", to, err)
	}
	if from, err := msg.Header.AddressList("From"); err != nil || from[0].Name != "Handoff Maintenia – SLA" {
		t.Errorf("From = %v (%v)", from, err)
	}
	if msg.Header.Get("MIME-Version") != "1.0" || msg.Header.Get("Date") != "Tue, 01 Dec 2026 08:00:00 +0000" {
		t.Errorf("headers = %v", msg.Header)
	}

	mixed := parts(t, msg.Header.Get("Content-Type"), msg.Body, "multipart/mixed")
	if len(mixed) != 2 {
		t.Fatalf("multipart/mixed has %d parts", len(mixed))
	}
	related := parts(t, mixed[0].ct, bytes.NewReader(mixed[0].body), "multipart/related")
	if _, params, _ := mime.ParseMediaType(mixed[0].ct); params["type"] != "multipart/alternative" || len(related) != 3 {
		t.Fatalf("multipart/related: %s, %d parts", mixed[0].ct, len(related))
	}
	alternative := parts(t, related[0].ct, bytes.NewReader(related[0].body), "multipart/alternative")
	if len(alternative) != 2 || alternative[0].ct != "text/plain; charset=utf-8" || alternative[1].ct != "text/html; charset=utf-8" {
		t.Fatalf("multipart/alternative: %+v", alternative)
	}
	// quoted-printable turns the text's LF into CRLF, as MIME wants.
	if got := string(alternative[0].decoded(t)); got != strings.ReplaceAll(m.Text, "\n", "\r\n") {
		t.Errorf("text part = %q", got)
	}
	if got := string(alternative[1].decoded(t)); got != m.HTML {
		t.Errorf("html part = %q", got)
	}
	for i, p := range m.Inline {
		got := related[1+i]
		if got.ct != "image/png" || got.header.Get("Content-Id") != "<"+p.ContentID+">" || !bytes.Equal(got.decoded(t), p.Data) ||
			got.header.Get("Content-Disposition") != `inline; filename=`+p.Filename {
			t.Errorf("inline part %d: %v", i, got.header)
		}
	}
	csv := mixed[1]
	if csv.ct != "text/csv; charset=utf-8" || !bytes.Equal(csv.decoded(t), m.Attachments[0].Data) ||
		csv.header.Get("Content-Disposition") != "attachment; filename=handoff-sla-2026-11-sqls.csv" {
		t.Errorf("attachment: %v", csv.header)
	}
}

// part is one part of a multipart, read back.
type part struct {
	ct     string
	header textproto.MIMEHeader
	body   []byte
}

func (p part) decoded(t *testing.T) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(p.body)
	switch p.header.Get("Content-Transfer-Encoding") {
	case "base64":
		for _, line := range strings.Split(strings.TrimRight(string(p.body), "\r\n"), "\r\n") {
			if len(line) > 76 {
				t.Errorf("a base64 line of %d characters", len(line))
			}
		}
		r = base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(p.body, []byte("\r\n"), nil)))
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	default:
		t.Errorf("transfer encoding %q", p.header.Get("Content-Transfer-Encoding"))
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parts(t *testing.T, contentType string, body io.Reader, want string) []part {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != want {
		t.Fatalf("content type %q, want %s (%v)", contentType, want, err)
	}
	mr := multipart.NewReader(body, params["boundary"])
	var out []part
	for {
		p, err := mr.NextRawPart() // NextPart would decode quoted-printable itself
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, part{ct: p.Header.Get("Content-Type"), header: p.Header, body: b})
	}
}

func TestRawRefusesBadContentIDs(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"", "no-at", "a@b@c", "a b@c", "a@b>\r\nBcc: x@y", "<a@b>", "a@", "é@b"} {
		m := rawSample("bad")
		m.Inline[0].ContentID = id
		if _, err := m.Raw(time.Now()); err == nil {
			t.Errorf("Content-ID %q accepted", id)
		}
	}
}

func TestEncodeWords(t *testing.T) {
	t.Parallel()
	long := "SLA report of Maintenia SAS for November 2026 with a subject long enough to need folding twice over here"
	for _, v := range []string{"plain", long, "Rapport SLA marketing–ventes : novembre 2026", strings.Repeat("é", 100)} {
		enc := encodeWords(v)
		for _, line := range strings.Split(enc, "\r\n") {
			if len(line) > 78-len("Subject: ") && !strings.HasPrefix(strings.TrimSpace(line), "=?") || len(strings.TrimSpace(line)) > 75 {
				t.Errorf("%q: line %q", v, line)
			}
		}
		if got, err := new(mime.WordDecoder).DecodeHeader(strings.ReplaceAll(enc, "\r\n", "")); err != nil || got != v {
			t.Errorf("%q encodes to %q, which decodes to %q (%v)", v, enc, got, err)
		}
	}
}
