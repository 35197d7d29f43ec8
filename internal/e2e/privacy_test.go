package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/testenv"
)

// TestPrivacyThroughTheStack: a person with distinctive values goes through every path of the local stack — a
// form, a demo request, the SQL email, a reminder, a breach escalated and reassigned (a second SQL email), a
// rejection with a comment naming them, the month's report (its CSV) — beside another person. Then marketing ops
// erase them (POST /v1/ops/forget). After that: none of their values in any table or index (the reports' figures
// read through their compression), none in any email sent after the erasure (the checker run again, the report
// sent again with its CSV), none in any log line of the whole run; the other person's data all there; a second
// erasure finds nothing; a new submission of the same address is a new lead.
func TestPrivacyThroughTheStack(t *testing.T) {
	marker := fmt.Sprintf("Privacy %d", time.Now().UnixNano()%1e6)
	s := startStack(t, "fr", "company: Maintenia SAS", "company: Maintenia "+marker)
	loc := s.contract.Location
	ctx := context.Background()
	s.setClock(time.Date(2026, 11, 23, 10, 0, 0, 0, loc)) // a Monday

	// Her values, none of which the other person, the contract or the stack's own words contain.
	const (
		zEmail   = "zephyrine.quintrell@oyelaran-forges.fr"
		zFirst   = "Zéphyrine"
		zLast    = "Quintrell-Oyelaran"
		zPhone   = "06 98 76 54 32"
		zE164    = "698765432"
		zCompany = "Forges Oyelaran"
		zComment = "Zéphyrine rappellera en janvier"
	)
	zValues := []string{zEmail, "zephyrine", "Zéphyrine", "Quintrell", "Oyelaran", zE164, "98 76 54 32"}
	submit := func(id, email, first, last, phone, company string) string {
		out := s.post("site-contact", "submissions", id, `{"E-mail professionnel":"`+email+`","Prénom":"`+first+`","Nom":"`+last+
			`","Téléphone":"`+phone+`","Société":"`+company+` `+marker+`","Fonction":"Directrice technique","Effectif":"250-499","Pays":"France",`+
			`"J'accepte d'être recontacté":"oui"}`)
		s.post("tracking", "activities", id+"-demo", `{"email":"`+email+`","type":"demo_request","url":"https://maintenia.fr/demo?email=`+url.QueryEscape(email)+`"}`)
		return out["leadId"].(string)
	}
	zID := submit("pv-z", zEmail, zFirst, zLast, zPhone, zCompany)
	pID := submit("pv-p", "paul.henry@meca-precision.fr", "Paul", "Henry", "04 72 00 00 00", "Méca Précision")
	waitFor(t, "both SQL emails", func() bool { return len(testenv.Mails(t, marker)) >= 2 })
	if m := testenv.Mails(t, zLast); len(m) == 0 {
		t.Fatal("her SQL email does not name her: the test would prove nothing")
	}

	// Her SQL: reminded, then breached (escalated, reassigned: a second SQL email names her), then rejected by the
	// new rep with a comment naming her.
	h := s.handoff(zID)
	run := func(at time.Time) {
		t.Helper()
		s.setClock(at.Add(time.Second))
		if _, err := s.Invoke(ctx, "DeadlinesFunction", []byte(`{"window":"0s"}`)); err != nil {
			t.Fatal(err)
		}
	}
	run(h.Reminders[0])
	run(h.FirstContactDue)
	waitFor(t, "the reassigned SQL email", func() bool { return s.handoff(zID).Reassignments == 1 && s.handoff(zID).Mail.Status == "sent" })
	var reassigned testenv.Mail
	for _, m := range testenv.Mails(t, zLast) {
		if strings.Contains(m.Body.Text, "http") && strings.Contains(strings.Join(m.Destination.To, ","), mustRep(t, s, s.handoff(zID).Rep())) {
			reassigned = m
		}
	}
	if reassigned.MessageID == "" {
		t.Fatal("no SQL email to the new rep")
	}
	reject := linkIn(t, reassigned.Body.Text, s.URL(), "Je rejette")
	req, _ := http.NewRequest("POST", reject, strings.NewReader(url.Values{"reason": {"other"}, "comment": {zComment}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if a := s.do(req); a.status != http.StatusSeeOther {
		t.Fatalf("reject on the page: %d %s", a.status, a.body)
	}

	// 1 December, 08:00: November's report, whose CSV holds her comment.
	s.setClock(time.Date(2026, 12, 1, 7, 59, 57, 0, loc))
	leadership := s.contract.Recipients.Leadership[0]
	var reportMail testenv.Mail
	waitFor(t, "the report's email", func() bool {
		for _, m := range testenv.Mails(t, marker) {
			if strings.Contains(strings.Join(m.Destination.To, ","), leadership) {
				reportMail = m
				return true
			}
		}
		return false
	})
	if !strings.Contains(attachments(t, reportMail), "Zéphyrine") {
		t.Fatal("the report's CSV does not hold her comment: the test would prove nothing")
	}
	tables := []string{s.tables["LeadsTable"], s.tables["ActivitiesTable"], s.tables["DeliveriesTable"], s.tables["SlaTable"]}
	if hits := testenv.Occurrences(t, testenv.DynamoDB(t), tables, zValues...); len(hits) < 5 {
		t.Fatalf("before the erasure her values are in %d places: the test would prove nothing", len(hits))
	}

	// The erasure, through the route, by the address as she might type it.
	before := map[string]bool{} // the emails sent before it (SES local's clock counts whole seconds)
	for _, m := range testenv.Mails(t, "") {
		before[m.MessageID] = true
	}
	forget := func() map[string]any {
		t.Helper()
		req, _ := http.NewRequest("POST", s.URL()+"/v1/ops/forget", strings.NewReader(`{"email":" Zephyrine.Quintrell@Oyelaran-Forges.FR "}`))
		req.Header.Set("Content-Type", "application/json")
		a := s.do(req)
		var out map[string]any
		if a.status != http.StatusOK || json.Unmarshal([]byte(a.body), &out) != nil {
			t.Fatalf("forget: %d %s", a.status, a.body)
		}
		return out
	}
	if out := forget(); out["status"] != "erased" || out["leadId"] != zID {
		t.Fatalf("forget: %v", out)
	}

	// After it, the pipeline goes on: the checker runs, the report is sent again (its CSV rebuilt from the
	// stored figures).
	run(time.Date(2026, 12, 2, 10, 0, 0, 0, loc))
	if out, err := s.Invoke(ctx, "ReportFunction", []byte(`{"month":"2026-11","resend":true}`)); err != nil || !strings.Contains(string(out), `"resent"`) {
		t.Fatalf("resend: %s %v", out, err)
	}

	if hits := testenv.Occurrences(t, testenv.DynamoDB(t), tables, zValues...); len(hits) > 0 {
		t.Errorf("after the erasure her values remain:\n%s", strings.Join(hits, "\n"))
	}
	resent := 0
	for _, m := range testenv.Mails(t, marker) {
		if before[m.MessageID] {
			continue
		}
		resent++
		all := m.Subject + m.Body.Text + m.Body.HTML + attachments(t, m)
		for _, v := range zValues {
			if strings.Contains(strings.ToLower(all), strings.ToLower(v)) {
				t.Errorf("an email sent after the erasure (%q) holds %q", m.Subject, v)
			}
		}
	}
	if resent == 0 {
		t.Error("no email was sent after the erasure: the report's copy should have been")
	}
	for _, v := range append(zValues, zPhone, zComment) {
		if strings.Contains(strings.ToLower(s.logs.String()), strings.ToLower(v)) {
			t.Errorf("a log line holds %q", v)
		}
	}
	if hits := testenv.Occurrences(t, testenv.DynamoDB(t), tables, "paul.henry@meca-precision.fr", "Méca Précision"); len(hits) == 0 {
		t.Error("the other person's data went too")
	}
	if p := s.lead(pID); p == nil {
		t.Error("the other person's lead went too")
	}
	if out := forget(); out["status"] != "nothing to erase" {
		t.Errorf("a second erasure: %v", out)
	}
	out := s.post("site-contact", "submissions", "pv-z-again", `{"E-mail professionnel":"`+zEmail+`","Prénom":"Z","J'accepte d'être recontacté":"oui"}`)
	if out["leadId"] == zID {
		t.Error("a submission after the erasure found the erased lead")
	}
}

func mustRep(t *testing.T, s *stack, id string) string {
	t.Helper()
	r, ok := s.contract.Rep(id)
	if !ok {
		t.Fatalf("no rep %s", id)
	}
	return r.Email
}

// attachments is the text of a mail's attachments (the report's CSV).
func attachments(t *testing.T, m testenv.Mail) string {
	t.Helper()
	var b strings.Builder
	for _, a := range m.Attachments {
		if strings.HasPrefix(a.ContentType, "text/") {
			b.Write(a.Content)
		}
	}
	return b.String()
}
