// Package secrets resolves the contract's secret references once, at cold start: ssm:/name (a SecureString
// parameter, decrypted), secretsmanager:name (a secret's string), or env:NAME (tests and the local build only).
// A reference may hold {stage}, replaced by the function's STAGE (the template's Stage parameter), so one
// contract serves every stage and each stage reads its own secrets: ssm:/handoff/{stage}/sources/crm.
//
// A function reads only its own stage's secrets: /handoff/<stage>/… in SSM, handoff/<stage>/… in Secrets
// Manager. Its role may read no other (template.yaml), and refusing at cold start says so plainly instead of an
// AccessDenied; the local build refuses them too, so that a contract that would fail in AWS fails in `make run`
// (moto checks no IAM). A deployed function (a build without the local tag, see platform.LocalSwitches) never
// reads env:. Locally the same calls go to moto's emulation of both services (internal/devstack/localaws), where
// `make run` and the tests write the demo secrets: there is no other way in.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// StageEnv names the variable holding the function's stage (the template's Stage parameter): what {stage} in a
// reference becomes.
const StageEnv = "STAGE"

// Fetch reads one secret by name from a service; see FromAWS for the ones functions use.
type Fetch func(ctx context.Context, name string) (string, error)

// Resolver turns references into values.
type Resolver struct {
	Lookup         func(string) (string, bool) // os.LookupEnv: env:NAME references
	SSM            Fetch                       // a SecureString parameter, decrypted
	SecretsManager Fetch                       // a secret's string
	// Stage replaces {stage} in references ("" refuses a reference that holds it).
	Stage string
	// Confine is a function's rule: only the stage's own secrets (/handoff/<stage>/ in SSM, handoff/<stage>/ in
	// Secrets Manager), which is all its role may read in AWS; and no env: reference unless AllowEnv.
	Confine bool
	// AllowEnv lets a confined resolver read env: references (the local build's, never a deployed one's).
	AllowEnv bool
}

// Resolve resolves every reference (by name) and reports all failures at once, naming the names and the
// references, never values.
func (r Resolver) Resolve(ctx context.Context, refs map[string]string) (map[string]string, error) {
	out := make(map[string]string, len(refs))
	var problems []string
	names := make([]string, 0, len(refs))
	for name := range refs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v, err := r.one(ctx, refs[name])
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

func (r Resolver) one(ctx context.Context, ref string) (string, error) {
	ref, err := Expand(ref, r.Stage)
	if err != nil {
		return "", err
	}
	kind, id, _ := strings.Cut(ref, ":")
	if r.Confine && !(r.AllowEnv && kind == "env") {
		if err := confined(kind, id, r.Stage); err != nil {
			return "", err
		}
	}
	var fetch Fetch
	switch kind {
	case "env":
		if v, ok := r.Lookup(id); ok && v != "" {
			return v, nil
		}
		return "", fmt.Errorf("%s is not set", id)
	case "ssm":
		fetch = r.SSM
	case "secretsmanager":
		fetch = r.SecretsManager
	default:
		return "", fmt.Errorf("unknown reference kind %q", kind)
	}
	if fetch == nil {
		return "", fmt.Errorf("no %s client", kind)
	}
	v, err := fetch(ctx, id)
	if err == nil && v == "" {
		// A Secrets Manager secret stored as SecretBinary has no SecretString: an empty key would verify anything.
		err = fmt.Errorf("%s holds an empty value (a Secrets Manager secret must be a SecretString)", id)
	}
	return v, err
}

// Expand replaces {stage} in a reference by stage. Any other placeholder, or {stage} with no stage, is an error
// naming it.
func Expand(ref, stage string) (string, error) {
	var b strings.Builder
	rest := ref
	for {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			if strings.IndexByte(rest, '}') >= 0 {
				return "", errors.New("a '}' with no '{' (the only placeholder is {stage})")
			}
			b.WriteString(rest)
			return b.String(), nil
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return "", errors.New("a '{' with no '}' (the only placeholder is {stage})")
		}
		b.WriteString(rest[:i])
		switch p := rest[i : i+j+1]; p {
		case "{stage}":
			if stage == "" {
				return "", fmt.Errorf("{stage} with no stage: %s is not set", StageEnv)
			}
			b.WriteString(stage)
		default:
			return "", fmt.Errorf("unknown placeholder %s (the only placeholder is {stage})", p)
		}
		rest = rest[i+j+1:]
	}
}

// confined checks a deployed function's reference (expanded) against its stage's prefix.
func confined(kind, id, stage string) error {
	var prefix string
	switch kind {
	case "ssm":
		prefix = "/handoff/" + stage + "/"
	case "secretsmanager":
		prefix = "handoff/" + stage + "/"
	case "env":
		return errors.New("an env: reference in a deployed function (only tests and the local build read secrets from the environment)")
	default:
		return fmt.Errorf("unknown reference kind %q", kind)
	}
	if stage == "" || strings.Contains(stage, "/") {
		return fmt.Errorf("%s must name the function's stage (got %q)", StageEnv, stage)
	}
	if !strings.HasPrefix(id, prefix) || len(id) == len(prefix) {
		return fmt.Errorf("%s is outside %s: a deployed function reads its own stage's secrets only", id, prefix)
	}
	// The prefix is compared as text, as IAM compares the role's resource patterns: a ".." would pass both and
	// name another stage's path to anything that resolves it, an empty segment a name AWS refuses. contract check
	// refuses them too; a function refuses them before any call.
	for _, seg := range strings.Split(strings.TrimPrefix(id, "/"), "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("%s has an empty, . or .. path segment: a secret's name is its path, as written", id)
		}
	}
	return nil
}
