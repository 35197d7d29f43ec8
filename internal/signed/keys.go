package signed

import (
	"errors"
	"fmt"
	"strings"
)

// MinKeyLen is the shortest key ParseKeys accepts, in bytes: HMAC-SHA256's own output size, so a key is never
// the weaker half of the MAC.
const MinKeyLen = 32

// MaxKeys is how many keys a link key secret may hold: the one that signs, and the one it replaces while links
// signed with the old one are still in inboxes (a rotation's window: the links' lifetime, 35 days at most).
const MaxKeys = 2

// Keys are the keys a link key secret holds: Keys[0] signs and verifies; a second, during a rotation, only
// verifies. Build them with ParseKeys, which enforces the count and the length; a literal is for tests.
type Keys [][]byte

// ParseKeys reads a link key secret: one key per line, the signing key first ("new\nold" during a rotation).
// Each key is the line's bytes (a trailing "\r" and the secret's final line break are not part of it, so a
// one-line secret is the key it always was and its tokens do not change). Errors say which line is wrong and
// why, never a key.
func ParseKeys(secret string) (Keys, error) {
	lines := strings.Split(strings.TrimSuffix(strings.TrimSuffix(secret, "\n"), "\r"), "\n")
	if len(lines) > MaxKeys {
		return nil, fmt.Errorf("holds %d keys, at most %d (the signing key, then the one it replaces)", len(lines), MaxKeys)
	}
	keys := make(Keys, 0, len(lines))
	var problems []string
	for i, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if len(line) < MinKeyLen {
			problems = append(problems, fmt.Sprintf("key %d is %d bytes, at least %d needed", i+1, len(line), MinKeyLen))
		}
		// A control character inside a key is a line break the split did not see (a lone "\r": two keys read as
		// one, so the old key's links stop opening) or a paste gone wrong (a tab, a NUL): never part of a key.
		if j := strings.IndexFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }); j >= 0 {
			problems = append(problems, fmt.Sprintf("key %d holds a control character (byte %d: 0x%02x; keys are one per line, \\n or \\r\\n)", i+1, j+1, line[j]))
		}
		keys = append(keys, []byte(line))
	}
	if len(keys) == 2 && string(keys[0]) == string(keys[1]) {
		problems = append(problems, "its two keys are the same")
	}
	if len(problems) > 0 {
		return nil, errors.New(strings.Join(problems, "; "))
	}
	return keys, nil
}

// Signing is the key new tokens are sealed under.
func (k Keys) Signing() []byte {
	if len(k) == 0 {
		return nil
	}
	return k[0]
}

// Open is Open under each key in turn: a token sealed under any of them opens.
func (k Keys) Open(domain, token string) (string, error) {
	for _, key := range k {
		if payload, err := Open(key, domain, token); err == nil {
			return payload, nil
		}
	}
	return "", ErrInvalid
}
