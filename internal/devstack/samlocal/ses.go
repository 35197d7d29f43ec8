package samlocal

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/inputtransform"
	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// SES's event publishing, emulated in front of SES local (which accepts every message and publishes nothing):
// the functions reach SES local through a proxy here, which sees each SendEmail (its configuration set, its tags,
// its recipients) and SES local's message ID. A message naming a configuration set the template does not
// declare is refused as SES refuses it (NotFoundException). When a message is accepted to one of SES's mailbox
// simulator addresses — bounce@simulator.amazonses.com, complaint@simulator.amazonses.com — the stack publishes
// what SES would: the event record of the documented shape (a Permanent/General bounce, an "abuse" complaint;
// the message's tags, SES's own ses:* tags, its message ID), wrapped as EventBridge delivers it ("Email Bounced",
// "Email Complaint Received", source aws.ses), to every enabled EventBridge destination of the message's
// configuration set whose event types include it; EventBridgeRule events whose pattern matches it invoke their
// function asynchronously, with Lambda's retries (the function's EventInvokeConfig), with what the rule's
// InputTransformer makes of the event, applied as EventBridge does (package inputtransform; one it cannot apply
// so stops the start). POST /_local/ses/bounce
// {"messageId": "…", "type": "permanent" | "transient" | "complaint"} publishes the same for any message sent
// through the stack (its To recipients bounced), delivering it synchronously, once, to say what the functions
// answered. Not emulated: the other simulator addresses (success, ooto, suppressionlist), SES's delays before a
// bounce, other destinations (SNS, Firehose, CloudWatch) and other event types (send, delivery, opens).

// Simulator addresses (SES's mailbox simulator).
const (
	SimulatorBounce    = "bounce@simulator.amazonses.com"
	SimulatorComplaint = "complaint@simulator.amazonses.com"
)

// sentMail is what the stack saw of a message SES local accepted.
type sentMail struct {
	MessageID, ConfigurationSet, From, Subject string
	To, Cc                                     []string
	Tags                                       map[string]string
	At                                         time.Time
	Function                                   string // the caller, for SES's ses:caller-identity tag
}

// sesEmulator is the proxy to SES local and the publisher of its events.
type sesEmulator struct {
	s        *Stack
	upstream *url.URL
	proxy    *httputil.ReverseProxy
	srv      *http.Server
	url      string
	sets     map[string]samtemplate.SESConfigurationSet // resolved name -> set
	rules    []compiledRule

	mu   sync.Mutex
	sent map[string]sentMail
}

type compiledRule struct {
	function    string
	event       string
	pattern     *pattern
	transformer *inputtransform.Transformer // nil: the event itself
}

// startSES starts the proxy in front of SES local (o.SESEndpoint) and compiles the rules: a pattern the stack
// cannot match as EventBridge does, or a configuration set whose name does not resolve, stops the start.
func (s *Stack) startSES(r *samtemplate.Resolver) error {
	e := &sesEmulator{s: s, sets: map[string]samtemplate.SESConfigurationSet{}, sent: map[string]sentMail{}}
	for _, cs := range s.opts.Template.SESConfigurationSets {
		if cs.Name == nil {
			return fmt.Errorf("%s: a configuration set without a Name is not run locally (its name is what every email gives)", cs.LogicalID)
		}
		name, err := r.Resolve(cs.Name)
		if err != nil {
			return fmt.Errorf("%s: Name: %w", cs.LogicalID, err)
		}
		e.sets[name] = cs
	}
	for _, def := range s.opts.Template.Functions {
		for _, rule := range def.Rules {
			if !rule.Enabled {
				continue
			}
			v, err := r.Value(rule.Pattern)
			if err != nil {
				return fmt.Errorf("%s/%s: Pattern: %w", def.LogicalID, rule.Event, err)
			}
			raw, _ := json.Marshal(v)
			p, err := compilePattern(raw)
			if err != nil {
				return fmt.Errorf("%s/%s: %w", def.LogicalID, rule.Event, err)
			}
			tr, err := ruleTransformer(r, rule)
			if err != nil {
				return fmt.Errorf("%s/%s: InputTransformer: %w", def.LogicalID, rule.Event, err)
			}
			e.rules = append(e.rules, compiledRule{function: def.LogicalID, event: rule.Event, pattern: p, transformer: tr})
		}
	}
	s.ses = e
	if s.opts.SESEndpoint == "" {
		return nil
	}
	up, err := url.Parse(s.opts.SESEndpoint)
	if err != nil {
		return fmt.Errorf("SES endpoint: %w", err)
	}
	e.upstream, e.proxy = up, httputil.NewSingleHostReverseProxy(up)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	e.url = "http://" + ln.Addr().String()
	e.srv = &http.Server{Handler: http.HandlerFunc(e.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = e.srv.Serve(ln) }()
	return nil
}

// endpoint is where the functions send email: the proxy, or "" when no SES runs.
func (e *sesEmulator) endpoint() string {
	if e == nil {
		return ""
	}
	return e.url
}

func (e *sesEmulator) close() {
	if e != nil && e.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = e.srv.Shutdown(ctx)
	}
}

