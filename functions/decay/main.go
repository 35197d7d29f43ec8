// Function decay re-scores, once a day, the leads whose behaviour points fade with time.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/score"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("decay", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE")
	leads := store.NewLeads(platform.DynamoDB(rt.AWS(context.Background()), os.LookupEnv), store.TablesFrom(rt.Env))
	s, err := score.New(rt.Contract, leads, rt.Clock.Now, rt.Log, store.DecayBuckets)
	rt.Must(err)
	lambda.Start(s.HandleDecay)
}
