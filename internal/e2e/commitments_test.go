package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/handoff-sla/handoff/internal/report"
)

// shotOf keeps the element of that id as Chromium shows it (make screenshots keeps the picture), as shot keeps the
// whole page: the commitments section of the report, on its own.
func shotOf(t *testing.T, ctx context.Context, id, name string) {
	t.Helper()
	sctx, cancel := step(ctx)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.Screenshot(chromedp.ID(id)))
	if err != nil {
		t.Fatalf("screenshot of #%s: %v", id, err)
	}
	for _, dir := range []string{t.TempDir(), *screenshots} {
		if dir == "" {
			continue
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(png) < 1000 {
		t.Errorf("screenshot %s is %d bytes", name, len(png))
	}
}

// checkCommitments: the stored report judges every commitment, in the contract's order. Through the stack (the
// example contract: 45 SQLs a month, 90% contacted within 4h, an answer within 16h): 3 SQLs, 2 contacted within
// the deadline, missed; the SQL emails sent by SES local, read back (the alert is measured and kept); availability,
// which the contract gives no figure for, is not measured.
func checkCommitments(t *testing.T, rep report.Report) {
	t.Helper()
	if len(rep.Commitments) != len(report.CommitmentKinds) {
		t.Fatalf("%d commitment lines, want %d: %+v", len(rep.Commitments), len(report.CommitmentKinds), rep.Commitments)
	}
	for i, c := range rep.Commitments {
		if c.Kind != report.CommitmentKinds[i] {
			t.Errorf("line %d: %s, want %s", i, c.Kind, report.CommitmentKinds[i])
		}
		want := map[report.CommitmentKind]report.Verdict{report.CommitSQLs: report.Broken, report.CommitMQLs: report.Broken,
			report.CommitContact: report.Broken, report.CommitAvailability: report.NotMeasured}[c.Kind]
		if want != "" && c.Verdict != want {
			t.Errorf("%s: %s, want %s (%+v)", c.Kind, c.Verdict, want, c.Figure)
		}
		switch c.Kind {
		case report.CommitSQLs:
			if c.Figure.N != 3 || c.Figure.Target != 45 {
				t.Errorf("SQLs: %+v, want 3 against 45", c.Figure)
			}
		case report.CommitContact:
			if c.Figure.N != 2 || c.Figure.D != 3 || c.Figure.Target != 90 {
				t.Errorf("contact: %+v, want 2 of 3 against 90%%", c.Figure)
			}
		case report.CommitAlert:
			// Every SQL email left; the breached SQL, reassigned again by the checker as the schedule fires, is
			// left out when that reassignment came after the report's instant (its earlier email's state is gone).
			if f := c.Figure; !f.Measured || f.N != f.D || f.D < 2 || f.D > 3 || c.Verdict != report.Kept {
				t.Errorf("alert: %+v (%s), want every SQL email sent (kept)", f, c.Verdict)
			}
		}
	}
}