// sendEmailRequest is what the proxy reads of SES v2's SendEmail (POST /v2/email/outbound-emails).
type sendEmailRequest struct {
	ConfigurationSetName *string
	FromEmailAddress     string
	Destination          struct{ ToAddresses, CcAddresses []string }
	EmailTags            []struct{ Name, Value string }
	Content              struct {
		Simple *struct{ Subject struct{ Data string } }
	}
}

func (e *sesEmulator) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v2/email/outbound-emails" {
		e.proxy.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var in sendEmailRequest
	_ = json.Unmarshal(body, &in) // SES local answers what it cannot read
	set := ""
	if in.ConfigurationSetName != nil {
		set = *in.ConfigurationSetName
		if _, ok := e.sets[set]; !ok {
			// What SES answers for a configuration set that does not exist: nothing is sent.
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", "NotFoundException")
			w.WriteHeader(http.StatusNotFound)
			_, _ = fmt.Fprintf(w, `{"message":"Configuration set <%s> does not exist."}`, set)
			return
		}
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	// SES local's answer is held until the event it causes is counted (idle.go): the function must not see its
	// email accepted, and end, before the stack knows a bounce is on its way.
	rec := &recorder{header: http.Header{}}
	defer rec.flush(w)
	e.proxy.ServeHTTP(rec, r)
	var out struct{ MessageId string }
	if rec.status/100 != 2 || json.Unmarshal(rec.body.Bytes(), &out) != nil || out.MessageId == "" {
		return
	}
	m := sentMail{MessageID: out.MessageId, ConfigurationSet: set, From: in.FromEmailAddress, To: in.Destination.ToAddresses,
		Cc: in.Destination.CcAddresses, Tags: map[string]string{}, At: time.Now().UTC()}
	if in.Content.Simple != nil {
		m.Subject = in.Content.Simple.Subject.Data
	}
	for _, t := range in.EmailTags {
		m.Tags[t.Name] = t.Value
	}
	e.mu.Lock()
	e.sent[m.MessageID] = m
	e.mu.Unlock()
	e.s.counts.email(m.Tags["kind"])
	var kind string
	var to []string
	for _, a := range append(slices.Clone(m.To), m.Cc...) {
		switch addr := strings.ToLower(bareAddress(a)); addr {
		case SimulatorBounce:
			kind, to = "permanent", append(to, addr)
		case SimulatorComplaint:
			if kind == "" {
				kind = "complaint"
			}
			to = append(to, addr)
		}
	}
	if kind != "" {
		done := e.s.act.begin("SES " + kind + " event of " + m.MessageID + " to EventBridge (with Lambda's retries)")
		e.s.wg.Add(1)
		go func() {
			defer e.s.wg.Done()
			defer done()
			_, _ = e.publish(e.s.runCtx, m, kind, to, true)
		}()
	}
}

// recorder keeps the proxy's answer, to read SES local's message ID before passing it on (flush).
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// flush passes the answer on.
func (r *recorder) flush(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	if r.status == 0 {
		r.status = http.StatusOK
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body.Bytes())
}

// bareAddress is the address of "Name <a@b>" or "a@b".
func bareAddress(a string) string {
	if i, j := strings.LastIndexByte(a, '<'), strings.LastIndexByte(a, '>'); i >= 0 && j > i {
		return strings.TrimSpace(a[i+1 : j])
	}
	return strings.TrimSpace(a)
}

// delivery is one rule's invocation of a published event.
type delivery struct {
	Function string          `json:"function"`
	Event    string          `json:"event"`
	Result   json.RawMessage `json:"result,omitempty"`
	Error    string          `json:"error,omitempty"`
}

// errNotPublished: SES would publish nothing for this message (no configuration set, or none of its
// destinations takes the event type to EventBridge).
var errNotPublished = errors.New("SES publishes no such event for this message")

