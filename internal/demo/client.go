package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/handoff-sla/handoff/internal/cli"
	"github.com/handoff-sla/handoff/internal/contract"
)

// client talks to the stack as its users do: the senders (signed webhooks), the reps (the answer page), and the
// person at the demo (the local stack's clock and schedule routes, SES local's store).
type client struct {
	stack, mail string
	c           *contract.Contract
	secrets     map[string]string
	http        *http.Client
	offset      time.Duration // the stack's clock offset, as last set
	seq         atomic.Int64  // delivery IDs (sends may run concurrently)
	retries     atomic.Int64  // deliveries sent again after a 5xx or a broken connection
}

// senderAttempts bounds a sender's tries of one delivery.
const senderAttempts = 8

// newClient is a client of the stack at stack and SES local at mail, signing with secrets (name -> value).
func newClient(stack, mail string, c *contract.Contract, secrets map[string]string) *client {
	return &client{stack: strings.TrimRight(stack, "/"), mail: strings.TrimRight(mail, "/"), c: c, secrets: secrets,
		http: &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Client is the demo's client for the other drivers of a local stack (the bench): posts signed as each source's
// sender signs them, SES local's mails, the stack's idle signal. Safe for concurrent use (the clock aside,
// which it does not move).
type Client struct{ cl *client }

// NewClient is a Client of the stack at stack and SES local at mail, with the local secrets (secrets.ReadSeedFile).
func NewClient(stack, mail string, c *contract.Contract, secrets map[string]string) *Client {
	return &Client{cl: newClient(stack, mail, c, secrets)}
}

// Send posts body to a source's route, signed, and returns the answer's JSON (202 or 200 expected).
func (c *Client) Send(ctx context.Context, source string, body any) (map[string]any, error) {
	return c.cl.send(ctx, source, body)
}

// Mails is every email SES local holds.
func (c *Client) Mails(ctx context.Context) ([]Mail, error) { return c.cl.mails(ctx) }

// Settle waits until the stack is idle (GET /_local/idle).
func (c *Client) Settle(ctx context.Context) error { return c.cl.settle(ctx) }

// now is the stack's clock: what a sender's signature must be stamped with.
func (cl *client) now() time.Time { return time.Now().Add(cl.offset) }

// setClock moves the stack's clock (every function and schedule) so that it reads at now.
func (cl *client) setClock(ctx context.Context, at time.Time) error {
	offset := time.Until(at).Round(time.Millisecond)
	resp, err := cl.do(ctx, http.MethodPost, cl.stack+"/_local/clock?offset="+url.QueryEscape(offset.String()), nil, nil)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return fmt.Errorf("moving the clock: %d %s", resp.status, resp.body)
	}
	cl.offset = offset
	return nil
}

// fire fires a schedule now, as EventBridge Scheduler would at the stack's clock, and waits for its answer.
func (cl *client) fire(ctx context.Context, function, event string) error {
	resp, err := cl.do(ctx, http.MethodPost, cl.stack+"/_local/schedules/"+function+"/"+event, nil, nil)
	if err != nil {
		return err
	}
	if resp.status != http.StatusOK {
		return fmt.Errorf("firing %s/%s: %d %s", function, event, resp.status, resp.body)
	}
	return nil
}

// send posts body to a source's route, signed as the source's sender signs it (cli.Sign, what `handoff send`
// uses), at the stack's clock.
func (cl *client) send(ctx context.Context, source string, body any) (map[string]any, error) {
	src, ok := cl.c.Source(source)
	if !ok {
		return nil, fmt.Errorf("no source %s in the contract", source)
	}
	secret, ok := cl.secrets[src.Secret]
	if !ok {
		return nil, fmt.Errorf("no demo secret for %s (source %s)", src.Secret, source)
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	route := map[contract.SourceKind]string{contract.FormSource: "submissions", contract.ActivitySource: "activities", contract.OutcomeSource: "outcomes"}[src.Kind]
	delivery := fmt.Sprintf("demo_%d_%d", cl.now().Unix(), cl.seq.Add(1))
	// A sender retries a delivery that failed on the way or with a 5xx, under the same delivery ID (the receiver
	// recognises it), as the webhooks' senders do: a few times, backing off.
	var resp answer
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, cl.stack+"/v1/sources/"+source+"/"+route, bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		if err := cli.Sign(req, src.Auth, secret, delivery, cl.now(), data); err != nil {
			return nil, err
		}
		resp, err = cl.roundTrip(req)
		if err == nil && resp.status < 500 {
			break
		}
		if attempt == senderAttempts-1 || ctx.Err() != nil {
			if err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("POST %s: %d %s (after %d attempts)", req.URL.Path, resp.status, resp.body, attempt+1)
		}
		cl.retries.Add(1)
		if err := sleep(ctx, time.Duration(100<<attempt)*time.Millisecond); err != nil {
			return nil, err
		}
	}
	if resp.status != http.StatusAccepted && resp.status != http.StatusOK {
		return nil, fmt.Errorf("POST /v1/sources/%s/%s: %d %s", source, route, resp.status, resp.body)
	}
	var out map[string]any
	_ = json.Unmarshal([]byte(resp.body), &out)
	return out, nil
}

// answer is what a rep does with one button of the SQL email: the browser opens the link (a GET that shows the
// page and changes nothing), then posts the page's form to the same address, with the Origin and Sec-Fetch-Site
// a browser sends for a form of the page itself.
func (cl *client) answer(ctx context.Context, link string, form url.Values) error {
	page, err := cl.do(ctx, http.MethodGet, link, nil, nil)
	if err != nil {
		return err
	}
	if page.status != http.StatusOK {
		return fmt.Errorf("GET the answer page: %d", page.status)
	}
	u, err := url.Parse(link)
	if err != nil {
		return err
	}
	resp, err := cl.do(ctx, http.MethodPost, link, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Origin": u.Scheme + "://" + u.Host, "Sec-Fetch-Site": "same-origin",
	})
	if err != nil {
		return err
	}
	if resp.status != http.StatusSeeOther {
		return fmt.Errorf("POST the answer page: %d %s", resp.status, resp.body)
	}
	return nil
}

