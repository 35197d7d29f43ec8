// Package email composes Handoff's emails — the SQL email to a rep (SQLMessage) and the deadline checker's
// (EventMessage); the monthly report's is composed by package report from its Parts — with html/template for
// the HTML part and a plain-text part always, and a MIME message when it carries files (Raw). Header values never
// carry CR or LF, and names are escaped as text. It holds no AWS code: package email/ses sends what it composes.
package email

import (
	"net/mail"
	"strings"
	"unicode"

	"github.com/handoff-sla/handoff/internal/mailtag"
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
	// Tags name what the email is about (IDs only) in SES's message tags: SES's bounce and complaint events
	// carry them back (package mailtag).
	Tags []mailtag.Tag
}

// Envelope is the message's sender and recipients as an SES request names them: each one line, safe for a
// header (see header).
func (m Message) Envelope() (from string, to, cc []string) {
	return header(m.From.String()), addresses(m.To), addresses(m.Cc)
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

// Header is v made safe for an email header (see header), its encoded-words shown as typed (see literalWords):
// what an adapter puts in a subject.
func Header(v string) string { return literalWords(header(v)) }

// literalWords breaks every "=?" of v with a zero-width space. A lead's company (or any text a sender typed) that
// spells an RFC 2047 encoded-word, "=?UTF-8?B?…?=", would otherwise be decoded by mail clients into other text
// (a subject saying what the lead never said). With "=\u200b?" nothing opens an encoded-word, the subject holds
// a non-ASCII character and is encoded whole (by Raw, or by SES for a simple message), and clients show the
// text as it was typed.
func literalWords(v string) string { return strings.ReplaceAll(v, "=?", "=\u200b?") }
