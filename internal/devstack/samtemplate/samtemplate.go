// Package samtemplate reads the parts of template.yaml that the local stack and the test harness need: tables
// (keys, indexes, streams, TTL), functions (code folder, environment, timeout, layers) and their events (HTTP API
// routes, DynamoDB streams, schedules). The template stays the single description of the system; nothing here
// restates it.
//
// It reads YAML nodes directly because SAM's short-form intrinsics (!Ref, !GetAtt, !Sub) are YAML tags that
// generic CloudFormation libraries lose.
package samtemplate

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Template is the model of template.yaml.
type Template struct {
	Parameters map[string]string // logical name -> default value
	Resources  map[string]string // every resource: logical ID -> type
	Functions  []Function
	Tables     []Table
	Layers     []Layer
	// SESConfigurationSets are the AWS::SES::ConfigurationSet resources, each with its event destinations.
	SESConfigurationSets []SESConfigurationSet
	// Doc is the template's mapping as parsed (what the typed fields do not hold: the roles' policies).
	Doc *yaml.Node
}

// SESConfigurationSet is an AWS::SES::ConfigurationSet: a name emails give (ConfigurationSetName) and where SES
// publishes their events.
type SESConfigurationSet struct {
	LogicalID    string
	Name         *yaml.Node // Name, unresolved; nil when absent (CloudFormation would generate one)
	Destinations []SESEventDestination
}

// SESEventDestination is an AWS::SES::ConfigurationSetEventDestination of a configuration set of the template.
type SESEventDestination struct {
	LogicalID  string
	Name       string
	Enabled    bool
	EventTypes []string // MatchingEventTypes as the template spells them (bounce, complaint, …)
	// EventBridge: the events go to EventBridge's default bus; Other names any other kind of destination (SNS,
	// Firehose, CloudWatch, Pinpoint), "" when none.
	EventBridge bool
	Other       string
}

// Table is an AWS::DynamoDB::Table.
type Table struct {
	LogicalID  string
	Name       *yaml.Node // TableName, unresolved; nil when absent
	Attributes map[string]string
	Keys       []Key
	Indexes    []Index
	StreamView string // "" when the table has no stream
	TTL        string // TTL attribute, "" when none
}

// Key is one element of a key schema.
type Key struct {
	Attribute string
	Type      string // HASH or RANGE
}

// Index is a global secondary index.
type Index struct {
	Name             string
	Keys             []Key
	Projection       string
	NonKeyAttributes []string
}

// Layer is an AWS::Serverless::LayerVersion whose files land under /opt.
type Layer struct {
	LogicalID  string
	ContentURI string
}

// Function is an AWS::Serverless::Function built with the makefile method from functions/<name>.
type Function struct {
	LogicalID  string
	Package    string // ./functions/<name>
	Timeout    int    // seconds
	MemorySize int    // MB
	// ReservedConcurrency is ReservedConcurrentExecutions: at most that many invocations at once, Lambda
	// throttling the others; 0 when the template sets none.
	ReservedConcurrency int
	Environment         map[string]*yaml.Node
	Layers              []string // layer logical IDs
	Routes              []Route
	Streams             []Stream
	Schedules           []Schedule
	Rules               []Rule
	Logging             Logging
	Async               AsyncConfig
}

// Logging is a function's LoggingConfig (Globals and its own merged), which Lambda passes to the runtime as
// AWS_LAMBDA_LOG_FORMAT and AWS_LAMBDA_LOG_LEVEL.
type Logging struct {
	Format   string // Text or JSON
	AppLevel string // TRACE, DEBUG, INFO, WARN, ERROR, FATAL; "" when unset
}

// AsyncConfig is how Lambda retries an asynchronous invocation (what schedules make) that failed: the
// function's EventInvokeConfig, or Lambda's defaults.
type AsyncConfig struct {
	MaximumRetryAttempts   int    // 0-2; Lambda's default is 2
	MaximumEventAgeSeconds int    // 60-21600; Lambda's default is 21600 (6 h)
	OnFailure              string // logical ID (or ARN) of the on-failure destination or dead-letter queue, "" when none
}

