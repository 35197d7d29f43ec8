package samlocal

import (
	"maps"
	"strings"
	"sync"
	"time"
)

// What each function asked of DynamoDB and how often and how long it ran, counted where the stack already sees
// it (the DynamoDB proxy of dynamoiam.go, the invocations of runtime.go): the figures `make bench` turns into
// requests per operation and into the cost model. Counting changes nothing of what a function sees.

// counts is the stack's tally; a nil *counts counts nothing (a test's stack built without Start).
type counts struct {
	mu          sync.Mutex
	dynamo      map[string]map[string]int // function -> DynamoDB operation -> requests
	items       map[string]map[string]int // function -> operation -> items named (a transaction's or a batch's each)
	invocations map[string]Invocations
	emails      map[string]int // the email's kind tag (internal/mailtag: sql, event, report...) -> emails SES accepted
}

// Invocations is how often a function ran and for how long in all (from the invocation handed to a process to
// its answer: what Lambda bills, measured on this machine).
type Invocations struct {
	Count int
	Took  time.Duration
	// Billed is Took as Lambda bills it: each invocation rounded up to the millisecond.
	Billed time.Duration
}

func newCounts() *counts {
	return &counts{dynamo: map[string]map[string]int{}, items: map[string]map[string]int{}, invocations: map[string]Invocations{}, emails: map[string]int{}}
}

// dynamoRequest counts one request of fn; target is its X-Amz-Target ("DynamoDB_20120810.Query"), items the
// items or keys it names (one for a single-item request).
func (c *counts) dynamoRequest(fn, target string, items int) {
	if c == nil {
		return
	}
	op := target[strings.LastIndexByte(target, '.')+1:]
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dynamo[fn] == nil {
		c.dynamo[fn], c.items[fn] = map[string]int{}, map[string]int{}
	}
	c.dynamo[fn][op]++
	c.items[fn][op] += max(items, 1)
}

// email counts one email SES accepted, by its kind tag ("" when it has none).
func (c *counts) email(kind string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.emails[kind]++
}

// invoked counts one invocation of fn that took d.
func (c *counts) invoked(fn string, d time.Duration) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.invocations[fn]
	n.Count++
	n.Took += d
	n.Billed += (d + time.Millisecond - 1).Truncate(time.Millisecond)
	c.invocations[fn] = n
}

// DynamoRequests returns the DynamoDB requests each function made since the stack started (or ResetCounts), by
// operation ("Query", "TransactWriteItems"...). Requests IAM refused are counted too: they reached the proxy.
func (s *Stack) DynamoRequests() map[string]map[string]int {
	return s.counts.snapshot(func(c *counts) map[string]map[string]int { return c.dynamo })
}

// DynamoItems is DynamoRequests counting a transaction's or a batch's items one by one (what DynamoDB bills
// per item), a single-item request or a Query as one.
func (s *Stack) DynamoItems() map[string]map[string]int {
	return s.counts.snapshot(func(c *counts) map[string]map[string]int { return c.items })
}

func (c *counts) snapshot(of func(*counts) map[string]map[string]int) map[string]map[string]int {
	out := map[string]map[string]int{}
	if c == nil {
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for fn, ops := range of(c) {
		out[fn] = maps.Clone(ops)
	}
	return out
}

// Invocations returns each function's invocations since the stack started (or ResetCounts).
func (s *Stack) Invocations() map[string]Invocations {
	if s.counts == nil {
		return map[string]Invocations{}
	}
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return maps.Clone(s.counts.invocations)
}

// Emails returns the emails SES accepted since the stack started (or ResetCounts), by their kind tag
// (internal/mailtag's kinds; "" for an email without one).
func (s *Stack) Emails() map[string]int {
	if s.counts == nil {
		return map[string]int{}
	}
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	return maps.Clone(s.counts.emails)
}

// ResetCounts starts the counts again from zero (after a warm-up or a fixture).
func (s *Stack) ResetCounts() {
	if s.counts == nil {
		return
	}
	s.counts.mu.Lock()
	defer s.counts.mu.Unlock()
	s.counts.dynamo, s.counts.items, s.counts.invocations, s.counts.emails = map[string]map[string]int{}, map[string]map[string]int{}, map[string]Invocations{}, map[string]int{}
}

// Environment is the environment a function's processes get (the template's variables resolved, the local
// endpoints), without AWS_LAMBDA_RUNTIME_API: to start its binary elsewhere, as `make bench` does to time a
// bootstrap's initialisation. Nil for a function the stack does not run.
func (s *Stack) Environment(function string) []string {
	f, ok := s.functions[function]
	if !ok {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.env...)
}
