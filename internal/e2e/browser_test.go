// Package e2e runs the whole pipeline on the local stack — the real function binaries, DynamoDB Local, SES
// local — and answers an SQL email in a real browser (Debian's Chromium, driven by chromedp).
package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/chromedp/chromedp"

	"errors"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/samlocal"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

var screenshots = flag.String("screenshots", "", "also write the screenshots to this folder (make screenshots)")

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES(), testenv.WithSecrets()) }

type stack struct {
	*samlocal.Stack
	t        *testing.T
	tables   map[string]string
	contract *contract.Contract
	handoffs *store.Handoffs
	offset   time.Duration       // the stack's clock offset (setClock)
	logs     *testenv.SyncBuffer // every log line of the stack and its functions
}

// secret is the demo value of a reference of the stack's contract: what the functions read from moto at cold
// start, and what a sender signs with.
func (s *stack) secret(ref string) string { return testenv.DemoSecret(s.t, ref) }

// sourceSecret is a source's demo secret.
func (s *stack) sourceSecret(source string) string {
	src, ok := s.contract.Source(source)
	if !ok {
		s.t.Fatalf("no source %s in the contract", source)
	}
	return s.secret(src.Secret)
}

// now is the stack's clock: what the functions read, and what a sender's signature must be stamped with.
func (s *stack) now() time.Time { return time.Now().Add(s.offset) }

// setClock moves the stack's clock (schedules and functions) so that it reads at now.
func (s *stack) setClock(at time.Time) {
	s.t.Helper()
	s.offset = time.Until(at)
	if err := s.SetClockOffset(s.offset); err != nil {
		s.t.Fatal(err)
	}
}

// startStack runs the project's template locally with the example contract in a locale, with each pair of
// replace (old, new) applied to the contract's text.
func startStack(t *testing.T, locale string, replace ...string) *stack {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.Root(), "infra", "contract", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c := filepath.Join(t.TempDir(), "contract.yaml")
	data = bytes.Replace(data, []byte("locale: fr"), []byte("locale: "+locale), 1)
	for i := 0; i+1 < len(replace); i += 2 {
		data = bytes.Replace(data, []byte(replace[i]), []byte(replace[i+1]), 1)
	}
	if err := os.WriteFile(c, data, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"HANDOFF_CONTRACT": c}
	names := testenv.Tables(t)
	logs := &testenv.SyncBuffer{}
	s, err := samlocal.Start(context.Background(), samlocal.Options{
		Root: testenv.Root(), Template: testenv.Template(), TableNames: names, ExtraEnv: env,
		BuildTags:      []string{platform.LocalBuildTag}, // the clock offset and the endpoint overrides are local-only
		ClockOffsetEnv: platform.ClockOffsetEnv,
		DynamoEndpoint: testenv.DynamoEndpoint(t), SESEndpoint: testenv.SESEndpoint(t), SecretsEndpoint: testenv.SecretsEndpoint(t),
		StateDir:     t.TempDir(),
		PollInterval: 50 * time.Millisecond, Logs: io.MultiWriter(testenv.LogWriter(t), logs),
		// Lambda waits a minute, then two, before retrying a failed asynchronous invocation (a scheduled run cut
		// by a clock move): the tests wait for the stack to be idle, which includes those retries.
		AsyncRetryDelay: func(attempt int) time.Duration { return 200 * time.Millisecond << attempt },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	ct, err := contract.Load(c)
	if err != nil {
		t.Fatal(err)
	}
	return &stack{Stack: s, t: t, tables: names, contract: ct, logs: logs,
		handoffs: store.NewHandoffs(testenv.DynamoDB(t), store.TablesFrom(testenv.TableEnv(t, names), ct))}
}

// post sends a body the way a Standard Webhooks sender would.
func (s *stack) post(source, route, id, body string) map[string]any {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.URL()+"/v1/sources/"+source+"/"+route, strings.NewReader(body))
	now := s.now()
	secret := s.sourceSecret(source)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Webhook-Id", id)
	req.Header.Set("Webhook-Timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("Webhook-Signature", webhook.SignStandard(secret, id, now, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != 202 {
		s.t.Fatalf("POST %s: %d %v", route, resp.StatusCode, out)
	}
	return out
}

func (s *stack) lead(id string) map[string]types.AttributeValue {
	s.t.Helper()
	out, err := testenv.DynamoDB(s.t).GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(s.tables["LeadsTable"]), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "LEAD#" + id}, "sk": &types.AttributeValueMemberS{Value: "#PROFILE"}}})
	if err != nil {
		s.t.Fatal(err)
	}
	return out.Item
}

