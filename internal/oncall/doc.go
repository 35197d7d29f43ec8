// Package oncall holds the checks that keep what on-call receives and what they read together: every alarm in
// template.yaml notifies the alarm topic and has its section in RUNBOOK.md, and every section names an alarm;
// every function has an errors alarm, every queue a depth alarm, every stream consumer an iterator-age alarm,
// derived from the template so that a new function, queue or stream without its alarm fails `make test`. It has
// no code of its own: the checks are its tests.
package oncall