// Route is an HttpApi event.
type Route struct {
	Event  string
	Method string // upper case, or ANY
	Path   string // "/v1/leads/{id}"; "$default" for the catch-all
	// Authorizer is the route's authorizer ("AWS_IAM", a named one), "" for none.
	Authorizer string
}

// Stream is a DynamoDB event source mapping.
type Stream struct {
	Event            string
	Table            string // logical ID of the table whose stream is read
	StartingPosition string // TRIM_HORIZON or LATEST
	BatchSize        int
	// ParallelizationFactor is how many batches of one shard are processed at once (1 to 10), records of one
	// partition key always in the same, ordered, lane.
	ParallelizationFactor int
	// MaximumBatchingWindowSeconds is how long Lambda gathers records before invoking (0 to 300): it invokes
	// when the batch is full or the window has passed.
	MaximumBatchingWindowSeconds int
	MaximumRetryAttempts         int // -1: until the record expires
	MaximumRecordAgeSeconds      int // -1: no limit
	BisectOnError                bool
	ReportItemFailures           bool
	Filters                      []json.RawMessage // event patterns, OR-ed; empty matches everything
	OnFailure                    string            // logical ID (or ARN) of the on-failure destination, "" when none
	Enabled                      bool
}

// Schedule is a Schedule (EventBridge rule) or ScheduleV2 (EventBridge Scheduler) event.
type Schedule struct {
	Event      string
	Expression string // rate(...), cron(...) or at(...)
	TimeZone   string // IANA zone for cron and at; "" is UTC
	Input      string // JSON sent to the function; "" sends a scheduled-event notification
	V2         bool
	Enabled    bool
	// FlexibleWindowMinutes is EventBridge Scheduler's flexible time window (0: OFF): the invocation happens at
	// some instant within that many minutes after the scheduled time.
	FlexibleWindowMinutes int
	// DeliveryRetries and DeliveryDLQ are the schedule's RetryPolicy and DeadLetterConfig. They apply when the
	// target cannot be invoked at all (missing function, permissions, throttling), never to the function's own
	// errors, which the function's AsyncConfig governs.
	DeliveryRetries bool
	DeliveryDLQ     bool
}

// Rule is an EventBridgeRule event: the function is invoked (asynchronously) with each event of the bus its
// pattern matches.
type Rule struct {
	Event   string
	Pattern *yaml.Node // the event pattern, unresolved (it may hold intrinsic functions)
	Bus     string     // EventBusName; "" is the default bus
	Enabled bool
	// InputTransformer is the target's InputTransformer (InputPathsMap, InputTemplate), unresolved; nil when the
	// function gets the event itself. Input and InputPath are refused: not run locally.
	InputTransformer *yaml.Node
}

// Load reads and models a template file.
func Load(file string) (*Template, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	t, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return t, nil
}

// Parse models a template held in memory.
func Parse(data []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("not a template: the document is not a mapping")
	}
	root := doc.Content[0]
	t := &Template{Parameters: map[string]string{}, Resources: map[string]string{}, Doc: root}
	for name, p := range pairs(Child(root, "Parameters")) {
		if d := Child(p, "Default"); d != nil {
			t.Parameters[name] = d.Value
		}
	}
	globals := Child(Child(root, "Globals"), "Function")
	resources := Child(root, "Resources")
	if resources == nil {
		return nil, fmt.Errorf("the template has no Resources")
	}
	var errs []string
	for _, id := range keys(resources) {
		r := Child(resources, id)
		props := Child(r, "Properties")
		var err error
		t.Resources[id] = Child(r, "Type").Value
		switch Child(r, "Type").Value {
		case "AWS::DynamoDB::Table":
			var tbl Table
			tbl, err = parseTable(id, props)
			t.Tables = append(t.Tables, tbl)
		case "AWS::Serverless::LayerVersion":
			t.Layers = append(t.Layers, Layer{LogicalID: id, ContentURI: Child(props, "ContentUri").Value})
		case "AWS::Serverless::Function":
			var fn Function
			fn, err = parseFunction(id, r, props, globals)
			t.Functions = append(t.Functions, fn)
		case "AWS::SES::ConfigurationSet":
			t.SESConfigurationSets = append(t.SESConfigurationSets, SESConfigurationSet{LogicalID: id, Name: Child(props, "Name")})
		}
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", id, err))
		}
	}
	errs = append(errs, parseSESDestinations(t, resources)...)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return t, nil
}

