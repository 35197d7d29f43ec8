// Package platform is what every Lambda does at cold start: read its environment once, build its logger,
// load the contract, and fail fast (naming every problem) when any of it is wrong.
package platform

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/contract"
)

// ContractEnv names the variable holding the contract's path (/opt/contract.yaml from the layer, in Lambda).
const ContractEnv = "HANDOFF_CONTRACT"

// SenderDomainEnv names the SES-verified domain the contract's sender must belong to ("" skips the check).
const SenderDomainEnv = "SENDER_DOMAIN"

// ClockOffsetEnv shifts the clock of a function (a Go duration such as "72h"), for local demos only
// (`make run ARGS=--clock-offset 72h`): only a binary built with LocalBuildTag honours it.
const ClockOffsetEnv = "HANDOFF_CLOCK_OFFSET"

// FaultsEnv makes a function's own DynamoDB and SES calls fail as AWS's can (throttling, 5xx, transaction
// conflicts, refusals, timeouts after acceptance), at the rates it gives: the local stack sets it for make soak
// (package faults). Only a binary built with LocalBuildTag contains the injector; any other ignores it.
const FaultsEnv = "HANDOFF_FAULTS"

// LocalSwitches reports a build for the local stack (LocalBuildTag), which honours the local-only switches.
const LocalSwitches = localSwitches

// LocalBuildTag is the build tag of the local stack's binaries. Only they honour the local-only switches (the
// clock offset; endpoint overrides inside Lambda, see Endpoint; env: secret references, see package secrets):
// `sam build` never sets it, so a deployed function cannot have its SLA clock shifted, its AWS calls sent
// elsewhere or its secrets read from its environment.
const LocalBuildTag = "handofflocal"

// MissingEnvError names every required variable that is unset or empty.
type MissingEnvError struct{ Keys []string }

func (e *MissingEnvError) Error() string {
	return "missing environment variables: " + strings.Join(e.Keys, ", ")
}

// Env reads the required variables through lookup (os.LookupEnv in Lambda) and reports all missing ones at once.
func Env(lookup func(string) (string, bool), required ...string) (map[string]string, error) {
	out := make(map[string]string, len(required))
	var missing []string
	for _, k := range required {
		v, ok := lookup(k)
		if !ok || strings.TrimSpace(v) == "" {
			missing = append(missing, k)
			continue
		}
		out[k] = v
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, &MissingEnvError{Keys: missing}
	}
	return out, nil
}

// NewLogger returns the function's logger: aws-lambda-go's Lambda log handler, which writes to stdout in the
// format and at the level the template's LoggingConfig gives (AWS_LAMBDA_LOG_FORMAT, AWS_LAMBDA_LOG_LEVEL) and
// adds the request ID of the invocation in the context, so every line of one invocation can be found together.
// Callers log IDs (lead, rep), never emails, names or phone numbers.
func NewLogger(function string) *slog.Logger {
	return slog.New(lambdacontext.NewLogHandler()).With("function", function)
}

// Clock tells the time; handlers take one so that tests and demos control it.
type Clock interface{ Now() time.Time }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the real clock. In a local build (LocalBuildTag) it is shifted by HANDOFF_CLOCK_OFFSET when
// set; any other build ignores the variable.
func SystemClock(lookup func(string) (string, bool)) (Clock, error) {
	v, ok := lookup(ClockOffsetEnv)
	if !ok || v == "" || !localSwitches {
		return ClockFunc(time.Now), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ClockOffsetEnv, err)
	}
	return ClockFunc(func() time.Time { return time.Now().Add(d) }), nil
}

// ignoredSwitches names the local-only variables set in the environment of a build that ignores them: the
// clock offset, and in Lambda the endpoint overrides (see Endpoint).
func ignoredSwitches(lookup func(string) (string, bool), environ []string) []string {
	if localSwitches {
		return nil
	}
	var out []string
	for _, k := range []string{ClockOffsetEnv, FaultsEnv} {
		if v, ok := lookup(k); ok && v != "" {
			out = append(out, k)
		}
	}
	if inLambda(lookup) {
		for _, kv := range environ {
			if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, endpointEnv) {
				out = append(out, k)
			}
		}
	}
	return out
}

// Runtime is what a function's main needs after cold start.
type Runtime struct {
	Env      map[string]string
	Log      *slog.Logger
	Contract *contract.Contract
	Clock    Clock
}

// Start does a function's cold start: the contract variable plus the function's own required variables, the
// contract, the clock. Any failure is returned with every problem named; see MustStart.
func Start(function string, lookup func(string) (string, bool), log *slog.Logger, required ...string) (*Runtime, error) {
	env, envErr := Env(lookup, append([]string{ContractEnv}, required...)...)
	clock, clockErr := SystemClock(lookup)
	if err := errors.Join(envErr, clockErr); err != nil {
		return nil, err
	}
	c, err := contract.Load(env[ContractEnv])
	if err != nil {
		return nil, fmt.Errorf("contract %s: %w", env[ContractEnv], err)
	}
	if err := checkSenderDomain(c, lookup); err != nil {
		return nil, err
	}
	log = log.With("contractVersion", c.Version)
	return &Runtime{Env: env, Log: log, Contract: c, Clock: clock}, nil
}

