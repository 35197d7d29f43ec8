package oncall_test

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/deadlines"
)

const (
	templateFile = "../../template.yaml"
	runbookFile  = "../../RUNBOOK.md"
)

// resource is one resource of template.yaml, as YAML nodes (SAM's short-form intrinsics are tags).
type resource struct {
	id    string
	typ   string
	props *yaml.Node
}

func value(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	return n.Value
}

// tagged is a scalar with its short-form intrinsic: "!Ref X", "!GetAtt X.Arn", "!Sub a-${B}", or the plain value.
func tagged(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return n.Tag + " " + n.Value
	}
	return n.Value
}

func loadTemplate(t *testing.T) (root *yaml.Node, resources []resource) {
	t.Helper()
	data, err := os.ReadFile(templateFile)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	root = doc.Content[0]
	res := samtemplate.Child(root, "Resources")
	for i := 0; i+1 < len(res.Content); i += 2 {
		r := res.Content[i+1]
		resources = append(resources, resource{id: res.Content[i].Value, typ: value(samtemplate.Child(r, "Type")), props: samtemplate.Child(r, "Properties")})
	}
	return root, resources
}

// alarm is what the checks read of an AWS::CloudWatch::Alarm.
type alarm struct {
	id, namespace, metric string
	dims                  map[string]string // name -> tagged value
}

func alarms(t *testing.T, resources []resource) map[string]alarm {
	t.Helper()
	out := map[string]alarm{}
	for _, r := range resources {
		if r.typ != "AWS::CloudWatch::Alarm" {
			continue
		}
		a := alarm{id: r.id, namespace: tagged(samtemplate.Child(r.props, "Namespace")), metric: value(samtemplate.Child(r.props, "MetricName")), dims: map[string]string{}}
		if d := samtemplate.Child(r.props, "Dimensions"); d != nil {
			for _, dim := range d.Content {
				a.dims[value(samtemplate.Child(dim, "Name"))] = tagged(samtemplate.Child(dim, "Value"))
			}
		}
		out[r.id] = a
	}
	if len(out) == 0 {
		t.Fatal("no alarm in the template")
	}
	return out
}

// TestEveryAlarmNotifiesTheTopic: each alarm tells the alarm topic (the AlarmTopicArn parameter's, or the stack's
// own when it is empty) when it fires and when it clears, is named after its logical ID (the name on-call
// receives is the runbook's heading) and links its runbook section.
func TestEveryAlarmNotifiesTheTopic(t *testing.T) {
	root, resources := loadTemplate(t)
	if samtemplate.Child(samtemplate.Child(root, "Parameters"), "AlarmTopicArn") == nil {
		t.Fatal("no AlarmTopicArn parameter")
	}
	cond := samtemplate.Child(samtemplate.Child(root, "Conditions"), "CreateAlarmTopic")
	if cond == nil || cond.Tag != "!Equals" || len(cond.Content) != 2 || tagged(cond.Content[0]) != "!Ref AlarmTopicArn" || cond.Content[1].Value != "" {
		t.Fatal(`the CreateAlarmTopic condition is not !Equals [!Ref AlarmTopicArn, ""]`)
	}
	topicCreated := false
	for _, r := range resources {
		if r.id == "AlarmTopic" && r.typ == "AWS::SNS::Topic" {
			topicCreated = true
		}
	}
	if !topicCreated {
		t.Fatal("no AlarmTopic (AWS::SNS::Topic) for an empty AlarmTopicArn")
	}
	for _, r := range resources {
		if r.typ != "AWS::CloudWatch::Alarm" {
			continue
		}
		for _, key := range []string{"AlarmActions", "OKActions"} {
			actions := samtemplate.Child(r.props, key)
			if actions == nil || len(actions.Content) != 1 {
				t.Errorf("%s: %s must be the one alarm topic", r.id, key)
				continue
			}
			f := actions.Content[0]
			if f.Tag != "!If" || len(f.Content) != 3 || f.Content[0].Value != "CreateAlarmTopic" ||
				tagged(f.Content[1]) != "!Ref AlarmTopic" || tagged(f.Content[2]) != "!Ref AlarmTopicArn" {
				t.Errorf("%s: %s is not [!If [CreateAlarmTopic, !Ref AlarmTopic, !Ref AlarmTopicArn]]", r.id, key)
			}
		}
		if got, want := tagged(samtemplate.Child(r.props, "AlarmName")), "!Sub handoff-${Stage}-"+r.id; got != want {
			t.Errorf("%s: AlarmName %q, want %q", r.id, got, want)
		}
		if d := value(samtemplate.Child(r.props, "AlarmDescription")); !strings.HasSuffix(d, "RUNBOOK.md#"+strings.ToLower(r.id)) {
			t.Errorf("%s: AlarmDescription %q does not end with its runbook link", r.id, d)
		}
		if value(samtemplate.Child(r.props, "TreatMissingData")) == "" {
			t.Errorf("%s: no TreatMissingData (say what no data means)", r.id)
		}
	}
}