// publish sends what SES would publish when the message's recipients to bounced (kind permanent or transient) or
// complained: to the rules that match it, asynchronously with Lambda's retries (async), or synchronously once.
func (e *sesEmulator) publish(ctx context.Context, m sentMail, kind string, to []string, async bool) ([]delivery, error) {
	typ := map[string]string{"permanent": "bounce", "transient": "bounce", "complaint": "complaint"}[kind]
	cs, ok := e.sets[m.ConfigurationSet]
	if m.ConfigurationSet == "" || !ok {
		return nil, fmt.Errorf("%w: it named no configuration set", errNotPublished)
	}
	published := false
	for _, d := range cs.Destinations {
		if d.Enabled && d.EventBridge && slices.ContainsFunc(d.EventTypes, func(t string) bool { return strings.EqualFold(t, typ) }) {
			published = true
		}
	}
	if !published {
		return nil, fmt.Errorf("%w: configuration set %s sends no %s event to EventBridge", errNotPublished, m.ConfigurationSet, typ)
	}
	payload := sesEvent(m, kind, to, time.Now().UTC())
	var doc map[string]any
	_ = json.Unmarshal(payload, &doc)
	out := []delivery{}
	for _, rule := range e.rules {
		if !rule.pattern.match(doc) {
			continue
		}
		fn := e.s.functions[rule.function]
		e.s.log.Info("SES event published", "function", rule.function, "event", rule.event, "messageId", m.MessageID, "type", kind)
		d := delivery{Function: rule.function, Event: rule.event}
		input, err := rule.input(payload)
		if err != nil {
			// Not delivered: what AWS does with a target input that is not JSON is not documented; said, not guessed.
			e.s.log.Error("the rule's input transformer gives no input a function can take: not delivered", "function", rule.function,
				"event", rule.event, "messageId", m.MessageID, "error", err.Error())
			d.Error = err.Error()
			out = append(out, d)
			continue
		}
		if async {
			e.s.invokeAsync(ctx, fn, rule.event, input)
			continue
		}
		res, err := fn.invoke(ctx, newID(), input)
		if err != nil {
			d.Error = err.Error()
		} else if json.Valid(res) {
			d.Result = res
		}
		out = append(out, d)
	}
	return out, nil
}

// input is what the rule's target gets for the event: the event, or what its input transformer makes of it.
func (r compiledRule) input(event []byte) ([]byte, error) {
	if r.transformer == nil {
		return event, nil
	}
	return r.transformer.Apply(event)
}

// ruleTransformer is a rule's InputTransformer, resolved and checked (nil when it has none): one the stack cannot
// apply as EventBridge does stops the start.
func ruleTransformer(r *samtemplate.Resolver, rule samtemplate.Rule) (*inputtransform.Transformer, error) {
	if rule.InputTransformer == nil {
		return nil, nil
	}
	v, err := r.Value(rule.InputTransformer)
	if err != nil {
		return nil, err
	}
	return inputtransform.FromTemplate(v)
}

// sesEvent is SES's event record for the message, as EventBridge wraps it (the documented shape: see
// events/bounces/).
func sesEvent(m sentMail, kind string, to []string, now time.Time) []byte {
	tags := map[string][]string{}
	for k, v := range m.Tags {
		tags[k] = []string{v}
	}
	from := bareAddress(m.From)
	_, domain, _ := strings.Cut(from, "@")
	tags["ses:configuration-set"] = []string{m.ConfigurationSet}
	tags["ses:from-domain"] = []string{domain}
	tags["ses:caller-identity"] = []string{"handoff-local"}
	tags["ses:source-ip"] = []string{"127.0.0.1"}
	mail := map[string]any{
		"timestamp": m.At.Format("2006-01-02T15:04:05.000Z"), "source": m.From,
		"sourceArn":        fmt.Sprintf("arn:aws:ses:%s:%s:identity/%s", localaws.Region, localaws.Account, domain),
		"sendingAccountId": localaws.Account, "messageId": m.MessageID, "destination": append(slices.Clone(m.To), m.Cc...),
		"headersTruncated": false, "headers": []any{},
		"commonHeaders": map[string]any{"from": []string{m.From}, "to": m.To, "messageId": m.MessageID, "subject": m.Subject},
		"tags":          tags,
	}
	at := now.Format("2006-01-02T15:04:05.000Z")
	feedback := newID() + "-000000"
	recipients := make([]map[string]any, 0, len(to))
	detail := map[string]any{"mail": mail}
	detailType := "Email Bounced"
	switch kind {
	case "complaint":
		for _, a := range to {
			recipients = append(recipients, map[string]any{"emailAddress": a})
		}
		detail["eventType"], detailType = "Complaint", "Email Complaint Received"
		detail["complaint"] = map[string]any{"complainedRecipients": recipients, "timestamp": at, "feedbackId": feedback,
			"userAgent": "Amazon SES Mailbox Simulator", "complaintFeedbackType": "abuse", "arrivalDate": at}
	default:
		typ, sub, status, code := "Permanent", "General", "5.1.1", "smtp; 550 5.1.1 user unknown"
		if kind == "transient" {
			typ, sub, status, code = "Transient", "General", "4.4.7", "smtp; 421 4.4.7 delivery time expired"
		}
		for _, a := range to {
			recipients = append(recipients, map[string]any{"emailAddress": a, "action": "failed", "status": status, "diagnosticCode": code})
		}
		detail["eventType"] = "Bounce"
		detail["bounce"] = map[string]any{"bounceType": typ, "bounceSubType": sub, "bouncedRecipients": recipients, "timestamp": at,
			"feedbackId": feedback, "reportingMTA": "dns; amazonses.com"}
	}
	out, _ := json.Marshal(map[string]any{
		"version": "0", "id": newID(), "detail-type": detailType, "source": "aws.ses", "account": localaws.Account,
		"time": now.Truncate(time.Second).Format(time.RFC3339), "region": localaws.Region,
		"resources": []string{fmt.Sprintf("arn:aws:ses:%s:%s:configuration-set/%s", localaws.Region, localaws.Account, m.ConfigurationSet)},
		"detail":    detail,
	})
	return out
}

