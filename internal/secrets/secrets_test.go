package secrets

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// parameterStore answers from a map, as SSM's GetParameter would: the resolver's side only (aws_test.go checks
// the calls, moto_test.go the whole path against moto's SSM and Secrets Manager).
type parameterStore map[string]string

func (p parameterStore) fetch(_ context.Context, name string) (string, error) {
	v, ok := p[name]
	if !ok {
		return "", errors.New("ParameterNotFound")
	}
	return v, nil
}

func TestResolve(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ZAP_TOKEN": "from-env"}
	r := Resolver{
		Lookup: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		SSM:    parameterStore{"/handoff/staging/sources/tracking": "from-ssm", "/handoff/sources/site-contact": "unstaged"}.fetch,
		Stage:  "staging",
	}
	got, err := r.Resolve(context.Background(), map[string]string{
		"site-contact": "ssm:/handoff/sources/site-contact",
		"zapier":       "env:ZAP_TOKEN",
		"tracking":     "ssm:/handoff/{stage}/sources/tracking",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"site-contact": "unstaged", "zapier": "from-env", "tracking": "from-ssm"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestResolveNamesEveryFailure(t *testing.T) {
	t.Parallel()
	r := Resolver{Lookup: func(string) (string, bool) { return "", false }, SSM: parameterStore{"/handoff/dev/empty": ""}.fetch, Stage: "dev"}
	_, err := r.Resolve(context.Background(), map[string]string{
		"a": "env:MISSING", "b": "ssm:/handoff/none", "c": "secretsmanager:handoff/x", "d": "vault:x",
		"e": "ssm:/handoff/{env}/x", "f": "ssm:/handoff/{stage/x", "g": "ssm:/handoff/dev/empty",
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"a (env:MISSING): MISSING is not set", "b (ssm:/handoff/none): ParameterNotFound",
		"c (secretsmanager:handoff/x): no secretsmanager client", `d (vault:x): unknown reference kind "vault"`,
		"e (ssm:/handoff/{env}/x): unknown placeholder {env} (the only placeholder is {stage})",
		"f (ssm:/handoff/{stage/x): a '{' with no '}'", "g (ssm:/handoff/dev/empty): /handoff/dev/empty holds an empty value"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestExpand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ ref, stage, want, err string }{
		{"ssm:/handoff/{stage}/sources/crm", "prod", "ssm:/handoff/prod/sources/crm", ""},
		{"secretsmanager:handoff/{stage}/a-{stage}", "dev", "secretsmanager:handoff/dev/a-dev", ""},
		{"ssm:/handoff/sources/crm", "", "ssm:/handoff/sources/crm", ""},
		{"ssm:/handoff/{stage}/x", "", "", "{stage} with no stage: STAGE is not set"},
		{"ssm:/handoff/{Stage}/x", "dev", "", "unknown placeholder {Stage}"},
		{"ssm:/handoff/stage}/x", "dev", "", "a '}' with no '{'"},
	} {
		got, err := Expand(tc.ref, tc.stage)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("Expand(%q, %q) = %q, %v; want error %q", tc.ref, tc.stage, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("Expand(%q, %q) = %q, %v; want %q", tc.ref, tc.stage, got, err, tc.want)
		}
	}
}

// TestConfine: a deployed function's references stay under its stage's prefix; env: is refused. The error names
// the reference.
func TestConfine(t *testing.T) {
	t.Parallel()
	store := parameterStore{"/handoff/prod/sources/crm": "ok", "/handoff/dev/sources/crm": "dev's", "/prod/other-team/db-password": "theirs", "/handoff/prod": "x"}
	r := Resolver{Lookup: func(string) (string, bool) { return "AKIA…", true }, SSM: store.fetch, SecretsManager: store.fetch, Stage: "prod", Confine: true}
	for _, tc := range []struct{ ref, err string }{
		{"ssm:/handoff/{stage}/sources/crm", ""},
		{"ssm:/handoff/dev/sources/crm", "/handoff/dev/sources/crm is outside /handoff/prod/"},
		{"ssm:/prod/other-team/db-password", "/prod/other-team/db-password is outside /handoff/prod/"},
		{"ssm:/handoff/prod", "is outside /handoff/prod/"},
		{"ssm:/handoff/prod/", "/handoff/prod/ is outside /handoff/prod/"},
		{"secretsmanager:/handoff/prod/x", "/handoff/prod/x is outside handoff/prod/"},
		{"secretsmanager:handoff/prodx/y", "is outside handoff/prod/"},
		{"env:AWS_SECRET_ACCESS_KEY", "an env: reference in a deployed function"},
		// Tricks on the prefix: a path climbing out, empty or dot segments, an ARN, another case.
		{"ssm:/handoff/{stage}/../dev/sources/crm", "/handoff/prod/../dev/sources/crm has an empty, . or .. path segment"},
		{"ssm:/handoff/prod//sources/crm", "/handoff/prod//sources/crm has an empty, . or .. path segment"},
		{"secretsmanager:handoff/prod/./x", "handoff/prod/./x has an empty, . or .. path segment"},
		{"ssm:/handoff/prod/sources/..", "has an empty, . or .. path segment"},
		{"secretsmanager:arn:aws:secretsmanager:eu-west-3:111122223333:secret:handoff/prod/x", "is outside handoff/prod/"},
		{"ssm:arn:aws:ssm:eu-west-3:111122223333:parameter/handoff/prod/sources/crm", "is outside /handoff/prod/"},
		{"ssm:/Handoff/prod/sources/crm", "is outside /handoff/prod/"},
	} {
		got, err := r.Resolve(context.Background(), map[string]string{"s": tc.ref})
		if tc.err == "" {
			if err != nil || got["s"] != "ok" {
				t.Errorf("%s: %v %v", tc.ref, got, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "s ("+tc.ref+"): ") || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", tc.ref, err, tc.err)
		}
	}
	r.Stage = ""
	if _, err := r.Resolve(context.Background(), map[string]string{"s": "ssm:/handoff//x"}); err == nil || !strings.Contains(err.Error(), "STAGE must name the function's stage") {
		t.Errorf("no stage: %v", err)
	}
}
