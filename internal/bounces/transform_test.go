package bounces_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/bounces"
	"github.com/handoff-sla/handoff/internal/devstack/inputtransform"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/handoff"
)

// rules is BouncesFunction's EventBridge rules in template.yaml: each rule's detail types and its input
// transformer, as the local stack applies it (stage dev).
func rules(t *testing.T) map[string]*inputtransform.Transformer {
	t.Helper()
	tpl, err := samtemplate.Load("../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fn, ok := tpl.Function("BouncesFunction")
	if !ok {
		t.Fatal("no BouncesFunction")
	}
	r := &samtemplate.Resolver{Params: map[string]string{"Stage": "dev"}, Resources: map[string]string{"SesConfigurationSet": "handoff-dev"}}
	byType := map[string]*inputtransform.Transformer{}
	for _, rule := range fn.Rules {
		if rule.InputTransformer == nil {
			t.Fatalf("rule %s passes the whole SES event (subject, headers, addresses): it needs an InputTransformer", rule.Event)
		}
		v, err := r.Value(rule.InputTransformer)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := inputtransform.FromTemplate(v)
		if err != nil {
			t.Fatalf("rule %s: %v", rule.Event, err)
		}
		p, err := r.Value(rule.Pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, dt := range p.(map[string]any)["detail-type"].([]any) {
			if byType[dt.(string)] != nil {
				t.Fatalf("two rules take %q: the function would get each such event twice", dt)
			}
			byType[dt.(string)] = tr
		}
	}
	return byType
}

// event is a sample of events/bounces/ as a document, changed by edit.
func event(t *testing.T, name string, edit func(doc map[string]any)) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "events", "bounces", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	out, _ := json.Marshal(doc)
	return out
}

// transform is what the rule of full's detail type gives the function.
func transform(t *testing.T, byType map[string]*inputtransform.Transformer, full []byte) []byte {
	t.Helper()
	var env struct {
		DetailType string `json:"detail-type"`
	}
	_ = json.Unmarshal(full, &env)
	tr := byType[env.DetailType]
	if tr == nil {
		t.Fatalf("no rule takes %q", env.DetailType)
	}
	out, err := tr.Apply(full)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func detail(doc map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		doc = doc[k].(map[string]any)
	}
	return doc
}

// TestTheRulesTakeBouncesAndComplaints: one rule per SES detail type the function handles.
func TestTheRulesTakeBouncesAndComplaints(t *testing.T) {
	t.Parallel()
	byType := rules(t)
	if len(byType) != 2 || byType[bounces.DetailTypeBounce] == nil || byType[bounces.DetailTypeComplaint] == nil {
		t.Errorf("the rules take %v", slices.Collect(func(yield func(string) bool) {
			for k := range byType {
				if !yield(k) {
					return
				}
			}
		}))
	}
}

// TestTransformedEventsReadTheSame: the event each rule gives the function says what the full event says — the
// same notice, the same outcome on the hand-off — for the samples and variations (several recipients, a complaint
// without a feedback type, a bounce naming only the manager).
func TestTransformedEventsReadTheSame(t *testing.T) {
	t.Parallel()
	c := testContract(t)
	byType := rules(t)
	for _, tc := range []struct {
		name, sample string
		edit         func(map[string]any)
		want         bounces.Outcome
	}{
		{name: "permanent bounce of the SQL email", sample: "bounce-permanent-sql.json", want: bounces.SQLBounce},
		{name: "transient bounce of a reminder", sample: "bounce-transient-reminder.json", want: bounces.Recorded},
		{name: "complaint of the SQL email", sample: "complaint-sql.json", want: bounces.SQLBounce},
		{name: "the monthly report bounced", sample: "bounce-permanent-report.json", want: bounces.Recorded},
		{name: "the rep and the manager bounced", sample: "bounce-permanent-sql.json", want: bounces.SQLBounce, edit: func(doc map[string]any) {
			b := detail(doc, "detail", "bounce")
			b["bouncedRecipients"] = append(b["bouncedRecipients"].([]any), map[string]any{"emailAddress": "marc.lefevre@maintenia.fr", "status": "5.1.1"})
		}},
		{name: "only the manager bounced", sample: "bounce-permanent-sql.json", want: bounces.Recorded, edit: func(doc map[string]any) {
			detail(doc, "detail", "bounce")["bouncedRecipients"] = []any{map[string]any{"emailAddress": "marc.lefevre@maintenia.fr"}}
		}},
		{name: "a complaint without a feedback type", sample: "complaint-sql.json", want: bounces.SQLBounce, edit: func(doc map[string]any) {
			delete(detail(doc, "detail", "complaint"), "complaintFeedbackType")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			full := event(t, tc.sample, tc.edit)
			reduced := transform(t, byType, full)
			var evFull, evReduced bounces.Event
			if err := json.Unmarshal(full, &evFull); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(reduced, &evReduced); err != nil {
				t.Fatalf("the transformed event does not decode: %v\n%s", err, reduced)
			}
			nFull, errFull := bounces.Read(evFull)
			nReduced, errReduced := bounces.Read(evReduced)
			if errFull != nil || errReduced != nil || !reflect.DeepEqual(nFull, nReduced) {
				t.Fatalf("full: %+v, %v\ntransformed: %+v, %v\n%s", nFull, errFull, nReduced, errReduced, reduced)
			}
			var mails []string
			for _, ev := range []bounces.Event{evFull, evReduced} {
				h := sentHandoff(t, c)
				store := &memHandoffs{h: map[handoff.Key]handoff.Handoff{h.Key: h}}
				hd := bounces.New(c, store, newOthers(), &sender{}, func() time.Time { return handoffAt.Add(time.Hour) }, slog.New(slog.DiscardHandler))
				got, err := hd.Process(context.Background(), ev)
				if err != nil || got != tc.want {
					t.Fatalf("Process = %q, %v; want %q", got, err, tc.want)
				}
				after := store.h[h.Key]
				b, _ := json.Marshal(struct {
					Mail    any
					Bounces []string
					Events  []handoff.Event
				}{after.Mail, after.Bounces, store.events})
				mails = append(mails, string(b))
			}
			if mails[0] != mails[1] {
				t.Errorf("the hand-off after the full event:\n%s\nafter the transformed one:\n%s", mails[0], mails[1])
			}
		})
	}
}

// TestTransformedEventsHoldNoMore: what the rules give the function — and so what its on-failure queue and the
// rules' dead-letter queue keep — holds no subject, no headers, no sender, no destination: only the fields
// internal/bounces reads.
func TestTransformedEventsHoldNoMore(t *testing.T) {
	t.Parallel()
	byType := rules(t)
	for _, name := range []string{"bounce-permanent-sql.json", "bounce-transient-reminder.json", "complaint-sql.json", "bounce-permanent-report.json"} {
		full := event(t, name, nil)
		reduced := transform(t, byType, full)
		for _, banned := range []string{"subject", "Subject", "SQL :", "Acme", "commonHeaders", "headers", "destination",
			"sla@example.com", "Handoff <", "sourceArn", "sendingAccountId", "userAgent", "diagnosticCode", "reportingMTA", "remoteMtaIp"} {
			if bytes.Contains(reduced, []byte(banned)) {
				t.Errorf("%s: the transformed event holds %q:\n%s", name, banned, reduced)
			}
		}
		var doc map[string]any
		if err := json.Unmarshal(reduced, &doc); err != nil {
			t.Fatal(err)
		}
		keys := func(m map[string]any) string {
			return strings.Join(slices.Sorted(func(yield func(string) bool) {
				for k := range m {
					if !yield(k) {
						return
					}
				}
			}), ",")
		}
		d := detail(doc, "detail")
		if got := keys(doc); got != "detail,detail-type,id,source,time,version" {
			t.Errorf("%s: the envelope holds %s", name, got)
		}
		if got := keys(detail(d, "mail")); got != "messageId,tags,timestamp" {
			t.Errorf("%s: mail holds %s", name, got)
		}
		if b, ok := d["bounce"].(map[string]any); ok {
			if got := keys(b); got != "bounceSubType,bounceType,bouncedRecipients,feedbackId,timestamp" {
				t.Errorf("%s: bounce holds %s", name, got)
			}
		}
		if cp, ok := d["complaint"].(map[string]any); ok {
			if got := keys(cp); got != "complainedRecipients,complaintFeedbackType,feedbackId,timestamp" {
				t.Errorf("%s: complaint holds %s", name, got)
			}
		}
		if (d["bounce"] == nil) == (d["complaint"] == nil) {
			t.Errorf("%s: bounce and complaint: %s", name, reduced)
		}
	}
}

// TestTransformedSamples: events/bounces/transformed/ holds what the rules give the function for each sample of
// events/bounces/ (for sam local invoke), kept in step with the template (HANDOFF_UPDATE_SAMPLES=1 rewrites them).
func TestTransformedSamples(t *testing.T) {
	t.Parallel()
	byType := rules(t)
	for _, name := range []string{"bounce-permanent-sql.json", "bounce-transient-reminder.json", "complaint-sql.json", "bounce-permanent-report.json"} {
		reduced := transform(t, byType, event(t, name, nil))
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, reduced, "", "  ")
		pretty.WriteString("\n")
		file := filepath.Join("..", "..", "events", "bounces", "transformed", name)
		if os.Getenv("HANDOFF_UPDATE_SAMPLES") == "1" {
			if err := os.WriteFile(file, pretty.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(file)
		if err != nil || !bytes.Equal(got, pretty.Bytes()) {
			t.Errorf("%s is not what the rule gives (%v): HANDOFF_UPDATE_SAMPLES=1 go test ./internal/bounces -run TestTransformedSamples\n%s", file, err, pretty.Bytes())
		}
	}
}

// TestRecipientsDecode: SES's recipient objects, the transformer's bare addresses, a single one, none.
func TestRecipientsDecode(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{in: `[{"emailAddress":"a@x","status":"5.1.1"},{"emailAddress":"b@x"}]`, want: []string{"a@x", "b@x"}},
		{in: `["a@x","b@x"]`, want: []string{"a@x", "b@x"}},
		{in: `"a@x"`, want: []string{"a@x"}},
		{in: `null`},
		{in: `[]`},
		{in: `[7]`, err: true},
	} {
		var rs bounces.Recipients
		err := json.Unmarshal([]byte(tc.in), &rs)
		var got []string
		for _, r := range rs {
			got = append(got, r.EmailAddress)
		}
		if (err != nil) != tc.err || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.err)
		}
	}
}
