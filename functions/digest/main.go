// Function digest sends each rep the weekly digest of the content published for them, once the contract's
// weekly slot (marketing.digest) has passed: exactly once per rep and week, nothing when there is nothing new.
// Each digest carries the rep's link to the ideas and field feedback page, signed with the answer links' key.
package main

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/digest"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/platform"
	"github.com/handoff-sla/handoff/internal/secrets"
	"github.com/handoff-sla/handoff/internal/store"
)

func main() {
	rt := platform.MustStart("digest", "SLA_TABLE", "PUBLIC_BASE_URL")
	cfg := rt.AWS()
	keys, err := secrets.LinkKeys(context.Background(), cfg, rt.Contract.Notify.LinkSecret)
	rt.Must(err)
	key, base := keys.Signing(), platform.PublicBaseURL(rt.Env["PUBLIC_BASE_URL"], os.LookupEnv)
	db, tables := store.NewClient(cfg, os.LookupEnv), store.TablesFrom(rt.Env, rt.Contract)
	d := digest.New(rt.Contract, store.NewContent(db, tables), store.ErrDigestExists, ses.FromEnv(cfg, os.LookupEnv), rt.Clock.Now, rt.Log)
	d.IdeasURL = func(rep contract.Rep, now time.Time) string { return ideas.URL(key, base, rep.ID, now) }
	lambda.Start(d.Handle)
}
