package samlocal

import (
	"strings"
	"testing"
)

func TestOperationsSayWhatIsNotRun(t *testing.T) {
	for _, tc := range []struct {
		name      string
		resources map[string]string
		want      []string
	}{
		{"nothing of operations", map[string]string{"T": "AWS::DynamoDB::Table"}, nil},
		{"alarms and a topic", map[string]string{"A": "AWS::CloudWatch::Alarm", "B": "AWS::CloudWatch::Alarm", "T": "AWS::SNS::Topic"},
			[]string{"CloudWatch alarms (2 in the template)", "SNS (1 AWS::SNS::Topic)", "embedded-metric-format"}},
		{"alarms only", map[string]string{"A": "AWS::CloudWatch::Alarm"}, []string{"CloudWatch alarms (1 in the template)", "embedded-metric-format"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := operations(tc.resources)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q, want %d lines", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("line %d %q lacks %q", i, got[i], w)
				}
			}
		})
	}
}