// TestEveryFunctionQueueAndStreamHasItsAlarm: derived from the template, so that a new function, queue or
// stream consumer without its alarm fails here.
func TestEveryFunctionQueueAndStreamHasItsAlarm(t *testing.T) {
	_, resources := loadTemplate(t)
	as := alarms(t, resources)
	has := func(namespace, metric, dim, val string) bool {
		for _, a := range as {
			if a.namespace == namespace && a.metric == metric && a.dims[dim] == val {
				return true
			}
		}
		return false
	}
	functions, queues := 0, 0
	for _, r := range resources {
		switch r.typ {
		case "AWS::Serverless::Function":
			functions++
			if !has("AWS/Lambda", "Errors", "FunctionName", "!Ref "+r.id) {
				t.Errorf("function %s has no Errors alarm", r.id)
			}
			events := samtemplate.Child(r.props, "Events")
			for i := 0; events != nil && i+1 < len(events.Content); i += 2 {
				ev, name := events.Content[i+1], events.Content[i].Value
				ep := samtemplate.Child(ev, "Properties")
				switch value(samtemplate.Child(ev, "Type")) {
				case "DynamoDB", "Kinesis":
					if !has("AWS/Lambda", "IteratorAge", "FunctionName", "!Ref "+r.id) {
						t.Errorf("stream consumer %s (%s) has no IteratorAge alarm", r.id, name)
					}
					if samtemplate.Child(samtemplate.Child(samtemplate.Child(ep, "DestinationConfig"), "OnFailure"), "Destination") == nil {
						t.Errorf("stream consumer %s (%s) has no on-failure destination: failed records would vanish", r.id, name)
					}
				case "ScheduleV2":
					// Type: SQS makes SAM create a queue of its own, which no alarm here could name.
					if dlq := samtemplate.Child(ep, "DeadLetterConfig"); dlq != nil && samtemplate.Child(dlq, "Arn") == nil {
						t.Errorf("schedule %s.%s: DeadLetterConfig must name a queue of the template (Arn), not Type: SQS", r.id, name)
					}
				}
			}
		case "AWS::SQS::Queue":
			queues++
			if !has("AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "!GetAtt "+r.id+".QueueName") {
				t.Errorf("queue %s has no depth alarm", r.id)
			}
		}
	}
	if functions < 11 || queues < 9 {
		t.Fatalf("%d functions and %d queues read: the template was not read as expected", functions, queues)
	}
}

