package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// service answers as SSM and Secrets Manager document: JSON 1.1 with X-Amz-Target, errors as __type and
// message. It checks what each call must carry: the target, the content type, a Signature Version 4
// Authorization for the service and region, the session token, and the body the action takes.
func service(t *testing.T, values map[string]string, throttleFirst bool) *httptest.Server {
	t.Helper()
	throttled := !throttleFirst
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var in map[string]any
		_ = json.Unmarshal(body, &in)
		target := r.Header.Get("X-Amz-Target")
		signingName := map[string]string{"AmazonSSM.GetParameter": "ssm", "secretsmanager.GetSecretValue": "secretsmanager"}[target]
		auth := r.Header.Get("Authorization")
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || signingName == "" ||
			!strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/eu-west-3/"+signingName+"/aws4_request, SignedHeaders=") ||
			!strings.Contains(auth, "x-amz-target") || r.Header.Get("X-Amz-Security-Token") != "session" || r.Header.Get("X-Amz-Date") != "20261127T163000Z" {
			t.Errorf("request %s %v", r.Method, r.Header)
			w.WriteHeader(400)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if !throttled {
			throttled = true
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"__type":"ThrottlingException","message":"Rate exceeded"}`))
			return
		}
		switch target {
		case "AmazonSSM.GetParameter":
			v, ok := values[in["Name"].(string)]
			if !ok || in["WithDecryption"] != true {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"__type":"ParameterNotFound","message":""}`))
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{"Name": in["Name"], "Type": "SecureString", "Value": v, "Version": 3}})
		default:
			v, ok := values[in["SecretId"].(string)]
			if !ok {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}`))
				return
			}
			_ = json.NewEncoder(w).Encode(map[string]any{"ARN": "arn:aws:secretsmanager:eu-west-3:1:secret:" + in["SecretId"].(string), "SecretString": v})
		}
	}))
}

func TestSignedCalls(t *testing.T) {
	t.Parallel()
	srv := service(t, map[string]string{"/handoff/sources/crm": "whsec_x", "handoff/sources/zapier": "tok"}, true)
	defer srv.Close()
	cfg := aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "session")}
	at := func() time.Time { return time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC) }
	ssm := jsonAPI{cfg: cfg, service: "ssm", target: "AmazonSSM", url: srv.URL, client: srv.Client(), now: at}
	sm := jsonAPI{cfg: cfg, service: "secretsmanager", target: "secretsmanager", url: srv.URL, client: srv.Client(), now: at}
	if v, err := ssm.parameter(context.Background(), "/handoff/sources/crm"); err != nil || v != "whsec_x" {
		t.Errorf("parameter = %q, %v (after a throttled first try)", v, err)
	}
	if v, err := sm.secret(context.Background(), "handoff/sources/zapier"); err != nil || v != "tok" {
		t.Errorf("secret = %q, %v", v, err)
	}
	var apiErr *APIError
	if _, err := ssm.parameter(context.Background(), "/nope"); !errors.As(err, &apiErr) || apiErr.Type != "ParameterNotFound" {
		t.Errorf("a missing parameter: %v", err)
	}
	if _, err := sm.secret(context.Background(), "nope"); !errors.As(err, &apiErr) || apiErr.Type != "ResourceNotFoundException" || !strings.Contains(err.Error(), "can't find") {
		t.Errorf("a missing secret: %v", err)
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	none := func(string) (string, bool) { return "", false }
	for region, want := range map[string]string{"eu-west-3": "https://ssm.eu-west-3.amazonaws.com", "cn-north-1": "https://ssm.cn-north-1.amazonaws.com.cn"} {
		if got := endpoint(none, region, "ssm", "SSM"); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}
	local := func(k string) (string, bool) { return "http://127.0.0.1:4583", k == "AWS_ENDPOINT_URL_SSM" }
	if got := endpoint(local, "eu-west-3", "ssm", "SSM"); got != "http://127.0.0.1:4583" {
		t.Errorf("override: %s", got)
	}
}
