// Package secrets resolves the contract's secret references once, at cold start: ssm:/name (a SecureString),
// secretsmanager:name, or env:NAME. In the local stack (and in tests) HANDOFF_SECRET_<SOURCE_ID> overrides a
// reference, since there is no SSM or Secrets Manager emulator; only a resolver with Overrides set reads them,
// and deployed functions never set it.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/handoff-sla/handoff/internal/platform"
)

// Fetch reads one secret by name from a service; see FromAWS for the ones functions use.
type Fetch func(ctx context.Context, name string) (string, error)

// Resolver turns references into values.
type Resolver struct {
	Lookup         func(string) (string, bool) // os.LookupEnv
	SSM            Fetch                       // a SecureString parameter, decrypted
	SecretsManager Fetch                       // a secret's string
	// Overrides lets HANDOFF_SECRET_<NAME> supply a secret directly: the local stack's demo secrets.
	Overrides bool
}

// OverrideEnv is the variable that, when overrides are on, supplies a source's secret directly.
func OverrideEnv(sourceID string) string {
	return platform.SecretOverridePrefix + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(sourceID))
}

// Resolve resolves every reference (by name) and reports all failures at once, naming the names, never values.
func (r Resolver) Resolve(ctx context.Context, refs map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(refs))
	var problems []string
	names := make([]string, 0, len(refs))
	for name := range refs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := r.one(ctx, name, refs[name])
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s (%s): %v", name, refs[name], err))
			continue
		}
		out[name] = v
	}
	if len(problems) > 0 {
		return nil, errors.New("secrets: " + strings.Join(problems, "; "))
	}
	return out, nil
}

func (r Resolver) one(ctx context.Context, name, ref string) (string, error) {
	if v, ok := r.Lookup(OverrideEnv(name)); ok && v != "" && r.Overrides {
		return v, nil
	}
	kind, id, _ := strings.Cut(ref, ":")
	switch kind {
	case "env":
		if v, ok := r.Lookup(id); ok && v != "" {
			return v, nil
		}
		return "", fmt.Errorf("%s is not set", id)
	case "ssm":
		if r.SSM == nil {
			return "", fmt.Errorf("no SSM client (set %s locally)", OverrideEnv(name))
		}
		return r.SSM(ctx, id)
	case "secretsmanager":
		if r.SecretsManager == nil {
			return "", fmt.Errorf("no Secrets Manager client (set %s locally)", OverrideEnv(name))
		}
		return r.SecretsManager(ctx, id)
	}
	return "", fmt.Errorf("unknown reference kind %q", kind)
}

// ReadEnvFile reads a file of KEY=VALUE lines (blank lines and # comments skipped), such as the local demo
// secrets of infra/local/secrets.env that the local stack passes as HANDOFF_SECRET_<ID> and `handoff send`
// signs with.
func ReadEnvFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out, nil
}
