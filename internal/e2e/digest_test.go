package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// TestContentDigestThroughTheStack: marketing's CMS publishes two pieces on Tuesday 1 December — a case study for
// enterprise, a guide for everyone — through the content route. On Monday 7 December after the contract's slot
// (08:30), the digest function's schedule (template.yaml) fires: each rep gets one digest, read back from SES
// local, the enterprise piece reaching the enterprise rep only. Fired again, twice at once, it sends nothing
// more; the next Monday, with nothing new, nothing at all. make screenshots keeps the digest as Chromium shows it.
func TestContentDigestThroughTheStack(t *testing.T) {
	for _, locale := range []string{"fr", "en"} {
		t.Run(locale, func(t *testing.T) {
			company := fmt.Sprintf("Maintenia Contenus %s %d", locale, time.Now().UnixNano()%1e6)
			s := startStack(t, locale, "company: Maintenia SAS", "company: "+company)
			loc := s.contract.Location
			ctx := context.Background()
			s.setClock(time.Date(2026, 12, 1, 10, 0, 0, 0, loc)) // a Tuesday
			ent := "Étude de cas " + company
			all := "Guide " + company
			for _, b := range []string{
				`{"id":"ent-` + locale + `","title":"` + ent + `","url":"https://maintenia.fr/cas/ent","type":"case_study","segments":["enterprise"],"why":"Le cas à citer aux grands comptes"}`,
				`{"id":"all-` + locale + `","title":"` + all + `","url":"https://maintenia.fr/guides/all","type":"guide"}`,
			} {
				s.post("blog", "content", "ct-"+locale+"-"+b[7:12], b)
			}
			// A retry of the first changes nothing.
			s.post("blog", "content", "ct-"+locale+"-retry", `{"id":"ent-`+locale+`","title":"`+ent+`","url":"https://maintenia.fr/cas/ent","type":"case_study","segments":["enterprise"],"why":"Le cas à citer aux grands comptes"}`)

			fire := func() map[string]any {
				t.Helper()
				raw, err := s.FireSchedule(ctx, "DigestFunction", "Every15Minutes")
				if err != nil {
					t.Fatal(err)
				}
				var out map[string]any
				if err := json.Unmarshal(raw, &out); err != nil {
					t.Fatalf("%s: %v", raw, err)
				}
				return out
			}
			digests := func() map[string][]testenv.Mail {
				out := map[string][]testenv.Mail{}
				for _, m := range testenv.Mails(t, company) {
					for _, rep := range s.contract.Roster.Reps {
						if strings.Contains(strings.Join(m.Destination.To, ","), rep.Email) {
							out[rep.ID] = append(out[rep.ID], m)
						}
					}
				}
				return out
			}

			// Monday after the slot: the schedule fires (its scheduled time is the stack's clock).
			s.setClock(time.Date(2026, 12, 7, 8, 31, 0, 0, loc))
			if out := fire(); out["sent"] != float64(4) || out["week"] != "2026-W50" {
				t.Fatalf("the digest run: %v", out)
			}
			got := digests()
			for _, rep := range s.contract.Roster.Reps {
				if len(got[rep.ID]) != 1 {
					t.Fatalf("%s got %d digests, want 1", rep.ID, len(got[rep.ID]))
				}
				text := got[rep.ID][0].Body.Text
				if !strings.Contains(text, all) || strings.Contains(text, ent) != (rep.ID == "amelie-robert") {
					t.Errorf("%s's digest:\n%s", rep.ID, text)
				}
				// The rep's own link to the ideas and field feedback page, which opens.
				link := regexp.MustCompile(regexp.QuoteMeta(s.URL()) + `/v1/ideas/\S+`).FindString(text)
				if link == "" {
					t.Fatalf("%s's digest has no ideas link:\n%s", rep.ID, text)
				}
				req, _ := http.NewRequest("GET", link, nil)
				if a := s.do(req); a.status != http.StatusOK {
					t.Errorf("%s's ideas link: %d %s", rep.ID, a.status, a.body)
				}
			}

			// Fired again, twice at once: nothing more.
			var wg sync.WaitGroup
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := s.FireSchedule(ctx, "DigestFunction", "Every15Minutes"); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			s.idle()
			for id, m := range digests() {
				if len(m) != 1 {
					t.Errorf("%s has %d digests after the schedule fired again", id, len(m))
				}
			}

			// The next Monday, nothing new: nothing sent.
			s.setClock(time.Date(2026, 12, 14, 8, 31, 0, 0, loc))
			if out := fire(); out["sent"] != float64(0) || out["nothing"] != float64(4) {
				t.Errorf("an empty week: %v", out)
			}
			if n := len(testenv.Mails(t, company)); n != 4 {
				t.Errorf("%d digests in all, want 4", n)
			}

			// As Chromium shows it (make screenshots keeps the picture).
			bctx := browser(t)
			openEmail(t, bctx, got["amelie-robert"][0].Body.HTML)
			shot(t, bctx, "digest-"+locale)
		})
	}
}
