// Package metrics publishes CloudWatch metrics as embedded-metric-format (EMF) log lines: one JSON object per
// line on the function's standard output, which Lambda sends to its log group, where CloudWatch Logs extracts
// the metrics. No SDK, no PutMetricData call, no permission beyond the logs the function already writes; a line is
// written when the thing it counts happened, so a crash loses no metric already counted.
//
// A line follows the EMF specification
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
//
//	{"_aws":{"Timestamp":<ms since the epoch>,"CloudWatchMetrics":[{"Namespace":"Handoff/prod",
//	  "Dimensions":[["Function"]],"Metrics":[{"Name":"SLABreaches","Unit":"Count"}]}]},
//	 "Function":"deadlines","SLABreaches":1}
//
// What a metric carries is a count, the namespace (the stage) and the function's name: never a lead, a rep or
// anything of a person, since the line is also a log line kept for the log group's retention.
package metrics

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sync"
	"time"
)

// Unit is a CloudWatch metric unit (the EMF MetricDefinition's Unit).
type Unit string

// Count is the unit of the counts Handoff publishes.
const Count Unit = "Count"

// FunctionDimension is the one dimension of every metric: the function that emitted it. Alarms name it with
// the same value (template.yaml).
const FunctionDimension = "Function"

// names: a metric's name is also a member of the line's root, beside "_aws" and the dimension; letters, digits
// and a few separators keep it a plain JSON key and a valid CloudWatch metric name (1 to 255 characters).
var names = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{0,254}$`)

// Recorder writes metric lines for one function under one namespace. A nil *Recorder records nothing, so code
// that counts need not know whether metrics are wired (tests of other behaviour, the CLI).
type Recorder struct {
	mu        sync.Mutex // one line per Write, whole, whatever the goroutines counting at once
	w         io.Writer
	namespace string
	function  string
	now       func() time.Time
}

// New returns a Recorder writing to w (os.Stdout in Lambda) under namespace (e.g. Handoff/prod) with the
// function's name as its dimension; now dates each line (time.Now: CloudWatch refuses a timestamp more than two
// weeks past or two hours ahead, so never a shifted clock).
func New(w io.Writer, namespace, function string, now func() time.Time) (*Recorder, error) {
	var errs []error
	if w == nil {
		errs = append(errs, errors.New("no writer"))
	}
	if l := len(namespace); l == 0 || l > 255 {
		errs = append(errs, fmt.Errorf("the namespace must be 1 to 255 characters, got %q", namespace))
	}
	if l := len(function); l == 0 || l > 1024 {
		errs = append(errs, fmt.Errorf("the function dimension must be 1 to 1024 characters, got %q", function))
	}
	if now == nil {
		errs = append(errs, errors.New("no clock"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	return &Recorder{w: w, namespace: namespace, function: function, now: now}, nil
}

// line is one EMF document. The metric's value is a root member named after it, added by Count.
type line struct {
	AWS      metadata `json:"_aws"`
	Function string   `json:"Function"`
}

type metadata struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

type directive struct {
	Namespace  string       `json:"Namespace"`
	Dimensions [][]string   `json:"Dimensions"`
	Metrics    []definition `json:"Metrics"`
}

type definition struct {
	Name string `json:"Name"`
	Unit Unit   `json:"Unit"`
}

// Count writes one line adding n to the metric name (a Sum over a period is the count in it). A nil Recorder
// writes nothing.
func (r *Recorder) Count(name string, n int) error {
	if r == nil {
		return nil
	}
	if !names.MatchString(name) || name == FunctionDimension {
		return fmt.Errorf("metrics: invalid metric name %q", name)
	}
	doc := line{
		AWS: metadata{
			Timestamp: r.now().UnixMilli(),
			CloudWatchMetrics: []directive{{
				Namespace:  r.namespace,
				Dimensions: [][]string{{FunctionDimension}},
				Metrics:    []definition{{Name: name, Unit: Count}},
			}},
		},
		Function: r.function,
	}
	head, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	// The value member after the fixed ones: {...,"Function":"deadlines"} + ,"<name>":<n>}
	buf := append(head[:len(head)-1], fmt.Sprintf(",%q:%d}\n", name, n)...)
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.w.Write(buf); err != nil {
		return fmt.Errorf("metrics: write %s: %w", name, err)
	}
	return nil
}
