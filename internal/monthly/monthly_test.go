package monthly

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/report/records"
	"github.com/handoff-sla/handoff/internal/report/reporttest"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

var (
	july = contract.Month{Year: 2026, Month: time.July}
	// scheduled is what the template's schedule sends on 1 August 2026, 08:00 in Paris.
	scheduled = `{"scheduledTime":"2026-08-01T06:00:00Z"}`
	runs      atomic.Int64
)

// fixture is a Reporter on fresh tables (the hand-computed July seeded, unless asked otherwise) and SES local,
// under the July contract with a company name of its own (the marker its emails are found by).
type fixture struct {
	t       *testing.T
	c       *contract.Contract
	marker  string
	reports *store.Reports
	r       *Reporter
	proc    *process // r's process: a test makes it die at a step (crashAt)
	mu      sync.Mutex
	now     time.Time
}

func newFixture(t *testing.T, seed bool) *fixture {
	t.Helper()
	marker := fmt.Sprintf("run%d-%d", time.Now().UnixNano()%1e6, runs.Add(1))
	c, err := contract.Parse("july.yaml", []byte(strings.Replace(reporttest.JulyContract, "company: Test & Fils <SAS>", "company: Test & Fils "+marker, 1)))
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	tables := store.TablesFrom(testenv.TableEnv(t, names), c)
	db := testenv.DynamoDB(t)
	if seed {
		if err := storetest.Seed(context.Background(), db, tables, reporttest.July(), 4); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{t: t, c: c, marker: marker, reports: store.NewReports(db, tables), now: reporttest.At("2026-08-01 08:00").Add(5 * time.Second)}
	f.proc = &process{}
	f.r = New(c, store.NewMonths(db, tables), &dyingReports{Reports: f.reports, p: f.proc}, &dyingSender{next: ses.New(ses.NewClient(testenv.SESConfig(t))), p: f.proc},
		f.clock, testenv.Logger(t))
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// invoke runs the handler as Lambda would for a request ID (the same on Lambda's retries of an invocation).
func (f *fixture) invoke(requestID, payload string) (Outcome, error) {
	f.proc.start()
	ctx := lambdacontext.NewContext(testenv.AsFunction(context.Background(), "ReportFunction"), &lambdacontext.LambdaContext{AwsRequestID: requestID})
	return f.r.Handle(ctx, []byte(payload))
}

func (f *fixture) mustInvoke(requestID, payload string) Outcome {
	f.t.Helper()
	out, err := f.invoke(requestID, payload)
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

func (f *fixture) mails() []testenv.Mail {
	f.t.Helper()
	return testenv.Mails(f.t, f.marker)
}

func (f *fixture) record() records.Stored {
	f.t.Helper()
	st, err := f.reports.Get(context.Background(), july, true)
	if err != nil {
		f.t.Fatal(err)
	}
	return st
}

// TestScheduleFiredTwiceSendsOnce: the schedule's notification delivered twice (two invocations) stores July's
// report once and sends it once; the second run changes nothing, the stored report included.
func TestScheduleFiredTwiceSendsOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	first := f.mustInvoke("req-1", scheduled)
	if first.Status != StatusSent || first.Month != "2026-07" || first.MessageID == "" || first.SQLs != 7 ||
		!first.AsOf.Equal(time.Date(2026, 8, 1, 6, 0, 0, 0, time.UTC)) {
		t.Errorf("first run: %+v", first)
	}
	stored := f.record()
	f.advance(time.Hour)
	second := f.mustInvoke("req-2", scheduled)
	if second.Status != StatusAlreadySent || second.Digest != first.Digest {
		t.Errorf("second run: %+v", second)
	}
	if n := len(f.mails()); n != 1 {
		t.Fatalf("%d emails, want 1", n)
	}
	after := f.record()
	if !bytes.Equal(after.Figures, stored.Figures) || after.Digest != stored.Digest || after.Version != stored.Version ||
		!after.AsOf.Equal(stored.AsOf) || !after.ComputedAt.Equal(stored.ComputedAt) {
		t.Errorf("the second run changed the stored report: version %d -> %d", stored.Version, after.Version)
	}
	if after.Mail.Status != outbox.MailSent || after.Mail.MessageID != first.MessageID || after.MailBy != "req-1" || after.Resends != 0 {
		t.Errorf("record = %+v", after)
	}
	// The stored figures are the fixture's report as of the schedule's instant.
	in := reporttest.AsRead(reporttest.July()) // as seeded: every SQL email sent
	in.AsOf = first.AsOf
	want, _ := report.Encode(report.Compute(f.c, in))
	got, _ := report.Decode(after.Figures)
	if fixture, _ := report.Decode(want); !equalEmails(t, got, fixture) {
		t.Error("the stored report is not the fixture's")
	}
}

func equalEmails(t *testing.T, a, b report.Report) bool {
	t.Helper()
	ea, err := report.Render(a)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := report.Render(b)
	if err != nil {
		t.Fatal(err)
	}
	return ea.HTML == eb.HTML && ea.Text == eb.Text && bytes.Equal(ea.Attachments[0].Data, eb.Attachments[0].Data)
}

var cidRef = regexp.MustCompile(`cid:[^"' >]+`)

// TestEmailReadBackFromSESLocal: the report's email as SES local stored it — the subject, the text part, the
// HTML with both charts (each cid: the HTML names answered by an inline PNG with that Content-ID: SES local's
// parser resolves them to data: URLs), and the CSV attached — to leadership, marketing ops in copy.
func TestEmailReadBackFromSESLocal(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	out := f.mustInvoke("req-1", scheduled)
	mails := f.mails()
	if len(mails) != 1 {
		t.Fatalf("%d emails", len(mails))
	}
	m := mails[0]
	rep, err := report.Decode(f.record().Figures)
	if err != nil {
		t.Fatal(err)
	}
	e, err := report.Render(rep)
	if err != nil {
		t.Fatal(err)
	}
	if m.MessageID != out.MessageID || m.Subject != "Rapport SLA marketing–ventes de Test & Fils "+f.marker+" : juillet 2026" || m.Body.Text != e.Text {
		t.Errorf("stored: %q, %q", m.MessageID, m.Subject)
	}
	if strings.Join(m.Destination.To, ",") != "boss@test.fr" || len(m.Destination.Cc) != 0 || !strings.Contains(m.From, "sla@test.fr") {
		t.Errorf("from %q to %q cc %q", m.From, m.Destination.To, m.Destination.Cc)
	}
	refs := cidRef.FindAllString(e.HTML, -1)
	if len(refs) != 2 || len(e.Inline) != 2 {
		t.Fatalf("the report's HTML names %d images, has %d inline parts", len(refs), len(e.Inline))
	}
	var pngs, csvs int
	for _, a := range m.Attachments {
		switch {
		case a.ContentType == "image/png":
			pngs++
			if "cid:"+a.ContentID != refs[0] && "cid:"+a.ContentID != refs[1] || !a.Related || !bytes.HasPrefix(a.Content, []byte("\x89PNG")) {
				t.Errorf("image %q (cid %q) is not one the HTML shows", a.Filename, a.ContentID)
			}
			if !strings.Contains(m.Body.HTML, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(a.Content)) {
				t.Errorf("image %q is not where the HTML shows it", a.Filename)
			}
		case a.Filename == "handoff-sla-2026-07-sqls.csv":
			csvs++
			if !bytes.Equal(a.Content, e.Attachments[0].Data) || a.ContentDisposition != "attachment" {
				t.Errorf("the CSV stored differs (%d bytes, %s)", len(a.Content), a.ContentDisposition)
			}
		default:
			t.Errorf("unexpected part %q %q", a.Filename, a.ContentType)
		}
	}
	if pngs != 2 || csvs != 1 || strings.Contains(m.Body.HTML, "cid:") {
		t.Errorf("%d PNGs, %d CSVs; the HTML keeps an unresolved cid: %v", pngs, csvs, strings.Contains(m.Body.HTML, "cid:"))
	}
	for _, w := range []string{"Engagement du marketing", "7 / 5", "Entonnoir partagé", "Escalades"} {
		if !strings.Contains(m.Body.HTML, w) || !strings.Contains(strings.ToLower(m.Body.Text), strings.ToLower(w)) {
			t.Errorf("the stored email lacks %q", w)
		}
	}
}

// TestResendSendsExactlyOneMore: an explicit re-send sends one more copy, saying so, counted on the record; the
// same request delivered again sends nothing; another request sends one more again.
func TestResendSendsExactlyOneMore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.mustInvoke("req-1", scheduled)
	stored := f.record()
	resend := `{"month":"2026-07","resend":true}`
	out := f.mustInvoke("req-2", resend)
	if out.Status != StatusResent || out.Resends != 1 || out.MessageID == "" {
		t.Errorf("re-send: %+v", out)
	}
	if again := f.mustInvoke("req-2", resend); again.Status != StatusResent || again.MessageID != "" {
		t.Errorf("the same re-send request again: %+v", again)
	}
	mails := f.mails()
	if len(mails) != 2 {
		t.Fatalf("%d emails after one re-send, want 2", len(mails))
	}
	if !strings.Contains(mails[1].Body.Text, "copie n° 1") || strings.Contains(mails[0].Body.Text, "copie n°") {
		t.Error("the re-sent copy does not say so (or the first one does)")
	}
	f.mustInvoke("req-3", resend)
	st := f.record()
	if n := len(f.mails()); n != 3 || st.Resends != 2 || st.Resend.Status != outbox.MailSent || st.ResendBy != "req-3" {
		t.Errorf("after a second re-send: %d emails, %+v", n, st)
	}
	if !bytes.Equal(st.Figures, stored.Figures) || st.Mail.MessageID != stored.Mail.MessageID {
		t.Error("a re-send changed the stored report or the month's email")
	}
	// Without resend, a month sent is not sent again.
	if out := f.mustInvoke("req-4", `{"month":"2026-07"}`); out.Status != StatusAlreadySent || len(f.mails()) != 3 {
		t.Errorf("on demand without resend: %+v", out)
	}
}

// crashAt makes the reporter's process die at a step, once, as a crash there would.
func (f *fixture) crashAt(step string) { f.proc.crashAt(step) }

// process stands for the reporter's process, from outside it (the reporter has no crash hook): at the armed
// step it dies, and from then on every call it makes to DynamoDB or SES fails and changes nothing, until the
// next invocation starts (start) — so nothing it does after the step (an error path, a settlement) records
// anything, as after a real crash. The steps: "stored" (the report of record is stored, its email claimed),
// "gate" (the email passed its gate), "sent" (SES accepted it; no confirmation).
type process struct {
	mu   sync.Mutex
	step string
	dead bool
}

func (p *process) crashAt(step string) { p.mu.Lock(); p.step = step; p.mu.Unlock() }
func (p *process) start()              { p.mu.Lock(); p.dead = false; p.mu.Unlock() }

// check fails the calls of a dead process.
func (p *process) check() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead {
		return errors.New("the process is dead")
	}
	return nil
}

