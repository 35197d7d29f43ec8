// Function deadlines enforces sales' side of the contract every minute: reminders, breaches, escalation and
// reassignment, each exactly once; and marketing ops' emails of sales' ideas and field feedback, recorded by the
// ideas page (internal/ideas/relay says why here).
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/ideas/relay"
	"github.com/handoff-sla/handoff/internal/metrics"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("deadlines", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE", "PUBLIC_BASE_URL", "METRICS_NAMESPACE")
	cfg := rt.AWS()
	keys, err := secrets.LinkKeys(context.Background(), cfg, rt.Contract.Notify.LinkSecret)
	rt.Must(err)
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	links := email.LinkSigner{Key: keys.Signing(), BaseURL: platform.PublicBaseURL(rt.Env["PUBLIC_BASE_URL"], os.LookupEnv)}
	sender := ses.FromEnv(cfg, os.LookupEnv)
	c, err := deadlines.New(rt.Contract, store.NewHandoffs(db, tables), store.NewLeads(db, tables), sender, links,
		rt.Clock.Now, rt.Log)
	rt.Must(err)
	// Embedded-metric-format lines on stdout, beside the logs: Lambda ships both to the log group.
	c.Metrics, err = metrics.New(os.Stdout, rt.Env["METRICS_NAMESPACE"], "deadlines", time.Now)
	rt.Must(err)
	ideasMail := relay.New(rt.Contract, store.NewIdeas(db, tables), sender, rt.Clock.Now, rt.Log)
	lambda.Start(c.HandleWith(ideasMail))
}
