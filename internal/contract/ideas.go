package contract

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// FeedbackCategory is what a rep's field feedback is about, one of sales.feedback_categories.
type FeedbackCategory struct {
	ID string
	// Label is the category's name in the contract's language, as the contract gives it; "" for a default
	// category, which package words names in every language.
	Label string
}

// defaultFeedbackCategoryIDs are the categories a contract gets when it lists none, and the ids it may list
// without a label (package words names them, fr and en).
var defaultFeedbackCategoryIDs = []string{"lead_quality", "targeting", "timing", "content", "other"}

// DefaultFeedbackCategories are sales.feedback_categories when the contract lists none.
func DefaultFeedbackCategories() []FeedbackCategory {
	out := make([]FeedbackCategory, len(defaultFeedbackCategoryIDs))
	for i, id := range defaultFeedbackCategoryIDs {
		out[i] = FeedbackCategory{ID: id}
	}
	return out
}

// FeedbackCategory returns the category id of the contract, if it lists it.
func (s Sales) FeedbackCategory(id string) (FeedbackCategory, bool) {
	i := slices.IndexFunc(s.FeedbackCategories, func(c FeedbackCategory) bool { return c.ID == id })
	if i < 0 {
		return FeedbackCategory{}, false
	}
	return s.FeedbackCategories[i], true
}

// feedbackCategories reads sales.feedback_categories: each item a default category's id (lead_quality, targeting,
// timing, content, other), or a mapping {id, label} for the contract's own — the label in the contract's
// language, the one every page and email is written in. A default id may take a label too, which then replaces
// the default words.
func (r *reader) feedbackCategories(n *yaml.Node, path string) []FeedbackCategory {
	var out []FeedbackCategory
	seen := map[string]bool{}
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		var c FeedbackCategory
		if item.Kind == yaml.MappingNode {
			r.mapping(item, p, map[string]field{
				"id":    {true, func(n *yaml.Node, p string) { c.ID = r.id(n, p) }},
				"label": {true, func(n *yaml.Node, p string) { c.Label = r.text(n, p) }},
			})
		} else {
			c.ID = r.id(item, p)
			if c.ID != "" && !slices.Contains(defaultFeedbackCategoryIDs, c.ID) {
				r.fail(item, p, "%q is not a default category (lead_quality, targeting, timing, content, other): give it a label, as {id: %s, label: \"…\"}", c.ID, c.ID)
				return
			}
		}
		if c.ID == "" {
			return
		}
		if seen[c.ID] {
			r.fail(item, p, "%s is listed twice", c.ID)
			return
		}
		seen[c.ID] = true
		out = append(out, c)
	})
	if n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
		r.fail(n, path, "must list at least one category (or be left out for the defaults)")
	}
	return out
}
