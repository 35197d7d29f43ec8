// Function forget erases a person on request (GDPR): POST /v1/ops/forget, IAM-authorised.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/forget"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("forget", "LEADS_TABLE", "ACTIVITIES_TABLE", "DELIVERIES_TABLE", "SLA_TABLE")
	people := store.NewPeople(store.NewClient(rt.AWS(), os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract))
	lambda.Start(forget.New(people, rt.Clock.Now, rt.Log).Handle)
}
