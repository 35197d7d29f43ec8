package samlocal

import (
	"crypto/rand"
	"encoding/hex"
)

// newID returns 32 random hex digits, for request and event IDs.
func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