// reached dies at the armed step.
func (p *process) reached(step string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.step != step || p.dead {
		return nil
	}
	p.step, p.dead = "", true
	return errors.New("crash at " + step)
}

type dyingReports struct {
	Reports
	p *process
}

func (r *dyingReports) Create(ctx context.Context, st records.Stored) (records.Stored, error) {
	if err := r.p.check(); err != nil {
		return st, err
	}
	out, err := r.Reports.Create(ctx, st)
	if err == nil {
		err = r.p.reached("stored")
	}
	return out, err
}

func (r *dyingReports) Get(ctx context.Context, m contract.Month, withFigures bool) (records.Stored, error) {
	if err := r.p.check(); err != nil {
		return records.Stored{}, err
	}
	return r.Reports.Get(ctx, m, withFigures)
}

func (r *dyingReports) Update(ctx context.Context, m contract.Month, change func(*records.Stored) error) (records.Stored, error) {
	if err := r.p.check(); err != nil {
		return records.Stored{}, err
	}
	gated := false
	out, err := r.Reports.Update(ctx, m, func(s *records.Stored) error {
		before := s.Mail.Status
		err := change(s)
		gated = before == outbox.MailClaimed && s.Mail.Status == outbox.MailSending
		return err
	})
	if err == nil && gated {
		err = r.p.reached("gate")
	}
	return out, err
}