// handoff is the lead's latest hand-off (zero when there is none).
func (s *stack) handoff(id string) handoff.Handoff {
	s.t.Helper()
	h, err := s.handoffs.Latest(context.Background(), id)
	if err != nil && !errors.Is(err, handoff.ErrNotFound) {
		s.t.Fatal(err)
	}
	return h
}

var str = testenv.Attr

// idle waits until the stack is idle (samlocal's WaitIdle: every stream record finished, no invocation in flight
// or pending, no schedule due): then what the tests read is all that will arrive, and "exactly one email" means
// it. A duplicate sent late keeps the stack busy until it is sent, so it is counted.
func (s *stack) idle() {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	if err := s.WaitIdle(ctx); err != nil {
		s.t.Fatal(err)
	}
}

// mails waits for n emails about company, then for the stack to be idle, and fails unless there are exactly n:
// a duplicate, even a late one, is counted.
func (s *stack) mails(t *testing.T, company string, n int) []testenv.Mail {
	t.Helper()
	waitFor(t, fmt.Sprintf("%d emails", n), func() bool { return len(testenv.Mails(t, company)) >= n })
	s.idle() // nothing more arrives
	m := testenv.Mails(t, company)
	if len(m) != n {
		t.Fatalf("%d emails, want %d: %v", len(m), n, subjects(m))
	}
	return m
}

// waitFor polls for something expected to arrive, for at most a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("the browser test needs Debian's chromium (apt-get install chromium; .ci/run and make deps install it)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(800, 1100))
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	// No timeout on the browser's own context (it would stop the browser); each step gets one below.
	ctx, cancel2 := chromedp.NewContext(alloc)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// openEmail shows an email's HTML part in the browser, from a file as a mail client would (nothing to fetch).
func openEmail(t *testing.T, ctx context.Context, html string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "email.html")
	if err := os.WriteFile(file, []byte(html), 0o600); err != nil {
		t.Fatal(err)
	}
	sctx, cancel := step(ctx)
	defer cancel()
	if err := chromedp.Do(sctx, chromedp.Navigate("file://"+file), chromedp.WaitVisible(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
}

// step bounds one browser action.
func step(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, 30*time.Second)
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100)) // 100: PNG; below, JPEG
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{t.TempDir(), *screenshots} {
		if dir == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(png) < 1000 {
		t.Errorf("screenshot %s is %d bytes", name, len(png))
	}
}

// overflowJS names the controls of the answer form whose box runs past the form's, and says when the page is
// wider than the window ("" when none).
const overflowJS = `(() => {
  const form = document.querySelector('#answer').getBoundingClientRect();
  const out = [...document.querySelectorAll('#answer select, #answer textarea, #answer fieldset, #answer button')]
    .filter(e => e.getBoundingClientRect().right > form.right + 0.5 || e.getBoundingClientRect().left < form.left - 0.5)
    .map(e => e.tagName.toLowerCase());
  if (document.documentElement.scrollWidth > document.documentElement.clientWidth) out.push('the page');
  return out.join(', ');
})()`

