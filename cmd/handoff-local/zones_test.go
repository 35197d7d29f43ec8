package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// The project's template and contract agree on the schedules' zone; a template whose report runs in another zone
// than the contract's is refused, naming the schedule.
func TestScheduleZones(t *testing.T) {
	root, err := localaws.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	c, err := contract.Load(filepath.Join(root, "infra", "contract", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := samtemplate.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkScheduleZones(tpl, c); err != nil {
		t.Fatalf("the project's template: %v", err)
	}
	found := false
	for _, f := range tpl.Functions {
		for _, s := range f.Schedules {
			found = found || f.LogicalID == "ReportFunction" && s.TimeZone == c.Location.String() && strings.HasPrefix(s.Expression, "cron(")
		}
	}
	if !found {
		t.Fatal("no ReportFunction cron schedule in the contract's zone")
	}

	const cron = "ScheduleExpression: cron(0 8 1 * ? *)\n            ScheduleExpressionTimezone: Europe/Paris"
	if !strings.Contains(string(data), cron) {
		t.Fatalf("template.yaml no longer has %q", cron)
	}
	other := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(other, []byte(strings.Replace(string(data), cron, strings.Replace(cron, "Europe/Paris", "UTC", 1), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	tpl, err = samtemplate.Load(other)
	if err != nil {
		t.Fatal(err)
	}
	err = checkScheduleZones(tpl, c)
	if err == nil || !strings.Contains(err.Error(), "ReportFunction/Monthly runs in UTC") || !strings.Contains(err.Error(), "Europe/Paris") {
		t.Fatalf("a report schedule in UTC: %v", err)
	}
}
