// Function report computes the monthly SLA report on the 1st of each month (or a month asked for), stores it as the
// month's report of record, and emails it to leadership, once.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/monthly"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("report", "LEADS_TABLE", "SLA_TABLE")
	cfg := rt.AWS()
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	r := monthly.New(rt.Contract, store.NewMonths(db, tables), store.NewReports(db, tables), ses.FromEnv(cfg, os.LookupEnv),
		rt.Clock.Now, rt.Log)
	lambda.Start(r.Handle)
}
