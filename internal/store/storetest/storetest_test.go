package storetest_test

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/store/storetest"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestSeedHandoffs: hand-offs seeded in bulk (more than one BatchWriteItem's 25) read back through the store as
// they were given. (Seed, the month's records, is checked by internal/store's TestMonthsReadJuly: the month read
// back makes the hand-computed report.)
func TestSeedHandoffs(t *testing.T) {
	t.Parallel()
	c, err := contract.Load(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, c.Location)
	for _, n := range []int{0, 1, 25, 26, 60} {
		t.Run(fmt.Sprint(n, " hand-offs"), func(t *testing.T) {
			t.Parallel()
			names := testenv.Tables(t)
			tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"],
				SLA: names["SlaTable"], Zone: c.Location}
			var hs []handoff.Handoff
			for i := range n {
				from := at.Add(time.Duration(i) * time.Minute)
				d, err := handoff.DeadlinesFrom(c, from)
				if err != nil {
					t.Fatal(err)
				}
				h := handoff.New(handoff.Key{LeadID: fmt.Sprintf("ld_seed%03d", i), At: from}, handoff.Assignment{RepID: fmt.Sprint("rep-", i%3), At: from},
					d, c.Version, from)
				h.LeadCompany = fmt.Sprint("Seed ", i)
				hs = append(hs, *h)
			}
			db := testenv.DynamoDB(t)
			if err := storetest.SeedHandoffs(context.Background(), db, tables, hs, at); err != nil {
				t.Fatal(err)
			}
			reader := store.NewHandoffs(db, tables)
			for _, want := range hs {
				got, err := reader.Get(context.Background(), want.Key)
				if err != nil {
					t.Fatalf("%s: %v", want.Key, err)
				}
				if got.Rep() != want.Rep() || got.LeadCompany != want.LeadCompany || !got.FirstContactDue.Equal(want.FirstContactDue) ||
					!got.FeedbackDue.Equal(want.FeedbackDue) || got.ContractVersion != want.ContractVersion {
					t.Errorf("%s read back as rep %s, %q, due %s/%s, %s; want rep %s, %q, due %s/%s, %s", want.Key,
						got.Rep(), got.LeadCompany, got.FirstContactDue, got.FeedbackDue, got.ContractVersion,
						want.Rep(), want.LeadCompany, want.FirstContactDue, want.FeedbackDue, want.ContractVersion)
				}
			}
		})
	}
}

// TestNoFunctionLinksTestSupport: the packages that write fixtures or run the local stand-ins are linked by
// tests only, never by a function's binary (each function's dependency graph, as go list gives it).
func TestNoFunctionLinksTestSupport(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "./functions/...")
	cmd.Dir = testenv.Root()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 || !strings.Contains(string(out), "github.com/handoff-sla/handoff/internal/store\n") {
		t.Fatalf("go list gave %d packages, without the store: %q", len(deps), out)
	}
	for _, pkg := range deps {
		for _, support := range []string{"/internal/store/storetest", "/internal/devstack/", "/internal/report/reporttest", "/internal/worktime/worktimetest"} {
			if strings.Contains(pkg+"/", support) {
				t.Errorf("a function links %s (test support)", pkg)
			}
		}
	}
}
