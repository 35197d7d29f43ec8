//go:build !race

// The race detector adds nothing to a static analysis and makes it minutes long: `make test` runs this package
// without -race (Makefile, grants).

package grants_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// codeServices are the services whose actions the code's calls decide; every other action of a role must be
// one the template's own configuration explains (platform).
var codeServices = []string{"dynamodb:", "ses:", "ssm:", "secretsmanager:"}

// platformOnly are actions Lambda's machinery uses on the function's behalf and its code never calls.
var platformOnly = map[string]bool{"logs:CreateLogStream": true, "logs:PutLogEvents": true, "xray:PutTraceSegments": true,
	"xray:PutTelemetryRecords": true, "dynamodb:DescribeStream": true, "dynamodb:GetRecords": true, "dynamodb:GetShardIterator": true,
	"dynamodb:ListStreams": true}

// sdkInternal are operations the SDK's clients can call on their own, which the code never asks for: DynamoDB's
// endpoint discovery (DescribeEndpoints), off unless a client's options turn it on, which none does.
var sdkInternal = map[string]bool{"dynamodb:DescribeEndpoints": true}

// tableOf maps store.Tables' fields to the template's tables.
var tableOf = map[string]string{"Leads": "LeadsTable", "Activities": "ActivitiesTable", "Deliveries": "DeliveriesTable", "SLA": "SlaTable"}

// secretPaths are the only secrets each kind of reference may name (the contract's conventions; `handoff contract
// check` refuses any other): ARN text after the account.
var secretPaths = map[string][]string{
	"sources":        {"parameter/handoff/${Stage}/sources/*", "secret:handoff/${Stage}/sources/*"},
	"feedback-links": {"parameter/handoff/${Stage}/feedback-links", "secret:handoff/${Stage}/feedback-links-??????"},
}

var (
	derived     map[string]usage
	deriveOnce  sync.Once
	deriveError string
)

// usages derives every function's usage once for the package's tests (SSA of all the mains: ~30 s on 2 cores).
func usages(t *testing.T) map[string]usage {
	t.Helper()
	deriveOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				deriveError = fmt.Sprint(r)
			}
		}()
		derived = derive(t)
	})
	if deriveError != "" {
		t.Fatal(deriveError)
	}
	return derived
}

// codeAction reports an action of a service the code's calls decide: the four every function may use, and those
// of any other SDK client its code calls.
func codeAction(u usage, a string) bool {
	for _, p := range codeServices {
		if strings.HasPrefix(a, p) {
			return true
		}
	}
	svc, _, _ := strings.Cut(a, ":")
	return u.Services[svc]
}