// checkSenderDomain refuses a contract whose sender SES would reject: better a function that does not start
// at deploy time than SQL emails that fail one by one.
func checkSenderDomain(c *contract.Contract, lookup func(string) (string, bool)) error {
	domain, _ := lookup(SenderDomainEnv)
	domain = strings.ToLower(strings.TrimSpace(domain))
	if domain == "" {
		return nil
	}
	addr := strings.ToLower(c.Sender.Address)
	at := addr[strings.LastIndex(addr, "@")+1:]
	if at != domain && !strings.HasSuffix(at, "."+domain) {
		return fmt.Errorf("contract sender %s is not in the SES-verified domain %s (%s)", at, domain, SenderDomainEnv)
	}
	return nil
}

// MustStart is Start for a Lambda main: on failure it logs why, as one JSON line (every contract problem
// listed), and exits non-zero, so Lambda reports an init error and the function never serves a request.
func MustStart(function string, required ...string) *Runtime {
	log := NewLogger(function)
	rt, err := Start(function, os.LookupEnv, log, required...)
	if err != nil {
		fail(log, err)
	}
	if ignored := ignoredSwitches(os.LookupEnv, os.Environ()); len(ignored) > 0 {
		rt.Log.Warn("local-only variables set and ignored: this is not a local build", "variables", ignored)
	}
	return rt
}

// Must ends a cold start that failed after MustStart (a secret, a client), the same way.
func (rt *Runtime) Must(err error) {
	if err != nil {
		fail(rt.Log, err)
	}
}

func fail(log *slog.Logger, err error) {
	attrs := []any{"error", err.Error()}
	var verr *contract.ValidationError
	if errors.As(err, &verr) {
		problems := make([]string, len(verr.Problems))
		for i, p := range verr.Problems {
			problems[i] = p.String(verr.File)
		}
		attrs = append(attrs, "problems", problems)
	}
	log.Error("cold start failed: refusing to serve", attrs...)
	os.Exit(1)
}

// AWS is the one AWS configuration of a function, from what Lambda puts in its environment: the region
// (AWS_REGION) and the execution role's credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_SESSION_TOKEN), which stay valid for the life of the execution environment. That is what the SDK's
// config.LoadDefaultConfig finds in Lambda too; building it here spares every function its profile, SSO and STS
// machinery (about 1.7 MB of binary and its cold start). Service endpoints come from the standard
// AWS_ENDPOINT_URL_<SERVICE> variables where Endpoint honours them (the local build, tests), never from the SDK's
// own reading of them (the configuration has no ConfigSources). Every missing variable is named.
func (rt *Runtime) AWS() aws.Config {
	cfg, err := AWSFromEnv(os.LookupEnv)
	rt.Must(err)
	return cfg
}

// AWSFromEnv builds the configuration from an environment; see Runtime.AWS.
func AWSFromEnv(lookup func(string) (string, bool)) (aws.Config, error) {
	env, err := Env(lookup, "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
	if err != nil {
		return aws.Config{}, err
	}
	token, _ := lookup("AWS_SESSION_TOKEN")
	// The local build's fault injector, when FaultsEnv asks for it; nothing in any other build.
	opts, err := localAPIOptions(lookup)
	if err != nil {
		return aws.Config{}, err
	}
	return aws.Config{
		Region:      env["AWS_REGION"],
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], token)),
		APIOptions:  opts,
	}, nil
}

// endpointEnv starts the variables naming a service's endpoint (the SDK's convention): AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE>.
const endpointEnv = "AWS_ENDPOINT_URL"

// inLambda reports an execution environment of Lambda, which always sets AWS_LAMBDA_FUNCTION_NAME (a reserved
// variable: a function's configuration cannot set or unset it).
func inLambda(lookup func(string) (string, bool)) bool {
	v, ok := lookup("AWS_LAMBDA_FUNCTION_NAME")
	return ok && v != ""
}

// Endpoint is the endpoint a service's client must use instead of AWS's own, from AWS_ENDPOINT_URL_<SERVICE>
// (service as the SDK names it: DYNAMODB, SESV2, SSM, SECRETS_MANAGER) or AWS_ENDPOINT_URL; nil when neither is
// set, and nil in a deployed function: the variables are honoured only by the local build (LocalBuildTag: the
// local stack's functions, pointed at DynamoDB Local, SES local and moto) and outside Lambda (tests, which run
// handlers in-process without the tag against the same local servers). In Lambda a build without the tag
// always calls AWS's own endpoints, whatever its configuration says: a variable set by mistake or by someone
// who may edit the function's configuration cannot send its data or its secrets' requests elsewhere.
//
// It is the only place a function's clients take an endpoint from: AWSFromEnv's configuration has no
// ConfigSources, so the SDK's own reading of AWS_ENDPOINT_URL* (config.LoadDefaultConfig's) never happens.
func Endpoint(lookup func(string) (string, bool), service string) *string {
	if !localSwitches && inLambda(lookup) {
		return nil
	}
	for _, k := range []string{endpointEnv + "_" + service, endpointEnv} {
		if v, ok := lookup(k); ok && strings.TrimSpace(v) != "" {
			v = strings.TrimSpace(v)
			return &v
		}
	}
	return nil
}

// PublicBaseURL is where links in emails point: https://<PUBLIC_DOMAIN> when the deployment has a custom
// domain, else the API's own URL (given).
func PublicBaseURL(apiURL string, lookup func(string) (string, bool)) string {
	if d, ok := lookup("PUBLIC_DOMAIN"); ok && strings.TrimSpace(d) != "" {
		return "https://" + strings.TrimSpace(d)
	}
	return apiURL
}
