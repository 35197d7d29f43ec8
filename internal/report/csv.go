package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/worktime"
)

// csv writes one row per SQL of the month. It opens in a spreadsheet as it is: UTF-8 with a byte-order mark
// (Excel otherwise reads it as Windows-1252), ";" between French cells (the list separator of a French
// Excel) and "," in English, dates in the contract's zone. Every cell that a spreadsheet would run as a
// formula is neutralised (see Neutralise).
func (f format) csv(r Report) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.Comma = []rune(f.cm().ListSeparator)[0]
	w.UseCRLF = true // RFC 4180
	head := f.t().CSVHeadings
	row := append([]string(nil), head[:]...)
	for _, i := range []int{1, 6, 12} { // the instants
		row[i] += " (" + r.TimeZone + ")"
	}
	if err := w.Write(row); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	for _, s := range r.SQLs {
		minutes := ""
		if !s.ContactedAt.IsZero() {
			// Whole minutes elapsed, as the instants beside it read (the hand-off at its next minute, the contact
			// at its own): 10:01 to 11:00:30 is 59.
			minutes = strconv.Itoa(int(s.TimeToContact / time.Minute))
		}
		// The hand-off as its clock counts it: from the next whole minute, so that "handed off + 4h" reads as
		// the deadline the rep was given.
		row = append(row[:0], s.LeadID, f.stamp(worktime.Tick(s.HandedOffAt)), s.Source, s.UTMCampaign, s.RepID, s.RepName,
			f.stamp(s.ContactedAt), s.ContactChannel, s.ContactRepID, minutes, f.status(s.Contact), f.answer(s.Answer),
			f.stamp(s.AnsweredAt), s.RejectReason, s.RejectComment, f.status(s.Feedback),
			strconv.Itoa(s.FirstContactBreaches), f.yes(s.FeedbackBreach), strconv.Itoa(s.Reminders),
			strconv.Itoa(s.Reassignments), string(s.Stage), f.yes(s.BelowThreshold), s.ContractVersion)
		for i := range row {
			row[i] = Neutralise(csvCell(row[i]))
		}
		if err := w.Write(row); err != nil {
			return nil, fmt.Errorf("write csv: %w", err)
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, fmt.Errorf("write csv: %w", err)
	}
	return b.Bytes(), nil
}

// csvCell clears a value for the CSV as plain does for the other parts (the file says it is UTF-8, and a bidi
// override reorders a cell as it does a line of text), but keeps what a cell may hold: tabs and line breaks,
// every break as LF (Go's CSV writer drops a lone CR, and spreadsheets show a quoted CRLF as one break).
func csvCell(s string) string {
	if strings.IndexFunc(s, needsCleaning) < 0 && utf8.ValidString(s) {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return r
		case r == '\r' || r == '\u2028' || r == '\u2029':
			return '\n'
		case bidi(r):
			return -1
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
}

// stamp is an instant in the contract's zone as spreadsheets read it: "2026-11-27 17:30"; "" for none.
func (f format) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(f.loc).Format("2006-01-02 15:04")
}

func (f format) yes(b bool) string {
	if b {
		return f.t().Yes
	}
	return f.t().No
}

func (f format) status(s Status) string {
	switch s {
	case Within:
		return f.t().Within
	case Late:
		return f.t().Late
	case Missed:
		return f.t().MissedS
	}
	return f.t().PendingS
}

func (f format) answer(a string) string {
	switch a {
	case Accepted:
		return f.t().AcceptedS
	case Rejected:
		return f.t().Rejected
	}
	return a
}

// Neutralise makes a cell inert in a spreadsheet (CSV formula injection): a cell whose first character —
// after any leading spaces, which spreadsheets skip — is "=", "+", "-", "@", a tab, a carriage return or a
// line feed (or their full-width forms, which some spreadsheets accept) is prefixed with an apostrophe, so
// Excel, LibreOffice and Google Sheets show it as text.
func Neutralise(cell string) string {
	trimmed := strings.TrimLeft(cell, " ")
	if trimmed == "" {
		return cell
	}
	switch trimmed[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + cell
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(trimmed, p) {
			return "'" + cell
		}
	}
	return cell
}
