package main

import (
	"fmt"
	"strings"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// checkScheduleZones refuses a template whose schedules run in another time zone than the contract's. The
// template cannot read the contract (a layer, deployed on its own), so the zone is written twice; the monthly
// report's cron (08:00 on the 1st) decides which month is reported, and in another zone it would fire in the
// previous month's last evening or judge the wrong month. `make run` and the tests (zones_test.go) stop on it.
func checkScheduleZones(tpl *samtemplate.Template, c *contract.Contract) error {
	var bad []string
	for _, f := range tpl.Functions {
		for _, s := range f.Schedules {
			if s.TimeZone != "" && s.TimeZone != c.Location.String() {
				bad = append(bad, fmt.Sprintf("%s/%s runs in %s", f.LogicalID, s.Event, s.TimeZone))
			}
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("template.yaml: the contract's time_zone is %s but %s: make ScheduleExpressionTimezone the contract's",
			c.Location, strings.Join(bad, ", "))
	}
	return nil
}
