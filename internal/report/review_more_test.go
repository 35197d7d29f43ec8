package report_test

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
)

// TestReviewEmptyMonth: a month with no records renders in both locales, with the missed SQL and MQL targets to discuss and
// no rate shown as a number.
func TestReviewEmptyMonth(t *testing.T) {
	for _, l := range []contract.Locale{contract.English, contract.French} {
		c := reviewContract(t)
		c.Locale = l
		in := report.Input{Month: contract.Month{Year: 2026, Month: time.February}, AsOf: rt("2026-03-01 08:00")}
		r := report.Compute(c, in)
		if r.Marketing.SQLs != 0 || r.Sales.Contact.Defined() || r.Sales.TimeToContact.Count != 0 || len(r.SQLs) != 0 {
			t.Errorf("%s: empty month figures: %+v %+v", l, r.Marketing, r.Sales)
		}
		if len(r.Discuss) != 2 || r.Discuss[0].Kind != report.SQLTargetMissed || r.Discuss[1].Kind != report.MQLTargetMissed {
			t.Errorf("%s: discuss = %+v, want the SQL (3) and MQL (5) targets of February missed", l, r.Discuss)
		}
		e, raw := rawEmail(t, r)
		if len(e.Inline) != 1 {
			t.Errorf("%s: %d charts, want the trend only", l, len(e.Inline))
		}
		if strings.Contains(e.Text, "NaN") || strings.Contains(e.HTML, "NaN") || strings.Contains(e.Text, "%!") {
			t.Errorf("%s: NaN or format error in the parts", l)
		}
		if len(raw) == 0 {
			t.Fatal("no raw")
		}
	}
}

// TestReviewCustomRejectReasonShownAsItself: a contract's own reject reason is an ID like any other ("none",
// "month", "subject" are valid IDs); the report must show it as the reason, not as a word of its own dictionary
// (words.go's f.w looks reasons up in the same map as its labels and format strings).
func TestReviewCustomRejectReasonShownAsItself(t *testing.T) {
	c := reviewContract(t)
	c.Notify.RejectReasons = []string{"none", "subject", "other"}
	in := reviewNovember()
	for i := range in.Handoffs {
		h := &in.Handoffs[i]
		if h.Answer == report.Rejected && h.At.Month() == time.November {
			h.RejectReason, h.RejectComment = "subject", ""
		}
	}
	r := report.Compute(c, in)
	e, err := report.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.Text, "SLA report of %s") || strings.Contains(e.Text, "%!") {
		t.Errorf("the custom reason %q is shown as the subject's format string:\n%s", "subject",
			lineWith(e.Text, "%s"))
	}
	if !strings.Contains(lineWith(e.Text, "Top rejection reason"), "subject") {
		t.Errorf("the point for the review does not name the reason: %q", lineWith(e.Text, "Top rejection reason"))
	}
}

func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// TestReviewCSVIsCleanText: the CSV is declared UTF-8 (BOM, charset=utf-8); the HTML and text parts clear every
// value of control characters and bidirectional overrides (plain), but the CSV keeps them: a NUL, an RLO that
// shows "gpj.exe" as "exe.jpg", and bytes that are not UTF-8 reach the spreadsheet.
func TestReviewCSVIsCleanText(t *testing.T) {
	r := report.Compute(reviewContract(t), reviewHostile())
	e, err := report.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	data := e.Attachments[0].Data
	if !utf8.Valid(data) {
		t.Errorf("the CSV is not valid UTF-8 though it says it is")
	}
	for _, bad := range []string{"\x00", "\u202e", "\u2066", "\u200f"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("the CSV keeps %q, which the HTML and text parts clear", bad)
		}
	}
	for _, part := range []string{e.HTML, e.Text} {
		if !utf8.ValidString(part) {
			t.Errorf("a part declared charset=utf-8 is not valid UTF-8")
		}
	}
}

// TestReviewTenThousandSQLs: a month of 100,000 leads and 10,000 SQLs computes and renders; the message stays under
// SES's size, and the HTML under Gmail's 102 KB clipping.
func TestReviewTenThousandSQLs(t *testing.T) {
	t.Parallel()
	data, err := readContract()
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.Parse("contract.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	m := contract.Month{Year: 2026, Month: time.November}
	in := reporttest.Synthetic(c, m, 100000, 10000, 1)
	start := time.Now()
	r := report.Compute(c, in)
	computed := time.Since(start)
	e, raw := rawEmail(t, r)
	t.Logf("compute %v, total %v; html %d B, text %d B, csv %d B, raw %d B, rows %d", computed, time.Since(start),
		len(e.HTML), len(e.Text), len(e.Attachments[0].Data), len(raw), len(r.SQLs))
	if len(r.SQLs) != 10000 {
		t.Errorf("%d CSV rows, want 10000", len(r.SQLs))
	}
	if len(e.HTML) > 102*1024 {
		t.Errorf("HTML %d bytes: Gmail clips it", len(e.HTML))
	}
	if _, err := mail.ReadMessage(bytes.NewReader(raw)); err != nil {
		t.Error(err)
	}
}
