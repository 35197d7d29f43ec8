package samtemplate

import (
	"strings"
	"testing"
)

// TestSESAndRules: the project's configuration set and its EventBridge destination, and the bounces function's
// rule, as the local stack reads them; a destination of a configuration set the template does not declare, and a
// rule on another bus, are refused.
func TestSESAndRules(t *testing.T) {
	t.Parallel()
	tpl, err := Load("../../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(tpl.SESConfigurationSets) != 1 {
		t.Fatalf("configuration sets %+v", tpl.SESConfigurationSets)
	}
	cs := tpl.SESConfigurationSets[0]
	if cs.Name == nil || len(cs.Destinations) != 1 || !cs.Destinations[0].EventBridge || !cs.Destinations[0].Enabled ||
		strings.Join(cs.Destinations[0].EventTypes, ",") != "bounce,complaint" {
		t.Errorf("configuration set %+v", cs)
	}
	fn, ok := tpl.Function("BouncesFunction")
	if !ok || len(fn.Rules) != 2 || fn.Rules[0].Pattern == nil || !fn.Rules[0].Enabled || fn.Rules[0].InputTransformer == nil ||
		fn.Rules[1].InputTransformer == nil {
		t.Fatalf("BouncesFunction rules %+v", fn.Rules)
	}
	r := &Resolver{Params: map[string]string{"Stage": "dev"}, Resources: map[string]string{cs.LogicalID: "handoff-dev"}}
	v, err := r.Value(fn.Rules[0].Pattern)
	if err != nil {
		t.Fatal(err)
	}
	tags := v.(map[string]any)["detail"].(map[string]any)["mail"].(map[string]any)["tags"].(map[string]any)
	if set := tags["ses:configuration-set"].([]any); len(set) != 1 || set[0] != "handoff-dev" {
		t.Errorf("the rule's pattern names %v", set)
	}

	for _, tc := range []struct{ name, doc, want string }{
		{"a destination of no set of the template", `
Resources:
  Dest:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: someone-elses
      EventDestination: {Name: d, Enabled: true, MatchingEventTypes: [bounce], EventBridgeDestination: {EventBusArn: x}}
`, "ConfigurationSetName must be !Ref"},
		{"a rule on another bus", `
Resources:
  MirrorFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      Events:
        E: {Type: EventBridgeRule, Properties: {EventBusName: custom, Pattern: {source: [x]}}}
`, "only the default bus"},
		{"a rule's Input (not run locally)", `
Resources:
  MirrorFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      Events:
        E: {Type: EventBridgeRule, Properties: {Pattern: {source: [x]}, Input: '{"a": 1}'}}
`, "Input is not run locally"},
		{"a rule's InputPath (not run locally)", `
Resources:
  MirrorFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      Events:
        E: {Type: EventBridgeRule, Properties: {Pattern: {source: [x]}, InputPath: $.detail}}
`, "InputPath is not run locally"},
	} {
		if _, err := Parse([]byte(tc.doc)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
