//go:build handofflocal

package platform

// localSwitches: this binary was built for the local stack (LocalBuildTag), which may shift its clock and
// replace its secrets through the environment.
const localSwitches = true
