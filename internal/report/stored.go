package report

import (
	"encoding/json"
	"fmt"

	"github.com/handoff-sla/handoff/internal/report/records"
)

// Encode is the report as it is stored (JSON): everything Render needs, so a stored report renders the same
// email later. It is deterministic: the same report always encodes to the same bytes.
func Encode(r Report) ([]byte, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode report of %s: %w", r.Month, err)
	}
	return b, nil
}

// Decode reads what Encode wrote.
func Decode(b []byte) (Report, error) {
	var r Report
	if err := json.Unmarshal(b, &r); err != nil {
		return Report{}, fmt.Errorf("decode stored report: %w", err)
	}
	if r.Month.IsZero() || r.TimeZone == "" {
		return Report{}, fmt.Errorf("decode stored report: no month or time zone")
	}
	return r, nil
}

// Digest is the SHA-256 of encoded figures, in hex (records.Digest).
func Digest(encoded []byte) string { return records.Digest(encoded) }
