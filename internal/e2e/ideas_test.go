package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestIdeaFromTheSQLEmail: an SQL email carries the rep's ideas link; Chromium opens it (a GET that records
// nothing), the rep gives field feedback, and the same form posted again records nothing more; the deadline
// checker's minute emails marketing ops once, however often it runs (read back from SES local).
func TestIdeaFromTheSQLEmail(t *testing.T) {
	for _, tc := range []struct{ locale, done, category string }{
		{"fr", "C'est transmis au marketing. Merci !", "Qualité des contacts"},
		{"en", "Marketing has it. Thank you!", "Lead quality"},
	} {
		t.Run(tc.locale, func(t *testing.T) {
			s := startStack(t, tc.locale)
			ideasStore := store.NewIdeas(testenv.DynamoDB(t), store.TablesFrom(testenv.TableEnv(t, s.tables), s.contract))
			recorded := func() []ideas.Record {
				t.Helper()
				rs, err := ideasStore.Month(context.Background(), ideas.MonthOf(s.now(), s.contract.Location))
				if err != nil {
					t.Fatal(err)
				}
				return rs
			}
			email := fmt.Sprintf("marc.%s@acme-industrie.fr", tc.locale)
			out := s.post("site-contact", "submissions", "fi-"+tc.locale, `{"E-mail professionnel":"`+email+`","Prénom":"Marc","Nom":"Roux","Société":"ACME Industrie","Fonction":"Directeur technique","Effectif":"250-499","Pays":"France"}`)
			id := out["leadId"].(string)
			s.post("tracking", "activities", "ti-"+tc.locale, `{"email":"`+email+`","type":"demo_request"}`)
			waitFor(t, "the SQL email", func() bool { return len(testenv.Mails(t, id)) >= 1 })
			s.idle()
			sqls := testenv.Mails(t, id)
			if len(sqls) != 1 {
				t.Fatalf("%d SQL emails, want 1", len(sqls))
			}
			sql := sqls[0]
			var link string
			for _, line := range strings.Split(sql.Body.Text, "\n") {
				if i := strings.Index(line, s.URL()+"/v1/ideas/"); i >= 0 {
					link = strings.TrimSpace(line[i:])
				}
			}
			if link == "" || !strings.Contains(sql.Body.HTML, `href="`+link+`"`) {
				t.Fatalf("no ideas link in both parts of the SQL email:\n%s", sql.Body.Text)
			}

			ctx := browser(t)
			sctx, cancel := step(ctx)
			defer cancel()
			if err := chromedp.Do(sctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("#idea"))); err != nil {
				t.Fatal(err)
			}
			if n := len(recorded()); n != 0 {
				t.Fatalf("opening the link recorded %d submissions", n)
			}
			shot(t, ctx, "ideas-"+tc.locale)
			submission, err := chromedp.Run(sctx, chromedp.Value(chromedp.CSS(`input[name="submission"]`)))
			if err != nil {
				t.Fatal(err)
			}
			marker := "e2e-idea-" + id
			text := marker + " : trop d'étudiants <b>ce mois-ci</b>"
			if err := chromedp.Do(sctx, chromedp.Click(chromedp.CSS(`input[value="feedback"]`)),
				chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "lead_quality"),
				chromedp.SendKeys(chromedp.CSS(`textarea[name="text"]`), text),
				chromedp.Click(chromedp.CSS(`button[type="submit"]`)), chromedp.WaitVisible(chromedp.CSS("#done"))); err != nil {
				t.Fatal(err)
			}
			done, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS("#done")))
			if err != nil {
				t.Fatal(err)
			}
			if done != tc.done {
				t.Errorf("confirmation = %q, want %q", done, tc.done)
			}
			shot(t, ctx, "ideas-done-"+tc.locale)

			// The same form posted again (a retry, a replay): 303 as before, nothing more recorded.
			form := url.Values{"submission": {submission}, "kind": {"feedback"}, "category": {"lead_quality"}, "text": {text}}.Encode()
			noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noRedirect.Post(link, "application/x-www-form-urlencoded", strings.NewReader(form))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("the replay: %d", resp.StatusCode)
			}
			rs := recorded()
			if len(rs) != 1 || rs[0].Text != text || rs[0].Category != "lead_quality" || rs[0].RepID != rs[0].Submission.RepID {
				t.Fatalf("recorded %+v, want the one feedback", rs)
			}

			// The checker's minute, fired twice: marketing ops get one email.
			for range 2 {
				if _, err := s.Invoke(context.Background(), "DeadlinesFunction", []byte(`{"window":"0s"}`)); err != nil {
					t.Fatal(err)
				}
			}
			s.idle()
			ops := testenv.Mails(t, marker)
			if len(ops) != 1 {
				t.Fatalf("marketing ops received %d emails, want 1", len(ops))
			}
			m := ops[0]
			if len(m.Destination.To) != 1 || !strings.Contains(m.Destination.To[0], "marketing-ops@maintenia.fr") || !strings.Contains(m.Subject, tc.category) {
				t.Errorf("ops email to %v, subject %q", m.Destination.To, m.Subject)
			}
			if strings.Contains(m.Body.HTML, "<b>ce mois-ci</b>") || !strings.Contains(m.Body.Text, text) {
				t.Errorf("the rep's text: not escaped in HTML, or not whole in text:\n%s", m.Body.Text)
			}
			openEmail(t, ctx, m.Body.HTML)
			shot(t, ctx, "ideas-ops-email-"+tc.locale)
			if strings.Contains(s.logs.String(), marker) {
				t.Error("the rep's text is in the logs")
			}
		})
	}
}
