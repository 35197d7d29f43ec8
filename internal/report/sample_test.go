package report

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

var preview = flag.String("preview", "", "write a sample report (HTML with its images as files, text, CSV) to this directory, fr and en")

// exampleContract is the repository's example contract (Maintenia SAS, fr, Europe/Paris).
func exampleContract(t testing.TB) *contract.Contract {
	t.Helper()
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// synthetic builds a plausible window of records for month m: leads new leads and sqls hand-offs in m (fewer in
// the months before), deterministic for a seed. It stands for the store in the preview and the benchmark.
func synthetic(c *contract.Contract, m contract.Month, leads, sqls int, seed uint64) Input {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	in := Input{Month: m, Current: map[string]Current{}}
	in.AsOf = time.Date(m.Next().Year, m.Next().Month, 1, 8, 0, 0, 0, c.Location)
	sources := []string{"site-contact", "typeform-audit", "webflow-webinar", "zapier-linkedin"}
	campaigns := make([]string, 24)
	for i := range campaigns {
		campaigns[i] = fmt.Sprintf("gmao-2026-%02d", i)
	}
	campaigns[0] = ""
	reps := []string{"thomas-martin", "sophie-bernard", "julien-petit", "amelie-robert", "paul-durand"} // paul left
	reasons := c.Notify.RejectReasons
	at := func(month contract.Month) time.Time {
		start := time.Date(month.Year, month.Month, 1, 0, 0, 0, 0, c.Location)
		end := time.Date(month.Next().Year, month.Next().Month, 1, 0, 0, 0, 0, c.Location)
		return start.Add(time.Duration(rng.Int64N(int64(end.Sub(start)))))
	}
	window := Window(m)
	n := 0
	for wi, month := range window {
		count := sqls * (7 + wi) / 12
		if month == m {
			count = sqls
		}
		for range count {
			n++
			id := fmt.Sprintf("ld_%08d", n)
			src, camp := sources[rng.IntN(len(sources))], campaigns[rng.IntN(len(campaigns))]
			h := Handoff{LeadID: id, At: at(month), ContractVersion: c.Version, Source: src, UTMCampaign: camp}
			if month == m && h.At.After(in.AsOf) {
				h.At = in.AsOf.Add(-time.Hour)
			}
			h.RepID = reps[rng.IntN(len(reps))]
			h.Assignments = []Assignment{{RepID: h.RepID, At: h.At}}
			h.FirstContactDue, h.FeedbackDue = must(c.FirstContactDue(h.At)), must(c.FeedbackDue(h.At))
			if rng.IntN(20) == 0 { // reassigned after a breach
				next := reps[rng.IntN(4)]
				h.Assignments = append(h.Assignments, Assignment{RepID: next, At: h.FirstContactDue})
				h.FirstContactBreaches, h.Reassignments = 1, 1
				in.Events = append(in.Events, Event{Kind: FirstContactBreach, LeadID: id, At: h.FirstContactDue, RepID: h.RepID},
					Event{Kind: Reassignment, LeadID: id, At: h.FirstContactDue, RepID: h.RepID, FromRep: h.RepID, ToRep: next})
				h.RepID = next
				h.FirstContactDue = must(c.FirstContactDue(h.FirstContactDue))
			}
			rep := h.Assignments[len(h.Assignments)-1]
			delay := time.Duration(rng.ExpFloat64() * float64(90*time.Minute))
			if rng.IntN(8) == 0 {
				delay += 5 * time.Hour
			}
			h.ContactedAt = must(c.Calendar.Add(rep.At, delay.Truncate(time.Minute)))
			h.ContactRepID, h.ContactChannel = rep.RepID, []string{"phone", "email", "meeting"}[rng.IntN(3)]
			h.ContactedWithinDeadline = h.FirstContactBreaches == 0 && !h.ContactedAt.After(h.FirstContactDue)
			if !h.ContactedWithinDeadline && h.FirstContactBreaches == 0 {
				h.FirstContactBreaches = 1
				in.Events = append(in.Events, Event{Kind: FirstContactBreach, LeadID: id, At: h.FirstContactDue, RepID: h.RepID})
			}
			if rng.IntN(3) == 0 {
				h.Reminders = 1
				in.Events = append(in.Events, Event{Kind: Reminder, LeadID: id, At: must(c.ReminderTimes(h.At))[0], RepID: h.RepID})
			}
			if rng.IntN(20) != 0 {
				h.AnsweredAt = must(c.Calendar.Add(h.ContactedAt, time.Duration(rng.ExpFloat64()*float64(4*time.Hour)).Truncate(time.Minute)))
				h.FeedbackWithinDeadline = !h.AnsweredAt.After(h.FeedbackDue)
				h.Answer = Accepted
				if rng.IntN(4) == 0 {
					h.Answer = Rejected
					h.RejectReason = reasons[rng.IntN(len(reasons))]
					if src == "zapier-linkedin" && rng.IntN(2) == 0 {
						h.RejectReason = "student_or_job_seeker"
					}
					if h.RejectReason == OtherReason {
						h.RejectComment = []string{"Déjà client via un revendeur", "Projet repoussé à 2028", "=HYPERLINK(\"http://evil\")", "Cherche un stage <b>en maintenance</b>"}[rng.IntN(4)]
					}
				}
			}
			in.Handoffs = append(in.Handoffs, h)
			in.Transitions = append(in.Transitions, Transition{LeadID: id, From: MQL, To: SQL, At: h.At, ContractVersion: c.Version, Source: src, UTMCampaign: camp})
			if month == m {
				in.Current[id] = Current{Stage: SQL, BelowSQLThreshold: rng.IntN(25) == 0}
			}
			if h.Answer == Accepted && rng.IntN(3) == 0 {
				opp := h.AnsweredAt.Add(time.Duration(rng.IntN(30*24)) * time.Hour)
				if opp.Before(in.AsOf) {
					in.Transitions = append(in.Transitions, Transition{LeadID: id, From: "accepted", To: Opportunity, At: opp, Source: src})
					won := opp.Add(time.Duration(rng.IntN(60*24)) * time.Hour)
					if won.Before(in.AsOf) && rng.IntN(3) == 0 {
						cur := "EUR"
						if rng.IntN(6) == 0 {
							cur = "CHF"
						}
						in.Transitions = append(in.Transitions, Transition{LeadID: id, From: Opportunity, To: Customer, At: won, Source: src,
							Amount: fmt.Sprintf("%d.%02d", 5000+rng.IntN(40000), rng.IntN(2)*50), Currency: cur})
					}
				}
			}
		}
	}
	for i := range leads {
		id := fmt.Sprintf("nl_%08d", i)
		src, camp := sources[rng.IntN(len(sources))], campaigns[rng.IntN(len(campaigns))]
		created := at(m)
		in.Created = append(in.Created, Created{LeadID: id, At: created, Stage: NewLead, Source: src, UTMCampaign: camp})
		if rng.IntN(5) == 0 {
			in.Transitions = append(in.Transitions, Transition{LeadID: id, From: NewLead, To: MQL, At: created.Add(time.Hour), ContractVersion: c.Version, Source: src, UTMCampaign: camp})
		}
	}
	return in
}

// TestRenderPreview renders a plausible month in French and English; with -preview=DIR it writes the parts
// for a human (and Chromium) to look at, the cid: images pointing at the PNG files.
func TestRenderPreview(t *testing.T) {
	t.Parallel()
	c := exampleContract(t)
	in := synthetic(c, contract.Month{Year: 2026, Month: time.November}, 1200, 48, 1)
	for _, l := range []contract.Locale{contract.French, contract.English} {
		c := *c
		c.Locale = l
		e, err := Render(Compute(&c, in))
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Inline) != 2 || len(e.Attachments) != 1 {
			t.Fatalf("%s: %d inline parts, %d attachments", l, len(e.Inline), len(e.Attachments))
		}
		if *preview == "" {
			continue
		}
		dir := filepath.Join(*preview, string(l))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		html := e.HTML
		for _, p := range append(e.Inline, e.Attachments...) {
			if err := os.WriteFile(filepath.Join(dir, p.Filename), p.Data, 0o644); err != nil {
				t.Fatal(err)
			}
			if p.ContentID != "" {
				html = strings.ReplaceAll(html, "cid:"+p.ContentID, p.Filename)
			}
		}
		for name, body := range map[string]string{"report.html": html, "report.txt": e.Text, "subject.txt": e.Subject} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// must unwraps a deadline of the sample's contract, whose deadlines are always within the clock's horizon.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
