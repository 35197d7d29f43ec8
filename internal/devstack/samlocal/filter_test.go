package samlocal

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFilters(t *testing.T) {
	t.Parallel()
	record := func(eventName, stage, oldStage, score string) map[string]any {
		r := map[string]any{"eventName": eventName, "dynamodb": map[string]any{
			"NewImage": map[string]any{"stage": map[string]any{"S": stage}, "score": map[string]any{"N": score},
				"tags": map[string]any{"SS": []any{"a", "vip"}}},
		}}
		if oldStage != "" {
			r["dynamodb"].(map[string]any)["OldImage"] = map[string]any{"stage": map[string]any{"S": oldStage}}
		}
		return r
	}
	sqlInsert := record("INSERT", "SQL", "", "80")
	sqlModify := record("MODIFY", "SQL", "MQL", "80")
	mqlModify := record("MODIFY", "MQL", "lead", "40")

	tests := []struct {
		name    string
		pattern string
		event   map[string]any
		want    bool
	}{
		{"exact match", `{"eventName": ["INSERT"]}`, sqlInsert, true},
		{"exact miss", `{"eventName": ["INSERT"]}`, sqlModify, false},
		{"one of several", `{"eventName": ["INSERT", "MODIFY"]}`, sqlModify, true},
		{"nested", `{"dynamodb": {"NewImage": {"stage": {"S": ["SQL"]}}}}`, sqlModify, true},
		{"nested miss", `{"dynamodb": {"NewImage": {"stage": {"S": ["SQL"]}}}}`, mqlModify, false},
		{"anything-but", `{"dynamodb": {"OldImage": {"stage": {"S": [{"anything-but": ["SQL"]}]}}}}`, sqlModify, true},
		{"anything-but needs the field", `{"dynamodb": {"OldImage": {"stage": {"S": [{"anything-but": ["SQL"]}]}}}}`, sqlInsert, false},
		{"exists false", `{"dynamodb": {"OldImage": [{"exists": false}]}}`, sqlInsert, true},
		{"exists true", `{"dynamodb": {"OldImage": [{"exists": true}]}}`, sqlInsert, false},
		{"exists false under a missing object", `{"dynamodb": {"OldImage": {"stage": {"S": [{"exists": false}]}}}}`, sqlInsert, true},
		{"exists false under a present object", `{"dynamodb": {"OldImage": {"stage": {"S": [{"exists": false}]}}}}`, sqlModify, false},
		{"a value under a missing object", `{"dynamodb": {"OldImage": {"stage": {"S": ["MQL"]}}}}`, sqlInsert, false},
		{"prefix", `{"dynamodb": {"NewImage": {"stage": {"S": [{"prefix": "SQ"}]}}}}`, sqlInsert, true},
		{"suffix", `{"dynamodb": {"NewImage": {"stage": {"S": [{"suffix": "QL"}]}}}}`, mqlModify, true},
		{"ignore case", `{"eventName": [{"equals-ignore-case": "insert"}]}`, sqlInsert, true},
		{"numeric on a DynamoDB number", `{"dynamodb": {"NewImage": {"score": {"N": [{"numeric": [">=", 50, "<", 100]}]}}}}`, sqlInsert, true},
		{"numeric miss", `{"dynamodb": {"NewImage": {"score": {"N": [{"numeric": [">=", 50]}]}}}}`, mqlModify, false},
		{"list in the event", `{"dynamodb": {"NewImage": {"tags": {"SS": ["vip"]}}}}`, sqlInsert, true},
		{"$or", `{"$or": [{"eventName": ["INSERT"]}, {"dynamodb": {"NewImage": {"stage": {"S": ["MQL"]}}}}]}`, mqlModify, true},
		{"$or miss", `{"$or": [{"eventName": ["REMOVE"]}, {"dynamodb": {"NewImage": {"stage": {"S": ["lead"]}}}}]}`, mqlModify, false},
		{"the SQL transition filter", `{"eventName": ["INSERT", "MODIFY"], "dynamodb": {"NewImage": {"stage": {"S": ["SQL"]}}, "OldImage": {"stage": {"S": [{"anything-but": ["SQL"]}]}}}}`, sqlModify, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The pattern language itself (EventBridge's), whatever the event source allows filtering on.
			p, err := compilePattern([]byte(tc.pattern))
			if err != nil {
				t.Fatal(err)
			}
			if got := (filters{p}).pass(tc.event); got != tc.want {
				t.Errorf("pass = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFiltersOrAndEmpty(t *testing.T) {
	t.Parallel()
	fs, err := compileFilters([]json.RawMessage{[]byte(`{"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}`), []byte(`{"dynamodb": {"Keys": {"pk": {"S": ["b"]}}}}`)})
	if err != nil {
		t.Fatal(err)
	}
	key := func(pk string) map[string]any {
		return map[string]any{"dynamodb": map[string]any{"Keys": map[string]any{"pk": map[string]any{"S": pk}}}}
	}
	if !fs.pass(key("b")) || fs.pass(key("c")) {
		t.Error("several filters must be OR-ed")
	}
	if !filters(nil).pass(map[string]any{"eventName": "MODIFY"}) {
		t.Error("no filter must pass everything")
	}
}

func TestFilterRejectsWhatItCannotDo(t *testing.T) {
	t.Parallel()
	for _, p := range []string{
		`{"eventName": "INSERT"}`,
		`{"eventName": [{"wildcard": "IN*"}]}`,
		`{"eventName": [{"numeric": [">"]}]}`,
		`{"$or": [{"eventName": ["INSERT"]}]}`,
		`not json`,
	} {
		if _, err := compilePattern([]byte(p)); err == nil {
			t.Errorf("%s compiled; want an error", p)
		}
	}
}

// Lambda refuses, for DynamoDB event sources, filters on anything but the dynamodb key, and more than five
// filters: the local stack must refuse them too, naming the key, rather than filter where AWS would not.
func TestDynamoDBFiltersOnlyOnTheDynamodbKey(t *testing.T) {
	t.Parallel()
	refused := map[string][]string{
		"eventName":      {`{"eventName": ["INSERT"]}`},
		"eventSourceARN": {`{"dynamodb": {"NewImage": {"sk": {"S": ["x"]}}}}`, `{"eventSourceARN": [{"prefix": "arn:"}]}`},
		"awsRegion":      {`{"$or": [{"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}, {"awsRegion": ["eu-west-3"]}]}`},
	}
	for key, patterns := range refused {
		raw := make([]json.RawMessage, len(patterns))
		for i, p := range patterns {
			raw[i] = json.RawMessage(p)
		}
		_, err := compileFilters(raw)
		if err == nil || !strings.Contains(err.Error(), `filters on "`+key+`"`) || !strings.Contains(err.Error(), "only support filtering on the dynamodb key") {
			t.Errorf("%v: err = %v; want a refusal naming %q", patterns, err, key)
		}
	}
	six := make([]json.RawMessage, 6)
	for i := range six {
		six[i] = json.RawMessage(`{"dynamodb": {"Keys": {"pk": {"S": ["a"]}}}}`)
	}
	if _, err := compileFilters(six); err == nil || !strings.Contains(err.Error(), "6 filters") {
		t.Errorf("six filters: err = %v; want a refusal", err)
	}
	if _, err := compileFilters(six[:5]); err != nil {
		t.Errorf("five filters: %v", err)
	}
}
