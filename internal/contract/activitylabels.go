package contract

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// activityTypeRef is a declared custom activity type as read, checked against the contract's language and rules
// once the whole file is read (checkActivityLabels).
type activityTypeRef struct {
	node *yaml.Node
	path string
	typ  string
}

// activityTypeItem reads one activity_types entry: a type's id ("webinar_replay"), or a mapping {id, label} whose
// label ({fr: "…", en: "…"}) is what sales read for the type in the recent activities of an SQL email.
func (r *reader) activityTypeItem(item *yaml.Node, p string) (string, Label, bool) {
	if item.Kind != yaml.MappingNode {
		v, ok := r.scalar(item, p, "an activity type")
		return v, nil, ok
	}
	var id string
	var l Label
	ok := true
	r.mapping(item, p, map[string]field{
		"id": {true, func(n *yaml.Node, p string) {
			id, ok = r.scalar(n, p, "an activity type")
		}},
		"label": {true, func(n *yaml.Node, p string) { l = r.label(n, p) }},
	})
	return id, l, ok && id != ""
}

// checkActivityLabels refuses a declared custom activity type sales could read only by its id in language l: no
// label of its own in l, no words for it (ScoringActivityTypes) and no scoring rule on it (a rule on a custom type
// must itself be labelled in l: checkLabels). The SQL email's recent activities name a type by the words, its own
// label, else a rule's label: package email.
func (r *reader) checkActivityLabels(l Locale, labels map[string]Label) {
	if l == "" {
		return // the locale's own problem is reported already
	}
	for _, ref := range r.activityTypeRefs {
		if labels[ref.typ].In(l) != "" || slices.Contains(ScoringActivityTypes, ref.typ) {
			continue
		}
		if slices.ContainsFunc(r.labelRefs, func(lr labelRef) bool { return lr.typ == ref.typ }) {
			continue // a rule on it must be labelled in l (checkLabels), and its label names the type
		}
		r.fail(ref.node, ref.path, "%s needs a label in %q, as {id: %s, label: {%s: \"…\"}}: the words have none and no scoring rule names it, so sales would read its id in the SQL email",
			ref.typ, l, ref.typ, l)
	}
}
