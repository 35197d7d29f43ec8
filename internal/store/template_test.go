package store_test

import (
	"os"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/store"
)

// child is a mapping node's value under key (nil when absent).
func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func template(t *testing.T) *yaml.Node {
	t.Helper()
	data, err := os.ReadFile(testenv.Root() + "/template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Content[0]
}

// statement is the policy statement of a function with that Sid.
func statement(t *testing.T, function, sid string) *yaml.Node {
	t.Helper()
	policies := child(child(child(child(template(t), "Resources"), function), "Properties"), "Policies")
	if policies == nil {
		t.Fatalf("%s has no policies", function)
	}
	for _, p := range policies.Content {
		if st := child(p, "Statement"); st != nil {
			for _, s := range st.Content {
				if child(s, "Sid").Value == sid {
					return s
				}
			}
		}
	}
	t.Fatalf("%s has no statement %s", function, sid)
	return nil
}

func values(n *yaml.Node) []string {
	var out []string
	if n != nil {
		for _, v := range n.Content {
			out = append(out, v.Value)
		}
	}
	return out
}

// TestFeedbackReadsOnlyTheLeadsName: the feedback function may read of a lead exactly the attributes the store's
// NameAndCompany projects: the two cannot drift apart (a page denied its read, or a role reading more).
func TestFeedbackReadsOnlyTheLeadsName(t *testing.T) {
	t.Parallel()
	st := statement(t, "FeedbackFunction", "TheLeadsNameOnly")
	if got := values(child(child(child(st, "Condition"), "ForAllValues:StringEquals"), "dynamodb:Attributes")); !slices.Equal(got, store.NameAndCompanyAttributes) {
		t.Errorf("the template allows %v, the store reads %v", got, store.NameAndCompanyAttributes)
	}
	if got := child(st, "Action").Value; got != "dynamodb:GetItem" {
		t.Errorf("action %q", got)
	}
}