// Mail is an email as SES local stored it.
type Mail struct {
	MessageID   string `json:"messageId"`
	Destination struct {
		To []string `json:"to"`
		Cc []string `json:"cc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
	} `json:"body"`
}

// mails is every email SES local holds.
func (cl *client) mails(ctx context.Context) ([]Mail, error) { return cl.mailsSince(ctx, time.Time{}) }

// mailsSince is the emails SES local received at or after since (to the second; all for the zero time).
func (cl *client) mailsSince(ctx context.Context, since time.Time) ([]Mail, error) {
	u := cl.mail + "/store"
	if !since.IsZero() {
		u += "?since=" + strconv.FormatInt(since.Unix(), 10)
	}
	resp, err := cl.do(ctx, http.MethodGet, u, nil, nil)
	if err != nil {
		return nil, err
	}
	if resp.status != http.StatusOK {
		return nil, fmt.Errorf("SES local's store: %d", resp.status)
	}
	var store struct{ Emails []Mail }
	if err := json.Unmarshal([]byte(resp.body), &store); err != nil {
		return nil, fmt.Errorf("SES local's store: %w", err)
	}
	return store.Emails, nil
}

// settle waits until the stack is idle (GET /_local/idle: every stream record finished, no invocation in flight
// or pending, no schedule due): what was sent has been recorded, so that moving the clock (which restarts every
// function) interrupts nothing.
func (cl *client) settle(ctx context.Context) error {
	for {
		resp, err := cl.do(ctx, http.MethodGet, cl.stack+"/_local/idle?wait=30s", nil, nil)
		if err != nil {
			return err
		}
		switch resp.status {
		case http.StatusOK:
			return nil
		case http.StatusServiceUnavailable:
			// Still busy after 30 s (a long retry): ask again until the demo's own deadline.
			if ctx.Err() != nil {
				return fmt.Errorf("the stack is still busy: %s", resp.body)
			}
		default:
			return fmt.Errorf("the stack's idle signal: %d %s", resp.status, resp.body)
		}
	}
}

type answer struct {
	status int
	body   string
}

func (cl *client) do(ctx context.Context, method, u string, body io.Reader, headers map[string]string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return answer{}, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	return cl.roundTrip(req)
}

func (cl *client) roundTrip(req *http.Request) (answer, error) {
	resp, err := cl.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	return answer{status: resp.StatusCode, body: string(b)}, err
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}
