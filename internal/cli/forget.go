package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/forget"
	"github.com/handoff-sla/handoff/internal/lead/address"
	"github.com/handoff-sla/handoff/internal/store"
)

const forgetUsage = `usage: handoff forget --email ADDRESS [--contract FILE] [--endpoint URL] [--leads-table T] [--activities-table T]
                      [--deliveries-table T] [--sla-table T]
  Erase a person (GDPR): the code of POST /v1/ops/forget, run against DynamoDB Local (--endpoint, the URL make
  run prints) or AWS (the usual configuration; name the stage's tables). Their profile, email claim and
  activities are deleted; their hand-offs stay as anonymous counts; their comments leave the reports of record.
  Prints what was erased (JSON). Safe to run again: a second run finds nothing to erase.
`

// forgetPerson erases a person by email, as the forget function does.
func forgetPerson(args []string, stdout, stderr io.Writer, now func() time.Time) int {
	fs := flags("forget", forgetUsage)
	email := fs.String("email", "", "the person's email address, as typed on a form (required)")
	file := fs.String("contract", "infra/contract/contract.yaml", "contract file (its time zone names the reports' months)")
	endpoint := endpointFlag(fs)
	leadsTable := fs.String("leads-table", "handoff-local-leads", "leads table")
	activitiesTable := fs.String("activities-table", "handoff-local-activities", "activities table")
	deliveriesTable := fs.String("deliveries-table", "handoff-local-deliveries", "deliveries table")
	slaTable := fs.String("sla-table", "handoff-local-sla", "SLA table")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	problems := extra(fs)
	if *email == "" {
		problems = append(problems, "--email is required")
	} else if _, err := address.Normalise(strings.TrimSpace(*email)); err != nil {
		problems = append(problems, "--"+forget.ErrInvalidEmail.Error())
	}
	if len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	c, db, code, ok := contractAndDB(*file, *endpoint, stderr)
	if !ok {
		return code
	}
	ctx := context.Background()
	people := store.NewPeople(db, store.Tables{Leads: *leadsTable, Activities: *activitiesTable, Deliveries: *deliveriesTable, SLA: *slaTable, Zone: c.Location,
		Retention: c.Retention})
	r, err := forget.Person(ctx, people, *email, now())
	if errors.Is(err, forget.ErrInvalidEmail) {
		return misuse(fs, stderr, err.Error())
	}
	if err != nil {
		fmt.Fprintf(stderr, "forget: %v (what was erased stays erased; run it again to finish)\n", err)
		return 1
	}
	out, _ := json.MarshalIndent(r, "", "  ")
	fmt.Fprintln(stdout, string(out))
	return 0
}
