// Function status serves GET /v1/status.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/status"
)

func main() {
	rt := platform.MustStart("status")
	lambda.Start(status.New(rt.Contract, rt.Clock.Now, rt.Log).Handle)
}