type dyingSender struct {
	next Sender
	p    *process
}

func (s *dyingSender) Send(ctx context.Context, m email.Message) (string, error) {
	if err := s.p.check(); err != nil {
		return "", err
	}
	id, err := s.next.Send(ctx, m)
	if err == nil {
		if crash := s.p.reached("sent"); crash != nil {
			return "", crash
		}
	}
	return id, err
}

// TestCrashes: where a run stops, and what the next one does (the README's table).
func TestCrashes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		step string
		// the next run: by Lambda's retry of the same invocation, or by another invocation (a second firing)
		sameRequest bool
		later       time.Duration // how long after the crash
		want        int           // emails in all
		duplicate   bool          // the email sent after the crash says it may be a duplicate
	}{
		// The report is stored, its email claimed, not sent: any next run sends it.
		{step: "stored", want: 1},
		{step: "stored", sameRequest: true, want: 1},
		// Through the gate, not handed to SES: Lambda's retry sends it, saying it may be a duplicate (it cannot
		// know it did not leave); another invocation leaves it to its sender while that may be alive, and sends
		// it once that sender is surely dead.
		{step: "gate", sameRequest: true, want: 1, duplicate: true},
		{step: "gate", want: 0},
		{step: "gate", later: AbandonedAfter, want: 1, duplicate: true},
		// SES accepted it, the confirmation was not written: the retry sends a second copy, which says so.
		{step: "sent", sameRequest: true, want: 2, duplicate: true},
	} {
		name := fmt.Sprintf("%s/same=%v/later=%s", tc.step, tc.sameRequest, tc.later)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, true)
			f.crashAt(tc.step)
			if _, err := f.invoke("req-1", scheduled); err == nil || !strings.Contains(err.Error(), "crash at") {
				t.Fatalf("the crashed run: %v", err)
			}
			f.advance(tc.later + time.Minute)
			next := "req-2"
			if tc.sameRequest {
				next = "req-1"
			}
			out := f.mustInvoke(next, scheduled)
			mails := f.mails()
			if len(mails) != tc.want {
				t.Fatalf("%d emails, want %d (%+v)", len(mails), tc.want, out)
			}
			st := f.record()
			if tc.want == 0 {
				if out.Status != StatusInProgress || st.Mail.Status != outbox.MailSending {
					t.Errorf("left to its sender: %+v, %+v", out, st.Mail)
				}
				return
			}
			last := mails[len(mails)-1]
			if said := strings.Contains(last.Body.Text, "peut-être déjà reçu"); said != tc.duplicate {
				t.Errorf("the email sent after the crash says it may be a duplicate: %v, want %v", said, tc.duplicate)
			}
			if st.Mail.Status != outbox.MailSent || st.Mail.PossibleDuplicate != tc.duplicate || out.Status != StatusSent {
				t.Errorf("record %+v, outcome %+v", st.Mail, out)
			}
			// And a further run sends nothing more.
			f.mustInvoke("req-9", scheduled)
			if n := len(f.mails()); n != tc.want {
				t.Errorf("a further run sent again: %d emails", n)
			}
		})
	}
}

