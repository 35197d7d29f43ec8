package localaws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/secrets"
)

// MotoNotEmulated is what AWS does for secrets that moto's server (5.2.6) does not, said at start by the local
// stack. Checked against moto: GetParameter answers ParameterNotFound for a missing or misspelt name and, for a
// SecureString read without WithDecryption, the still-encrypted value (never the secret); GetSecretValue answers
// ResourceNotFoundException for a missing secret; names starting with aws or ssm are refused.
var MotoNotEmulated = []string{
	"SSM and Secrets Manager (moto): IAM and signatures are not checked (any credentials read any secret: the stage's own-prefix rule is the functions' and contract check's), no KMS key policy, and moto accepts some names AWS refuses (spaces, empty path segments)",
}

// StartMoto starts moto's server (the Python package moto[server], pinned in infra/requirements.txt and
// installed in the project's .venv by `make project-deps`) on a free loopback port and waits until its SSM
// answers: SSM Parameter Store and Secrets Manager (and every other service moto emulates, which nothing here
// calls) on one endpoint, in memory. Measured on a 2-core machine (five starts): its first SSM answer 1.24–1.33 s
// after the start (HTTP answers after ~0.6 s; moto loads its SSM backend on the first call), then writing a
// secret takes ~17 ms; ~200 MB resident. The first start after installing, while Python compiles moto's
// modules, takes a few seconds more.
func StartMoto(ctx context.Context, venv string, logs io.Writer) (*Service, error) {
	bin := filepath.Join(venv, "bin", "moto_server")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s is missing: moto's server (moto[server], infra/requirements.txt) installs with `make project-deps`", bin)
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	s, err := start(ctx, "moto", logs, bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	s.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	err = s.waitReady(ctx, 60*time.Second, func(ctx context.Context) error {
		return call(ctx, s.Endpoint, "ssm", "AmazonSSM.DescribeParameters", map[string]any{"MaxResults": 1})
	})
	if err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// SeedSecrets writes each demo secret (reference -> value, as secrets.ReadSeedFile reads them) into moto at
// endpoint, {stage} replaced by stage: ssm: as a SecureString parameter, secretsmanager: as a secret's
// SecretString. Seeding again overwrites: the local stack restarts against the same values.
func SeedSecrets(ctx context.Context, endpoint, stage string, seed map[string]string) error {
	refs := make([]string, 0, len(seed))
	for ref := range seed {
		refs = append(refs, ref)
	}
	sort.Strings(refs)
	for _, ref := range refs {
		name, err := secrets.Expand(ref, stage)
		if err != nil {
			return fmt.Errorf("seed %s: %w", ref, err)
		}
		if err := PutSecret(ctx, endpoint, name, seed[ref]); err != nil {
			return fmt.Errorf("seed %s: %w", ref, err)
		}
	}
	return nil
}

// PutSecret writes one secret into moto at endpoint under an expanded reference: ssm:/name becomes a SecureString
// parameter (overwritten when it exists), secretsmanager:name a secret (its value replaced when it exists).
func PutSecret(ctx context.Context, endpoint, ref, value string) error {
	kind, name, _ := strings.Cut(ref, ":")
	switch kind {
	case "ssm":
		return call(ctx, endpoint, "ssm", "AmazonSSM.PutParameter", map[string]any{"Name": name, "Value": value, "Type": "SecureString", "Overwrite": true})
	case "secretsmanager":
		err := call(ctx, endpoint, "secretsmanager", "secretsmanager.CreateSecret", map[string]any{"Name": name, "SecretString": value})
		var exists *secrets.APIError
		if errors.As(err, &exists) && exists.Type == "ResourceExistsException" {
			err = call(ctx, endpoint, "secretsmanager", "secretsmanager.PutSecretValue", map[string]any{"SecretId": name, "SecretString": value})
		}
		return err
	}
	return fmt.Errorf("%q is not an ssm: or secretsmanager: reference", ref)
}

// call sends one JSON 1.1 action to moto, signed with the local credentials as the functions sign theirs.
func call(ctx context.Context, endpoint, service, target string, in any) error {
	prefix, action, _ := strings.Cut(target, ".")
	cfg := aws.Config{Region: Region, Credentials: credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, "")}
	return secrets.CallJSON(ctx, cfg, service, prefix, endpoint, action, in, nil)
}
