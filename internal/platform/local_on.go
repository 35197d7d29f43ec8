//go:build handofflocal

package platform

import (
	"github.com/aws/smithy-go/middleware"

	"github.com/handoff-sla/handoff/internal/devstack/faults"
)

// localSwitches: this binary was built for the local stack (LocalBuildTag), which may shift its clock and
// replace its secrets through the environment.
const localSwitches = true

// localAPIOptions are the fault injector's middlewares when FaultsEnv asks for faults (make soak): only this
// build imports package faults, so no other binary contains it.
func localAPIOptions(lookup func(string) (string, bool)) ([]func(*middleware.Stack) error, error) {
	return faults.FromEnv(lookup)
}
