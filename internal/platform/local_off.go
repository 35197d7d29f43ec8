//go:build !handofflocal

package platform

import "github.com/aws/smithy-go/middleware"

// localSwitches: a production build; the local-only variables have no effect.
const localSwitches = false

// localAPIOptions: a production build injects nothing into its AWS calls (FaultsEnv is ignored).
func localAPIOptions(func(string) (string, bool)) ([]func(*middleware.Stack) error, error) {
	return nil, nil
}
