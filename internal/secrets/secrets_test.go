package secrets

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// parameterStore answers from a map, as SSM's GetParameter would (there is no SSM emulator among the project's
// local parts: this checks the resolver's side only).
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
	env := map[string]string{"HANDOFF_SECRET_SITE_CONTACT": "from-override", "ZAP_TOKEN": "from-env"}
	r := Resolver{
		Lookup:    func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		SSM:       parameterStore{"/handoff/sources/tracking": "from-ssm", "/handoff/sources/site-contact": "from-ssm-too"}.fetch,
		Overrides: true,
	}
	got, err := r.Resolve(context.Background(), map[string]string{
		"site-contact": "ssm:/handoff/sources/site-contact", // overridden locally
		"zapier":       "env:ZAP_TOKEN",
		"tracking":     "ssm:/handoff/sources/tracking",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"site-contact": "from-override", "zapier": "from-env", "tracking": "from-ssm"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	// Without Overrides (a deployed function) the variable is not even looked at.
	r.Overrides = false
	if got, err := r.Resolve(context.Background(), map[string]string{"site-contact": "ssm:/handoff/sources/site-contact"}); err != nil || got["site-contact"] != "from-ssm-too" {
		t.Errorf("without overrides: %v %v", got, err)
	}
}

func TestResolveNamesEveryFailure(t *testing.T) {
	t.Parallel()
	r := Resolver{Lookup: func(string) (string, bool) { return "", false }, SSM: parameterStore{}.fetch}
	_, err := r.Resolve(context.Background(), map[string]string{
		"a": "env:MISSING", "b": "ssm:/handoff/none", "c": "secretsmanager:handoff/x", "d": "vault:x",
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"a (env:MISSING): MISSING is not set", "b (ssm:/handoff/none)", "c (secretsmanager:handoff/x): no Secrets Manager client (set HANDOFF_SECRET_C locally)", `d (vault:x): unknown reference kind "vault"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
	if OverrideEnv("webflow-webinar.v2") != "HANDOFF_SECRET_WEBFLOW_WEBINAR_V2" {
		t.Error(OverrideEnv("webflow-webinar.v2"))
	}
}