// compare lists what is wrong with one function's role given what its code does: a grant the code cannot use, an
// operation without a grant, a table its code never opens, a secret outside its kind's path, an SES grant without
// its sender condition, a platform grant (logs, tracing, stream, on-failure queue) the template does not explain.
func compare(f *function, u usage) []string {
	problems := slices.Clone(f.Problems)
	fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	granted := map[string]bool{}
	var platform []string
	for _, st := range f.Statements {
		where := fmt.Sprintf("statement %s (line %d)", st.Sid, st.Line)
		for _, a := range st.Actions {
			// What the template's configuration explains (its logs, tracing, its streams, its on-failure queues) is
			// the platform's; the rest must be what the code calls.
			msg := explained(f, a, st.Resources)
			if msg == "" {
				platform = append(platform, a)
				continue
			}
			if !codeAction(u, a) || platformOnly[a] {
				fail("%s: %s", where, msg)
				continue
			}
			if strings.Contains(a, "*") {
				fail("%s: %s is a wildcard; grant the actions the code calls", where, a)
				continue
			}
			granted[a] = true
			if !u.Actions[a] {
				fail("%s: grants %s, which its code cannot call", where, a)
			}
			switch {
			case strings.HasPrefix(a, "dynamodb:"):
				for _, r := range st.Resources {
					if r.Logical == "" {
						fail("%s: %s on %s, no table of the template", where, a, r)
						continue
					}
					if !usesTable(u, r.Logical) {
						fail("%s: %s on %s, a table its code never opens", where, a, r.Logical)
					}
				}
			case strings.HasPrefix(a, "ssm:"), strings.HasPrefix(a, "secretsmanager:"):
				for _, r := range st.Resources {
					if !allowedSecret(u, r.Text) {
						fail("%s: %s on %q, outside the secrets its code reads (%v)", where, a, r.Text, keys(u.Secrets))
					}
				}
			case strings.HasPrefix(a, "ses:"):
				if samtemplate.Child(samtemplate.Child(st.Condition, "StringLike"), "ses:FromAddress") == nil {
					fail("%s: %s without a ses:FromAddress condition", where, a)
				}
				for _, r := range st.Resources {
					if !slices.Contains([]string{"identity/${SenderDomain}", "identity/*@${SenderDomain}", "identity/*"}, r.Text) && !strings.HasPrefix(r.Text, "configuration-set/") {
						fail("%s: %s on %q, not the sender's identity or a configuration set", where, a, r)
					}
				}
			}
		}
	}
	for _, a := range sorted(u.Actions) {
		if !granted[a] && !sdkInternal[a] {
			fail("its code calls %s (%s), which no statement grants", a, u.Why[a])
		}
	}
	// Not the reverse (a table its code opens without a grant): a table is "opened" when reachable code reads its
	// name, and a shared store path may name a table a function never writes at run time (a hand-off's transaction
	// names the activities and leads tables for an answer or a reassignment, which the bounces never make). The
	// operations are checked both ways; the tables only one way.
	if f.OwnRole {
		// Its own role must still give what SAM's would: its logs, tracing, its streams, its on-failure queues.
		for _, want := range []string{"logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments", "xray:PutTelemetryRecords"} {
			if !slices.Contains(platform, want) {
				fail("its role lacks %s", want)
			}
		}
		if len(f.Streams) > 0 {
			for _, want := range []string{"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"} {
				if !slices.Contains(platform, want) {
					fail("its role lacks %s (its DynamoDB event's mapping reads the stream)", want)
				}
			}
		}
		if len(f.OnFailure) > 0 && !slices.Contains(platform, "sqs:SendMessage") {
			fail("its role lacks sqs:SendMessage on its on-failure queue")
		}
	}
	return problems
}

func usesTable(u usage, logical string) bool {
	for field := range u.Tables {
		if tableOf[field] == logical {
			return true
		}
	}
	return false
}

func allowedSecret(u usage, text string) bool {
	for kind := range u.Secrets {
		if slices.Contains(secretPaths[kind], text) {
			return true
		}
	}
	return false
}

// explained says what is wrong with a grant outside the code's services, "" when the template explains it: its own
// log group, tracing, the streams of its DynamoDB events, its on-failure queues.
func explained(f *function, action string, rs []resource) string {
	only := func(ok func(resource) bool, what string) string {
		for _, r := range rs {
			if !ok(r) {
				return fmt.Sprintf("%s on %s, not %s", action, r, what)
			}
		}
		return ""
	}
	switch action {
	case "logs:CreateLogStream", "logs:PutLogEvents":
		return only(func(r resource) bool { return r.Logical == f.LogGroup && r.Attr == "Arn" && r.Text == "" }, "its own log group ("+f.LogGroup+")")
	case "xray:PutTraceSegments", "xray:PutTelemetryRecords":
		return "" // X-Ray takes no resource; the template's Tracing: Active
	case "dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator":
		if len(f.Streams) == 0 {
			return action + " without a DynamoDB event"
		}
		return only(func(r resource) bool { return r.Attr == "StreamArn" && slices.Contains(f.Streams, r.Logical) }, "its events' streams")
	case "dynamodb:ListStreams":
		if len(f.Streams) == 0 {
			return action + " without a DynamoDB event"
		}
		return only(func(r resource) bool { return r.Text == "*" }, `"*" (ListStreams takes no resource)`)
	case "sqs:SendMessage", "sqs:SendMessage*":
		return only(func(r resource) bool { return r.Attr == "Arn" && slices.Contains(f.OnFailure, r.Logical) }, "its on-failure queues")
	}
	return action + ": an action neither its code nor the template's configuration explains"
}

func readProjectTemplate(t *testing.T) map[string]*function {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	fns, err := readTemplate(data)
	if err != nil {
		t.Fatal(err)
	}
	return fns
}

