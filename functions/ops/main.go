// Function ops answers marketing ops' read-only route: the SQLs sales have not finished with, and their deadlines.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/ops"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("ops", "SLA_TABLE")
	db := store.NewClient(rt.AWS(), os.LookupEnv)
	h := ops.New(rt.Contract, store.NewHandoffs(db, store.TablesFrom(rt.Env, rt.Contract)), rt.Clock.Now, rt.Log)
	lambda.Start(h.Handle)
}
