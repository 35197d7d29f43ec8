// Function bounces records what SES reports of the emails it accepted — bounces and complaints, published by the
// configuration set to EventBridge — on the record each email was sent for (internal/bounces): a bounced SQL email
// stops its rep's deadlines, and the deadline checker tells marketing ops and reassigns or holds the SQL; a bounced
// monthly report is told to marketing ops from here.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/bounces"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("bounces", "SLA_TABLE")
	cfg := rt.AWS()
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	h := bounces.New(rt.Contract, store.NewHandoffs(db, tables), store.NewBounces(db, tables), ses.FromEnv(cfg, os.LookupEnv), rt.Clock.Now, rt.Log)
	lambda.Start(h.Handle)
}
