package samlocal

import (
	"encoding/json"
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
			fs, err := compileFilters([]json.RawMessage{json.RawMessage(tc.pattern)})
			if err != nil {
				t.Fatal(err)
			}
			if got := fs.pass(tc.event); got != tc.want {
				t.Errorf("pass = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFiltersOrAndEmpty(t *testing.T) {
	t.Parallel()
	fs, err := compileFilters([]json.RawMessage{[]byte(`{"eventName": ["INSERT"]}`), []byte(`{"eventName": ["REMOVE"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if !fs.pass(map[string]any{"eventName": "REMOVE"}) || fs.pass(map[string]any{"eventName": "MODIFY"}) {
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
