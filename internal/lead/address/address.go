// Package address is a lead's email address as Handoff identifies the lead by it: one normal form for what mail
// systems deliver to one mailbox. Ingest normalises every address it receives with it, and erasure finds a
// person by it, so that "Claire.Dubois@Société.fr" typed on a form and asked to be forgotten is one person.
package address

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"
)

// ErrInvalid is returned for a value that is not an email address.
var ErrInvalid = errors.New("not an email address")

// maxLength is RFC 5321's limit on a path (254 octets for the address).
const maxLength = 254

var domainLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// Normalise returns the normal form of an address: compatibility characters folded (NFKC: the Kelvin sign is a
// K, full-width letters are letters), the local part lower-cased (it may be UTF-8, RFC 6531), the domain in its
// ASCII form as resolvers see it (IDNA, UTS #46: société.fr is xn--socit-esab.fr). Anything else — a display
// name, a comment, a line break, a domain that is no host name — is ErrInvalid. White space and invisible
// characters around it (a zero-width space, a byte-order mark: what a paste brings along) are trimmed.
func Normalise(raw string) (string, error) {
	v := norm.NFKC.String(TrimInvisible(raw))
	at := strings.LastIndexByte(v, '@')
	if len(v) > maxLength || strings.ContainsAny(v, "\r\n\x00 ") || at < 1 {
		return "", ErrInvalid
	}
	local := strings.ToLower(v[:at])
	domain, err := idna.Lookup.ToASCII(v[at+1:])
	if err != nil || len(local) > 64 || !strings.Contains(domain, ".") {
		return "", ErrInvalid
	}
	for _, l := range strings.Split(domain, ".") {
		if !domainLabel.MatchString(l) {
			return "", ErrInvalid
		}
	}
	e := local + "@" + domain
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
		return "", ErrInvalid // a display name, a comment, a malformed local part
	}
	return e, nil
}

// TrimInvisible trims white space and the characters that show nothing (format characters, Hangul fillers,
// variation selectors) from both ends of a value.
func TrimInvisible(v string) string { return strings.TrimFunc(v, invisible) }

// invisible reports a character that shows nothing: white space and the default-ignorable characters.
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) ||
		unicode.Is(unicode.Variation_Selector, r)
}

// Domain is the domain of a normalised address.
func Domain(e string) string { return e[strings.LastIndexByte(e, '@')+1:] }
