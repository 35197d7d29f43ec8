package samlocal

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// pattern is a Lambda event-filtering pattern (EventBridge pattern syntax), compiled once. The supported subset
// is what DynamoDB stream filters use: exact values (strings, numbers, booleans, null), prefix, suffix,
// equals-ignore-case, anything-but, numeric ranges, exists, and $or. An unsupported operator is an error when
// the stack starts, so a template never silently filters differently here than in AWS.
type pattern struct {
	fields map[string]*patternNode
	or     [][]*pattern // each $or: any of its alternatives, and-ed with fields
}

type patternNode struct {
	nested   *pattern  // an object: match inside the event's object
	matchers []matcher // a list: the event's value must match one of them
}

type matcher func(v any, present bool) bool

func compilePattern(raw []byte) (*pattern, error) {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("filter pattern: %w", err)
	}
	return compileObject(m, "")
}

func compileObject(m map[string]any, path string) (*pattern, error) {
	p := &pattern{fields: map[string]*patternNode{}}
	for k, v := range m {
		at := strings.TrimPrefix(path+"."+k, ".")
		if k == "$or" {
			alts, ok := v.([]any)
			if !ok || len(alts) < 2 {
				return nil, fmt.Errorf("filter pattern %s: $or takes a list of at least two patterns", at)
			}
			var group []*pattern
			for _, a := range alts {
				obj, ok := a.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("filter pattern %s: $or takes objects", at)
				}
				sub, err := compileObject(obj, path)
				if err != nil {
					return nil, err
				}
				group = append(group, sub)
			}
			p.or = append(p.or, group)
			continue
		}
		switch val := v.(type) {
		case map[string]any:
			sub, err := compileObject(val, at)
			if err != nil {
				return nil, err
			}
			p.fields[k] = &patternNode{nested: sub}
		case []any:
			node := &patternNode{}
			for _, item := range val {
				mt, err := compileMatcher(item, at)
				if err != nil {
					return nil, err
				}
				node.matchers = append(node.matchers, mt)
			}
			p.fields[k] = node
		default:
			return nil, fmt.Errorf("filter pattern %s: values must be in a list, got %v", at, v)
		}
	}
	return p, nil
}

func compileMatcher(item any, at string) (matcher, error) {
	obj, ok := item.(map[string]any)
	if !ok {
		return func(v any, present bool) bool { return present && equalValue(v, item) }, nil
	}
	if len(obj) != 1 {
		return nil, fmt.Errorf("filter pattern %s: a matcher object has exactly one operator", at)
	}
	for op, arg := range obj {
		switch op {
		case "prefix", "suffix", "equals-ignore-case":
			s, ok := arg.(string)
			if !ok {
				return nil, fmt.Errorf("filter pattern %s: %s takes a string", at, op)
			}
			return func(v any, present bool) bool {
				str, ok := v.(string)
				if !present || !ok {
					return false
				}
				switch op {
				case "prefix":
					return strings.HasPrefix(str, s)
				case "suffix":
					return strings.HasSuffix(str, s)
				}
				return strings.EqualFold(str, s)
			}, nil
		case "exists":
			want, ok := arg.(bool)
			if !ok {
				return nil, fmt.Errorf("filter pattern %s: exists takes true or false", at)
			}
			return func(_ any, present bool) bool { return present == want }, nil
		case "anything-but":
			var inner []matcher
			list, isList := arg.([]any)
			if !isList {
				list = []any{arg}
			}
			for _, x := range list {
				mt, err := compileMatcher(x, at)
				if err != nil {
					return nil, err
				}
				inner = append(inner, mt)
			}
			return func(v any, present bool) bool {
				if !present {
					return false
				}
				for _, mt := range inner {
					if mt(v, true) {
						return false
					}
				}
				return true
			}, nil
		case "numeric":
			return compileNumeric(arg, at)
		default:
			return nil, fmt.Errorf("filter pattern %s: operator %q is not supported locally", at, op)
		}
	}
	panic("unreachable")
}

