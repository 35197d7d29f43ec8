// Function notify hands each new SQL to a rep: assignment, deadlines, and the SQL email, exactly once.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("notify", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE", "PUBLIC_BASE_URL")
	cfg := rt.AWS()
	keys, err := secrets.LinkKeys(context.Background(), cfg, rt.Contract.Notify.LinkSecret)
	rt.Must(err)
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	links := email.LinkSigner{Key: keys.Signing(), BaseURL: platform.PublicBaseURL(rt.Env["PUBLIC_BASE_URL"], os.LookupEnv)}
	n, err := notify.New(rt.Contract, store.NewLeads(db, tables), store.NewHandoffs(db, tables), ses.FromEnv(cfg, os.LookupEnv), links,
		rt.Clock.Now, rt.Log)
	rt.Must(err)
	lambda.Start(n.HandleStream)
}
