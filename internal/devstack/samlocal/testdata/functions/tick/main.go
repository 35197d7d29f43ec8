// Function tick answers with the scheduled event it received and the time its clock says.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/platform"
)

func main() {
	rt := platform.MustStart("tick")
	lambda.Start(func(ctx context.Context, ev json.RawMessage) (map[string]any, error) {
		return map[string]any{"event": ev, "now": rt.Clock.Now()}, nil
	})
}
