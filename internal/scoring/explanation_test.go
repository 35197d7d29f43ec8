package scoring

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// TestExplanationIsData: each line records what the rule saw — the field and the lead's value, the activity's
// tested property and its value — and never the rule's condition or English prose.
func TestExplanationIsData(t *testing.T) {
	t.Parallel()
	s := rules(func(s *contract.Scoring) {
		s.Fit = []contract.FitRule{{ID: "boss", Field: "job_title", When: contract.Condition{Matches: regexp.MustCompile(`(?i)\bdirect(eur|rice)\b`)}, Points: 20}}
		s.Behaviour = []contract.BehaviourRule{{ID: "pricing", Type: "page_view", Where: map[string]contract.Condition{
			"url": {Contains: "/tarifs"}, "title": {Contains: "Tarifs"}}, Points: 10}}
		s.HandRaisers = []contract.HandRaiser{{ID: "demo", Type: "form_submit", Where: map[string]contract.Condition{"form": {Equals: "demo"}}}}
		s.Disqualifiers = []contract.Disqualifier{{ID: "rival", Field: "company_domain", When: contract.Condition{In: []string{"rival.fr"}}}}
	})
	r := Score(s, Profile{"job_title": "  Directrice technique ", "company_domain": "rival.fr"}, []lead.Activity{
		act("p1", "page_view", 1, "url", "https://x.fr/tarifs", "title", "Tarifs"),
		act("f1", "form_submit", 0, "form", "demo"),
	}, at)
	want := map[string]Contribution{
		"boss":    {Rule: "boss", Kind: "fit", Points: 20, Field: "job_title", Value: "Directrice technique"},
		"pricing": {Rule: "pricing", Kind: "behaviour", Points: 10, ActivityID: "p1", ActivityType: "page_view", At: ago(1), Field: "title", Value: "Tarifs"},
		"demo":    {Rule: "demo", Kind: "hand_raiser", ActivityID: "f1", ActivityType: "form_submit", At: ago(0), Field: "form", Value: "demo"},
		"rival":   {Rule: "rival", Kind: "disqualifier", Field: "company_domain", Value: "rival.fr"},
	}
	if len(r.Explanation) != len(want) {
		t.Fatalf("explanation = %+v", r.Explanation)
	}
	for _, c := range r.Explanation {
		w := want[c.Rule]
		sameInstant := c.At.Equal(w.At)
		c.At = w.At // compared above: instants are equal whatever their monotonic reading
		if !sameInstant || c != w {
			t.Errorf("%s: %+v\nwant %+v", c.Rule, c, w)
		}
	}
	raw, err := json.Marshal(r.Explanation)
	if err != nil {
		t.Fatal(err)
	}
	for _, never := range []string{"(?i)", "matches", "note", "never MQL", "asked to talk"} {
		if strings.Contains(string(raw), never) {
			t.Errorf("the stored explanation holds %q: %s", never, raw)
		}
	}
}

// TestOlderExplanationsStillRead: an explanation stored before lines were data (an English note) decodes, its
// note kept for what reads it and its new fields empty.
func TestOlderExplanationsStillRead(t *testing.T) {
	t.Parallel()
	var cs []Contribution
	raw := `[{"rule":"decision-maker","kind":"fit","points":20,"note":"job_title matches (?i)\\bdirecteur\\b"},` +
		`{"rule":"demo-request","kind":"hand_raiser","points":0,"activityId":"x","activityType":"demo_request","at":"2026-11-27T16:20:00Z","note":"asked to talk to sales: SQL whatever the score"}]`
	if err := json.Unmarshal([]byte(raw), &cs); err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Rule != "decision-maker" || cs[0].Points != 20 || cs[0].Field != "" || cs[0].Note == "" ||
		cs[1].ActivityType != "demo_request" || cs[1].At.IsZero() {
		t.Errorf("decoded %+v", cs)
	}
}
