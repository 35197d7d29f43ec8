// Package secrets resolves the contract's secret references once, at cold start: ssm:/name (a SecureString),
// secretsmanager:name, or env:NAME. Locally (and in tests) HANDOFF_SECRET_<SOURCE_ID> overrides a reference,
// since there is no SSM or Secrets Manager emulator; Lambda's environment never sets it.
package secrets

import (
	"context"
	"errors"
	"fmt"
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
}

// OverrideEnv is the variable that, when set, supplies a source's secret directly.
func OverrideEnv(sourceID string) string {
	return "HANDOFF_SECRET_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(sourceID))
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
	if v, ok := r.Lookup(OverrideEnv(name)); ok && v != "" {
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