// TestTheCheckersAlarmsReadItsMetrics: the EMF alarms read the namespace the checker writes under (its
// METRICS_NAMESPACE) and the names it writes (package deadlines).
func TestTheCheckersAlarmsReadItsMetrics(t *testing.T) {
	_, resources := loadTemplate(t)
	as := alarms(t, resources)
	var namespace string
	for _, r := range resources {
		if r.id == "DeadlinesFunction" {
			namespace = tagged(samtemplate.Child(samtemplate.Child(samtemplate.Child(r.props, "Environment"), "Variables"), "METRICS_NAMESPACE"))
		}
	}
	if namespace == "" {
		t.Fatal("DeadlinesFunction has no METRICS_NAMESPACE")
	}
	for id, metric := range map[string]string{"DeadlineCheckerStalledAlarm": deadlines.MetricRunsCompleted, "SlaBreachesAlarm": deadlines.MetricSLABreaches} {
		a, ok := as[id]
		if !ok {
			t.Errorf("no %s", id)
			continue
		}
		if a.namespace != namespace || a.metric != metric || len(a.dims) != 1 || a.dims["Function"] != "deadlines" {
			t.Errorf("%s reads %s %s %v, want %s %s Function=deadlines", id, a.namespace, a.metric, a.dims, namespace, metric)
		}
	}
}

// section is an alarm's part of the runbook.
type section struct {
	heading string
	body    string
}

var heading = regexp.MustCompile(`^(#{1,6}) (.+?)\s*$`)

// runbook returns the sections under "## Alarms" (each "### <name>"), and the whole text.
func runbook(t *testing.T) (map[string]section, string) {
	t.Helper()
	data, err := os.ReadFile(runbookFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]section{}
	inAlarms, fenced := false, false
	var cur *section
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if m := heading.FindStringSubmatch(line); m != nil && !fenced {
			level := len(m[1])
			switch {
			case level <= 2:
				inAlarms, cur = m[2] == "Alarms", nil
				continue
			case level == 3 && inAlarms:
				if _, dup := out[m[2]]; dup {
					t.Errorf("two sections %q", m[2])
				}
				out[m[2]] = section{heading: m[2]}
				s := out[m[2]]
				cur = &s
				continue
			}
		}
		if cur != nil {
			cur.body += line + "\n"
			out[cur.heading] = *cur
		}
	}
	if len(out) == 0 {
		t.Fatal(`RUNBOOK.md has no "### <alarm>" section under "## Alarms"`)
	}
	return out, string(data)
}

// TestEveryAlarmHasItsRunbookSection and the reverse: a section under "## Alarms" names an alarm of the
// template, and says what it means, what to look at and how to fix it, with commands.
func TestEveryAlarmHasItsRunbookSection(t *testing.T) {
	_, resources := loadTemplate(t)
	as := alarms(t, resources)
	sections, _ := runbook(t)
	var ids []string
	for id := range as {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := sections[id]; !ok {
			t.Errorf("alarm %s has no section in RUNBOOK.md (### %s under ## Alarms)", id, id)
		}
	}
	for name, s := range sections {
		if _, ok := as[name]; !ok {
			t.Errorf("RUNBOOK.md section %q names no alarm of template.yaml", name)
			continue
		}
		for _, part := range []string{"**What it means.**", "**Look at.**", "**Fix.**"} {
			if !strings.Contains(s.body, part) {
				t.Errorf("section %s lacks %s", name, part)
			}
		}
		if !strings.Contains(s.body, "```sh\n") {
			t.Errorf("section %s has no command (a ```sh block)", name)
		}
	}
}

