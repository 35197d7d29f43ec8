// Package inputtransform applies an EventBridge rule target's InputTransformer (InputPathsMap, InputTemplate) to
// an event as EventBridge does, for the local stack: the stack delivers what the target would get in AWS, never
// the untransformed event. What it cannot do as EventBridge does, New refuses, naming it.
//
// EventBridge's rules, as documented (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html)
// and as recorded against AWS by LocalStack's validated snapshots
// (localstack/localstack tests/aws/services/events/test_events_inputs.snapshot.json):
//
//   - InputPathsMap: up to 100 variables, each a JSONPath into the event: dot notation ($.detail.mail.tags), names
//     of letters, digits, dashes, underscores and slashes, array indices ([0]) and wildcards ([*], an array of
//     what each element holds). Names starting with "AWS." are refused; so is a template placeholder that names
//     no variable ("InputTemplate ... contains invalid placeholder").
//   - InputTemplate: each <variable> outside a JSON string is replaced by the value as JSON, a string quoted (an
//     object or array as is: do not quote them); inside a string ("state is <state>") by its text, unquoted, an
//     object's or array's with its quotes removed. Values are not escaped.
//   - A path the event does not hold gives an empty string ("" outside a string, nothing inside one).
//   - The result is passed minified.
//
// Not emulated, refused by New: the predefined variables (<aws.events.rule-arn>, <aws.events.rule-name>,
// <aws.events.event>, <aws.events.event.json>, <aws.events.event.ingestion-time>), and JSONPath beyond the subset
// above (filters, bracketed names, recursive descent, slices).
package inputtransform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Transformer is a target's InputTransformer, checked.
type Transformer struct {
	paths    map[string][]step
	template string
}

// step is one JSONPath step: a member name, an index, or a wildcard over an array.
type step struct {
	name  string
	index int // -1: a name or a wildcard
	all   bool
}

var (
	placeholder = regexp.MustCompile(`<([^<>]*)>`)
	nameChars   = regexp.MustCompile(`^[A-Za-z0-9_\-/]+$`)
)

// New checks an InputTransformer as EventBridge's PutTargets does, and refuses what the local stack cannot apply as
// EventBridge would.
func New(paths map[string]string, template string) (*Transformer, error) {
	if template == "" {
		return nil, errors.New("InputTemplate: required")
	}
	if len(paths) > 100 {
		return nil, fmt.Errorf("InputPathsMap: %d variables, at most 100", len(paths))
	}
	t := &Transformer{paths: map[string][]step{}, template: template}
	for _, name := range sortedKeys(paths) {
		if strings.HasPrefix(strings.ToUpper(name), "AWS.") {
			return nil, fmt.Errorf("InputPathsMap: %s: a variable's name cannot start with \"AWS.\"", name)
		}
		steps, err := parsePath(paths[name])
		if err != nil {
			return nil, fmt.Errorf("InputPathsMap: %s: %w", name, err)
		}
		t.paths[name] = steps
	}
	for _, m := range placeholder.FindAllStringSubmatch(template, -1) {
		name := m[1]
		if strings.HasPrefix(name, "aws.events.") {
			return nil, fmt.Errorf("InputTemplate: <%s>: EventBridge's predefined variables are not emulated locally", name)
		}
		if _, ok := t.paths[name]; !ok {
			return nil, fmt.Errorf("InputTemplate contains invalid placeholder %s (not in InputPathsMap)", name)
		}
	}
	return t, nil
}

// FromTemplate is New for an InputTransformer as a template holds it, its intrinsic functions resolved: a mapping
// of InputPathsMap (names to JSONPaths) and InputTemplate.
func FromTemplate(v any) (*Transformer, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("a mapping of InputPathsMap and InputTemplate")
	}
	paths := map[string]string{}
	for k, val := range m {
		switch k {
		case "InputPathsMap":
			pm, ok := val.(map[string]any)
			if !ok {
				return nil, errors.New("InputPathsMap: a mapping of names to JSONPaths")
			}
			for name, p := range pm {
				s, ok := p.(string)
				if !ok {
					return nil, fmt.Errorf("InputPathsMap: %s: a JSONPath string", name)
				}
				paths[name] = s
			}
		case "InputTemplate":
		default:
			return nil, fmt.Errorf("%s: not an InputTransformer property", k)
		}
	}
	tpl, _ := m["InputTemplate"].(string)
	return New(paths, tpl)
}

