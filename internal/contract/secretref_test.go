package contract

import "testing"

// TestSecretRefPlaceholder: {stage} is the one placeholder a reference may hold (package secrets replaces it by
// the function's stage); any other brace is refused when the contract is read, not at a function's cold start.
func TestSecretRefPlaceholder(t *testing.T) {
	t.Parallel()
	for ref, ok := range map[string]bool{
		"ssm:/handoff/{stage}/sources/crm":                 true,
		"secretsmanager:handoff/{stage}/sources/zapier":    true,
		"ssm:/handoff/{stage}/feedback-links":              true,
		"ssm:/handoff/sources/crm":                         true,
		"ssm:/handoff/{env}/sources/crm":                   false,
		"ssm:/handoff/{stage/sources/crm":                  false,
		"secretsmanager:handoff/{Stage}/x":                 false,
		"env:{stage}":                                      false,
		"ssm:/handoff/{stage}/sources/crm whsec_MfKQ9r8GK": false,
	} {
		if got := secretRef.MatchString(ref); got != ok {
			t.Errorf("%q accepted: %v, want %v", ref, got, ok)
		}
	}
}
