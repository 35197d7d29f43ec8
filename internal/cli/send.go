package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/webhook"
)

const sendUsage = `usage: handoff send --source ID (--data BODY | --file F) [--form] [--id DELIVERY_ID]
                   [--url http://127.0.0.1:3000] [--contract FILE] [--secrets FILE]
  Sign a body the way the source's sender does (now) and post it to the source's route; print the answer.
`

// send signs and posts a webhook, as Typeform, Webflow, Zapier or the site would: the way to try a contract's
// sources against `make run`.
func send(args []string, stdout, stderr io.Writer, now func() time.Time, client *http.Client) int {
	fs := flags("send", sendUsage)
	base := fs.String("url", "http://127.0.0.1:3000", "base URL of the API")
	file := fs.String("contract", "infra/contract/contract.yaml", "contract file")
	secretsFile := fs.String("secrets", "infra/local/secrets.seed", "demo secrets: <reference>=<value> lines, the references as the contract writes them")
	srcID := fs.String("source", "", "source ID (required)")
	data := fs.String("data", "", "body to send")
	bodyFile := fs.String("file", "", "file holding the body to send")
	isForm := fs.Bool("form", false, "send as application/x-www-form-urlencoded instead of JSON")
	id := fs.String("id", "", "delivery ID (default: a new one)")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	problems := extra(fs)
	if *srcID == "" {
		problems = append(problems, "--source is required")
	}
	if (*data == "") == (*bodyFile == "") {
		problems = append(problems, "one of --data and --file is required")
	}
	if len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	body := []byte(*data)
	if *bodyFile != "" {
		var err error
		if body, err = os.ReadFile(*bodyFile); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
	}
	c, err := contract.Load(*file)
	if err != nil {
		return reportLoadError(*file, err, stderr)
	}
	src, ok := c.Source(*srcID)
	if !ok {
		fmt.Fprintf(stderr, "no source %q in %s\n", *srcID, *file)
		return 1
	}
	// The local stack's secrets are the seed file's (it writes them into its SSM and Secrets Manager); an env:
	// reference is read from this shell's environment.
	seed, err := secrets.ReadSeedFile(*secretsFile)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	secret, ok := seed[src.Secret]
	if name, isEnv := strings.CutPrefix(src.Secret, "env:"); isEnv {
		secret, ok = os.LookupEnv(name)
	}
	if !ok || secret == "" {
		fmt.Fprintf(stderr, "no value for %s (source %s): neither in %s nor, for env:, in the environment\n", src.Secret, src.ID, *secretsFile)
		return 1
	}
	route := map[contract.SourceKind]string{contract.FormSource: "submissions", contract.ActivitySource: "activities", contract.OutcomeSource: "outcomes", contract.ContentSource: "content"}[src.Kind]
	at := now()
	if stack, offset, ok := stackClock(client, *base); ok {
		// A local stack whose clock was moved checks signatures' timestamps against its own clock.
		at = stack
		fmt.Fprintf(stderr, "signed at the local stack's clock (%s, offset %s)\n", at.Format(time.RFC3339), offset)
	}
	if *id == "" {
		*id = "cli_" + strconv.FormatInt(at.UnixNano(), 36)
	}
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(*base, "/")+"/v1/sources/"+src.ID+"/"+route, bytes.NewReader(body))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	req.Header.Set("Content-Type", "application/json")
	if *isForm {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if err := Sign(req, src.Auth, secret, *id, at, body); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	resp, err := client.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	fmt.Fprintf(stdout, "%s %s\n%s\n", resp.Status, req.URL.Path, bytes.TrimSpace(answer))
	if resp.StatusCode >= 300 {
		return 1
	}
	return 0
}

// stackClock asks the API whether it is a local stack (make run) whose clock was moved, and for its clock:
// GET /_local/ answers there only. Anything else — AWS, a stack on the real clock, no answer in two seconds — is
// not ok.
func stackClock(client *http.Client, base string) (time.Time, string, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/_local/", nil)
	if err != nil {
		return time.Time{}, "", false
	}
	resp, err := client.Do(req)
	if err != nil {
		return time.Time{}, "", false
	}
	defer resp.Body.Close()
	var d struct {
		Clock       time.Time
		ClockOffset string
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&d) != nil || d.ClockOffset == "" || d.Clock.IsZero() {
		return time.Time{}, "", false
	}
	return d.Clock, d.ClockOffset, true
}

// Sign sets the headers a sender using scheme (a source's auth: standard-webhooks, typeform, webflow,
// shared-secret) puts on a delivery of body with id at instant at, signed with secret (its first value when the
// secret lists several, as during a rotation). `handoff send` and the demo sign with it.
func Sign(req *http.Request, scheme, secret, id string, at time.Time, body []byte) error {
	first := strings.Fields(secret)
	if len(first) == 0 {
		return errors.New("empty secret")
	}
	switch scheme {
	case "standard-webhooks":
		req.Header.Set("Webhook-Id", id)
		req.Header.Set("Webhook-Timestamp", strconv.FormatInt(at.Unix(), 10))
		req.Header.Set("Webhook-Signature", webhook.SignStandard(first[0], id, at, body))
	case "typeform":
		req.Header.Set("Typeform-Signature", webhook.SignTypeform(first[0], body))
	case "webflow":
		ts, sig := webhook.SignWebflow(first[0], at, body)
		req.Header.Set("X-Webflow-Timestamp", ts)
		req.Header.Set("X-Webflow-Signature", sig)
	case "shared-secret":
		req.Header.Set("Authorization", "Bearer "+first[0])
		req.Header.Set("Idempotency-Key", id)
	default:
		return fmt.Errorf("unknown scheme %q", scheme)
	}
	return nil
}
