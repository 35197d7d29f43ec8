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

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// SSM is the part of the SSM client used.
type SSM interface {
	GetParameter(context.Context, *ssm.GetParameterInput, ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// SecretsManager is the part of the Secrets Manager client used.
type SecretsManager interface {
	GetSecretValue(context.Context, *secretsmanager.GetSecretValueInput, ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Resolver turns references into values.
type Resolver struct {
	Lookup         func(string) (string, bool) // os.LookupEnv
	SSM            SSM
	SecretsManager SecretsManager
	// Overrides lets HANDOFF_SECRET_<NAME> supply a secret directly: the local stack's demo secrets.
	Overrides bool
}

// OverridePrefix starts every override variable.
const OverridePrefix = "HANDOFF_SECRET_"

// OverrideEnv is the variable that, when overrides are on, supplies a source's secret directly.
func OverrideEnv(sourceID string) string {
	return OverridePrefix + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(sourceID))
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
		out, err := r.SSM.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(id), WithDecryption: aws.Bool(true)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.Parameter.Value), nil
	case "secretsmanager":
		if r.SecretsManager == nil {
			return "", fmt.Errorf("no Secrets Manager client (set %s locally)", OverrideEnv(name))
		}
		out, err := r.SecretsManager.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.SecretString), nil
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