// parseSESDestinations attaches each AWS::SES::ConfigurationSetEventDestination to its configuration set, which
// must be one of the template's (!Ref).
func parseSESDestinations(t *Template, resources *yaml.Node) []string {
	var errs []string
	for _, id := range keys(resources) {
		r := Child(resources, id)
		if Child(r, "Type").Value != "AWS::SES::ConfigurationSetEventDestination" {
			continue
		}
		props := Child(r, "Properties")
		set := Child(props, "ConfigurationSetName")
		ed := Child(props, "EventDestination")
		d := SESEventDestination{LogicalID: id, Name: valueOr(Child(ed, "Name"), id), Enabled: valueOr(Child(ed, "Enabled"), "false") == "true",
			EventBridge: Child(ed, "EventBridgeDestination") != nil}
		for _, e := range items(Child(ed, "MatchingEventTypes")) {
			d.EventTypes = append(d.EventTypes, e.Value)
		}
		for _, k := range []string{"SnsDestination", "KinesisFirehoseDestination", "CloudWatchDestination", "PinpointDestination"} {
			if Child(ed, k) != nil {
				d.Other = k
			}
		}
		found := false
		for i := range t.SESConfigurationSets {
			if set != nil && set.Tag == "!Ref" && set.Value == t.SESConfigurationSets[i].LogicalID {
				t.SESConfigurationSets[i].Destinations = append(t.SESConfigurationSets[i].Destinations, d)
				found = true
			}
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s: ConfigurationSetName must be !Ref to a configuration set of this template", id))
		}
	}
	return errs
}

// Function finds a function by logical ID.
func (t *Template) Function(id string) (Function, bool) {
	for _, f := range t.Functions {
		if f.LogicalID == id {
			return f, true
		}
	}
	return Function{}, false
}

// Table finds a table by logical ID.
func (t *Template) Table(id string) (Table, bool) {
	for _, tbl := range t.Tables {
		if tbl.LogicalID == id {
			return tbl, true
		}
	}
	return Table{}, false
}

func parseTable(id string, props *yaml.Node) (Table, error) {
	t := Table{LogicalID: id, Name: Child(props, "TableName"), Attributes: map[string]string{}}
	for _, a := range items(Child(props, "AttributeDefinitions")) {
		t.Attributes[Child(a, "AttributeName").Value] = Child(a, "AttributeType").Value
	}
	t.Keys = parseKeys(Child(props, "KeySchema"))
	if len(t.Keys) == 0 {
		return t, fmt.Errorf("no KeySchema")
	}
	for _, g := range items(Child(props, "GlobalSecondaryIndexes")) {
		idx := Index{Name: Child(g, "IndexName").Value, Keys: parseKeys(Child(g, "KeySchema"))}
		proj := Child(g, "Projection")
		idx.Projection = valueOr(Child(proj, "ProjectionType"), "ALL")
		for _, a := range items(Child(proj, "NonKeyAttributes")) {
			idx.NonKeyAttributes = append(idx.NonKeyAttributes, a.Value)
		}
		t.Indexes = append(t.Indexes, idx)
	}
	if s := Child(props, "StreamSpecification"); s != nil {
		t.StreamView = Child(s, "StreamViewType").Value
	}
	if ttl := Child(props, "TimeToLiveSpecification"); ttl != nil && valueOr(Child(ttl, "Enabled"), "true") == "true" {
		t.TTL = Child(ttl, "AttributeName").Value
	}
	return t, nil
}