// parsePath reads the JSONPath subset EventBridge documents.
func parsePath(p string) ([]step, error) {
	if !strings.HasPrefix(p, "$") {
		return nil, fmt.Errorf("%q: a JSONPath starts with $", p)
	}
	var steps []step
	rest := p[1:]
	for rest != "" {
		switch {
		case strings.HasPrefix(rest, "[*]"):
			steps, rest = append(steps, step{index: -1, all: true}), rest[3:]
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("%q: unclosed [", p)
			}
			n, err := strconv.Atoi(rest[1:end])
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%q: %s is not emulated locally (array indices and [*] are)", p, rest[:end+1])
			}
			steps, rest = append(steps, step{index: n}), rest[end+1:]
		case rest[0] == '.':
			rest = rest[1:]
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			name := rest[:end]
			if !nameChars.MatchString(name) {
				return nil, fmt.Errorf("%q: %q is not emulated locally (names of letters, digits, - _ /)", p, name)
			}
			steps, rest = append(steps, step{name: name, index: -1}), rest[end:]
		default:
			return nil, fmt.Errorf("%q: %q is not emulated locally", p, rest)
		}
	}
	return steps, nil
}

// extract is the value at steps in v; ok false when the event does not hold it.
func extract(v any, steps []step) (any, bool) {
	for i, s := range steps {
		switch {
		case s.all:
			arr, ok := v.([]any)
			if !ok {
				return nil, false
			}
			out := []any{}
			for _, e := range arr {
				if x, ok := extract(e, steps[i+1:]); ok {
					out = append(out, x)
				}
			}
			return out, true
		case s.index >= 0:
			arr, ok := v.([]any)
			if !ok || s.index >= len(arr) {
				return nil, false
			}
			v = arr[s.index]
		default:
			obj, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = obj[s.name]; !ok {
				return nil, false
			}
		}
	}
	return v, true
}

// ErrNotJSON: the template, filled in, is not JSON (a value holding a quote, unescaped as EventBridge leaves it):
// nothing a Lambda function could be invoked with.
var ErrNotJSON = errors.New("the transformed input is not JSON")

// Apply is what the target receives for event (a JSON document), minified.
func (t *Transformer) Apply(event []byte) ([]byte, error) {
	var doc any
	dec := json.NewDecoder(bytes.NewReader(event))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("the event: %w", err)
	}
	vals := map[string]any{}
	for name, steps := range t.paths {
		if v, ok := extract(doc, steps); ok {
			if v == nil {
				v = jsonNull{}
			}
			vals[name] = v
		}
	}
	var out strings.Builder
	inString, escaped, last := false, false, 0
	tpl := t.template
	for i := 0; i < len(tpl); i++ {
		c := tpl[i]
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case c == '<':
			loc := placeholder.FindStringSubmatchIndex(tpl[i:])
			if loc == nil || loc[0] != 0 {
				continue
			}
			out.WriteString(tpl[last:i])
			name := tpl[i+loc[2] : i+loc[3]]
			out.WriteString(render(vals[name], inString))
			i += loc[1] - 1
			last = i + 1
		}
	}
	out.WriteString(tpl[last:])
	var min bytes.Buffer
	if err := json.Compact(&min, []byte(out.String())); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotJSON, err)
	}
	return min.Bytes(), nil
}

// jsonNull is a JSON null the event holds (nil is a path it does not hold).
type jsonNull struct{}

// render is a value as substituted: inside a JSON string its text, outside it JSON (a string quoted, unescaped).
// A missing value (nil: a path the event does not hold) is an empty string. A JSON null is rendered null (the
// documentation does not say; no path of the template's rules ends at one).
func render(v any, inString bool) string {
	var text string
	quote := false
	switch x := v.(type) {
	case nil:
		text, quote = "", true
	case jsonNull:
		text = "null"
	case string:
		text, quote = x, true
	case json.Number:
		text = x.String()
	case bool:
		text = strconv.FormatBool(x)
	default: // an object or an array
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(x)
		text = strings.TrimSuffix(b.String(), "\n")
		if inString {
			text = strings.ReplaceAll(text, `"`, "")
		}
	}
	if quote && !inString {
		return `"` + text + `"`
	}
	return text
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
