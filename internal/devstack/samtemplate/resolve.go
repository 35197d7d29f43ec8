package samtemplate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Resolver evaluates the intrinsic functions a local stack meets in environment variables and table names:
// Ref (parameters, pseudo parameters, resources), Fn::GetAtt (Arn, StreamArn) and Fn::Sub, in short (!Ref) and
// long ({"Ref": ...}) forms. Anything else is an error, so an unsupported construct fails loudly at start.
type Resolver struct {
	Params    map[string]string // parameter values (defaults overridden by the caller)
	Resources map[string]string // logical ID -> what Ref returns (a table's name, a layer's ARN...)
	Region    string
	Account   string
	StackName string
}

// Resolve evaluates n to a string.
func (r *Resolver) Resolve(n *yaml.Node) (string, error) {
	if n == nil {
		return "", fmt.Errorf("nothing to resolve")
	}
	switch fn, arg := intrinsic(n); fn {
	case "Ref":
		return r.ref(arg.Value)
	case "GetAtt":
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 2 {
			return r.getAtt(arg.Content[0].Value, arg.Content[1].Value)
		}
		res, attr, _ := strings.Cut(arg.Value, ".")
		return r.getAtt(res, attr)
	case "Sub":
		return r.sub(arg)
	}
	if n.Kind == yaml.ScalarNode && (!strings.HasPrefix(n.Tag, "!") || strings.HasPrefix(n.Tag, "!!")) {
		return n.Value, nil
	}
	return "", fmt.Errorf("line %d: this intrinsic function is not supported locally", n.Line)
}

// intrinsic recognises Ref, GetAtt and Sub in short form (!Ref x) and long form ({"Ref": x}), returning the
// function's name and its argument; "" when n is neither.
func intrinsic(n *yaml.Node) (string, *yaml.Node) {
	switch n.Tag {
	case "!Ref", "!GetAtt", "!Sub":
		return n.Tag[1:], n
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		switch k := n.Content[0].Value; k {
		case "Ref", "Fn::GetAtt", "Fn::Sub":
			return strings.TrimPrefix(k, "Fn::"), n.Content[1]
		}
	}
	return "", nil
}

func (r *Resolver) ref(name string) (string, error) {
	switch name {
	case "AWS::Region":
		return r.Region, nil
	case "AWS::AccountId":
		return r.Account, nil
	case "AWS::StackName":
		return r.StackName, nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::Partition":
		return "aws", nil
	}
	if v, ok := r.Params[name]; ok {
		return v, nil
	}
	if v, ok := r.Resources[name]; ok {
		return v, nil
	}
	//lint:ignore ST1005 the error starts with the intrinsic function, spelt as CloudFormation spells it (Ref)
	return "", fmt.Errorf("Ref %s: no such parameter or resource", name)
}

func (r *Resolver) getAtt(resource, attr string) (string, error) {
	name, ok := r.Resources[resource]
	if !ok {
		return "", fmt.Errorf("GetAtt %s.%s: no such resource", resource, attr)
	}
	switch attr {
	case "Arn":
		return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", r.Region, r.Account, name), nil
	case "StreamArn":
		return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s/stream/local", r.Region, r.Account, name), nil
	}
	return "", fmt.Errorf("GetAtt %s.%s: attribute not supported locally", resource, attr)
}

var subVar = regexp.MustCompile(`\$\{([^}!]+)\}`)

func (r *Resolver) sub(n *yaml.Node) (string, error) {
	text, vars := n.Value, map[string]string{}
	if n.Kind == yaml.SequenceNode {
		if len(n.Content) != 2 {
			return "", fmt.Errorf("line %d: Fn::Sub takes a string or [string, variables]", n.Line)
		}
		text = n.Content[0].Value
		for k, v := range pairs(n.Content[1]) {
			s, err := r.Resolve(v)
			if err != nil {
				return "", err
			}
			vars[k] = s
		}
	}
	var firstErr error
	out := subVar.ReplaceAllStringFunc(text, func(m string) string {
		name := m[2 : len(m)-1]
		if v, ok := vars[name]; ok {
			return v
		}
		var v string
		var err error
		if res, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			v, err = r.getAtt(res, attr)
		} else {
			v, err = r.ref(name)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		return v
	})
	return out, firstErr
}

// Value evaluates a YAML value whose leaves may be intrinsic functions (an event pattern, a JSON property) to
// plain data for encoding/json: mappings become maps, sequences slices, YAML's numbers, booleans and null
// theirs, intrinsics and other scalars strings.
func (r *Resolver) Value(n *yaml.Node) (any, error) {
	if n == nil {
		return nil, nil
	}
	if fn, _ := intrinsic(n); fn != "" {
		return r.Resolve(n)
	}
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := r.Value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := r.Value(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			return json.Number(n.Value), nil
		case "!!bool":
			return n.Value == "true", nil
		case "!!null":
			return nil, nil
		}
		return r.Resolve(n)
	}
	return nil, fmt.Errorf("line %d: not a value", n.Line)
}
