package records

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Stored is the report of record of a month (one per month): the figures as they were first computed, and where
// the month's emails stand. The figures are written once and never again: every email of the month — the
// scheduled one, the one a retry finishes after a crash, a re-send asked for later — is rendered from them, so
// leadership always receives the same report, however often the month is run.
type Stored struct {
	Month      contract.Month
	AsOf       time.Time // the instant the figures were taken at
	ComputedAt time.Time
	// Contract is the version the month was judged against.
	Contract string
	// Figures are the report as package report encodes it (JSON); nil when read without them.
	Figures []byte
	// Digest is the SHA-256 of Figures (hex): two runs stored the same report when their digests are equal.
	Digest string
	SQLs   int // rows of the CSV

	// Mail is the month's email. It passes the same gate as an SQL email (claimed → sending → sent, see
	// outbox.Mail); MailBy is the invocation (Lambda request ID) that moved it to sending.
	Mail   outbox.Mail
	MailBy string
	// Resend is the latest re-send asked for (zero Status: none yet), ResendBy the invocation that asked;
	// Resends counts the re-sends confirmed sent.
	Resend   outbox.Mail
	ResendBy string
	Resends  int

	// Version is the store's optimistic lock on the emails' state.
	Version int64
}

// Errors of the report's store.
var (
	// ErrNoReport: the month has no report record yet.
	ErrNoReport = errors.New("no report stored for this month")
	// ErrReported: the month has a report record already (it stays as it is).
	ErrReported = errors.New("the month's report is stored already")
	// ErrNoChange: an update has nothing to write.
	ErrNoChange = errors.New("nothing to change")
)

// ParseMonth reads a month as "2026-11".
func ParseMonth(s string) (contract.Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || t.Format("2006-01") != s {
		return contract.Month{}, fmt.Errorf("not a month such as 2026-11: %q", s)
	}
	return contract.MonthOf(t), nil
}

// Start is the first instant of month m in loc.
func Start(m contract.Month, loc *time.Location) time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
}

// Digest is the SHA-256 of encoded figures, in hex.
func Digest(figures []byte) string {
	sum := sha256.Sum256(figures)
	return hex.EncodeToString(sum[:])
}
