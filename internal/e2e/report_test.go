package e2e_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/store"
)

// TestMonthlyReportThroughTheStack drives November 2026 through the stack — three leads ingested and handed off
// on Monday the 23rd, one contacted and accepted on the page, one contacted and rejected, one left alone until the
// deadline checker breaches it and reassigns it — then moves the clock to 1 December 07:59:57: the report
// function's schedule (cron 08:00 in the contract's zone, from template.yaml) fires by itself and leadership gets
// November's report. The email read back from SES local has the text and HTML parts, the two PNG charts inline
// by Content-ID, the CSV attached, and figures that are what happened. The schedule fired again sends nothing;
// an explicit re-send sends exactly one more copy. make screenshots keeps the report as Chromium shows it.
func TestMonthlyReportThroughTheStack(t *testing.T) {
	for _, locale := range []string{"fr", "en"} {
		t.Run(locale, func(t *testing.T) {
			company := fmt.Sprintf("Maintenia Rapport %s %d", locale, time.Now().UnixNano()%1e6)
			s := startStack(t, locale, "company: Maintenia SAS", "company: "+company)
			loc := s.contract.Location
			s.setClock(time.Date(2026, 11, 23, 10, 0, 0, 0, loc)) // a Monday
			ctx := context.Background()
			words := map[string]map[string]string{
				"fr": {"contacted": "contacté", "accept": "J'accepte", "reject": "Je rejette", "month": "novembre 2026"},
				"en": {"contacted": "contacted", "accept": "I accept", "reject": "I reject", "month": "November 2026"},
			}[locale]

			// Three SQLs (hand-raisers), each with its SQL email.
			type sql struct{ id, email, text string }
			var sqls []sql
			for i, who := range []string{"accepted", "rejected", "breached"} {
				mark := fmt.Sprintf("Client %s %s %d", who, locale, time.Now().UnixNano()%1e6)
				addr := fmt.Sprintf("report.%s.%s@client-%d.fr", who, locale, i)
				out := s.post("site-contact", "submissions", "rp-"+who+"-"+locale,
					`{"E-mail professionnel":"`+addr+`","Prénom":"Paul","Nom":"Henry","Société":"`+mark+`","Fonction":"Directeur industriel","Effectif":"120","Pays":"France"}`)
				s.post("tracking", "activities", "rp-t-"+who+"-"+locale, `{"email":"`+addr+`","type":"demo_request"}`)
				var m []testenv.Mail
				waitFor(t, "the SQL email of "+who, func() bool { m = testenv.Mails(t, mark); return len(m) >= 1 })
				sqls = append(sqls, sql{id: out["leadId"].(string), email: addr, text: m[0].Body.Text})
			}
			page := func(text, action string, form url.Values) {
				t.Helper()
				req, _ := http.NewRequest("POST", linkIn(t, text, s.URL(), words[action]), strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				if a := s.do(req); a.status != http.StatusSeeOther {
					t.Fatalf("%s on the page: %d %s", action, a.status, a.body)
				}
			}
			// Within the deadline: two contacts, then an acceptance and a rejection.
			s.setClock(time.Date(2026, 11, 23, 10, 45, 0, 0, loc))
			page(sqls[0].text, "contacted", url.Values{"channel": {"phone"}})
			page(sqls[1].text, "contacted", url.Values{"channel": {"email"}})
			page(sqls[0].text, "accept", nil)
			page(sqls[1].text, "reject", url.Values{"reason": {"no_budget"}})

			// The third is breached: the deadline checker escalates it and reassigns it.
			h := s.handoff(sqls[2].id)
			repA := h.Rep()
			s.setClock(h.FirstContactDue.Add(time.Second))
			if _, err := s.Invoke(ctx, "DeadlinesFunction", []byte(`{"window":"0s"}`)); err != nil {
				t.Fatal(err)
			}
			if h = s.handoff(sqls[2].id); h.Rep() == repA {
				t.Fatalf("the breached SQL was not reassigned (rep %s)", repA)
			}

			// 1 December, 08:00 in the contract's zone: the schedule fires by itself.
			s.setClock(time.Date(2026, 12, 1, 7, 59, 57, 0, loc))
			// The reports: this stack's emails (its company) to leadership (nobody else gets them).
			leadership := s.contract.Recipients.Leadership[0]
			reportMails := func() []testenv.Mail {
				var out []testenv.Mail
				for _, m := range testenv.Mails(t, company) {
					if strings.Contains(strings.Join(m.Destination.To, ","), leadership) {
						out = append(out, m)
					}
				}
				return out
			}
			var mails []testenv.Mail
			waitFor(t, "the report's email", func() bool { mails = reportMails(); return len(mails) >= 1 })
			m := mails[0]

			// The report of record: figures as the stack recorded them.
			reports := store.NewReports(testenv.DynamoDB(t), store.TablesFrom(testenv.TableEnv(t, s.tables), s.contract))
			nov := contract.Month{Year: 2026, Month: time.November}
			rec, err := reports.Get(ctx, nov, true)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := report.Decode(rec.Figures)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Date(2026, 12, 1, 8, 0, 0, 0, loc); !rec.AsOf.Equal(want) {
				t.Errorf("figures as of %s, want the scheduled instant %s", rec.AsOf, want)
			}
			mk, sales := rep.Marketing, rep.Sales
			if mk.SQLs != 3 || mk.Leads != 3 || mk.SQLGoal != (report.Goal{Actual: 3, Target: 45}) || sales.SQLs != 3 {
				t.Errorf("marketing: %d leads, %d SQLs, goal %+v; sales: %d SQLs", mk.Leads, mk.SQLs, mk.SQLGoal, sales.SQLs)
			}
			if sales.Contact != (report.Ratio{N: 2, D: 3}) || sales.ContactTarget != 90 || sales.ContactMet() {
				t.Errorf("contacted within the deadline %+v against %d%%", sales.Contact, sales.ContactTarget)
			}
			if sales.Acceptance != (report.Ratio{N: 1, D: 2}) || len(sales.Rejections) != 1 || sales.Rejections[0].Reason != "no_budget" {
				t.Errorf("acceptance %+v, rejections %+v", sales.Acceptance, sales.Rejections)
			}
			// Contacts at 10:45 of SQLs handed off in the seconds after 10:00.
			if tc := sales.TimeToContact; tc.Count != 2 || tc.P90 > 45*time.Minute || tc.P90 < 43*time.Minute || tc.Median > tc.P90 {
				t.Errorf("time to first contact %+v, want 2 contacts, the 90th percentile just under 45 min", tc)
			}
			breaches := map[string]int{}
			for _, r := range sales.Reps {
				breaches[r.RepID] = r.FirstContactBreaches
				if r.RepID == repA && r.Taken != 1 {
					t.Errorf("rep %s: %d taken from them, want 1", repA, r.Taken)
				}
			}
			if breaches[repA] != 1 || len(breaches) < 2 {
				t.Errorf("first-contact breaches per rep %v, want 1 for %s", breaches, repA)
			}
			checkCommitments(t, rep)

			// The email: to leadership, marketing ops in copy; its parts are the stored figures rendered.
			e, err := report.Render(rep)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(m.Subject, company) || !strings.Contains(m.Subject, words["month"]) || m.Body.Text != e.Text {
				t.Errorf("subject %q; text part as rendered: %v", m.Subject, m.Body.Text == e.Text)
			}
			addrs := func(l []string) string { // SES local lists a raw message's header as one string
				return strings.ReplaceAll(strings.Join(l, ","), " ", "")
			}
			if addrs(m.Destination.To) != strings.Join(s.contract.Recipients.Leadership, ",") ||
				addrs(m.Destination.Cc) != strings.Join(s.contract.Recipients.MarketingOps, ",") {
				t.Errorf("to %q cc %q", m.Destination.To, m.Destination.Cc)
			}
			refs := regexp.MustCompile(`cid:[^"' >]+`).FindAllString(e.HTML, -1)
			var pngs int
			var rows [][]string
			invites := 0
			for _, a := range m.Attachments {
				switch {
				case a.ContentType == "image/png":
					pngs++
					if !a.Related || !bytes.HasPrefix(a.Content, []byte("\x89PNG")) || len(refs) != 2 || "cid:"+a.ContentID != refs[0] && "cid:"+a.ContentID != refs[1] {
						t.Errorf("image %q (cid %q) is not inline where the HTML names it (%v)", a.Filename, a.ContentID, refs)
					}
					if !strings.Contains(m.Body.HTML, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(a.Content)) {
						t.Errorf("image %q is not where the HTML shows it", a.Filename)
					}
				case a.Filename == "handoff-sla-review-2026-11.ics":
					invites++
					checkReviewInvite(t, s.contract, a, "0")
				case a.Filename == "handoff-sla-2026-11-sqls.csv" && a.ContentDisposition == "attachment":
					r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(a.Content, []byte("\ufeff"))))
					r.Comma = map[string]rune{"fr": ';', "en": ','}[locale]
					if rows, err = r.ReadAll(); err != nil {
						t.Errorf("the CSV: %v", err)
					}
				default:
					t.Errorf("unexpected part %q %q %q", a.Filename, a.ContentType, a.ContentDisposition)
				}
			}
			if invites != 1 {
				t.Errorf("%d invitations to the review meeting, want 1", invites)
			}
			if pngs != 2 || len(rows) != 4 || m.Body.HTML == "" || strings.Contains(m.Body.HTML, "cid:") {
				t.Errorf("%d PNGs, %d CSV rows (header included), HTML %d bytes", pngs, len(rows), len(m.Body.HTML))
			}
			csvText := fmt.Sprint(rows)
			for _, q := range sqls {
				if !strings.Contains(csvText, q.id) || strings.Contains(csvText, q.email) {
					t.Errorf("the CSV should name lead %s by ID, never its email", q.id)
				}
			}

			waitFor(t, "the email confirmed sent", func() bool {
				st, err := reports.Get(ctx, nov, false)
				return err == nil && st.Mail.Status == outbox.MailSent
			})
			// The schedule fired again (the same instant's month): nothing sent, the record unchanged.
			out, err := s.FireSchedule(ctx, "ReportFunction", "Monthly")
			if err != nil || !strings.Contains(string(out), `"already sent"`) {
				t.Errorf("the schedule fired again: %s %v", out, err)
			}
			// An explicit re-send: exactly one more copy, saying so.
			if out, err = s.Invoke(ctx, "ReportFunction", []byte(`{"month":"2026-11","resend":true}`)); err != nil || !strings.Contains(string(out), `"resent"`) {
				t.Fatalf("re-send: %s %v", out, err)
			}
			waitFor(t, "the re-sent copy", func() bool { mails = reportMails(); return len(mails) >= 2 })
			s.idle() // nothing more arrives
			if mails = reportMails(); len(mails) != 2 || mails[1].Body.Text == m.Body.Text {
				t.Fatalf("%d emails after a second firing and one re-send, want 2 (the second marked as a re-send)", len(mails))
			}
			// The copy carries the same meeting, updated (its sequence), not a second one.
			for _, a := range mails[1].Attachments {
				if a.Filename == "handoff-sla-review-2026-11.ics" {
					invites++
					checkReviewInvite(t, s.contract, a, "1")
				}
			}
			if invites != 2 {
				t.Errorf("the re-sent copy carries %d invitations, want 1", invites-1)
			}
			again, err := reports.Get(ctx, nov, true)
			if err != nil || again.Digest != rec.Digest || !again.AsOf.Equal(rec.AsOf) || again.Resends != 1 {
				t.Errorf("the record after: digest %s (was %s), as of %s, %d re-sends (%v)", again.Digest, rec.Digest, again.AsOf, again.Resends, err)
			}
			var o struct{ Status string }
			if err := json.Unmarshal(out, &o); err != nil || o.Status != "resent" {
				t.Errorf("re-send outcome %s", out)
			}

			// As Chromium shows it (make screenshots keeps the picture).
			bctx := browser(t)
			openEmail(t, bctx, m.Body.HTML)
			sctx, cancel := step(bctx)
			defer cancel()
			loaded, err := chromedp.Run(sctx, chromedp.Evaluate[bool](`[...document.images].length === 2 && [...document.images].every(i => i.complete && i.naturalWidth > 0)`))
			if err != nil {
				t.Fatal(err)
			}
			if !loaded {
				t.Error("Chromium shows the report without its two charts")
			}
			shot(t, bctx, "report-"+locale)
			shotOf(t, bctx, "commitments", "report-commitments-"+locale)
		})
	}
}
