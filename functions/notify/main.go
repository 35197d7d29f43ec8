// Function notify hands each new SQL to a rep: assignment, deadlines, and the SQL email, exactly once.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/handoff-sla/handoff/internal/mail"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("notify", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE", "PUBLIC_BASE_URL")
	ctx := context.Background()
	cfg := rt.AWS(ctx)
	key := rt.Secrets(ctx, cfg, map[string]string{"feedback-links": rt.Contract.Notify.LinkSecret})["feedback-links"]
	leads := store.NewLeads(platform.DynamoDB(cfg, os.LookupEnv), store.TablesFrom(rt.Env))
	n, err := notify.New(rt.Contract, leads, mail.SES{Client: sesv2.NewFromConfig(cfg)}, []byte(key),
		platform.PublicBaseURL(rt.Env["PUBLIC_BASE_URL"], os.LookupEnv), rt.Clock.Now, rt.Log)
	rt.Must(err)
	lambda.Start(n.HandleStream)
}
