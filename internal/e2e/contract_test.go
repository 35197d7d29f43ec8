package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/ideas"
	"github.com/handoff-sla/handoff/internal/report"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/words"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// TestTheWholeContractThroughTheStack: December 2026 of the example contract (in French), without its
// sales.ideas_per_quarter, driven through the stack's HTTP API, its clock and its schedules as the users would.
// Marketing's CMS publishes two pieces on Tuesday the 1st — a case study for the enterprise segment, a guide for
// everyone — and a lead becomes an SQL, which the CRM accepts an hour later. On Monday the 7th after 08:30 the
// digest schedule reaches each rep once, the case study the enterprise rep only. That rep follows the digest's
// link and leaves field feedback (posted twice: recorded once); the checker's minute emails marketing ops once.
// The accepted SQL has no CRM outcome ten business days later: one reminder, however often the checker runs. On
// 1 January at 08:00 the report's schedule sends December's report, whose commitments section judges every line:
// content kept (4 digests of 4, 5 pieces shared), field feedback missed by every rep (2 a month each: one rep
// wrote once), CRM care missed by the SQL's rep, ideas not measured (the key is left out), the review meeting
// stated and not measured; the email in French passes the French scan and carries the review's invitation.
func TestTheWholeContractThroughTheStack(t *testing.T) {
	company := fmt.Sprintf("Maintenia Contrat %d", time.Now().UnixNano()%1e6)
	s := startStack(t, "fr", "company: Maintenia SAS", "company: "+company,
		"  ideas_per_quarter: 1        # content ideas per rep and quarter\n", "")
	if s.contract.Sales.IdeasPerQuarter != 0 || s.contract.Sales.FeedbackPerMonth != 2 || s.contract.Sales.OutcomeWithin == 0 {
		t.Fatalf("the contract: %+v", s.contract.Sales)
	}
	loc, ctx := s.contract.Location, context.Background()
	tables := store.TablesFrom(testenv.TableEnv(t, s.tables), s.contract)
	mails := func(marker string, n int) []testenv.Mail {
		t.Helper()
		var m []testenv.Mail
		waitFor(t, fmt.Sprintf("%d emails with %q", n, marker), func() bool { m = testenv.Mails(t, marker); return len(m) >= n })
		s.idle() // nothing more arrives: the callers count
		return testenv.Mails(t, marker)
	}
	checker := func(times int) {
		t.Helper()
		var wg sync.WaitGroup
		for range times {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Invoke(ctx, "DeadlinesFunction", []byte(`{"window":"0s"}`)); err != nil {
					t.Errorf("deadlines: %v", err)
				}
			}()
		}
		wg.Wait()
	}

	// Tuesday 1 December: two pieces published, an SQL handed off and accepted from the CRM.
	tuesday := time.Date(2026, 12, 1, 10, 0, 0, 0, loc)
	s.setClock(tuesday)
	caseStudy, guide := "Étude de cas "+company, "Guide "+company
	s.post("blog", "content", "wc-case", `{"id":"wc-case","title":"`+caseStudy+`","url":"https://maintenia.fr/cas/agro","type":"case_study","segments":["enterprise"],"why":"Le cas à citer aux grands comptes"}`)
	s.post("blog", "content", "wc-guide", `{"id":"wc-guide","title":"`+guide+`","url":"https://maintenia.fr/guides/gmao","type":"guide"}`)
	out := s.post("site-contact", "submissions", "wc-lead", `{"E-mail professionnel":"paul.girard@acme-contrat.fr","Prénom":"Paul","Nom":"Girard","Société":"`+company+`","Fonction":"Directeur technique","Effectif":"250-499","Pays":"France"}`)
	leadID := out["leadId"].(string)
	s.post("tracking", "activities", "wc-demo", `{"email":"paul.girard@acme-contrat.fr","type":"demo_request"}`)
	sqlEmail := mails(leadID, 1)[0]
	wordstest.French(t, "SQL email (text)", sqlEmail.Body.Text)
	h := s.handoff(leadID)
	waitFor(t, "the SQL email confirmed", func() bool { h = s.handoff(leadID); return h.Mail.Status == "sent" })
	s.setClock(tuesday.Add(time.Hour))
	s.post("crm", "outcomes", "wc-accept", `{"lead_id":"`+leadID+`","type":"sales_accepted"}`)
	h = s.handoff(leadID)
	if h.OutcomeDue.IsZero() {
		t.Fatalf("no outcome deadline after the acceptance: %+v", h)
	}

	// Monday 7 December, after the slot: one digest per rep, the case study for the enterprise rep only.
	s.setClock(time.Date(2026, 12, 7, 8, 31, 0, 0, loc))
	for range 2 {
		if _, err := s.FireSchedule(ctx, "DigestFunction", "Every15Minutes"); err != nil {
			t.Fatal(err)
		}
	}
	digests := map[string]testenv.Mail{}
	for _, m := range mails(guide, len(s.contract.Roster.Reps)+1) { // the digests and the SQL email
		if !strings.Contains(m.Subject, "cette semaine") {
			continue // the SQL email lists the guide too, as a piece relevant to its lead
		}
		for _, rep := range s.contract.Roster.Reps {
			if strings.Contains(strings.Join(m.Destination.To, ","), rep.Email) {
				if _, twice := digests[rep.ID]; twice {
					t.Errorf("%s got two digests", rep.ID)
				}
				digests[rep.ID] = m
			}
		}
	}
	enterprise := "amelie-robert"
	for _, rep := range s.contract.Roster.Reps {
		d, ok := digests[rep.ID]
		if !ok {
			t.Fatalf("%s got no digest", rep.ID)
		}
		if strings.Contains(d.Body.Text, caseStudy) != (rep.ID == enterprise) {
			t.Errorf("%s's digest and the enterprise case study:\n%s", rep.ID, d.Body.Text)
		}
		wordstest.French(t, "digest of "+rep.ID, d.Body.HTML)
	}

	// The enterprise rep follows the digest's link and leaves field feedback; the same form again records nothing.
	link := regexp.MustCompile(regexp.QuoteMeta(s.URL()) + `/v1/ideas/\S+`).FindString(digests[enterprise].Body.Text)
	page := s.do(mustRequest(t, "GET", link, nil))
	submission := regexp.MustCompile(`name="submission" value="([^"]+)"`).FindStringSubmatch(page.body)
	if page.status != http.StatusOK || submission == nil {
		t.Fatalf("the ideas page from the digest: %d\n%s", page.status, page.body)
	}
	marker := "retour-" + company
	form := url.Values{"submission": {submission[1]}, "kind": {"feedback"}, "category": {"lead_quality"},
		"text": {marker + " : trop d'étudiants ce mois-ci"}}.Encode()
	for range 2 {
		req := mustRequest(t, "POST", link, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		if a := s.do(req); a.status != http.StatusSeeOther {
			t.Fatalf("the feedback posted: %d %s", a.status, a.body)
		}
	}
	recorded, err := store.NewIdeas(testenv.DynamoDB(t), tables).Month(ctx, ideas.MonthOf(s.now(), loc))
	if err != nil {
		t.Fatal(err)
	}
	if len(recorded) != 1 || recorded[0].RepID != enterprise || recorded[0].Kind != ideas.Feedback {
		t.Fatalf("recorded %+v, want the enterprise rep's one feedback", recorded)
	}
	checker(2)
	checker(1)
	if ops := mails(marker, 1); len(ops) != 1 || !strings.Contains(strings.Join(ops[0].Destination.To, ","), "marketing-ops@maintenia.fr") {
		t.Errorf("marketing ops' emails: %+v", ops)
	}

	// Ten business days after the acceptance, no CRM outcome: one reminder to the rep, however often the checker runs.
	s.setClock(h.OutcomeDue.Add(time.Second))
	checker(2)
	checker(1)
	rep, _ := s.contract.Rep(h.Rep())
	reminders := 0
	for _, m := range mails(company, 2) {
		if strings.Contains(m.Subject, "CRM") && strings.Contains(strings.Join(m.Destination.To, ","), rep.Email) {
			reminders++
			wordstest.French(t, "CRM care reminder", m.Body.Text)
		}
	}
	if reminders != 1 {
		t.Errorf("%d CRM reminders, want 1", reminders)
	}

	// 1 January 2027, a moment before 08:00: the report's schedule sends December's report by itself.
	s.setClock(time.Date(2027, 1, 1, 7, 59, 57, 0, loc))
	var reportMail testenv.Mail
	waitFor(t, "December's report", func() bool {
		for _, m := range testenv.Mails(t, company) {
			if strings.Contains(m.Subject, "décembre 2026") {
				reportMail = m
				return true
			}
		}
		return false
	})
	rec, err := store.NewReports(testenv.DynamoDB(t), tables).Get(ctx, contract.Month{Year: 2026, Month: time.December}, true)
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Decode(rec.Figures)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[report.CommitmentKind]report.Commitment{}
	for _, c := range r.Commitments {
		lines[c.Kind] = c
	}
	if len(lines) != len(report.CommitmentKinds) {
		t.Errorf("%d commitment lines, want %d", len(lines), len(report.CommitmentKinds))
	}
	missed := func(c report.Commitment) map[string]int {
		out := map[string]int{}
		for _, m := range c.Missed {
			out[m.RepID] = m.N
		}
		return out
	}
	if c := lines[report.CommitContent]; c.Verdict != report.Kept || c.Figure.N != 4 || c.Figure.D != 4 || c.Figure.Pieces != 2 {
		t.Errorf("content: %s %+v, want kept, 4 digests of 4, 2 distinct pieces (two pieces, each to two reps)", c.Verdict, c.Figure)
	}
	if c := lines[report.CommitFieldFeedback]; c.Verdict != report.Broken || c.Reps.Target != 2 || len(c.Missed) != 4 || missed(c)[enterprise] != 1 {
		t.Errorf("field feedback: %s, missed %v, want missed by all four (the enterprise rep with 1)", c.Verdict, missed(c))
	}
	if c := lines[report.CommitIdeas]; c.Verdict != report.NotMeasured || c.Reps.Stated {
		t.Errorf("ideas, a key the contract omits: %s %+v", c.Verdict, c.Reps)
	}
	if c := lines[report.CommitCRMCare]; c.Verdict != report.Broken || len(c.Missed) != 1 || missed(c)[rep.ID] != 1 {
		t.Errorf("CRM care: %s, missed %v, want missed by %s with 1", c.Verdict, missed(c), rep.ID)
	}
	if c := lines[report.CommitSQLs]; c.Verdict != report.Broken || c.Figure.N != 1 || c.Figure.Target != 45 {
		t.Errorf("SQLs: %s %+v, want 1 against 45", c.Verdict, c.Figure)
	}
	if c := lines[report.CommitAlert]; c.Verdict != report.Kept || c.Figure.N != 1 || c.Figure.D != 1 {
		t.Errorf("alert: %s %+v, want the one SQL email sent", c.Verdict, c.Figure)
	}
	if c := lines[report.CommitReview]; c.Verdict != report.NotMeasured {
		t.Errorf("review meeting: %s", c.Verdict)
	}

	// The email says it in French: each line, "non mesuré" where the contract is silent, and the invitation.
	w := words.ForCommitments(contract.French)
	text := reportMail.Body.Text
	for _, want := range []string{strings.ToUpper(w.Title), w.Content, w.FieldFeedback, w.Ideas, w.CRMCare, w.NotMeasured, w.NotStated} {
		if !strings.Contains(text, want) {
			t.Errorf("the report's text lacks %q", want)
		}
	}
	wordstest.French(t, "December's report (text)", text)
	ics := false
	for _, a := range reportMail.Attachments {
		ics = ics || strings.HasSuffix(a.Filename, ".ics")
	}
	if !ics {
		t.Errorf("the report carries no invitation: %+v", reportMail.Attachments)
	}
	if strings.Contains(s.logs.String(), marker) || strings.Contains(s.logs.String(), "paul.girard") {
		t.Error("personal data or the rep's text in the logs")
	}
}

func mustRequest(t *testing.T, method, url string, body *strings.Reader) *http.Request {
	t.Helper()
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequest(method, url, nil)
	} else {
		req, err = http.NewRequest(method, url, body)
	}
	if err != nil {
		t.Fatal(err)
	}
	return req
}
