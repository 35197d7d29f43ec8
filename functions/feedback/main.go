// Function feedback serves the page sales answer an SQL on: GET /v1/feedback/{token} shows, POST records.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("feedback", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE")
	ctx := context.Background()
	cfg := rt.AWS(ctx)
	keys, err := secrets.Resolver{Lookup: os.LookupEnv, SSM: ssm.NewFromConfig(cfg), SecretsManager: secretsmanager.NewFromConfig(cfg)}.
		Resolve(ctx, map[string]string{"feedback-links": rt.Contract.Notify.LinkSecret})
	rt.Must(err)
	leads := store.NewLeads(platform.DynamoDB(cfg, os.LookupEnv), store.Tables{
		Leads: rt.Env["LEADS_TABLE"], Activities: rt.Env["ACTIVITIES_TABLE"], SLA: rt.Env["SLA_TABLE"],
	})
	lambda.Start(feedback.NewPage(rt.Contract, leads, []byte(keys["feedback-links"]), rt.Clock.Now, rt.Log).Handle)
}
