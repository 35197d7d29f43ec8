// Function decay re-scores, once a day, the leads whose behaviour points fade with time.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/rescore"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("decay", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE")
	leads := store.NewLeads(store.NewClient(rt.AWS(), os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract))
	s, err := rescore.New(rt.Contract, leads, rt.Clock.Now, rt.Log)
	rt.Must(err)
	lambda.Start(s.HandleDecay)
}
