// Function ingest serves POST /v1/sources/{sourceId}/submissions, /activities, /outcomes and /content.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("ingest", "LEADS_TABLE", "ACTIVITIES_TABLE", "DELIVERIES_TABLE", "SLA_TABLE")
	cfg := rt.AWS()
	keys, err := secrets.FromAWS(context.Background(), cfg, ingest.SecretRefs(rt.Contract))
	rt.Must(err)
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	h, err := ingest.New(rt.Contract, keys, store.NewLeads(db, tables), store.NewHandoffs(db, tables), rt.Clock.Now, rt.Log)
	rt.Must(err)
	h.WithContent(store.NewContent(db, tables))
	lambda.Start(h.Handle)
}
