// Function score re-scores a lead whenever one of its activities arrives on the activities stream.
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
	rt := platform.MustStart("score", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE")
	leads := store.NewLeads(platform.DynamoDB(rt.AWS(context.Background()), os.LookupEnv), store.TablesFrom(rt.Env))
	s, err := score.New(rt.Contract, leads, rt.Clock.Now, rt.Log, store.DecayBuckets)
	rt.Must(err)
	lambda.Start(s.HandleStream)
}
