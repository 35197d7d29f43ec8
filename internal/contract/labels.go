package contract

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Label is what sales read for a scoring rule, by language: {fr: "Décideur", en: "Decision-maker"}. The emails,
// pages and reports say a rule by its label in the contract's language when it has one; else by the words they
// have for the rule's field or activity type (package words), with the lead's value. A rule with neither (one
// on a custom activity type) must have a label in the contract's language: the contract is refused otherwise,
// so that sales never read a rule's ID.
type Label map[Locale]string

// In is the label in language l, "" when it has none.
func (l Label) In(loc Locale) string { return l[loc] }

// ScoringActivityTypes are the activity types whose names the words know without a label: the built-in ones
// and those the product records itself (forms, the CRM's outcomes). A rule on another type needs a label.
var ScoringActivityTypes = append(append([]string{}, BuiltinActivityTypes...), "form_submit", "opportunity_created", "deal_won", "deal_lost")

// labelRef is a rule's label as read, checked against the contract's language once the whole file is read.
type labelRef struct {
	node  *yaml.Node // the rule
	path  string
	id    string
	label Label
	typ   string // the activity type the rule is phrased by, "" for a rule on a fit field (always phrasable)
}

// label reads {fr: "…", en: "…"}: each key a language of Locales, each text non-empty and on one line.
func (r *reader) label(n *yaml.Node, path string) Label {
	if n.Kind != yaml.MappingNode {
		r.fail(n, path, `must map languages to texts, e.g. {fr: "Décideur", en: "Decision-maker"}, got %s`, describe(n))
		return nil
	}
	out := Label{}
	names := make([]string, len(Locales))
	for i, l := range Locales {
		names[i] = string(l)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		p := join(path, k.Value)
		l := Locale(k.Value)
		if !slices.Contains(Locales, l) {
			r.fail(k, p, "unknown language (allowed: %s)", strings.Join(names, ", "))
			continue
		}
		if _, dup := out[l]; dup {
			r.fail(k, p, "is given twice")
			continue
		}
		if s := r.text(v, p); s != "" {
			out[l] = s
		}
	}
	return out
}

// labelled remembers a rule's label (nil when it has none) to check it once the contract's language is known.
func (r *reader) labelled(item *yaml.Node, path, id string, l Label, typ string) {
	r.labelRefs = append(r.labelRefs, labelRef{node: item, path: path, id: id, label: l, typ: typ})
}

// checkLabels refuses a rule sales could read only by its ID in language l: one on a custom activity type (the
// words name only the built-in ones), without a label in l. A type nobody declared is reported by checkTypes.
func (r *reader) checkLabels(l Locale, custom []string) {
	if l == "" {
		return // the locale's own problem is reported already
	}
	for _, ref := range r.labelRefs {
		if !slices.Contains(custom, ref.typ) || slices.Contains(ScoringActivityTypes, ref.typ) || ref.label.In(l) != "" {
			continue
		}
		r.fail(ref.node, ref.path, "rule %q needs a label in %q (label: {%s: \"…\"}): its activity type %q has no words, so sales would read the rule's id",
			ref.id, l, l, ref.typ)
	}
}