func compileNumeric(arg any, at string) (matcher, error) {
	list, ok := arg.([]any)
	if !ok || len(list) == 0 || len(list)%2 != 0 {
		return nil, fmt.Errorf("filter pattern %s: numeric takes [op, number, ...]", at)
	}
	type cond struct {
		op string
		n  float64
	}
	var conds []cond
	for i := 0; i < len(list); i += 2 {
		op, _ := list[i].(string)
		n, ok := list[i+1].(float64)
		switch op {
		case "=", "<", "<=", ">", ">=":
		default:
			ok = false
		}
		if !ok {
			return nil, fmt.Errorf("filter pattern %s: numeric takes [op, number, ...]", at)
		}
		conds = append(conds, cond{op, n})
	}
	return func(v any, present bool) bool {
		if !present {
			return false
		}
		var x float64
		switch val := v.(type) {
		case float64:
			x = val
		case string: // DynamoDB numbers arrive as {"N": "42"}
			f, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return false
			}
			x = f
		default:
			return false
		}
		for _, c := range conds {
			ok := map[string]bool{"=": x == c.n, "<": x < c.n, "<=": x <= c.n, ">": x > c.n, ">=": x >= c.n}[c.op]
			if !ok {
				return false
			}
		}
		return true
	}, nil
}

func equalValue(v, want any) bool {
	switch w := want.(type) {
	case nil:
		return v == nil
	case float64:
		switch x := v.(type) {
		case float64:
			return x == w
		case string:
			f, err := strconv.ParseFloat(x, 64)
			return err == nil && f == w
		}
		return false
	default:
		return v == want
	}
}

// match reports whether an event (decoded JSON) matches the pattern.
func (p *pattern) match(event map[string]any) bool {
	for k, node := range p.fields {
		v, present := event[k]
		if node.nested != nil {
			obj, ok := v.(map[string]any)
			if present && !ok {
				return false
			}
			// A missing object is matched as an empty one: only {"exists": false} leaves inside it can match, as
			// in EventBridge (exists applies to leaves; a leaf under a missing parent does not exist).
			if !node.nested.match(obj) {
				return false
			}
			continue
		}
		if !node.matchValue(v, present) {
			return false
		}
	}
	for _, group := range p.or {
		any := false
		for _, alt := range group {
			if alt.match(event) {
				any = true
				break
			}
		}
		if !any {
			return false
		}
	}
	return true
}

func (n *patternNode) matchValue(v any, present bool) bool {
	// A list in the event matches when any of its elements does.
	if list, ok := v.([]any); ok && present {
		for _, item := range list {
			if n.matchValue(item, true) {
				return true
			}
		}
		return false
	}
	for _, mt := range n.matchers {
		if mt(v, present) {
			return true
		}
	}
	return false
}

// filters are a mapping's FilterCriteria: a record passes when any pattern matches; no pattern passes all.
type filters []*pattern

// maxFilters is Lambda's default quota of filters per event source mapping (it refuses a sixth).
const maxFilters = 5

// compileFilters compiles a DynamoDB event source mapping's FilterCriteria. Lambda refuses, for DynamoDB
// sources, patterns on any top-level key but "dynamodb" ("DynamoDB event source mappings only support filtering
// on the dynamodb key"), so the local stack refuses them too instead of filtering where AWS would not.
func compileFilters(raw []json.RawMessage) (filters, error) {
	if len(raw) > maxFilters {
		return nil, fmt.Errorf("FilterCriteria has %d filters; Lambda allows %d per event source mapping", len(raw), maxFilters)
	}
	var out filters
	for _, r := range raw {
		p, err := compilePattern(r)
		if err != nil {
			return nil, err
		}
		if key, ok := p.onlyKey("dynamodb"); !ok {
			return nil, fmt.Errorf("FilterCriteria pattern %s filters on %q: DynamoDB event source mappings only support filtering on the dynamodb key", r, key)
		}
		out = append(out, p)
	}
	return out, nil
}

// onlyKey reports whether every top-level key of the pattern (in $or alternatives too) is key; when not, it
// returns the first other key.
func (p *pattern) onlyKey(key string) (string, bool) {
	for k := range p.fields {
		if k != key {
			return k, false
		}
	}
	for _, group := range p.or {
		for _, alt := range group {
			if k, ok := alt.onlyKey(key); !ok {
				return k, false
			}
		}
	}
	return "", true
}

func (fs filters) pass(event map[string]any) bool {
	if len(fs) == 0 {
		return true
	}
	for _, p := range fs {
		if p.match(event) {
			return true
		}
	}
	return false
}

// FilterMatches reports whether a Lambda event record (JSON) passes FilterCriteria patterns as the local stack
// (and, for the supported operators, Lambda) applies them: so tests can check a template's filters against
// sample events.
func FilterMatches(patterns []json.RawMessage, record []byte) (bool, error) {
	fs, err := compileFilters(patterns)
	if err != nil {
		return false, err
	}
	var ev map[string]any
	if err := json.Unmarshal(record, &ev); err != nil {
		return false, fmt.Errorf("record: %w", err)
	}
	return fs.pass(ev), nil
}
