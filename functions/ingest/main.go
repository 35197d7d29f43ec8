// Function ingest serves POST /v1/sources/{sourceId}/submissions, /activities and /outcomes.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("ingest", "LEADS_TABLE", "ACTIVITIES_TABLE", "DELIVERIES_TABLE", "SLA_TABLE")
	ctx := context.Background()
	cfg := rt.AWS(ctx)
	db, tables := platform.DynamoDB(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract.Location)
	h, err := ingest.New(rt.Contract, rt.Secrets(ctx, cfg, ingest.SecretRefs(rt.Contract)), store.NewLeads(db, tables),
		store.NewHandoffs(db, tables), rt.Clock.Now, rt.Log)
	rt.Must(err)
	lambda.Start(h.Handle)
}