// TestGrantsMatchTheCode: each function's role in template.yaml grants exactly the AWS operations its code can
// call (derived from its call graph, not from a list), on the tables its code opens and the secrets its code
// reads; and nothing else but what the template's configuration explains.
func TestGrantsMatchTheCode(t *testing.T) {
	fns := readProjectTemplate(t)
	code := usages(t)
	for _, name := range keys(code) {
		u := code[name]
		t.Logf("%-9s %s | tables %s | secrets %s", name, strings.Join(sorted(u.Actions), " "), strings.Join(sorted(u.Tables), " "), strings.Join(sorted(u.Secrets), " "))
		if fns[name] == nil {
			t.Errorf("functions/%s: no function in template.yaml", name)
		}
	}
	for _, name := range keys(fns) {
		u, ok := code[name]
		if !ok {
			t.Errorf("%s: no functions/%s main", fns[name].Logical, name)
			continue
		}
		for _, p := range compare(fns[name], u) {
			t.Errorf("%s: %s", fns[name].Logical, p)
		}
	}
}

// TestGrantsTestFails: the comparison finds what it is for, on the project's template changed one way at a time.
func TestGrantsTestFails(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root(t), "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	code := usages(t)
	cases := []struct {
		name, function, old, new, want string
	}{
		{"an unused grant", "notify", "Action: [dynamodb:PutItem, dynamodb:UpdateItem]\n                Resource: [!GetAtt LeadsTable.Arn, !GetAtt SlaTable.Arn]",
			"Action: [dynamodb:PutItem, dynamodb:UpdateItem, dynamodb:DeleteItem]\n                Resource: [!GetAtt LeadsTable.Arn, !GetAtt SlaTable.Arn]",
			"grants dynamodb:DeleteItem, which its code cannot call"},
		{"a missing grant", "ops", "Sid: OpenHandoffs\n              Effect: Allow\n              Action: dynamodb:Query",
			"Sid: OpenHandoffs\n              Effect: Allow\n              Action: dynamodb:GetItem", "calls dynamodb:Query"},
		{"another stage's secrets", "ingest", "parameter/handoff/${Stage}/sources/*", "parameter/handoff/*", `outside the secrets its code reads`},
		{"the link key in ingest", "ingest", "parameter/handoff/${Stage}/sources/*", "parameter/handoff/${Stage}/feedback-links", `outside the secrets its code reads`},
		{"SAM's stream policy", "score", "      Role: !GetAtt ScoreRole.Arn\n", "", "AWSLambdaDynamoDBExecutionRole"},
		{"a table the code never opens", "ops", "Action: dynamodb:Query\n              Resource: !Sub \"${SlaTable.Arn}/index/due-checks\"\n      Events:",
			"Action: dynamodb:Query\n              Resource: [!Sub \"${SlaTable.Arn}/index/due-checks\", !GetAtt LeadsTable.Arn]\n      Events:",
			"a table its code never opens"},
		{"an action nothing explains", "ops", "Sid: OpenHandoffs\n              Effect: Allow\n              Action: dynamodb:Query",
			"Sid: OpenHandoffs\n              Effect: Allow\n              Action: [dynamodb:Query, sns:Publish]", "sns:Publish: an action neither its code nor the template's configuration explains"},
		{"a wildcard", "ops", "Sid: OpenHandoffs\n              Effect: Allow\n              Action: dynamodb:Query",
			"Sid: OpenHandoffs\n              Effect: Allow\n              Action: dynamodb:*", "dynamodb:* is a wildcard"},
		{"SES without its sender condition", "deadlines", "                StringLike:\n                  ses:FromAddress:", "                StringLike:\n                  ses:Recipients:",
			"ses:SendEmail without a ses:FromAddress condition"},
		{"another log group", "score", "Resource: !GetAtt ScoreLogs.Arn", "Resource: !GetAtt NotifyLogs.Arn", "not its own log group"},
		{"another stream", "notify", "Resource: !GetAtt LeadsTable.StreamArn", "Resource: !GetAtt ActivitiesTable.StreamArn", "not its events' streams"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			changed := strings.Replace(string(data), c.old, c.new, 1)
			if changed == string(data) {
				t.Fatalf("the template no longer holds %q", c.old)
			}
			fns, err := readTemplate([]byte(changed))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(compare(fns[c.function], code[c.function]), "\n")
			if !strings.Contains(got, c.want) {
				t.Errorf("want a problem with %q; got:\n%s", c.want, got)
			}
		})
	}
}
