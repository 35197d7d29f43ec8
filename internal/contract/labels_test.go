package contract

import (
	"strings"
	"testing"
)

// TestLabels: a scoring rule's label maps languages to texts; a rule on a custom activity type needs one in the
// contract's language (the words name every field and built-in type, not the contract's own types).
func TestLabels(t *testing.T) {
	t.Parallel()
	// base has 41 lines: activity_types is line 42, scoring line 43, the first rule at 46.
	head := base + "activity_types: [{id: trade_show_visit, label: {fr: Salon, en: Trade show}}]\nscoring:\n  thresholds: {mql: 40, sql: 70}\n"
	tests := []struct {
		name string
		yaml string
		want []string // nil: valid
	}{
		{"labels on every kind of rule", head +
			"  fit:\n    - id: boss\n      field: job_title\n      contains: directeur\n      points: 20\n      label: {fr: \"Décideur\", en: \"Decision-maker\"}\n" +
			"  behaviour:\n    - id: show\n      type: trade_show_visit\n      points: 25\n      label: {fr: \"Est venu sur notre stand\"}\n" +
			"  hand_raisers:\n    - id: demo\n      type: demo_request\n      label: {en: \"Asked for a demo\"}\n" +
			"  disqualifiers:\n    - id: student\n      field: job_title\n      contains: étudiant\n      label: {fr: Étudiant}\n", nil},
		{"no label where the words say it", head +
			"  fit:\n    - id: boss\n      field: job_title\n      contains: directeur\n      points: 20\n" +
			"  behaviour:\n    - id: page\n      type: page_view\n      points: 1\n" +
			"  disqualifiers:\n    - id: out\n      activity: deal_lost\n", nil},
		{"a custom type without a label", head +
			"  behaviour:\n    - id: show\n      type: trade_show_visit\n      points: 25\n" +
			"  hand_raisers:\n    - id: booth-demo\n      type: trade_show_visit\n      label: {en: \"Booth demo\"}\n" +
			"  disqualifiers:\n    - id: banned\n      activity: trade_show_visit\n", []string{
			`c.yaml:46: scoring.behaviour[0]: rule "show" needs a label in "fr" (label: {fr: "…"}): its activity type "trade_show_visit" has no words, so sales would read the rule's id`,
			`c.yaml:50: scoring.hand_raisers[0]: rule "booth-demo" needs a label in "fr" (label: {fr: "…"}): its activity type "trade_show_visit" has no words, so sales would read the rule's id`,
			`c.yaml:54: scoring.disqualifiers[0]: rule "banned" needs a label in "fr" (label: {fr: "…"}): its activity type "trade_show_visit" has no words, so sales would read the rule's id`}},
		{"a declared type no rule names, without a label", base + "activity_types: [trade_show_visit, {id: free_trial_started, label: {en: Started a free trial}}, {id: webinar_replay, label: {fr: A revu un webinaire}}]\n", []string{
			`c.yaml:42: activity_types[0]: trade_show_visit needs a label in "fr", as {id: trade_show_visit, label: {fr: "…"}}: the words have none and no scoring rule names it, so sales would read its id in the SQL email`,
			`c.yaml:42: activity_types[1]: free_trial_started needs a label in "fr", as {id: free_trial_started, label: {fr: "…"}}: the words have none and no scoring rule names it, so sales would read its id in the SQL email`}},
		{"a type entry without id, with a bad label", base + "activity_types:\n  - {label: {fr: Salon}}\n  - {id: trade_show_visit, label: Salon}\n  - {id: free_trial_started, label: {fr: Essai}, points: 3}\n", []string{
			`c.yaml:43: activity_types[0].id: is required`,
			`c.yaml:44: activity_types[1].label: must map languages to texts, e.g. {fr: "Décideur", en: "Decision-maker"}, got "Salon"`,
			`c.yaml:44: activity_types[1]: trade_show_visit needs a label in "fr", as {id: trade_show_visit, label: {fr: "…"}}: the words have none and no scoring rule names it, so sales would read its id in the SQL email`,
			`c.yaml:45: activity_types[2].points: unknown key (allowed here: id, label)`}},
		{"an unknown language, an empty text, a text on two lines", head +
			"  fit:\n    - id: boss\n      field: job_title\n      contains: directeur\n      points: 20\n      label: {de: Entscheider, fr: \"\", en: \"a\\nb\"}\n", []string{
			`c.yaml:50: scoring.fit[0].label.de: unknown language (allowed: fr, en)`,
			`c.yaml:50: scoring.fit[0].label.fr: must not be empty`,
			`c.yaml:50: scoring.fit[0].label.en: must fit on one line`}},
		{"a label that is not a mapping", head +
			"  behaviour:\n    - id: show\n      type: trade_show_visit\n      points: 25\n      label: Salon\n", []string{
			`c.yaml:46: scoring.behaviour[0]: rule "show" needs a label in "fr" (label: {fr: "…"}): its activity type "trade_show_visit" has no words, so sales would read the rule's id`,
			`c.yaml:49: scoring.behaviour[0].label: must map languages to texts, e.g. {fr: "Décideur", en: "Decision-maker"}, got "Salon"`}},
		{"a language given twice", head +
			"  behaviour:\n    - id: show\n      type: trade_show_visit\n      points: 25\n      label:\n        fr: Salon\n        fr: Stand\n", []string{
			`c.yaml:51: scoring.behaviour[0].label.fr: is given twice`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("c.yaml", []byte(tc.yaml))
			if tc.want != nil {
				checkProblems(t, err, tc.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Scoring.Fit; len(got) > 0 && strings.HasPrefix(tc.name, "labels") && got[0].Label.In(French) != "Décideur" {
				t.Errorf("fit label = %v", got[0].Label)
			}
		})
	}
}
