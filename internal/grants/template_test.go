//go:build !race

package grants_test

import (
	"fmt"
	"sort"
	"strings"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"

	"go.yaml.in/yaml/v3"
)

// statement is one IAM policy statement of a function's role, as the template writes it.
type statement struct {
	Sid       string
	Actions   []string
	Resources []resource
	Condition *yaml.Node
	Line      int
}

// resource is one entry of a statement's Resource: a logical ID with the attribute or ARN suffix it names
// (!GetAtt SlaTable.Arn, !Sub "${SlaTable.Arn}/index/due-checks", a SQS policy template's queue), or the text
// of an ARN that names no resource of the template (!Sub arn:…:parameter/handoff/${Stage}/…, "*").
type resource struct {
	Logical string // "" when the resource is no resource of the template
	Attr    string // Arn, StreamArn, QueueName
	Text    string // the ARN's text after the account (…:parameter/handoff/${Stage}/sources/*), or "*"
}

func (r resource) String() string {
	if r.Logical != "" {
		return r.Logical + "." + r.Attr + r.Text
	}
	return r.Text
}

// function is one AWS::Serverless::Function of the template and what its role holds.
type function struct {
	Logical    string // IngestFunction
	Name       string // ingest (functions/ingest)
	Statements []statement
	Problems   []string // what the template does that the test refuses outright (a managed policy, an unknown SAM policy template)
	LogGroup   string   // the logical ID of its LoggingConfig.LogGroup
	Streams    []string // the tables whose streams its DynamoDB events read
	OnFailure  []string // the queues its on-failure destinations name
	OwnRole    bool     // Role: names an AWS::IAM::Role of the template
}

// items is a sequence's elements, or a scalar as a one-element list.
func items(n *yaml.Node) []*yaml.Node {
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode && n.Tag != "!If" && n.Tag != "!GetAtt":
		return n.Content
	}
	return []*yaml.Node{n}
}

// getAtt reads !GetAtt X.Attr (short or list form) or {"Fn::GetAtt": …}.
func getAtt(n *yaml.Node) (string, string, bool) {
	var arg *yaml.Node
	switch {
	case n.Tag == "!GetAtt":
		arg = n
	case samtemplate.Child(n, "Fn::GetAtt") != nil:
		arg = samtemplate.Child(n, "Fn::GetAtt")
	default:
		return "", "", false
	}
	if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
		return arg.Content[0].Value, arg.Content[1].Value, true
	}
	l, a, ok := strings.Cut(arg.Value, ".")
	return l, a, ok
}

// ref reads !Ref X.
func ref(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n.Tag == "!Ref" {
		return n.Value
	}
	if r := samtemplate.Child(n, "Ref"); r != nil {
		return r.Value
	}
	return ""
}

// resources reads a statement's Resource entries. !If [cond, a, b] stands for both branches.
func resources(n *yaml.Node) ([]resource, error) {
	var out []resource
	for _, r := range items(n) {
		if r.Tag == "!If" {
			for _, b := range r.Content[1:] {
				more, err := resources(b)
				if err != nil {
					return nil, err
				}
				out = append(out, more...)
			}
			continue
		}
		if ref(r) == "AWS::NoValue" {
			continue // an !If's branch that adds nothing
		}
		if l, a, ok := getAtt(r); ok {
			out = append(out, resource{Logical: l, Attr: a})
			continue
		}
		text := r.Value
		if r.Tag == "!Sub" || samtemplate.Child(r, "Fn::Sub") != nil {
			if r.Tag != "!Sub" {
				text = samtemplate.Child(r, "Fn::Sub").Value
			}
			// "${SlaTable.Arn}/index/due-checks": a resource of the template and a suffix.
			if strings.HasPrefix(text, "${") {
				inner, rest, _ := strings.Cut(text[2:], "}")
				if l, a, ok := strings.Cut(inner, "."); ok {
					out = append(out, resource{Logical: l, Attr: a, Text: rest})
					continue
				}
			}
			// arn:${AWS::Partition}:service:${AWS::Region}:${AWS::AccountId}:what — keep what.
			if i := strings.Index(text, "${AWS::AccountId}:"); i >= 0 {
				text = text[i+len("${AWS::AccountId}:"):]
			}
		} else if r.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: a resource this test cannot read", r.Line)
		}
		out = append(out, resource{Text: text})
	}
	return out, nil
}

func readStatements(list *yaml.Node) ([]statement, error) {
	var out []statement
	for _, s := range items(list) {
		st := statement{Line: s.Line, Condition: samtemplate.Child(s, "Condition")}
		if sid := samtemplate.Child(s, "Sid"); sid != nil {
			st.Sid = sid.Value
		}
		if e := samtemplate.Child(s, "Effect"); e == nil || e.Value != "Allow" {
			return nil, fmt.Errorf("line %d: only Allow statements are read", s.Line)
		}
		for _, a := range items(samtemplate.Child(s, "Action")) {
			st.Actions = append(st.Actions, a.Value)
		}
		rs, err := resources(samtemplate.Child(s, "Resource"))
		if err != nil {
			return nil, err
		}
		st.Resources = rs
		out = append(out, st)
	}
	return out, nil
}

