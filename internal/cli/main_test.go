package cli

import (
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// DynamoDB Local, for `handoff report` (and `export`): started once for the package.
func TestMain(m *testing.M) { testenv.Main(m) }