// TestSQLEmailAnsweredInABrowser: a form and a demo request make an SQL; the rep's email arrives in SES local;
// Chromium opens its link (a GET that changes nothing), fills the form, posts it, and sees the confirmation.
func TestSQLEmailAnsweredInABrowser(t *testing.T) {
	for _, tc := range []struct {
		locale, action, done string
		recorded             func(handoff.Handoff) bool
	}{
		{"fr", "contacted", "C'est enregistré. Merci !", func(h handoff.Handoff) bool { return h.Contacted() }},
		{"en", "reject", "Saved. Thank you!", func(h handoff.Handoff) bool { return h.Answered() }},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			s := startStack(t, tc.locale)
			email := fmt.Sprintf("claire.%s@acme-industrie.fr", tc.locale)
			out := s.post("site-contact", "submissions", "f-"+tc.locale, `{"E-mail professionnel":"`+email+`","Prénom":"Claire","Nom":"Dubois","Société":"ACME Industrie","Fonction":"Directrice technique","Effectif":"250-499","Pays":"France"}`)
			id := out["leadId"].(string)
			s.post("tracking", "activities", "t-"+tc.locale, `{"email":"`+email+`","type":"demo_request"}`)

			var mail testenv.Mail
			waitFor(t, "the SQL email", func() bool {
				m := testenv.Mails(t, id)
				if len(m) == 1 {
					mail = m[0]
				}
				return len(m) == 1
			})
			var link string
			for _, line := range strings.Split(mail.Body.Text, "\n") {
				if i := strings.Index(line, "http"); i >= 0 && strings.Contains(line, "/v1/feedback/") && link == "" {
					if (tc.action == "contacted" && (strings.Contains(line, "contacté") || strings.Contains(line, "contacted"))) ||
						(tc.action == "reject" && (strings.Contains(line, "rejette") || strings.Contains(line, "reject"))) {
						link = strings.TrimSpace(line[i:])
					}
				}
			}
			if !strings.HasPrefix(link, s.URL()+"/v1/feedback/") {
				t.Fatalf("no %s link to the local API in:\n%s", tc.action, mail.Body.Text)
			}
			if tc.locale == "fr" { // as the stack scored, routed and sent it: French, every score line included
				wordstest.French(t, "SQL email through the stack (subject)", mail.Subject)
				wordstest.French(t, "SQL email through the stack (text)", mail.Body.Text)
				wordstest.French(t, "SQL email through the stack (html)", mail.Body.HTML)
				if !strings.Contains(mail.Body.Text, "A demandé une démo le ") {
					t.Errorf("the hand-raiser's line is not in the email:\n%s", mail.Body.Text)
				}
			}

			ctx := browser(t)
			// The email itself, as a rep would see it.
			openEmail(t, ctx, mail.Body.HTML)
			shot(t, ctx, "sql-email-"+tc.locale)

			sctx, cancel := step(ctx)
			defer cancel()

			if err := chromedp.Do(sctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#answer"))); err != nil {
				t.Fatal(err)
			}
			if h := s.handoff(id); tc.recorded(h) {
				t.Fatalf("opening the link recorded the answer: %+v", h)
			}
			shot(t, ctx, "feedback-"+tc.action+"-"+tc.locale)
			// Laid out at a desktop's width and a phone's: every control within the form, nothing wider than the page.
			for _, width := range []int64{800, 375} {
				if err := chromedp.Do(sctx, chromedp.EmulateViewport(width, 900)); err != nil {
					t.Fatal(err)
				}
				overflow, err := chromedp.Run(sctx, chromedp.Evaluate[string](overflowJS))
				if err != nil {
					t.Fatal(err)
				}
				if overflow != "" {
					t.Errorf("the %s page at %d px: %s runs past the form or the page", tc.action, width, overflow)
				}
			}
			if err := chromedp.Do(sctx, chromedp.EmulateViewport(800, 1100)); err != nil {
				t.Fatal(err)
			}
			fill := chromedp.Click(chromedp.CSS(`input[value="phone"]`))
			if tc.action == "reject" {
				fill = chromedp.Steps(chromedp.SetValue(chromedp.CSS(`select[name="reason"]`), "no_budget"),
					chromedp.SendKeys(chromedp.CSS(`textarea[name="comment"]`), "Budget frozen until March"))
			}
			if err := chromedp.Do(sctx, fill, chromedp.Click(chromedp.CSS(`button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS("#done"))); err != nil {
				t.Fatal(err)
			}
			done, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS("#done")))
			if err != nil {
				t.Fatal(err)
			}
			if done != tc.done {
				t.Errorf("confirmation = %q, want %q", done, tc.done)
			}
			shot(t, ctx, "feedback-"+tc.action+"-done-"+tc.locale)
			if h := s.handoff(id); !tc.recorded(h) {
				t.Errorf("the answer was not recorded: %+v", h)
			}
			if tc.action == "reject" {
				// The score function reads the answer from the activities stream: the SQL is now rejected.
				waitFor(t, "the rejected stage", func() bool { return str(s.lead(id), "stage") == "rejected" })
			}
		})
	}
}