func parseKeys(n *yaml.Node) []Key {
	var out []Key
	for _, k := range items(n) {
		out = append(out, Key{Attribute: Child(k, "AttributeName").Value, Type: Child(k, "KeyType").Value})
	}
	return out
}

func parseFunction(id string, r, props, globals *yaml.Node) (Function, error) {
	f := Function{LogicalID: id, Environment: map[string]*yaml.Node{}}
	if bm := Child(Child(r, "Metadata"), "BuildMethod"); bm == nil || bm.Value != "makefile" {
		return f, fmt.Errorf("Metadata.BuildMethod must be makefile (one go.mod, build-<LogicalId> targets)")
	}
	name, ok := strings.CutSuffix(id, "Function")
	if !ok || name == "" {
		return f, fmt.Errorf("a function's logical ID must be <Name>Function, the code living in functions/<name>")
	}
	f.Package = "./" + path.Join("functions", strings.ToLower(name))
	var err error
	if f.Timeout, err = intProp(props, globals, "Timeout", 3); err != nil {
		return f, err
	}
	if f.MemorySize, err = intProp(props, globals, "MemorySize", 128); err != nil {
		return f, err
	}
	if f.ReservedConcurrency, err = intProp(props, nil, "ReservedConcurrentExecutions", 0); err != nil {
		return f, err
	}
	if n := Child(props, "ReservedConcurrentExecutions"); n != nil && f.ReservedConcurrency < 1 {
		return f, fmt.Errorf("ReservedConcurrentExecutions must be at least 1 (0 stops the function), got %s", n.Value)
	}
	for _, src := range []*yaml.Node{globals, props} {
		for k, v := range pairs(Child(Child(src, "Environment"), "Variables")) {
			f.Environment[k] = v
		}
	}
	f.Logging = Logging{Format: "Text"}
	for _, src := range []*yaml.Node{globals, props} {
		lc := Child(src, "LoggingConfig")
		f.Logging.Format = valueOr(Child(lc, "LogFormat"), f.Logging.Format)
		f.Logging.AppLevel = valueOr(Child(lc, "ApplicationLogLevel"), f.Logging.AppLevel)
	}
	if f.Async, err = parseAsync(props, globals); err != nil {
		return f, err
	}
	layers := Child(props, "Layers")
	if layers == nil {
		layers = Child(globals, "Layers")
	}
	for _, l := range items(layers) {
		if l.Tag != "!Ref" {
			//lint:ignore ST1005 the error starts with the template's property, spelt as SAM spells it (Layers)
			return f, fmt.Errorf("Layers: only !Ref to a layer of this template is supported")
		}
		f.Layers = append(f.Layers, l.Value)
	}
	for _, ev := range keys(Child(props, "Events")) {
		e := Child(Child(props, "Events"), ev)
		ep := Child(e, "Properties")
		switch typ := Child(e, "Type").Value; typ {
		case "HttpApi":
			f.Routes = append(f.Routes, Route{
				Event:      ev,
				Method:     strings.ToUpper(valueOr(Child(ep, "Method"), "ANY")),
				Path:       valueOr(Child(ep, "Path"), "$default"),
				Authorizer: valueOr(Child(Child(ep, "Auth"), "Authorizer"), ""),
			})
		case "DynamoDB":
			s, err := parseStream(ev, ep)
			if err != nil {
				return f, fmt.Errorf("event %s: %w", ev, err)
			}
			f.Streams = append(f.Streams, s)
		case "Schedule", "ScheduleV2":
			s := Schedule{Event: ev, V2: typ == "ScheduleV2", Enabled: true}
			if s.V2 {
				s.Expression = Child(ep, "ScheduleExpression").Value
				s.TimeZone = valueOr(Child(ep, "ScheduleExpressionTimezone"), "")
				s.Enabled = valueOr(Child(ep, "State"), "ENABLED") == "ENABLED"
				if w := Child(ep, "FlexibleTimeWindow"); w != nil && valueOr(Child(w, "Mode"), "OFF") == "FLEXIBLE" {
					if s.FlexibleWindowMinutes, err = strconv.Atoi(valueOr(Child(w, "MaximumWindowInMinutes"), "")); err != nil || s.FlexibleWindowMinutes < 1 {
						return f, fmt.Errorf("event %s: FlexibleTimeWindow FLEXIBLE needs MaximumWindowInMinutes >= 1", ev)
					}
				}
			} else {
				s.Expression = Child(ep, "Schedule").Value
				s.Enabled = valueOr(Child(ep, "Enabled"), "true") == "true" && valueOr(Child(ep, "State"), "ENABLED") == "ENABLED"
			}
			s.Input = valueOr(Child(ep, "Input"), "")
			s.DeliveryRetries, s.DeliveryDLQ = Child(ep, "RetryPolicy") != nil, Child(ep, "DeadLetterConfig") != nil
			if s.Expression == "" {
				return f, fmt.Errorf("event %s: no schedule expression", ev)
			}
			f.Schedules = append(f.Schedules, s)
		case "EventBridgeRule":
			if bus := valueOr(Child(ep, "EventBusName"), ""); bus != "" && bus != "default" {
				return f, fmt.Errorf("event %s: only the default bus is run locally, got %s", ev, bus)
			}
			if Child(ep, "Pattern") == nil {
				return f, fmt.Errorf("event %s: no Pattern", ev)
			}
			for _, k := range []string{"Input", "InputPath"} {
				if Child(ep, k) != nil {
					return f, fmt.Errorf("event %s: %s is not run locally (InputTransformer is)", ev, k)
				}
			}
			f.Rules = append(f.Rules, Rule{Event: ev, Pattern: Child(ep, "Pattern"), Enabled: valueOr(Child(ep, "State"), "ENABLED") == "ENABLED",
				InputTransformer: Child(ep, "InputTransformer")})
		default:
			return f, fmt.Errorf("event %s: type %s is not run locally", ev, typ)
		}
	}
	return f, nil
}

