package ideas

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

func TestNew(t *testing.T) {
	t.Parallel()
	sales := contract.Sales{FeedbackCategories: append(contract.DefaultFeedbackCategories(), contract.FeedbackCategory{ID: "pricing", Label: "Prix"})}
	id := NewSubmissionID()
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, id, kind, category, text string
		field                          string // "" when valid
		wantText                       string
	}{
		{"an idea", id, "idea", "", "  Un livre blanc sur la GMAO en agroalimentaire\r\n ", "", "Un livre blanc sur la GMAO en agroalimentaire"},
		{"a feedback", id, "feedback", "lead_quality", "Trop d'étudiants ce mois-ci", "", "Trop d'étudiants ce mois-ci"},
		{"the contract's own category", id, "feedback", "pricing", "x", "", "x"},
		{"line breaks kept", id, "idea", "", "a\r\nb\rc", "", "a\nb\nc"},
		{"longest text", id, "idea", "", strings.Repeat("é", MaxText), "", strings.Repeat("é", MaxText)},
		{"text too long", id, "idea", "", strings.Repeat("é", MaxText+1), "text", ""},
		{"empty text", id, "idea", "", " \n ", "text", ""},
		{"control character", id, "idea", "", "a\x00b", "text", ""},
		{"not UTF-8", id, "idea", "", "a\xffb", "text", ""},
		{"bidirectional override", id, "idea", "", "prix \u202egnp.exe", "text", ""},
		{"zero-width space", id, "idea", "", "a\u200bb", "text", ""},
		{"right-to-left mark", id, "idea", "", "a\u200fb", "text", ""},
		{"Arabic letter mark", id, "idea", "", "a\u061cb", "text", ""},
		{"byte order mark", id, "idea", "", "a\ufeffb", "text", ""},
		{"word joiner", id, "idea", "", "a\u2060b", "text", ""},
		{"soft hyphen", id, "idea", "", "a\u00adb", "text", ""},
		{"tag character", id, "idea", "", "a\U000E0041b", "text", ""},
		{"line separator", id, "idea", "", "a\u2028b", "text", ""},
		{"paragraph separator", id, "idea", "", "a\u2029b", "text", ""},
		{"tab kept", id, "idea", "", "a\tb", "", "a\tb"},
		{"unknown kind", id, "complaint", "", "x", "kind", ""},
		{"no kind", id, "", "", "x", "kind", ""},
		{"feedback without category", id, "feedback", "", "x", "category", ""},
		{"unknown category", id, "feedback", "weather", "x", "category", ""},
		{"an idea with a category", id, "idea", "timing", "x", "category", ""},
		{"no submission", "", "idea", "", "x", "submission", ""},
		{"submission of another form", "../../x", "idea", "", "x", "submission", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := New(sales, tc.id, "rep", tc.kind, tc.category, tc.text, at)
			var fe *FieldError
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tc.field != "" && (!errors.As(err, &fe) || fe.Field != tc.field):
				t.Fatalf("err = %v, want a FieldError on %s", err, tc.field)
			case tc.field == "" && s.Text != tc.wantText:
				t.Errorf("text = %q, want %q", s.Text, tc.wantText)
			}
		})
	}
	if a, b := NewSubmissionID(), NewSubmissionID(); a == b || !submissionID.MatchString(a) {
		t.Errorf("NewSubmissionID: %q, %q", a, b)
	}
}

func TestTally(t *testing.T) {
	t.Parallel()
	m := contract.Month{Year: 2026, Month: 11}
	rec := func(rep string, k Kind, mo time.Month) Record {
		return Record{Submission: Submission{RepID: rep, Kind: k}, Month: contract.Month{Year: 2026, Month: mo}}
	}
	got := Tally([]Record{
		rec("a", Feedback, 11), rec("a", Feedback, 11), rec("a", Feedback, 10), // last month's feedback is not this month's
		rec("a", Idea, 10), rec("a", Idea, 11), rec("a", Idea, 9), // September is the last quarter
		rec("gone", Idea, 11), rec("gone2", Feedback, 8),
	}, m, []contract.Rep{{ID: "a"}, {ID: "b"}})
	want := map[string]Counts{"a": {2, 2}, "b": {}, "gone": {0, 1}}
	if len(got) != len(want) {
		t.Fatalf("Tally = %+v, want %+v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: %+v, want %+v", k, got[k], w)
		}
	}
	if q := QuarterMonths(contract.Month{Year: 2026, Month: 12}); len(q) != 3 || q[0].Month != 10 {
		t.Errorf("QuarterMonths(December) = %v", q)
	}
}
