package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/readme"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// TestLeadShowsTheProofOfConsent: handoff lead shows the stage, whether the lead may go to sales, and each
// submission's answer, instant, question and source, from DynamoDB; it prints the email it was asked by and
// nothing else personal (no name, phone or company; no email when asked by ID).
func TestLeadShowsTheProofOfConsent(t *testing.T) {
	t.Parallel()
	names := testenv.Tables(t)
	tables := store.TablesFrom(testenv.TableEnv(t, names), &contract.Contract{Location: time.UTC})
	leads := store.NewLeads(testenv.DynamoDB(t), tables)
	ctx := context.Background()
	const question = "J'accepte d'être recontacté"
	at := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC) // 17:30 in Paris
	submit := func(id, source string, when time.Time, consent *lead.Consent, props map[string]string) string {
		t.Helper()
		sub := lead.Submission{OccurredAt: when, Consent: consent,
			Contact: lead.Contact{Email: "paul.henry@meca-precision.fr", FirstName: "Paul", LastName: "Henry", Phone: "+33612345678", Company: "Méca Précision"}}
		d := webhook.Delivery{Source: source, ID: id, BodyHash: "h" + id, At: when}
		rec, err := leads.SaveSubmission(ctx, d, sub.Minimised(), lead.Activity{ID: lead.ActivityID(source, id, 0), Type: lead.FormSubmit,
			OccurredAt: when, ReceivedAt: when, Source: source, DeliveryID: id, Properties: props},
			func(string) webhook.Answer { return webhook.Answer{Status: 202} })
		if err != nil {
			t.Fatal(err)
		}
		return rec.LeadID
	}
	id := submit("d1", "site-contact", at, &lead.Consent{Given: false, At: at, Field: question}, map[string]string{"form_id": "contact", "form_name": "Contact"})
	submit("d2", "webflow-webinar", at.Add(24*time.Hour), nil, nil)
	// A demo request, held: the score function's record.
	held := &lead.Hold{At: at.Add(time.Minute), Reason: lead.ConsentRefused, Cause: "demo-request"}
	if _, err := leads.Rescore(ctx, id, func(l lead.Lead, _ []lead.Activity) *scoring.Change {
		return &scoring.Change{Stage: lead.StageMQL, At: held.At, Held: held, HoldStarts: true,
			Move: &scoring.Move{From: l.Stage, To: lead.StageMQL, Cause: "demo-request"}}
	}); err != nil {
		t.Fatal(err)
	}
	base := []string{"lead", "--contract", example, "--endpoint", testenv.DynamoEndpoint(t), "--leads-table", tables.Leads, "--activities-table", tables.Activities}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Run(append(append([]string{}, base...), args...), &out, &errOut, fixedNow)
		return code, out.String(), errOut.String()
	}

	code, out, errOut := run("--email", " Paul.Henry@MECA-precision.fr ")
	want := "lead " + id + " (paul.henry@meca-precision.fr)\n" +
		"  stage mql since 2026-11-27 17:31 CET\n" +
		"  held from sales since 2026-11-27 17:31 CET: its latest answer to the consent question is no (qualified by demo-request)\n" +
		"  may be handed to sales: no, its latest answer to the consent question is no (contract 2026.12-1)\n" +
		"  consent, submission by submission (the proof):\n" +
		"    2026-11-27 17:30 CET  site-contact     no   \"J'accepte d'être recontacté\"  form \"Contact\" (contact)\n" +
		"    2026-11-28 17:30 CET  webflow-webinar  —    not asked\n"
	if code != 0 || out != want {
		t.Errorf("by email: exit %d, stderr %q, stdout:\n%s\nwant:\n%s", code, errOut, out, want)
	}
	readme.Hold(t, "lead", out, readme.Vary(`ld_[0-9a-z]{26}`, "the lead's ID, made when it was stored"))
	// Consent given later: the answer of record changes, the proof keeps both.
	submit("d3", "site-contact", at.Add(48*time.Hour), &lead.Consent{Given: true, At: at.Add(47 * time.Hour), Field: question}, nil)
	code, out, _ = run("--id", id)
	if code != 0 || strings.Contains(out, "@") || !strings.HasPrefix(out, "lead "+id+"\n") ||
		!strings.Contains(out, "  may be handed to sales: yes, when it qualifies (contract 2026.12-1)\n") ||
		!strings.Contains(out, "    2026-11-29 17:30 CET  site-contact     yes  \"J'accepte d'être recontacté\", answered 2026-11-29 16:30 CET\n") {
		t.Errorf("by ID, after consent: exit %d:\n%s", code, out)
	}
	for _, personal := range []string{"Paul", "Henry", "612345678", "Méca"} {
		if strings.Contains(out, personal) {
			t.Errorf("the output holds %q:\n%s", personal, out)
		}
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"--email", "nobody@meca-precision.fr"}, 1, "no lead is nobody@meca-precision.fr in " + tables.Leads},
		{[]string{"--id", "ld_00000000000000000000000000"}, 1, "no lead is ld_00000000000000000000000000"},
		{[]string{"--email", "paul@x.fr", "--id", id}, 2, "give one of --email and --id"},
		{[]string{"--email", "not an address"}, 2, `--email must be an email address, got "not an address"`},
		{[]string{"--id", "paul"}, 2, `--id must be a lead ID`},
	} {
		if code, out, errOut := run(tc.args...); code != tc.code || out != "" || !strings.Contains(errOut, tc.stderr) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and %q", tc.args, code, out, errOut, tc.code, tc.stderr)
		}
	}
}