// TestSESUnreachable: when SES cannot be reached (its connection never made, after the SDK's retries) nothing
// left: the email is claimed again and the run fails; Lambda's retry of the invocation, SES back, sends it — not
// marked as a possible duplicate, since none can have left.
func TestSESUnreachable(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	working := f.r.sender
	f.r.sender = ses.New(ses.NewClient(aws.Config{Region: "eu-west-3", Credentials: credentials.NewStaticCredentialsProvider("local", "local", "")},
		aws.String("http://127.0.0.1:1")))
	if _, err := f.invoke("req-1", scheduled); !errors.Is(err, outbox.ErrUnavailable) {
		t.Fatalf("a run whose email could not reach SES: %v, want outbox.ErrUnavailable", err)
	}
	if st := f.record(); st.Mail.Status != outbox.MailClaimed || st.Mail.Attempts != 1 {
		t.Errorf("after SES unreachable: %+v, want claimed again", st.Mail)
	}
	f.r.sender = working
	f.advance(time.Minute)
	if out := f.mustInvoke("req-1", scheduled); out.Status != StatusSent || len(f.mails()) != 1 {
		t.Errorf("the retry: %+v, %d emails", out, len(f.mails()))
	}
	if st := f.record(); st.Mail.PossibleDuplicate {
		t.Errorf("the email after SES was unreachable is marked as a possible duplicate: %+v", st.Mail)
	}
}