// parseAsync reads EventInvokeConfig (and a DeadLetterQueue) with Lambda's defaults and limits.
func parseAsync(props, globals *yaml.Node) (AsyncConfig, error) {
	a := AsyncConfig{MaximumRetryAttempts: 2, MaximumEventAgeSeconds: 21600}
	for _, src := range []*yaml.Node{globals, props} {
		eic := Child(src, "EventInvokeConfig")
		var err error
		if a.MaximumRetryAttempts, err = intProp(eic, nil, "MaximumRetryAttempts", a.MaximumRetryAttempts); err != nil {
			return a, fmt.Errorf("EventInvokeConfig: %w", err)
		}
		if a.MaximumEventAgeSeconds, err = intProp(eic, nil, "MaximumEventAgeInSeconds", a.MaximumEventAgeSeconds); err != nil {
			return a, fmt.Errorf("EventInvokeConfig: %w", err)
		}
		if d := Child(Child(Child(eic, "DestinationConfig"), "OnFailure"), "Destination"); d != nil {
			a.OnFailure = strings.TrimSuffix(d.Value, ".Arn")
		}
		if d := Child(Child(src, "DeadLetterQueue"), "TargetArn"); d != nil && a.OnFailure == "" {
			a.OnFailure = strings.TrimSuffix(d.Value, ".Arn")
		}
	}
	if a.MaximumRetryAttempts < 0 || a.MaximumRetryAttempts > 2 {
		return a, fmt.Errorf("EventInvokeConfig.MaximumRetryAttempts must be 0 to 2, got %d", a.MaximumRetryAttempts)
	}
	if a.MaximumEventAgeSeconds < 60 || a.MaximumEventAgeSeconds > 21600 {
		return a, fmt.Errorf("EventInvokeConfig.MaximumEventAgeInSeconds must be 60 to 21600, got %d", a.MaximumEventAgeSeconds)
	}
	return a, nil
}

