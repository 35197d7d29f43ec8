package samlocal

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// Options.Crashes kills the chosen function's process in the middle of an invocation, which fails as a crash
// does in Lambda (Runtime.ExitError) and is counted; the next invocation gets a new execution environment; once
// StopCrashes is called, nothing is killed any more. A function not chosen is never killed.
func TestCrashesKillMidInvocation(t *testing.T) {
	t.Parallel()
	f := start(t, Options{Crashes: Crashes{Every: 1, Within: 200 * time.Millisecond, Seed: 1,
		Of: func(fn samtemplate.Function) bool { return fn.LogicalID == "EchoFunction" }}}, nil)
	sleep := []byte(`{"version":"2.0","rawPath":"/sleep","requestContext":{"http":{"method":"GET","path":"/sleep"}}}`)
	begin := time.Now()
	_, err := f.stack.Invoke(context.Background(), "EchoFunction", sleep)
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Type != "Runtime.ExitError" || !strings.Contains(fe.Message, "crash injected") {
		t.Fatalf("a crashed invocation: %v", err)
	}
	if d := time.Since(begin); d > 1900*time.Millisecond {
		t.Errorf("the crash came after %s: the function was not killed mid-invocation (it sleeps 5 s, times out at 2 s)", d)
	}
	if got := f.stack.Crashes(); got["EchoFunction"] != 1 || len(got) != 1 {
		t.Errorf("Crashes() = %v", got)
	}
	f.stack.StopCrashes()
	echo := []byte(`{"version":"2.0","rawPath":"/echo/1","requestContext":{"http":{"method":"GET","path":"/echo/1"}}}`)
	if _, err := f.stack.Invoke(context.Background(), "EchoFunction", echo); err != nil {
		t.Errorf("after StopCrashes: %v", err)
	}
	if got := f.stack.Crashes()["EchoFunction"]; got != 1 {
		t.Errorf("%d crashes after StopCrashes", got)
	}
	// CrashNext: the next invocation is killed all the same (the soak's monthly report, which runs once), and only it.
	if err := f.stack.CrashNext("EchoFunction"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.stack.Invoke(context.Background(), "EchoFunction", sleep); !errors.As(err, &fe) || !strings.Contains(fe.Message, "crash injected") {
		t.Errorf("the invocation after CrashNext: %v", err)
	}
	if _, err := f.stack.Invoke(context.Background(), "EchoFunction", echo); err != nil {
		t.Errorf("the one after: %v", err)
	}
	if got := f.stack.Crashes()["EchoFunction"]; got != 2 {
		t.Errorf("%d crashes after CrashNext, want 2", got)
	}
	if err := f.stack.CrashNext("BrokenFunction"); err == nil {
		t.Error("CrashNext of a function Options.Crashes does not select: no error")
	}
}

// SetEnv changes every function's environment (the soak turns its faults off so): the next invocations see it.
func TestSetEnvRestartsWithTheNewEnvironment(t *testing.T) {
	t.Parallel()
	f := start(t, Options{ExtraEnv: map[string]string{"STAGE": "before"}}, nil)
	echo := []byte(`{"version":"2.0","rawPath":"/echo/1","requestContext":{"http":{"method":"GET","path":"/echo/1"}}}`)
	stage := func() string {
		out, err := f.stack.Invoke(context.Background(), "EchoFunction", echo)
		if err != nil {
			t.Fatal(err)
		}
		var resp struct{ Body string }
		var body struct{ Stage string }
		if err := json.Unmarshal(out, &resp); err != nil || json.Unmarshal([]byte(resp.Body), &body) != nil {
			t.Fatalf("echo answered %s (%v)", out, err)
		}
		return body.Stage
	}
	if got := stage(); got != "before" {
		t.Fatalf("stage = %q", got)
	}
	if err := f.stack.SetEnv("STAGE", "after"); err != nil {
		t.Fatal(err)
	}
	if got := stage(); got != "after" {
		t.Errorf("after SetEnv, stage = %q", got)
	}
}
