// Function feedback serves the pages sales write on: the answer to an SQL (GET /v1/feedback/{token} shows, POST
// records) and their ideas and field feedback (GET /v1/ideas/{token} shows, POST records).
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
	keys, err := secrets.LinkKeys(context.Background(), cfg, rt.Contract.Notify.LinkSecret)
	rt.Must(err)
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	page := feedback.NewPage(rt.Contract, store.NewHandoffs(db, tables), store.NewLeads(db, tables), keys, rt.Clock.Now, rt.Log)
	ideas := feedback.NewIdeasPage(rt.Contract, store.NewIdeas(db, tables), keys, rt.Clock.Now, rt.Log)
	lambda.Start(feedback.Router(page, ideas))
}
