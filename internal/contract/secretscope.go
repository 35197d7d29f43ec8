package contract

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// StagePlaceholder stands for the deploying stage in a secret reference: the functions replace it with their
// STAGE (dev, staging, prod), and each role may read its own stage's paths only (template.yaml).
const StagePlaceholder = "{stage}"

// Stages are the stages a contract is deployed to (template.yaml's Stage parameter).
var Stages = []string{"dev", "staging", "prod"}

// SecretScope says which secret references a contract may hold where it is deployed. Load accepts any
// well-formed reference (ssm:/…, secretsmanager:…, env:…): what may be read where is this check's, and
// `handoff contract check` applies it.
type SecretScope struct {
	// Stage, when set (one of Stages), is accepted in a reference in place of {stage}, so a contract written for
	// one stage checks; "" accepts the placeholder only.
	Stage string
	// AllowEnv accepts env:NAME references: a unit test's contract, never a deployed one (a function reading its
	// secret from its environment could be given any variable, AWS_SECRET_ACCESS_KEY included).
	AllowEnv bool
}

// CheckSecretScope returns a problem, with its line, for every secret reference of a contract outside the place
// its role may read: a source's secret must be ssm:/handoff/{stage}/sources/<its id> or
// secretsmanager:handoff/{stage}/sources/<its id>, the link key (notify.link_secret) ssm:/handoff/{stage}/feedback-links
// or secretsmanager:handoff/{stage}/feedback-links. ingest may read the first, notify, deadlines, digest and
// feedback the second, and nothing else: a reference elsewhere (another team's parameter, a path that climbs
// out with "..", another source's secret, the link key given to a source) would be refused by IAM at cold start,
// or worse, be allowed. data must be a contract Parse accepts.
func CheckSecretScope(data []byte, scope SecretScope) []Problem {
	var root yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&root); err != nil || len(root.Content) == 0 {
		return []Problem{{Message: "not a contract Parse accepts"}}
	}
	doc := root.Content[0]
	var problems []Problem
	check := func(n *yaml.Node, path, want, what string) {
		if n == nil || n.Kind != yaml.ScalarNode {
			return
		}
		if msg := secretScopeProblem(n.Value, want, what, scope); msg != "" {
			problems = append(problems, Problem{Line: n.Line, Path: path, Message: msg})
		}
	}
	if sources := mappingValue(doc, "sources"); sources != nil && sources.Kind == yaml.SequenceNode {
		for i, s := range sources.Content {
			id := mappingValue(s, "id")
			if id == nil {
				continue
			}
			check(mappingValue(s, "secret"), index("sources", i)+".secret", "sources/"+id.Value, "source "+id.Value+"'s secret")
		}
	}
	check(mappingValue(mappingValue(doc, "notify"), "link_secret"), "notify.link_secret", "feedback-links", "the link key")
	return problems
}

// secretScopeProblem says what is wrong with one reference, "" when it is where it must be: handoff/<stage>/<want>.
func secretScopeProblem(ref, want, what string, scope SecretScope) string {
	kind, name, _ := strings.Cut(ref, ":")
	stages := StagePlaceholder
	if scope.Stage != "" {
		stages += " or " + scope.Stage
	}
	expected := fmt.Sprintf("ssm:/handoff/%s/%s or secretsmanager:handoff/%s/%s (%s: the stage deploying it)", StagePlaceholder, want, StagePlaceholder, want, stages)
	switch kind {
	case "env":
		if scope.AllowEnv {
			return ""
		}
		return fmt.Sprintf("env: references are for unit tests only (--allow-env); a deployed function reads %s from %s", what, expected)
	case "ssm":
		name = strings.TrimPrefix(name, "/")
	case "secretsmanager":
	default:
		return fmt.Sprintf("%s must be %s", what, expected)
	}
	parts := strings.Split(name, "/")
	for _, p := range parts {
		if p == ".." || p == "." || p == "" {
			return fmt.Sprintf("%s %q climbs out of its path (%q): it must be %s", what, ref, p, expected)
		}
	}
	if parts[0] != "handoff" {
		return fmt.Sprintf("%s %q is outside /handoff/: it must be %s", what, ref, expected)
	}
	if len(parts) < 3 {
		return fmt.Sprintf("%s %q is not under a stage's path: it must be %s", what, ref, expected)
	}
	if stage := parts[1]; stage != StagePlaceholder && (scope.Stage == "" || stage != scope.Stage) {
		if scope.Stage == "" && isStage(stage) {
			return fmt.Sprintf("%s %q names the stage %s: write %s (each stage reads its own), or check with --stage %s", what, ref, stage, StagePlaceholder, stage)
		}
		return fmt.Sprintf("%s %q is not under a stage's path: it must be %s", what, ref, expected)
	}
	if got := strings.Join(parts[2:], "/"); got != want {
		return fmt.Sprintf("%s %q names %s: it must be %s", what, ref, got, expected)
	}
	return ""
}

func isStage(s string) bool {
	for _, st := range Stages {
		if s == st {
			return true
		}
	}
	return false
}

// mappingValue is a mapping node's value under key (nil when n is no mapping or lacks it).
func mappingValue(n *yaml.Node, key string) *yaml.Node {
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
