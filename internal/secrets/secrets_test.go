package secrets

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// parameterStore answers GetParameter from a map and insists on decryption, as a SecureString needs. There is
// no SSM emulator among the project's local parts; this checks the resolver's side of the call only.
type parameterStore map[string]string

func (p parameterStore) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	if !aws.ToBool(in.WithDecryption) {
		return nil, &ssmtypes.InvalidKeyId{Message: aws.String("a SecureString read without decryption")}
	}
	v, ok := p[aws.ToString(in.Name)]
	if !ok {
		return nil, &ssmtypes.ParameterNotFound{Message: aws.String("not found")}
	}
	return &ssm.GetParameterOutput{Parameter: &ssmtypes.Parameter{Value: aws.String(v)}}, nil
}

func TestResolve(t *testing.T) {
	t.Parallel()
	env := map[string]string{"HANDOFF_SECRET_SITE_CONTACT": "from-override", "ZAP_TOKEN": "from-env"}
	r := Resolver{
		Lookup:    func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		SSM:       parameterStore{"/handoff/sources/tracking": "from-ssm", "/handoff/sources/site-contact": "from-ssm-too"},
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
	r := Resolver{Lookup: func(string) (string, bool) { return "", false }, SSM: parameterStore{}}
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