// TestTheRunbooksNamesExist: the log groups, queues, tables and topic the runbook's commands name are the
// template's, so that a renamed one cannot leave a command that fails in the middle of an incident.
func TestTheRunbooksNamesExist(t *testing.T) {
	_, resources := loadTemplate(t)
	logGroups, named := map[string]bool{}, map[string]bool{}
	for _, r := range resources {
		switch r.typ {
		case "AWS::Logs::LogGroup":
			logGroups[strings.TrimPrefix(tagged(samtemplate.Child(r.props, "LogGroupName")), "!Sub ")] = true
		case "AWS::SQS::Queue":
			named[strings.TrimPrefix(tagged(samtemplate.Child(r.props, "QueueName")), "!Sub ")] = true
		case "AWS::DynamoDB::Table":
			named[strings.TrimPrefix(tagged(samtemplate.Child(r.props, "TableName")), "!Sub ")] = true
		case "AWS::SNS::Topic":
			named[strings.TrimPrefix(tagged(samtemplate.Child(r.props, "TopicName")), "!Sub ")] = true
		}
	}
	_, text := runbook(t)
	// The runbook's commands spell the stage as the shell variable $STAGE (set once at the top).
	shell := strings.NewReplacer("${Stage}", "$STAGE")
	names := 0
	for _, m := range regexp.MustCompile(`/handoff/\$STAGE/[a-z0-9-]+`).FindAllString(text, -1) {
		names++
		if m == "/handoff/$STAGE/feedback-links" || strings.HasPrefix(m, "/handoff/$STAGE/sources") {
			continue // SSM parameters, not log groups
		}
		found := false
		for lg := range logGroups {
			found = found || shell.Replace(lg) == m
		}
		if !found {
			t.Errorf("RUNBOOK.md names log group %s, which the template does not declare", m)
		}
	}
	for _, m := range regexp.MustCompile(`handoff-\$STAGE-[a-z0-9-]+`).FindAllString(text, -1) {
		names++
		found := false
		for q := range named {
			found = found || shell.Replace(q) == m
		}
		if !found {
			t.Errorf("RUNBOOK.md names %s, which no queue, table or topic of the template is", m)
		}
	}
	if names < 10 {
		t.Fatalf("only %d log groups, queues, tables and topics named: the runbook was not read as expected", names)
	}
}

// TestTheAccessLogIsJSON: the HTTP API's access-log format is a JSON object once API Gateway has put the values
// in: the one value documented as possibly holding a quote (API Gateway's error message) goes unquoted through
// its *String variable, which API Gateway quotes itself; every other variable sits inside quotes (IDs, ARNs,
// numbers, the method, the route, API Gateway's text about an integration's failure). It names the caller, the
// route (the path's template), the method and the errors, and never the requested path: a feedback or ideas
// link's path is its signed token, which must not be logged.
func TestTheAccessLogIsJSON(t *testing.T) {
	_, resources := loadTemplate(t)
	var format string
	for _, r := range resources {
		if r.id == "HttpApi" {
			format = value(samtemplate.Child(samtemplate.Child(r.props, "AccessLogSettings"), "Format"))
		}
	}
	if format == "" {
		t.Fatal("no access-log format on HttpApi")
	}
	variable := regexp.MustCompile(`"?\$context\.[A-Za-z0-9.]+"?`)
	filled := variable.ReplaceAllStringFunc(format, func(v string) string {
		quoted := strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`)
		name := strings.Trim(v, `"`)
		switch {
		case strings.HasSuffix(name, "String") && !quoted:
			return `"API Gateway's quoted \"value\""`
		case quoted && !strings.HasSuffix(name, "String"):
			return `"value"`
		default:
			t.Errorf("%s: quote a plain variable, leave a *String one unquoted", v)
			return v
		}
	})
	var fields map[string]any
	if err := json.Unmarshal([]byte(filled), &fields); err != nil {
		t.Fatalf("the access log is not JSON once filled: %v\n%s", err, filled)
	}
	for _, v := range []string{"$context.requestId", "$context.identity.userArn", "$context.identity.caller", "$context.routeKey",
		"$context.httpMethod", "$context.status", "$context.error.messageString", "$context.integrationErrorMessage"} {
		if !strings.Contains(format, v) {
			t.Errorf("the access log lacks %s", v)
		}
	}
	for _, v := range []string{"$context.path", "$context.resourcePath"} {
		if strings.Contains(format, v) {
			t.Errorf("the access log holds %s: a feedback or ideas link's token would be logged", v)
		}
	}
}