func parseStream(name string, ep *yaml.Node) (Stream, error) {
	s := Stream{Event: name, BatchSize: 100, ParallelizationFactor: 1, MaximumRetryAttempts: -1, MaximumRecordAgeSeconds: -1, Enabled: true}
	src := Child(ep, "Stream")
	if src == nil || src.Tag != "!GetAtt" || !strings.HasSuffix(src.Value, ".StreamArn") {
		return s, fmt.Errorf("Stream must be !GetAtt <Table>.StreamArn")
	}
	s.Table = strings.TrimSuffix(src.Value, ".StreamArn")
	s.StartingPosition = valueOr(Child(ep, "StartingPosition"), "LATEST")
	var err error
	for _, p := range []struct {
		key string
		dst *int
	}{{"BatchSize", &s.BatchSize}, {"ParallelizationFactor", &s.ParallelizationFactor},
		{"MaximumBatchingWindowInSeconds", &s.MaximumBatchingWindowSeconds},
		{"MaximumRetryAttempts", &s.MaximumRetryAttempts}, {"MaximumRecordAgeInSeconds", &s.MaximumRecordAgeSeconds}} {
		if n := Child(ep, p.key); n != nil {
			if *p.dst, err = strconv.Atoi(n.Value); err != nil {
				return s, fmt.Errorf("%s: %w", p.key, err)
			}
		}
	}
	if s.ParallelizationFactor < 1 || s.ParallelizationFactor > 10 {
		return s, fmt.Errorf("ParallelizationFactor must be 1 to 10, got %d", s.ParallelizationFactor)
	}
	if s.MaximumBatchingWindowSeconds < 0 || s.MaximumBatchingWindowSeconds > 300 {
		return s, fmt.Errorf("MaximumBatchingWindowInSeconds must be 0 to 300, got %d", s.MaximumBatchingWindowSeconds)
	}
	s.BisectOnError = valueOr(Child(ep, "BisectBatchOnFunctionError"), "false") == "true"
	s.Enabled = valueOr(Child(ep, "Enabled"), "true") == "true"
	for _, t := range items(Child(ep, "FunctionResponseTypes")) {
		if t.Value == "ReportBatchItemFailures" {
			s.ReportItemFailures = true
		}
	}
	for _, f := range items(Child(Child(ep, "FilterCriteria"), "Filters")) {
		pattern := Child(f, "Pattern").Value
		if !json.Valid([]byte(pattern)) {
			return s, fmt.Errorf("FilterCriteria pattern is not JSON: %s", pattern)
		}
		s.Filters = append(s.Filters, json.RawMessage(pattern))
	}
	if d := Child(Child(Child(ep, "DestinationConfig"), "OnFailure"), "Destination"); d != nil {
		s.OnFailure = strings.TrimSuffix(d.Value, ".Arn")
	}
	return s, nil
}

func intProp(props, globals *yaml.Node, key string, def int) (int, error) {
	n := Child(props, key)
	if n == nil {
		n = Child(globals, key)
	}
	if n == nil {
		return def, nil
	}
	v, err := strconv.Atoi(n.Value)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return v, nil
}

// Child is the value of key in a YAML mapping node, or nil (n nil or no mapping, or key absent). The packages that
// read template.yaml themselves (the IAM emulation, the grants and runbook tests) walk it with it.
func Child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func valueOr(n *yaml.Node, def string) string {
	if n == nil {
		return def
	}
	return n.Value
}

func items(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func pairs(n *yaml.Node) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n == nil || n.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		out[n.Content[i].Value] = n.Content[i+1]
	}
	return out
}

func keys(n *yaml.Node) []string {
	var out []string
	for k := range pairs(n) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
