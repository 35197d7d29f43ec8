package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/lead/address"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
)

const leadUsage = `usage: handoff lead (--email ADDRESS | --id LEAD_ID) [--contract FILE] [--endpoint URL] [--leads-table T] [--activities-table T]
  Show a lead's stage, whether it may be handed to sales, and its consent submission by submission — the answer,
  its instant, the question and the source (the proof of consent) — from DynamoDB (DynamoDB Local at --endpoint,
  the URL make run prints; else AWS's usual configuration, naming the stage's tables). It reads only, and prints
  no personal data but the email it was given: no name, phone or company, and no email when asked by ID.
`

// leadConsent shows a lead's stage and its consent history, the proof of each answer. It only reads.
func leadConsent(args []string, stdout, stderr io.Writer) int {
	fs := flags("lead", leadUsage)
	email := fs.String("email", "", "the lead's email (as typed: it is normalised as ingestion does)")
	id := fs.String("id", "", "the lead's ID (ld_…), instead of --email")
	file := fs.String("contract", "infra/contract/contract.yaml", "contract file (its time zone, and its consent rules)")
	endpoint := endpointFlag(fs)
	leadsTable := fs.String("leads-table", "handoff-local-leads", "leads table")
	activitiesTable := fs.String("activities-table", "handoff-local-activities", "activities table")
	if code, done := parse(fs, args, stdout, stderr); done {
		return code
	}
	var problems []string
	normalised := ""
	switch {
	case (*email == "") == (*id == ""):
		problems = append(problems, "give one of --email and --id")
	case *email != "":
		e, err := address.Normalise(strings.TrimSpace(*email))
		if err != nil {
			problems = append(problems, fmt.Sprintf("--email must be an email address, got %q", *email))
		}
		normalised = e
	case !strings.HasPrefix(*id, "ld_"):
		problems = append(problems, fmt.Sprintf("--id must be a lead ID such as ld_01jd…, got %q", *id))
	}
	if *leadsTable == "" || *activitiesTable == "" {
		problems = append(problems, "--leads-table and --activities-table must name tables")
	}
	if problems = append(problems, extra(fs)...); len(problems) > 0 {
		return misuse(fs, stderr, problems...)
	}
	c, db, code, ok := contractAndDB(*file, *endpoint, stderr)
	if !ok {
		return code
	}
	ctx := context.Background()
	tables := store.Tables{Leads: *leadsTable, Activities: *activitiesTable, Zone: c.Location}
	leads := store.NewLeads(db, tables)
	leadID, who := *id, *id
	if normalised != "" {
		var err error
		if leadID, err = leads.FindLead(ctx, lead.LeadRef{Email: normalised}); err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		who = normalised
	}
	l, err := lead.Lead{}, lead.ErrNotFound
	if leadID != "" {
		l, err = leads.Get(ctx, leadID)
	}
	if errors.Is(err, lead.ErrNotFound) {
		fmt.Fprintf(stderr, "no lead is %s in %s\n", who, *leadsTable)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	answers, err := store.NewConsentProofs(db, tables).Answers(ctx, l.ID)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	printLead(stdout, c, l, normalised, answers)
	return 0
}

// printLead writes what leadConsent shows. email is the address the lead was asked by ("" when by ID).
func printLead(w io.Writer, c *contract.Contract, l lead.Lead, email string, answers []lead.ConsentAnswer) {
	at := func(t time.Time) string { return t.In(c.Location).Format("2006-01-02 15:04 MST") }
	name := l.ID
	if email != "" {
		name += " (" + email + ")"
	}
	fmt.Fprintf(w, "lead %s\n", name)
	stage := "  stage " + string(l.Stage)
	if !l.StageAt.IsZero() {
		stage += " since " + at(l.StageAt)
	}
	if !l.SQLAt.IsZero() {
		stage += "; last handed to sales " + at(l.SQLAt)
	}
	fmt.Fprintln(w, stage)
	if h := l.Held; h != nil {
		fmt.Fprintf(w, "  held from sales since %s: %s (qualified by %s)\n", at(h.At), reason(h.Reason), h.Cause)
	}
	switch why := scoring.HoldFor(c.Consent, l.Consent); {
	case why != "":
		fmt.Fprintf(w, "  may be handed to sales: no, %s (contract %s)\n", reason(why), c.Version)
	default:
		fmt.Fprintf(w, "  may be handed to sales: yes, when it qualifies (contract %s)\n", c.Version)
	}
	if len(answers) == 0 {
		fmt.Fprintln(w, "  no form submission")
		return
	}
	fmt.Fprintln(w, "  consent, submission by submission (the proof):")
	width := 0
	for _, a := range answers {
		width = max(width, len(a.Source))
	}
	for _, a := range answers {
		line := fmt.Sprintf("    %s  %-*s  ", at(a.SubmittedAt), width, a.Source)
		switch cs := a.Consent; {
		case cs == nil:
			line += "—    not asked"
		default:
			line += map[bool]string{true: "yes  ", false: "no   "}[cs.Given] + fmt.Sprintf("%q", cs.Field)
			if !cs.At.Equal(a.SubmittedAt) {
				line += ", answered " + at(cs.At)
			}
		}
		switch {
		case a.FormName != "" && a.FormID != "":
			line += fmt.Sprintf("  form %q (%s)", a.FormName, a.FormID)
		case a.FormName != "" || a.FormID != "":
			line += fmt.Sprintf("  form %q", a.FormName+a.FormID)
		}
		fmt.Fprintln(w, line)
	}
}

// reason says why a lead is held, in words.
func reason(r lead.HoldReason) string {
	switch r {
	case lead.ConsentRefused:
		return "its latest answer to the consent question is no"
	case lead.ConsentMissing:
		return "it never answered the consent question (consent.missing: hold)"
	}
	return string(r)
}
