package inputtransform

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

type example struct{ Name, Template, Output string }

// TestAWSDocsExamples: the documented examples (testdata/aws-docs-examples.yaml, with their sources) give the
// documented output, minified.
func TestAWSDocsExamples(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/aws-docs-examples.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var data struct {
		Event    string
		Paths    map[string]string
		Examples []example
		Missing  struct {
			Paths    map[string]string
			Examples []example
		}
	}
	if err := yaml.Unmarshal(raw, &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Examples) != 5 || len(data.Missing.Examples) != 2 {
		t.Fatalf("test data: %d examples, %d with a missing path", len(data.Examples), len(data.Missing.Examples))
	}
	run := func(paths map[string]string, examples []example) {
		for _, ex := range examples {
			tr, err := New(paths, ex.Template)
			if err != nil {
				t.Errorf("%s: %v", ex.Name, err)
				continue
			}
			got, err := tr.Apply([]byte(data.Event))
			if err != nil {
				t.Errorf("%s: %v", ex.Name, err)
				continue
			}
			var want bytes.Buffer
			if err := json.Compact(&want, []byte(ex.Output)); err != nil {
				t.Fatalf("%s: the documented output: %v", ex.Name, err)
			}
			if string(got) != want.String() {
				t.Errorf("%s:\n got %s\nwant %s", ex.Name, got, want.String())
			}
		}
	}
	run(data.Paths, data.Examples)
	run(data.Missing.Paths, data.Missing.Examples)
}

// TestValues: objects, arrays, numbers, booleans and wildcards, outside and inside strings.
func TestValues(t *testing.T) {
	t.Parallel()
	event := `{"detail":{"n":4.50,"ok":false,"none":null,"obj":{"key1":"value1"},"list":[{"a":"x@example.com","b":1},{"a":"y","b":2},{"b":3}],
		"html":"<b>&"}}`
	paths := map[string]string{"n": "$.detail.n", "ok": "$.detail.ok", "none": "$.detail.none", "obj": "$.detail.obj",
		"as": "$.detail.list[*].a", "first": "$.detail.list[0].a", "past": "$.detail.list[7].a", "html": "$.detail.html",
		"nolist": "$.detail.obj[*]"}
	for _, tc := range []struct{ name, template, want string }{
		{"numbers and booleans as JSON", `{"n": <n>, "ok": <ok>}`, `{"n":4.50,"ok":false}`},
		{"a JSON null", `{"none": <none>}`, `{"none":null}`},
		// The documentation: "Detail is <detail>" gives "Detail is {key1: value1}" (spaced as the event was; the
		// stack substitutes the object minified); as a value, the object itself.
		{"an object in a string loses its quotes", `"Detail is <obj>"`, `"Detail is {key1:value1}"`},
		{"an object as a value", `{"detail": <obj>}`, `{"detail":{"key1":"value1"}}`},
		{"a wildcard: each element's value, those without it left out", `{"as": <as>}`, `{"as":["x@example.com","y"]}`},
		{"an index", `{"first": <first>, "past": <past>}`, `{"first":"x@example.com","past":""}`},
		{"a wildcard over a non-array holds nothing", `{"x": <nolist>}`, `{"x":""}`},
		{"no HTML escaping", `{"h": <html>}`, `{"h":"<b>&"}`},
	} {
		tr, err := New(paths, tc.template)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got, err := tr.Apply([]byte(event))
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %s, %v; want %s", tc.name, got, err, tc.want)
		}
	}
}

// TestUnescapedQuoteIsNotJSON: EventBridge does not escape values; a quote in one breaks the JSON, and the stack
// says so rather than deliver something else.
func TestUnescapedQuoteIsNotJSON(t *testing.T) {
	t.Parallel()
	tr, err := New(map[string]string{"s": "$.s"}, `{"s": <s>}`)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := tr.Apply([]byte(`{"s":"say \"hi\""}`)); !errors.Is(err, ErrNotJSON) {
		t.Errorf("%s, %v: want ErrNotJSON", out, err)
	}
}

// TestRefused: what EventBridge refuses, and what the stack cannot apply as EventBridge does, stop New, named.
func TestRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		paths    map[string]string
		template string
		want     string
	}{
		{"no template", nil, "", "InputTemplate: required"},
		{"a placeholder naming no variable", map[string]string{"a": "$.a"}, `{"a": <a>, "b": <b>}`, "invalid placeholder b"},
		{"a predefined variable", nil, `{"e": <aws.events.event.json>}`, "aws.events.event.json"},
		{"a variable named AWS.", map[string]string{"AWS.x": "$.a"}, `{"a": 1}`, "AWS.x"},
		{"a filter", map[string]string{"a": "$.list[?(@.a)]"}, `{"a": <a>}`, "not emulated"},
		{"a bracketed name", map[string]string{"a": "$['detail']"}, `{"a": <a>}`, "not emulated"},
		{"recursive descent", map[string]string{"a": "$..a"}, `{"a": <a>}`, "not emulated"},
		{"not a JSONPath", map[string]string{"a": "detail.a"}, `{"a": <a>}`, "starts with $"},
	} {
		if _, err := New(tc.paths, tc.template); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
