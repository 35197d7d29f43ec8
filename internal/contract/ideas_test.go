package contract

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestSalesIdeasKeys(t *testing.T) {
	t.Parallel()
	const at = `reminders: ["50%", "80%"]`
	for _, tc := range []struct {
		name                 string
		add                  string
		categories           []FeedbackCategory
		perMonth, perQuarter int
	}{
		{"left out: the defaults, nothing measured", "", DefaultFeedbackCategories(), 0, 0},
		{"commitments", "\n  feedback_per_month: 2\n  ideas_per_quarter: 1", DefaultFeedbackCategories(), 2, 1},
		{"defaults and an own category", "\n  feedback_categories: [timing, {id: pricing, label: \"Prix affichés\"}]",
			[]FeedbackCategory{{ID: "timing"}, {ID: "pricing", Label: "Prix affichés"}}, 0, 0},
		{"a default relabelled", "\n  feedback_categories:\n    - {id: other, label: Divers}",
			[]FeedbackCategory{{ID: "other", Label: "Divers"}}, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("c.yaml", []byte(edit(t, at, at+tc.add)))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Sales.FeedbackCategories, tc.categories) {
				t.Errorf("categories = %+v, want %+v", c.Sales.FeedbackCategories, tc.categories)
			}
			if c.Sales.FeedbackPerMonth != tc.perMonth || c.Sales.IdeasPerQuarter != tc.perQuarter {
				t.Errorf("per month, per quarter = %d, %d, want %d, %d", c.Sales.FeedbackPerMonth, c.Sales.IdeasPerQuarter, tc.perMonth, tc.perQuarter)
			}
		})
	}
}

func TestSalesIdeasKeysInvalid(t *testing.T) {
	t.Parallel()
	const at = `reminders: ["50%", "80%"]`
	for _, tc := range []struct{ name, add, want string }{
		{"own category without a label", "\n  feedback_categories: [timing, pricing]",
			`c.yaml:26: sales.feedback_categories[1]: "pricing" is not a default category (lead_quality, targeting, timing, content, other): give it a label, as {id: pricing, label: "…"}`},
		{"category twice", "\n  feedback_categories: [timing, {id: timing, label: Moment}]",
			`c.yaml:26: sales.feedback_categories[1]: timing is listed twice`},
		{"empty label", "\n  feedback_categories:\n    - {id: pricing, label: \"\"}",
			`c.yaml:27: sales.feedback_categories[0].label: must not be empty`},
		{"bad id", "\n  feedback_categories: [Lead Quality]",
			`c.yaml:26: sales.feedback_categories[0]: must be lower-case letters, digits, '-' or '_' (at most 64), got "Lead Quality"`},
		{"empty list", "\n  feedback_categories: []",
			`c.yaml:26: sales.feedback_categories: must list at least one category (or be left out for the defaults)`},
		{"unknown key in a category", "\n  feedback_categories:\n    - {id: pricing, label: Prix, fr: Prix}",
			`c.yaml:27: sales.feedback_categories[0].fr: unknown key (allowed here: id, label)`},
		{"feedback per month zero", "\n  feedback_per_month: 0", `c.yaml:26: sales.feedback_per_month: must be positive, got 0`},
		{"ideas per quarter in words", "\n  ideas_per_quarter: one", `c.yaml:26: sales.ideas_per_quarter: must be a whole number, got "one"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("c.yaml", []byte(edit(t, at, at+tc.add)))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			if got := err.Error(); !strings.Contains(got, tc.want) {
				t.Errorf("got:\n%s\nwant it to contain:\n%s", got, tc.want)
			}
		})
	}
}
