package oncall_test

import (
	"os"
	"strings"
	"testing"
)

// TestTheRunbooksReceivesWaitForMessages: every `aws sqs receive-message` of the runbook long-polls. A receive
// without --wait-time-seconds short-polls a sample of SQS's servers, and on a queue holding a message or two
// (what an alarm at 3 a.m. finds) it may answer nothing at all: msgs.json empty, and the queue believed empty.
func TestTheRunbooksReceivesWaitForMessages(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(runbookFile)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "\\\n", " ")
	n := 0
	for _, line := range strings.Split(text, "\n") {
		for _, cmd := range strings.Split(line, "aws sqs receive-message")[1:] {
			n++
			if cmd, _, _ = strings.Cut(cmd, "|"); !strings.Contains(cmd, "--wait-time-seconds") {
				t.Errorf("a receive without --wait-time-seconds: aws sqs receive-message%s", cmd)
			}
		}
	}
	if n == 0 {
		t.Error("no aws sqs receive-message in RUNBOOK.md")
	}
}
