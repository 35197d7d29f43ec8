package jsonkeys

import "testing"

func TestDuplicate(t *testing.T) {
	tests := []struct {
		name, body, path string
	}{
		{"distinct keys", `{"type":"page_view","email":"a@b.fr"}`, ""},
		{"top level", `{"type":"page_view","type":"demo_request"}`, "type"},
		{"escaped spelling", `{"type":"page_view","typ\u0065":"demo_request"}`, "type"},
		{"escaped first", `{"\u0074ype":"page_view","type":"demo_request"}`, "type"},
		{"nested object", `{"lead":{"email":"a@b.fr","company":"A","email":"c@d.fr"}}`, "lead.email"},
		{"array of objects", `{"activities":[{"type":"a"},{"type":"b","at":1,"type":"c"}]}`, "activities[1].type"},
		{"deep", `{"a":[[{"b":{"c":1,"c":2}}]]}`, "a[0][0].b.c"},
		{"top-level array", `[{"x":1},{"x":1,"x":2}]`, "[1].x"},
		{"same key in sibling objects", `{"activities":[{"type":"a"},{"type":"b"}],"lead":{"type":"c"},"type":"d"}`, ""},
		{"same key at another depth", `{"type":{"type":{"type":1}}}`, ""},
		{"key equal to a value", `{"type":"type","x":"type"}`, ""},
		{"case differs", `{"type":1,"Type":2}`, ""},
		{"after nested values", `{"a":{"b":[1,{"c":null}]},"d":true,"a":0}`, "a"},
		{"empty key twice", `{"":1,"":2}`, ""},
		{"scalar", `"text"`, ""},
		{"invalid JSON", `{"type":`, ""},
		{"invalid JSON after a duplicate", `{"a":1,"a":2,`, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, ok := Duplicate([]byte(tt.body))
			want := tt.path != "" || tt.name == "empty key twice" // the empty key's path is ""
			if ok != want || path != tt.path {
				t.Fatalf("Duplicate(%s) = %q, %v; want %q, %v", tt.body, path, ok, tt.path, want)
			}
		})
	}
}
