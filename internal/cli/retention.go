package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/handoff-sla/handoff/internal/store"
)

const retentionUsage = `usage: handoff retention backfill [--contract FILE] [--dry-run] [--endpoint URL]
                                 [--leads-table T] [--activities-table T] [--deliveries-table T] [--sla-table T]
  Give every stored item that holds personal data the expiry the contract's retention gives it — the items
  written before retention, or under another retention — and remove from hand-offs the person's details they
  held before. Run it once after deploying retention, and again after changing the contract's retention key.
  It reads every table (a Scan, and one Query per lead for its history): DynamoDB Local at --endpoint (the URL
  make run prints), else AWS's usual configuration (name the stage's tables). Each write is conditional: an
  item deleted or rewritten meanwhile is left as it is, so it can be stopped and run again. --dry-run counts
  and writes nothing.
`

// retention runs `handoff retention backfill`.
func retention(args []string, stdout, stderr io.Writer) int {
	fs := flags("retention backfill", retentionUsage)
	if len(args) == 0 || args[0] != "backfill" {
		if len(args) == 1 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
			fmt.Fprint(stdout, retentionUsage)
			return 0
		}
		return misuse(fs, stderr, "retention: the command is backfill")
	}
	file := fs.String("contract", "infra/contract/contract.yaml", "contract file (the one the functions run with): its retention")
	dry := fs.Bool("dry-run", false, "count what would change; write nothing")
	var endpoint string
	fs.StringVar(&endpoint, "endpoint", "", "DynamoDB endpoint (the URL make run prints); empty uses AWS")
	leads := fs.String("leads-table", "handoff-local-leads", "leads table")
	activities := fs.String("activities-table", "handoff-local-activities", "activities table")
	deliveries := fs.String("deliveries-table", "handoff-local-deliveries", "deliveries table")
	sla := fs.String("sla-table", "handoff-local-sla", "SLA table")
	if code, done := parse(fs, args[1:], stdout, stderr); done {
		return code
	}
	if problems := extra(fs); len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	c, db, code, ok := contractAndDB(*file, endpoint, stderr)
	if !ok {
		return code
	}
	ctx := context.Background()
	r := c.Retention
	fmt.Fprintf(stdout, "retention of %s (version %s): leads %s, activities %s, hand-offs %s\n", *file, c.Version,
		months(r.Leads), months(r.Activities), months(r.Handoffs))
	verb := "given"
	if *dry {
		verb = "to give"
	}
	tables := store.Tables{Leads: *leads, Activities: *activities, Deliveries: *deliveries, SLA: *sla, Zone: c.Location, Retention: r}
	_, err := store.NewExpiries(db, tables).Backfill(ctx, !*dry, func(b store.Backfilled) {
		line := fmt.Sprintf("  %-38s %6d item(s): %d %s their expiry, %d already right", b.Kind, b.Items, b.Set, verb, b.Right)
		if b.Scrubbed > 0 {
			line += fmt.Sprintf(", %d rid of the person's details", b.Scrubbed)
		}
		if b.Changed > 0 {
			line += fmt.Sprintf(", %d written meanwhile (left as they are)", b.Changed)
		}
		fmt.Fprintln(stdout, line)
	})
	if err != nil {
		fmt.Fprintln(stderr, err)
		fmt.Fprintln(stderr, "stopped: what was written stays; run it again to finish")
		return 1
	}
	if *dry {
		fmt.Fprintln(stdout, "dry run: nothing written")
	}
	return 0
}