// answerLost is SES's answer lost (a connection reset after SES may have accepted the email): the outcome is
// unknown.
type answerLost struct{}

func (answerLost) Send(context.Context, email.Message) (string, error) {
	return "", errors.New("read tcp 10.0.0.1:443: connection reset by peer")
}

// TestSESAnswerLost: when SES's answer is lost the outcome is unknown — the email stays sending and the run
// fails; Lambda's retry of the invocation, once the first hand-over is surely over, sends it saying it may be a
// duplicate.
func TestSESAnswerLost(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	working := f.r.sender
	f.r.sender = answerLost{}
	if _, err := f.invoke("req-1", scheduled); err == nil {
		t.Fatal("a run whose SES answer was lost succeeded")
	}
	if st := f.record(); st.Mail.Status != outbox.MailSending || st.MailBy != "req-1" {
		t.Errorf("after SES's answer was lost: %+v", st.Mail)
	}
	f.r.sender = working
	f.advance(time.Minute)
	if out := f.mustInvoke("req-1", scheduled); out.Status != StatusSent || len(f.mails()) != 1 {
		t.Errorf("the retry: %+v, %d emails", out, len(f.mails()))
	}
	if st := f.record(); !st.Mail.PossibleDuplicate {
		t.Errorf("the email sent again after an unknown outcome is not marked as a possible duplicate: %+v", st.Mail)
	}
}

// TestResendStoppedIsNotResentBlindly: a re-send that stopped after its gate is not sent again by the retry of
// the same request (which fails, saying why); another request sends its own copy once the first is surely dead.
func TestResendStoppedIsNotResentBlindly(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	f.mustInvoke("req-1", scheduled)
	working := f.r.sender
	f.r.sender = answerLost{}
	resend := `{"month":"2026-07","resend":true}`
	if _, err := f.invoke("req-2", resend); err == nil {
		t.Fatal("a re-send whose SES answer was lost succeeded")
	}
	f.r.sender = working
	if _, err := f.invoke("req-2", resend); !errors.Is(err, errResendUnknown) {
		t.Errorf("the retry of the stopped re-send: %v", err)
	}
	if _, err := f.invoke("req-3", resend); !errors.Is(err, errResendBusy) {
		t.Errorf("another re-send while the first may be alive: %v", err)
	}
	f.advance(AbandonedAfter + time.Minute)
	if out := f.mustInvoke("req-3", resend); out.Status != StatusResent || out.Resends != 1 || len(f.mails()) != 2 {
		t.Errorf("another re-send later: %+v, %d emails", out, len(f.mails()))
	}
}

// TestConcurrentRuns: ten invocations at once (the schedule delivered repeatedly) store one report and send one
// email.
func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	f := newFixture(t, true)
	var wg sync.WaitGroup
	var sent atomic.Int64
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := f.invoke(fmt.Sprintf("req-%d", i), scheduled)
			if err != nil {
				t.Error(err)
			}
			if out.Status == StatusSent {
				sent.Add(1)
			}
		}()
	}
	wg.Wait()
	if n := len(f.mails()); n != 1 || sent.Load() != 1 {
		t.Errorf("%d emails, %d runs said sent", n, sent.Load())
	}
}

