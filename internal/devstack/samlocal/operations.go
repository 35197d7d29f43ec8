package samlocal

import (
	"fmt"
	"sort"
	"strings"
)

// operations says what the template declares for on-call that the local stack does not run: CloudWatch alarms
// (never evaluated), SNS topics (nothing published), and the metrics functions write as embedded-metric-format
// lines (printed among their logs, extracted by nobody). Counted from the template, so a new alarm or topic is
// said without a change here.
func operations(resources map[string]string) []string {
	count := map[string]int{}
	for _, typ := range resources {
		count[typ]++
	}
	var out []string
	if n := count["AWS::CloudWatch::Alarm"]; n > 0 {
		out = append(out, fmt.Sprintf("CloudWatch alarms (%d in the template): none is evaluated; RUNBOOK.md says what each means", n))
	}
	var other []string
	for typ, n := range count {
		if strings.HasPrefix(typ, "AWS::SNS::") {
			other = append(other, fmt.Sprintf("%d %s", n, typ))
		}
	}
	if len(other) > 0 {
		sort.Strings(other)
		out = append(out, "SNS ("+strings.Join(other, ", ")+"): nothing is published, nobody is notified")
	}
	if len(out) > 0 {
		out = append(out, "CloudWatch metrics: the embedded-metric-format lines functions print (CheckerRunsCompleted, SLABreaches) stay in their logs; no metric is extracted")
	}
	return out
}
