// Function feedback serves the page sales answer an SQL on: GET /v1/feedback/{token} shows, POST records.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/feedback"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("feedback", "LEADS_TABLE", "ACTIVITIES_TABLE", "SLA_TABLE")
	ctx := context.Background()
	cfg := rt.AWS(ctx)
	key := rt.Secrets(ctx, cfg, map[string]string{"feedback-links": rt.Contract.Notify.LinkSecret})["feedback-links"]
	handoffs := store.NewHandoffs(platform.DynamoDB(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract.Location))
	lambda.Start(feedback.NewPage(rt.Contract, handoffs, []byte(key), rt.Clock.Now, rt.Log).Handle)
}