// TestRequests: what the function accepts, and the month it reports.
func TestRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	f.now = reporttest.At("2027-01-01 08:00").Add(5 * time.Second)
	for _, tc := range []struct {
		payload, month, err string
	}{
		{`{"version":"0","detail-type":"Scheduled Event","source":"aws.scheduler","time":"2027-01-01T07:00:00Z","detail":{}}`, "2026-12", ""},
		{`{"scheduledTime":"2026-12-01T07:00:00Z"}`, "2026-11", ""},
		{`{"scheduledTime":"2026-12-01T07:00:00Z","resend":true}`, "", "resend: a re-send names its month"},
		{`{"scheduledTime":"soon"}`, "", "bad request"},
		{`{"time":"2026-12-01T07:00:00Z"}`, "2026-11", ""},
		{`{"time":"2026-11-30T23:30:00Z"}`, "2026-11", ""}, // 00:30 on 1 December in Paris: November reported
		{`{"month":"2026-11"}`, "2026-11", ""},
		{`{"month":"2026-12"}`, "2026-12", ""},
		{`{"month":"2027-01"}`, "", "month: 2027-01 is not over"},
		{`{"month":"2031-05"}`, "", "month: 2031-05 is not over"},
		{`{"month":"2026-13"}`, "", "month: not a month"},
		{`{"month":"26-11"}`, "", "month: not a month"},
		{`{"month":"2026-11","resnd":true}`, "", `unknown field "resnd"`},
		{`{}`, "", "month: required"},
		{`{"time":"2026-12-01T07:00:00Z","resend":true}`, "", "resend: a re-send names its month"},
		{`[1]`, "", "bad request"},
	} {
		_, m, _, err := f.r.parse([]byte(tc.payload))
		switch {
		case tc.err == "" && (err != nil || m.String() != tc.month):
			t.Errorf("%s: month %s, %v; want %s", tc.payload, m, err, tc.month)
		case tc.err != "" && (err == nil || !errors.Is(err, ErrBadRequest) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: %v; want an error with %q", tc.payload, err, tc.err)
		}
	}
}

// TestEmptyMonth: a month without a record is reported and sent: the trend chart alone, a CSV of its header.
func TestEmptyMonth(t *testing.T) {
	t.Parallel()
	f := newFixture(t, false)
	out := f.mustInvoke("req-1", scheduled)
	mails := f.mails()
	if out.Status != StatusSent || out.SQLs != 0 || len(mails) != 1 || len(mails[0].Attachments) != 2 {
		t.Fatalf("%+v; %d emails", out, len(mails))
	}
	if !strings.Contains(mails[0].Body.Text, "Objectif de SQL non tenu : 0 sur 5 (0\u00a0%)") {
		t.Errorf("text:\n%s", mails[0].Body.Text)
	}
}

// TestSampleEvents: every sample under events/report is a payload the function takes.
func TestSampleEvents(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(testenv.Root(), "events", "report", "*.json"))
	if err != nil || len(files) < 3 {
		t.Fatalf("%d samples (%v)", len(files), err)
	}
	f := newFixture(t, false)
	f.now = reporttest.At("2026-12-01 08:00").Add(5 * time.Second)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, m, _, err := f.r.parse(b); err != nil || m != (contract.Month{Year: 2026, Month: time.November}) {
			t.Errorf("%s: %s, %v", filepath.Base(file), m, err)
		}
	}
}

// TestTheTemplatesScheduleInput: what the template's schedule sends, its context attribute replaced as EventBridge
// Scheduler replaces it, is a request for the month before the scheduled instant, taken as of that instant.
func TestTheTemplatesScheduleInput(t *testing.T) {
	t.Parallel()
	tpl, err := samtemplate.Load(filepath.Join(testenv.Root(), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := tpl.Function("ReportFunction")
	if !ok || len(fn.Schedules) != 1 || !fn.Schedules[0].V2 {
		t.Fatalf("ReportFunction's schedules: %+v", fn.Schedules)
	}
	input := strings.ReplaceAll(fn.Schedules[0].Input, "<aws.scheduler.scheduled-time>", "2026-12-01T07:00:00Z")
	f := newFixture(t, false)
	f.now = reporttest.At("2026-12-01 08:00").Add(5 * time.Second)
	_, m, asOf, err := f.r.parse([]byte(input))
	if err != nil || m != (contract.Month{Year: 2026, Month: time.November}) || !asOf.Equal(reporttest.At("2026-12-01 08:00")) {
		t.Errorf("the schedule's input %s: month %s as of %s, %v", input, m, asOf, err)
	}
}
