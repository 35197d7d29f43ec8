//go:build !handofflocal

package platform

// localSwitches: a production build; the local-only variables have no effect.
const localSwitches = false
