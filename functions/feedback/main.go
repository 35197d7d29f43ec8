// Function feedback serves the page sales answer an SQL on: GET /v1/feedback/{token} shows, POST records.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("feedback", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE")
	cfg := rt.AWS()
	keys, err := secrets.FromAWS(context.Background(), cfg, map[string]string{"feedback-links": rt.Contract.Notify.LinkSecret})
	rt.Must(err)
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	page := feedback.NewPage(rt.Contract, store.NewHandoffs(db, tables), store.NewLeads(db, tables), []byte(keys["feedback-links"]), rt.Clock.Now, rt.Log)
	lambda.Start(page.Handle)
}
