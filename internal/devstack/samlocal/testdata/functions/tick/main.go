// Function tick answers with the scheduled event it received and the time its clock says: the real one shifted
// by TICK_CLOCK_OFFSET, the variable the tests tell the stack to pass its clock offset in. The nightly job takes
// 300 ms.
package main

import (
	"context"
	"encoding/json"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/platform"
)

func main() {
	platform.MustStart("tick")
	offset, _ := time.ParseDuration(os.Getenv("TICK_CLOCK_OFFSET"))
	lambda.Start(func(ctx context.Context, ev json.RawMessage) (map[string]any, error) {
		var in struct{ Job string }
		if json.Unmarshal(ev, &in) == nil && in.Job == "nightly" {
			// A firing that lasts, so that a test looking at the stack while it runs sees it busy.
			time.Sleep(300 * time.Millisecond)
		}
		return map[string]any{"event": ev, "now": time.Now().Add(offset)}, nil
	})
}
