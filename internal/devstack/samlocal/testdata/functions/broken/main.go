// Function broken needs a variable the template does not set: it must refuse to start, saying which.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/platform"
)

func main() {
	platform.MustStart("broken", "HANDOFF_TEST_NOT_SET")
	lambda.Start(func() error { return nil })
}