// readTemplate reads every function of a template and the statements of its role: the explicit role's
// (Role: !GetAtt X.Arn), or SAM's from Policies — inline statements, and SAM's policy templates resolved as
// the statements SAM writes for them (SQSSendMessagePolicy: sqs:SendMessage* on the queue). A function SAM
// would give a managed policy beyond its basic execution role (a DynamoDB event's AWSLambdaDynamoDBExecutionRole)
// is a problem.
func readTemplate(data []byte) (map[string]*function, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	res := samtemplate.Child(doc.Content[0], "Resources")
	out := map[string]*function{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		id, r := res.Content[i].Value, res.Content[i+1]
		if samtemplate.Child(r, "Type").Value != "AWS::Serverless::Function" {
			continue
		}
		f := &function{Logical: id, Name: strings.ToLower(strings.TrimSuffix(id, "Function"))}
		out[f.Name] = f
		props := samtemplate.Child(r, "Properties")
		f.LogGroup = ref(samtemplate.Child(samtemplate.Child(props, "LoggingConfig"), "LogGroup"))
		if q, _, ok := onFailure(samtemplate.Child(props, "EventInvokeConfig")); ok {
			f.OnFailure = append(f.OnFailure, q)
		}
		events := samtemplate.Child(props, "Events")
		for j := 0; events != nil && j+1 < len(events.Content); j += 2 {
			e := events.Content[j+1]
			if samtemplate.Child(e, "Type").Value != "DynamoDB" {
				continue
			}
			table, attr, ok := getAtt(samtemplate.Child(samtemplate.Child(e, "Properties"), "Stream"))
			if !ok || attr != "StreamArn" {
				return nil, fmt.Errorf("%s: a stream this test cannot read (line %d)", id, e.Line)
			}
			f.Streams = append(f.Streams, table)
			if q, _, ok := onFailure(samtemplate.Child(e, "Properties")); ok {
				f.OnFailure = append(f.OnFailure, q)
			}
		}
		if role := samtemplate.Child(props, "Role"); role != nil {
			l, a, ok := getAtt(role)
			rr := samtemplate.Child(res, l)
			if !ok || a != "Arn" || rr == nil || samtemplate.Child(rr, "Type").Value != "AWS::IAM::Role" {
				f.Problems = append(f.Problems, fmt.Sprintf("line %d: Role is not !GetAtt <an AWS::IAM::Role of the template>.Arn", role.Line))
				continue
			}
			f.OwnRole = true
			rp := samtemplate.Child(rr, "Properties")
			if m := samtemplate.Child(rp, "ManagedPolicyArns"); m != nil {
				f.Problems = append(f.Problems, fmt.Sprintf("%s: managed policies (line %d) grant what no test compares with the code", l, m.Line))
			}
			if samtemplate.Child(props, "Policies") != nil {
				f.Problems = append(f.Problems, "Policies beside Role: SAM ignores them")
			}
			for _, p := range items(samtemplate.Child(rp, "Policies")) {
				sts, err := readStatements(samtemplate.Child(samtemplate.Child(p, "PolicyDocument"), "Statement"))
				if err != nil {
					return nil, fmt.Errorf("%s: %w", l, err)
				}
				f.Statements = append(f.Statements, sts...)
			}
			continue
		}
		if len(f.Streams) > 0 {
			f.Problems = append(f.Problems, "a DynamoDB event without a Role of its own: SAM would attach AWSLambdaDynamoDBExecutionRole (every stream of the account)")
		}
		for _, p := range items(samtemplate.Child(props, "Policies")) {
			switch {
			case samtemplate.Child(p, "Statement") != nil:
				sts, err := readStatements(samtemplate.Child(p, "Statement"))
				if err != nil {
					return nil, fmt.Errorf("%s: %w", id, err)
				}
				f.Statements = append(f.Statements, sts...)
			case samtemplate.Child(p, "SQSSendMessagePolicy") != nil:
				q, _, ok := getAtt(samtemplate.Child(samtemplate.Child(p, "SQSSendMessagePolicy"), "QueueName"))
				if !ok {
					return nil, fmt.Errorf("%s: SQSSendMessagePolicy's QueueName is not !GetAtt <queue>.QueueName (line %d)", id, p.Line)
				}
				f.Statements = append(f.Statements, statement{Sid: "SQSSendMessagePolicy", Actions: []string{"sqs:SendMessage*"},
					Resources: []resource{{Logical: q, Attr: "Arn"}}, Line: p.Line})
			default:
				f.Problems = append(f.Problems, fmt.Sprintf("line %d: a policy this test does not know (a SAM policy template or a managed policy)", p.Line))
			}
		}
	}
	return out, nil
}

// onFailure is the queue an on-failure destination names (DestinationConfig.OnFailure.Destination: !GetAtt Q.Arn).
func onFailure(n *yaml.Node) (string, string, bool) {
	d := samtemplate.Child(samtemplate.Child(samtemplate.Child(n, "DestinationConfig"), "OnFailure"), "Destination")
	if d == nil {
		return "", "", false
	}
	return getAtt(d)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
