package email

import (
	"errors"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// TestBouncedSQLAlert: marketing ops' email about a bounced SQL email says, in the contract's language, that the
// rep never had it (or complained of it), and whether the SQL went to the next rep (named) or is held for them to
// pass on; it carries the tags of its own event (IDs only).
func TestBouncedSQLAlert(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		locale    contract.Locale
		kind      handoff.BounceKind
		reassign  bool
		want, not []string
	}{
		{"fr, bounced, reassigned", contract.French, handoff.BouncePermanent, true,
			[]string{"E-mail revenu", "n'a pas atteint le commercial", "réattribué à Sophie Bernard", "Vérifiez l'adresse de Thomas Martin", "rejet définitif"}, []string{"en attente"}},
		{"fr, bounced, held", contract.French, handoff.BouncePermanent, false,
			[]string{"E-mail revenu", "en attente, sans commercial ni délai", "adresse de Thomas Martin"}, []string{"réattribué"}},
		{"en, complaint, reassigned", contract.English, handoff.BounceComplaint, true,
			[]string{"Email bounced", "marked the SQL email as spam", "reassigned to Sophie Bernard", "Check Thomas Martin's address"}, []string{"held"}},
		{"en, bounced, held", contract.English, handoff.BouncePermanent, false,
			[]string{"The SQL is held", "pass it on by hand"}, []string{"reassigned to"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := example(t, tc.locale, nil)
			monday := paris(t, 2026, 11, 30, 10, 0)
			h := sent(t, c, "thomas-martin", monday)
			at := monday.Add(2 * 60e9)
			if _, err := h.RecordBounce(handoff.Bounce{ID: "f1", Kind: tc.kind, At: at}, at); err != nil {
				t.Fatal(err)
			}
			var next *handoff.Assignment
			d, _ := handoff.DeadlinesFrom(c, at)
			if tc.reassign {
				next = &handoff.Assignment{RepID: "sophie-bernard", Team: "sud-ouest", Reason: "r", At: at}
			}
			alert := h.HandleBounce(next, d, at)[0]
			m, err := EventMessage(c, *h, acme(), alert, testLinks, at)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.To) != 1 || m.To[0].Address != opsAddr {
				t.Errorf("to %v, want marketing ops", addrs(m.To))
			}
			all := m.Subject + "\n" + m.Text
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("missing %q in:\n%s", w, all)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(all, w) {
					t.Errorf("%q in:\n%s", w, all)
				}
			}
			tags := map[string][]string{}
			for _, tg := range m.Tags {
				tags[tg.Name] = []string{tg.Value}
			}
			if ref, err := mailtag.Parse(tags); err != nil || ref.Kind != mailtag.KindEvent || ref.Event != string(handoff.EventUndelivered) || ref.LeadID != h.LeadID {
				t.Errorf("tags %v: %+v, %v", m.Tags, ref, err)
			}
		})
	}
}

// TestReportBounceMessage: marketing ops' email about a bounced monthly report names the month in the contract's
// language, what SES said and the payload that sends the report again; no recipient address of the report.
func TestReportBounceMessage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		locale contract.Locale
		kind   handoff.BounceKind
		want   []string
	}{
		{contract.French, handoff.BouncePermanent, []string{"Rapport SLA non remis", "novembre 2026", "rejet définitif", `{"month":"2026-11","resend":true}`}},
		{contract.English, handoff.BounceComplaint, []string{"SLA report not delivered: November 2026", "a complaint", `{"month":"2026-11","resend":true}`}},
	} {
		c := example(t, tc.locale, nil)
		m, err := ReportBounceMessage(c, "2026-11", tc.kind)
		if err != nil {
			t.Fatal(err)
		}
		all := m.Subject + "\n" + m.Text + "\n" + m.HTML
		for _, w := range tc.want {
			if !strings.Contains(m.Subject+"\n"+m.Text, w) {
				t.Errorf("%s: missing %q in:\n%s\n%s", tc.locale, w, m.Subject, m.Text)
			}
		}
		for _, a := range c.Recipients.Leadership {
			if strings.Contains(all, a) {
				t.Errorf("%s: names %s", tc.locale, a)
			}
		}
		if len(m.To) != 1 || m.To[0].Address != opsAddr || len(m.Tags) == 0 || m.Tags[0].Value != mailtag.KindOps {
			t.Errorf("%s: to %v, tags %v", tc.locale, addrs(m.To), m.Tags)
		}
	}
	noOps := example(t, contract.French, func(c *contract.Contract) { c.Recipients.MarketingOps = nil })
	for _, tc := range []struct {
		c     *contract.Contract
		month string
	}{{noOps, "2026-11"}, {example(t, contract.French, nil), "novembre"}} {
		if _, err := ReportBounceMessage(tc.c, tc.month, handoff.BouncePermanent); !errors.Is(err, outbox.ErrUnsendable) {
			t.Errorf("%q: %v, want unsendable", tc.month, err)
		}
	}
}
