package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/handoff-sla/handoff/internal/platform"
)

// FromAWS resolves references once, at cold start, against SSM Parameter Store and Secrets Manager, {stage}
// being the function's STAGE. Every build is confined to its stage's secrets (Resolver.Confine), as the roles
// are in AWS; the local build may also use env: (Resolver.AllowEnv), a deployed one never.
//
// It calls the two actions it needs (SSM GetParameter with decryption, Secrets Manager GetSecretValue) over
// their documented JSON 1.1 protocol, signed with the SDK's Signature Version 4 signer, instead of linking the
// SDK's ssm and secretsmanager clients: their 170 operations' schemas cost every function holding a secret
// 1.5 MB (measured: notify 14.0 MB with them, 12.5 MB without), and a cold start reads one or two values.
// Endpoints: AWS_ENDPOINT_URL_SSM / _SECRETS_MANAGER where platform.Endpoint honours them (the local build, or
// not in Lambda: moto's server, locally), else the region's public endpoint (aws and aws-cn partitions; no FIPS
// endpoints).
func FromAWS(ctx context.Context, cfg aws.Config, refs map[string]string) (map[string]string, error) {
	stage, _ := os.LookupEnv(StageEnv)
	r := Resolver{Lookup: os.LookupEnv, Stage: stage, Confine: true, AllowEnv: platform.LocalSwitches,
		SSM:            jsonAPI{cfg: cfg, service: "ssm", target: "AmazonSSM", url: endpoint(os.LookupEnv, cfg.Region, "ssm", "SSM")}.parameter,
		SecretsManager: jsonAPI{cfg: cfg, service: "secretsmanager", target: "secretsmanager", url: endpoint(os.LookupEnv, cfg.Region, "secretsmanager", "SECRETS_MANAGER")}.secret}
	return r.Resolve(ctx, refs)
}

// CallJSON sends one action of an AWS service that speaks JSON 1.1 (SSM: service "ssm", target "AmazonSSM";
// Secrets Manager: "secretsmanager", "secretsmanager") to url, signed with cfg's credentials and region, with the
// retries FromAWS uses; a refusal is an *APIError. The local stack seeds its demo secrets with it, so they are
// written by the same signed calls that read them.
func CallJSON(ctx context.Context, cfg aws.Config, service, target, url, action string, in, out any) error {
	return jsonAPI{cfg: cfg, service: service, target: target, url: url}.call(ctx, action, in, out)
}

// jsonAPI is one AWS service that speaks JSON 1.1 (x-amz-json-1.1 with X-Amz-Target).
type jsonAPI struct {
	cfg     aws.Config
	service string // the signing name and the endpoint's first label
	target  string // the X-Amz-Target prefix
	url     string // the endpoint
	client  *http.Client
	now     func() time.Time
}

func (a jsonAPI) parameter(ctx context.Context, name string) (string, error) {
	var out struct{ Parameter struct{ Value string } }
	err := a.call(ctx, "GetParameter", map[string]any{"Name": name, "WithDecryption": true}, &out)
	return out.Parameter.Value, err
}

func (a jsonAPI) secret(ctx context.Context, id string) (string, error) {
	var out struct{ SecretString string }
	err := a.call(ctx, "GetSecretValue", map[string]any{"SecretId": id}, &out)
	return out.SecretString, err
}

// endpoint is a service's URL: AWS_ENDPOINT_URL_<env> (or AWS_ENDPOINT_URL) when set, else the region's.
func endpoint(lookup func(string) (string, bool), region, service, env string) string {
	if e := platform.Endpoint(lookup, env); e != nil {
		return *e
	}
	suffix := "amazonaws.com"
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return "https://" + service + "." + region + "." + suffix
}

// APIError is an error the service answered, by its type (ParameterNotFound, ResourceNotFoundException,
// AccessDeniedException…).
type APIError struct {
	Status  int
	Type    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("%s (HTTP %d): %s", e.Type, e.Status, e.Message)
}

// call signs and sends one action, retrying throttling and server errors a few times.
func (a jsonAPI) call(ctx context.Context, action string, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	client, now := a.client, a.now
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	var last error
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(100<<attempt) * time.Millisecond):
			}
		}
		status, payload, err := a.send(ctx, client, now(), action, body)
		if err != nil {
			last = fmt.Errorf("%s %s: %w", a.service, action, err)
			continue
		}
		if status == http.StatusOK {
			if out == nil {
				return nil
			}
			return json.Unmarshal(payload, out)
		}
		var e struct {
			Type    string `json:"__type"`
			Message string `json:"message"`
			Msg     string `json:"Message"`
		}
		_ = json.Unmarshal(payload, &e)
		apiErr := &APIError{Status: status, Type: e.Type[strings.LastIndexByte(e.Type, '#')+1:], Message: e.Message + e.Msg}
		last = fmt.Errorf("%s %s: %w", a.service, action, apiErr)
		if status < 500 && !strings.Contains(apiErr.Type, "Throttl") {
			return last
		}
	}
	return last
}

func (a jsonAPI) send(ctx context.Context, client *http.Client, at time.Time, action string, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", a.target+"."+action)
	if a.cfg.Credentials == nil {
		return 0, nil, errors.New("no credentials")
	}
	creds, err := a.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return 0, nil, err
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), a.service, a.cfg.Region, at); err != nil {
		return 0, nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, payload, err
}
