package email

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"
)

// Part is a file an email carries: an inline image (ContentID set, which the HTML shows as "cid:<ContentID>") or
// an attachment.
type Part struct {
	Filename    string
	ContentType string // "image/png", "text/csv; charset=utf-8"
	ContentID   string // inline parts only, without the angle brackets: "sqls-2026-11@handoff"
	Data        []byte
}

// MaxRawSize is the largest message SES v2 sends (40 MB, attachments and their encoding included).
const MaxRawSize = 40 << 20

// Raw is the message as MIME (RFC 5322, 2045–2049), the way SES v2 sends it with Content.Raw:
//
//	multipart/mixed                       (only with attachments)
//	├─ multipart/related                  (only with inline parts)
//	│  ├─ multipart/alternative
//	│  │  ├─ text/plain; charset=utf-8    quoted-printable
//	│  │  └─ text/html; charset=utf-8     quoted-printable
//	│  └─ image/png …                     base64, Content-ID, inline
//	└─ text/csv …                         base64, attachment
//
// Header values never carry CR, LF or other control characters (header injection); a subject's "=?" is broken
// (an encoded-word typed by a lead is shown as typed, see literalWords); a non-ASCII subject or display name is
// RFC 2047 encoded and folded; base64 lines are 76 characters; every line ends in CRLF.
func (m Message) Raw(date time.Time) ([]byte, error) {
	if m.From == nil || len(m.To) == 0 {
		return nil, errors.New("mime: a message needs a From and at least one To")
	}
	for _, p := range m.Inline {
		if !validContentID(p.ContentID) {
			return nil, fmt.Errorf("mime: inline part %q: Content-ID %q is not an id-left@id-right of printable characters", p.Filename, p.ContentID)
		}
	}
	body := multipartEntity("multipart/alternative", nil,
		textEntity("text/plain; charset=utf-8", m.Text), textEntity("text/html; charset=utf-8", m.HTML))
	if len(m.Inline) > 0 {
		related := multipartEntity("multipart/related", map[string]string{"type": "multipart/alternative"}, body)
		for _, p := range m.Inline {
			related.children = append(related.children, fileEntity(p, "inline"))
		}
		body = related
	}
	if len(m.Attachments) > 0 {
		mixed := multipartEntity("multipart/mixed", nil, body)
		for _, p := range m.Attachments {
			mixed.children = append(mixed.children, fileEntity(p, "attachment"))
		}
		body = mixed
	}

	var b bytes.Buffer
	h := func(name, value string) { b.WriteString(name + ": " + value + "\r\n") }
	h("From", header(m.From.String()))
	h("To", addressList(m.To))
	if len(addresses(m.Cc)) > 0 {
		h("Cc", addressList(m.Cc))
	}
	h("Subject", encodeWords(Header(m.Subject)))
	h("Date", date.Format(time.RFC1123Z))
	h("MIME-Version", "1.0")
	h("Content-Type", body.contentTypeHeader())
	b.WriteString("\r\n")
	if err := body.writeBody(&b); err != nil {
		return nil, err
	}
	if b.Len() > MaxRawSize {
		return nil, fmt.Errorf("mime: the message is %d bytes, more than the %d SES sends", b.Len(), MaxRawSize)
	}
	return b.Bytes(), nil
}

// entity is a MIME entity: a leaf (headers and an encoded body) or a multipart with children.
type entity struct {
	contentType string
	params      map[string]string    // a multipart's: its boundary, and "type" for multipart/related
	headers     textproto.MIMEHeader // a leaf's other headers
	body        func(io.Writer) error
	children    []entity
}

func multipartEntity(contentType string, params map[string]string, children ...entity) entity {
	if params == nil {
		params = map[string]string{}
	}
	// multipart.Writer's random boundary (60 hex digits), which no encoded body can contain.
	params["boundary"] = multipart.NewWriter(io.Discard).Boundary()
	return entity{contentType: contentType, params: params, children: children}
}

func textEntity(contentType, text string) entity {
	return entity{contentType: contentType, headers: textproto.MIMEHeader{"Content-Transfer-Encoding": {"quoted-printable"}},
		body: func(w io.Writer) error {
			qp := quotedprintable.NewWriter(w)
			if _, err := io.WriteString(qp, text); err != nil {
				return err
			}
			return qp.Close()
		}}
}

func fileEntity(p Part, disposition string) entity {
	e := entity{contentType: header(p.ContentType), headers: textproto.MIMEHeader{
		"Content-Transfer-Encoding": {"base64"},
		"Content-Disposition":       {mime.FormatMediaType(disposition, map[string]string{"filename": header(p.Filename)})},
	}, body: func(w io.Writer) error { return base64Lines(w, p.Data) }}
	if p.ContentID != "" {
		e.headers.Set("Content-ID", "<"+p.ContentID+">")
	}
	return e
}

// contentTypeHeader is the entity's Content-Type value, with its parameters.
func (e entity) contentTypeHeader() string {
	if len(e.params) == 0 {
		return e.contentType
	}
	return mime.FormatMediaType(e.contentType, e.params)
}

// writeBody writes the entity's body: a leaf's encoded content, or a multipart's parts between boundaries.
func (e entity) writeBody(w io.Writer) error {
	if len(e.children) == 0 {
		return e.body(w)
	}
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(e.params["boundary"]); err != nil {
		return err
	}
	for _, c := range e.children {
		hdr := textproto.MIMEHeader{"Content-Type": {c.contentTypeHeader()}}
		for k, v := range c.headers {
			hdr[k] = v
		}
		pw, err := mw.CreatePart(hdr)
		if err != nil {
			return err
		}
		if err := c.writeBody(pw); err != nil {
			return err
		}
	}
	return mw.Close()
}

// base64Lines writes data in base64, 76 characters a line (RFC 2045).
func base64Lines(w io.Writer, data []byte) error {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(76, len(enc))
		if _, err := io.WriteString(w, enc[:n]+"\r\n"); err != nil {
			return err
		}
		enc = enc[n:]
	}
	return nil
}

// encodeWords makes a header value ASCII: one with non-ASCII characters becomes RFC 2047 encoded-words (UTF-8,
// Q or B encoding, whichever is shorter), at most 75 characters each, one per folded line; an ASCII one is folded
// at its spaces.
func encodeWords(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			words := mime.QEncoding.Encode("utf-8", v)
			if b := mime.BEncoding.Encode("utf-8", v); len(b) < len(words) {
				words = b
			}
			return strings.ReplaceAll(words, "?= =?", "?=\r\n =?")
		}
	}
	return fold(v)
}

// fold breaks an ASCII header value before spaces so that its lines stay within 78 characters where it can.
func fold(v string) string {
	var b strings.Builder
	line := len("Subject: ")
	for i, w := range strings.Split(v, " ") {
		if i > 0 {
			if line+1+len(w) > 78 {
				b.WriteString("\r\n")
				line = 0
			}
			b.WriteByte(' ')
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}

// validContentID reports an id-left@id-right of visible ASCII, without the characters that would end the
// angle brackets, a header or the cid: URL.
func validContentID(id string) bool {
	left, right, ok := strings.Cut(id, "@")
	if !ok || left == "" || right == "" || strings.Contains(right, "@") {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`<>()[]\,;:"`, c) >= 0 {
			return false
		}
	}
	return true
}

func addressList(as []*mail.Address) string { return strings.Join(addresses(as), ", ") }
