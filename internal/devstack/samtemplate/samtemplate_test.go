package samtemplate

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestProjectTemplate(t *testing.T) {
	t.Parallel()
	tpl, err := Load("../../../template.yaml")
	if err != nil {
		t.Fatal(err)
	}
	leads, ok := tpl.Table("LeadsTable")
	if !ok {
		t.Fatal("no LeadsTable")
	}
	if leads.StreamView != "NEW_AND_OLD_IMAGES" || len(leads.Keys) != 2 || leads.Keys[0] != (Key{"pk", "HASH"}) {
		t.Errorf("LeadsTable = %+v", leads)
	}
	if len(leads.Indexes) != 1 || leads.Indexes[0].Name != "decay-due" || leads.Indexes[0].Projection != "KEYS_ONLY" {
		t.Errorf("LeadsTable indexes = %+v", leads.Indexes)
	}
	if d, _ := tpl.Table("DeliveriesTable"); d.TTL != "expiresAt" {
		t.Errorf("DeliveriesTable TTL = %q", d.TTL)
	}
	status, ok := tpl.Function("StatusFunction")
	if !ok {
		t.Fatal("no StatusFunction")
	}
	if status.Package != "./functions/status" || status.Timeout != 10 || status.MemorySize != 256 {
		t.Errorf("StatusFunction = %+v", status)
	}
	if len(status.Routes) != 1 || status.Routes[0].Method != "GET" || status.Routes[0].Path != "/v1/status" {
		t.Errorf("routes = %+v", status.Routes)
	}
	if status.Routes[0].Authorizer != "" {
		t.Errorf("the status route has an authorizer: %+v", status.Routes[0])
	}
	if ops, _ := tpl.Function("OpsFunction"); len(ops.Routes) != 1 || ops.Routes[0].Authorizer != "AWS_IAM" {
		t.Errorf("OpsFunction routes = %+v, want one with AWS_IAM", ops.Routes)
	}
	if len(status.Layers) != 1 || status.Layers[0] != "ContractLayer" {
		t.Errorf("layers = %v", status.Layers)
	}
	r := &Resolver{Params: tpl.Parameters, Resources: map[string]string{"LeadsTable": "handoff-dev-leads"}, Region: "eu-west-3", Account: "123456789012"}
	if got, err := r.Resolve(status.Environment["LEADS_TABLE"]); err != nil || got != "handoff-dev-leads" {
		t.Errorf("LEADS_TABLE = %q, %v", got, err)
	}
	if got, err := r.Resolve(leads.Name); err != nil || got != "handoff-dev-leads" {
		t.Errorf("LeadsTable name = %q, %v", got, err)
	}
}

const eventsTemplate = `
Parameters:
  Stage: {Type: String, Default: dev}
Globals:
  Function:
    Timeout: 5
    Environment:
      Variables:
        TABLE: !Ref T
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: !Sub "x-${Stage}"
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
  WorkerFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      CodeUri: .
      Environment:
        Variables:
          ARN: !GetAtt T.Arn
          LONG: {"Fn::Sub": ["${A}-${AWS::Region}", {A: !Ref Stage}]}
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt T.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 10
            MaximumRetryAttempts: 2
            BisectBatchOnFunctionError: true
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"eventName": ["INSERT"]}'
            DestinationConfig:
              OnFailure:
                Destination: !GetAtt Dlq.Arn
        Nightly:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: cron(0 2 * * ? *)
            ScheduleExpressionTimezone: Europe/Paris
            Input: '{"job": "decay"}'
        Hourly:
          Type: Schedule
          Properties:
            Schedule: rate(1 hour)
            Enabled: false
`

func TestEvents(t *testing.T) {
	t.Parallel()
	tpl, err := Parse([]byte(eventsTemplate))
	if err != nil {
		t.Fatal(err)
	}
	fn, _ := tpl.Function("WorkerFunction")
	if fn.Package != "./functions/worker" || fn.Timeout != 5 {
		t.Errorf("function = %+v", fn)
	}
	if len(fn.Streams) != 1 {
		t.Fatalf("streams = %+v", fn.Streams)
	}
	s := fn.Streams[0]
	if s.Table != "T" || s.BatchSize != 10 || s.MaximumRetryAttempts != 2 || !s.BisectOnError || !s.ReportItemFailures ||
		s.StartingPosition != "TRIM_HORIZON" || len(s.Filters) != 1 || s.OnFailure != "Dlq" || s.MaximumRecordAgeSeconds != -1 {
		t.Errorf("stream = %+v", s)
	}
	if len(fn.Schedules) != 2 {
		t.Fatalf("schedules = %+v", fn.Schedules)
	}
	hourly, nightly := fn.Schedules[0], fn.Schedules[1]
	if hourly.Expression != "rate(1 hour)" || hourly.Enabled || hourly.V2 {
		t.Errorf("hourly = %+v", hourly)
	}
	if nightly.Expression != "cron(0 2 * * ? *)" || nightly.TimeZone != "Europe/Paris" || !nightly.V2 || nightly.Input != `{"job": "decay"}` {
		t.Errorf("nightly = %+v", nightly)
	}
	tbl, _ := tpl.Table("T")
	r := &Resolver{Params: map[string]string{"Stage": "local"}, Region: "eu-west-3", Account: "000000000000"}
	name, err := r.Resolve(tbl.Name)
	if err != nil || name != "x-local" {
		t.Fatalf("table name = %q, %v", name, err)
	}
	r.Resources = map[string]string{"T": name}
	for key, want := range map[string]string{"TABLE": "x-local", "ARN": "arn:aws:dynamodb:eu-west-3:000000000000:table/x-local", "LONG": "local-eu-west-3"} {
		if got, err := r.Resolve(fn.Environment[key]); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", key, got, err, want)
		}
	}
}

func TestRejects(t *testing.T) {
	t.Parallel()
	tests := map[string]struct{ yaml, want string }{
		"go1.x build": {`
Resources:
  AFunction:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: functions/a}`, "BuildMethod must be makefile"},
		"logical id without Function": {`
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}`, "must be <Name>Function"},
		"unknown event type": {`
Resources:
  AFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      Events:
        Q: {Type: SQS, Properties: {Queue: x}}`, "type SQS is not run locally"},
		"bad filter": {`
Resources:
  AFunction:
    Type: AWS::Serverless::Function
    Metadata: {BuildMethod: makefile}
    Properties:
      Events:
        S:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt T.StreamArn
            FilterCriteria: {Filters: [{Pattern: '{"eventName": '}]}`, "pattern is not JSON"},
	}
	for name, tc := range tests {
		if _, err := Parse([]byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want it to mention %q", name, err, tc.want)
		}
	}
	r := &Resolver{}
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(`!If [C, a, b]`), &n); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Resolve(n.Content[0]); err == nil {
		t.Error("!If resolved; want an error naming it unsupported")
	}
}
