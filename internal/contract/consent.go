package contract

import (
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Consent is the contract's consent section: which question of each form asks the lead whether sales may contact
// them, and what a lead that never answered it gets (GDPR). What a refusal gets is not the contract's to choose:
// a lead whose latest answer is no is never handed to sales, with or without this section.
type Consent struct {
	// Missing is what happens to a lead that qualifies for sales without ever having answered the question.
	Missing MissingConsent
	// Questions are the form field that asks, by form source ID, as the sender names it (a form's label, a
	// Typeform field ref). A form source not listed answers with a field named "consent", when it sends one.
	Questions map[string]string
	// Declared is false when the contract has no consent section: Missing is then Allow.
	Declared bool
}

// MissingConsent is what a lead that never answered the consent question gets.
type MissingConsent string

// What a missing answer means.
const (
	// HoldMissing: the lead is held from sales until it says yes, like a refusal.
	HoldMissing MissingConsent = "hold"
	// AllowMissing: the lead is handed to sales (prospecting on legitimate interest); a refusal still holds it.
	AllowMissing MissingConsent = "allow"
)

// consentMapping is a source's mapping of one of its fields to the lead field consent (found by sources).
type consentMapping struct {
	node  *yaml.Node
	path  string
	field string
}

// consent reads the consent section (n is nil when the contract has none) against the sources read, and adds
// each question to its source's mapping, so that ingestion reads the answer where the section says.
func (r *reader) consent(n *yaml.Node, sources []Source) Consent {
	if n == nil {
		return Consent{Missing: AllowMissing}
	}
	const path = "consent"
	c := Consent{Declared: true, Questions: map[string]string{}}
	var questions *yaml.Node
	r.mapping(n, path, map[string]field{
		"missing": {true, func(n *yaml.Node, p string) {
			c.Missing = MissingConsent(r.enum(n, p, map[string]bool{string(HoldMissing): true, string(AllowMissing): true}))
		}},
		"questions": {false, func(n *yaml.Node, p string) { questions = n }},
	})
	if questions == nil || questions.Kind == yaml.ScalarNode && questions.Tag == "!!null" {
		return c
	}
	p := join(path, "questions")
	if questions.Kind != yaml.MappingNode {
		r.fail(questions, p, "must be a mapping of form source: the field that asks for consent, got %s", describe(questions))
		return c
	}
	forms := map[string]int{}
	var names []string
	for i, s := range sources {
		if s.Kind == FormSource && s.ID != "" {
			forms[s.ID] = i
			names = append(names, s.ID)
		}
	}
	sort.Strings(names)
	leadFields := setOf(LeadFields)
	for i := 0; i+1 < len(questions.Content); i += 2 {
		k, v := questions.Content[i], questions.Content[i+1]
		at := join(p, k.Value)
		idx, isForm := forms[k.Value]
		if !isForm {
			if s, known := sourceByID(sources, k.Value); known {
				r.fail(k, at, "%s is a source of %s, and only forms ask for consent (form sources: %s)", k.Value, s.Kind, list(names))
			} else {
				r.fail(k, at, "unknown source %q (form sources: %s)", k.Value, list(names))
			}
			continue
		}
		if _, dup := c.Questions[k.Value]; dup {
			r.fail(k, at, "is listed twice")
			continue
		}
		question := r.text(v, at)
		if question == "" {
			continue
		}
		src := sources[idx]
		switch target, mapped := src.Mapping[question]; {
		case mapped && target != "consent":
			r.fail(v, at, "%q is mapped to %s in sources[%d].mapping: a field holds one answer", question, target, idx)
			continue
		case !mapped && question != "consent" && leadFields[question]:
			r.fail(v, at, "%q is the name of the lead field %s: name the form's own field", question, question)
			continue
		}
		c.Questions[k.Value] = question
		if _, ok := r.consentMaps[idx]; !ok {
			sources[idx].Mapping[question] = "consent"
		}
	}
	return c
}

// consentInOnePlace refuses a source mapping a field to consent when the contract has a consent section: the
// section is where both teams read which question asks, so it is the only place that says it.
func (r *reader) consentInOnePlace(c Consent, sources []Source) {
	if !c.Declared {
		return
	}
	idxs := make([]int, 0, len(r.consentMaps))
	for i := range r.consentMaps {
		idxs = append(idxs, i)
	}
	sort.Ints(idxs)
	for _, i := range idxs {
		m := r.consentMaps[i]
		r.fail(m.node, m.path, "maps %q to consent: with a consent section, name the question there (consent.questions.%s: %q)",
			m.field, sources[i].ID, m.field)
	}
}

func sourceByID(sources []Source, id string) (Source, bool) {
	for _, s := range sources {
		if s.ID == id {
			return s, true
		}
	}
	return Source{}, false
}

// list renders names for a message, "none" when there are none.
func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
