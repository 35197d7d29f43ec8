// Function digest sends each rep the weekly digest of the content published for them, once the contract's
// weekly slot (marketing.digest) has passed: exactly once per rep and week, nothing when there is nothing new.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/digest"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("digest", "SLA_TABLE")
	cfg := rt.AWS()
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	d := digest.New(rt.Contract, store.NewContent(db, tables), store.ErrDigestExists, ses.FromEnv(cfg, os.LookupEnv), rt.Clock.Now, rt.Log)
	lambda.Start(d.Handle)
}
