// Function ingest serves POST /v1/sources/{sourceId}/submissions, /activities and /outcomes.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/handoff-sla/handoff/internal/ingest"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("ingest", "LEADS_TABLE", "ACTIVITIES_TABLE", "DELIVERIES_TABLE", "SLA_TABLE")
	ctx := context.Background()
	cfg := rt.AWS(ctx)
	resolved, err := secrets.Resolver{Lookup: os.LookupEnv, SSM: ssm.NewFromConfig(cfg), SecretsManager: secretsmanager.NewFromConfig(cfg)}.
		Resolve(ctx, ingest.SecretRefs(rt.Contract))
	rt.Must(err)
	leads := store.NewLeads(platform.DynamoDB(cfg, os.LookupEnv), store.Tables{
		Leads: rt.Env["LEADS_TABLE"], Activities: rt.Env["ACTIVITIES_TABLE"], Deliveries: rt.Env["DELIVERIES_TABLE"], SLA: rt.Env["SLA_TABLE"],
	})
	h, err := ingest.New(rt.Contract, resolved, leads, rt.Clock.Now, rt.Log)
	rt.Must(err)
	lambda.Start(h.Handle)
}
