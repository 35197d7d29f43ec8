// Function notify hands each new SQL to a rep: assignment, deadlines, and the SQL email, exactly once.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/handoff-sla/handoff/internal/mail"
	"github.com/handoff-sla/handoff/internal/notify"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("notify", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE", "PUBLIC_BASE_URL")
	ctx := context.Background()
	cfg := rt.AWS(ctx)
	keys, err := secrets.Resolver{Lookup: os.LookupEnv, SSM: ssm.NewFromConfig(cfg), SecretsManager: secretsmanager.NewFromConfig(cfg)}.
		Resolve(ctx, map[string]string{"feedback-links": rt.Contract.Notify.LinkSecret})
	rt.Must(err)
	leads := store.NewLeads(platform.DynamoDB(cfg, os.LookupEnv), store.Tables{
		Leads: rt.Env["LEADS_TABLE"], Activities: rt.Env["ACTIVITIES_TABLE"], SLA: rt.Env["SLA_TABLE"],
	})
	n, err := notify.New(rt.Contract, leads, mail.SES{Client: sesv2.NewFromConfig(cfg)}, []byte(keys["feedback-links"]),
		platform.PublicBaseURL(rt.Env["PUBLIC_BASE_URL"], os.LookupEnv), rt.Clock.Now, rt.Log)
	rt.Must(err)
	lambda.Start(n.HandleStream)
}