// injectBounce is POST /_local/ses/bounce: the SES event of a bounce (or complaint) of a message sent through
// the stack, its To recipients named, delivered once and synchronously to the rules it matches.
func (e *sesEmulator) injectBounce(w http.ResponseWriter, r *http.Request) {
	var in struct {
		MessageID string `json:"messageId"`
		Type      string `json:"type"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		jsonMessage(w, http.StatusBadRequest, `the body: {"messageId": "<SES message ID>", "type": "permanent" | "transient" | "complaint"}: `+err.Error())
		return
	}
	if in.Type == "" {
		in.Type = "permanent"
	}
	if in.Type != "permanent" && in.Type != "transient" && in.Type != "complaint" {
		jsonMessage(w, http.StatusBadRequest, fmt.Sprintf("type: permanent, transient or complaint, got %q", in.Type))
		return
	}
	if in.MessageID == "" {
		jsonMessage(w, http.StatusBadRequest, "messageId: required")
		return
	}
	e.mu.Lock()
	m, ok := e.sent[in.MessageID]
	e.mu.Unlock()
	if !ok {
		jsonMessage(w, http.StatusNotFound, "messageId: no message "+in.MessageID+" was sent through this stack")
		return
	}
	var to []string
	for _, a := range m.To {
		to = append(to, strings.ToLower(bareAddress(a)))
	}
	out, err := e.publish(r.Context(), m, in.Type, to, false)
	switch {
	case errors.Is(err, errNotPublished):
		jsonMessage(w, http.StatusConflict, err.Error())
		return
	case err != nil:
		jsonMessage(w, http.StatusInternalServerError, err.Error())
		return
	}
	status := http.StatusOK
	for _, d := range out {
		if d.Error != "" {
			status = http.StatusBadGateway
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"messageId": m.MessageID, "type": in.Type, "deliveries": out})
}

// invokeAsync is an asynchronous invocation as Lambda makes it for EventBridge: the function's errors retried
// up to its EventInvokeConfig.MaximumRetryAttempts while the event is younger than MaximumEventAgeInSeconds,
// then the event goes to its on-failure destination (a file under the state folder), or is dropped.
func (s *Stack) invokeAsync(ctx context.Context, fn *function, event string, payload []byte) {
	async := fn.def.Async
	started, id := time.Now(), newID()
	for attempt := 0; ; attempt++ {
		_, err := fn.invoke(ctx, id, payload)
		if err == nil || ctx.Err() != nil {
			return
		}
		delay := s.opts.AsyncRetryDelay(attempt)
		if attempt >= async.MaximumRetryAttempts || time.Since(started)+delay > time.Duration(async.MaximumEventAgeSeconds)*time.Second {
			s.log.Error("asynchronous invocation failed after Lambda's retries", "function", fn.def.LogicalID, "event", event,
				"attempts", attempt+1, "destination", async.OnFailure, "error", err.Error())
			if async.OnFailure != "" {
				rec, _ := json.Marshal(map[string]any{
					"version": "1.0", "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
					"requestContext":  map[string]any{"condition": "RetriesExhausted", "approximateInvokeCount": attempt + 1},
					"requestPayload":  json.RawMessage(payload),
					"responseContext": map[string]any{"statusCode": 200, "functionError": "Unhandled"},
					"responsePayload": map[string]any{"errorMessage": err.Error()},
				})
				appendLine(filepath.Join(s.opts.StateDir, "failures", fn.def.LogicalID+"-async.jsonl"), rec)
			}
			return
		}
		s.log.Warn("asynchronous invocation failed; Lambda retries it", "function", fn.def.LogicalID, "event", event,
			"attempt", attempt+1, "retryIn", delay.String(), "error", err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}
