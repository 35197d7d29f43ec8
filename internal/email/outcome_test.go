package email

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/words/wordstest"
)

// TestOutcomeReminder: the CRM-care reminder goes to the rep who accepted the SQL, names the lead, the acceptance,
// the deadline passed and the contract's delay, in the contract's language, with both parts and no link that
// would act (the outcome is the CRM's to send); the alert to marketing ops when it is given up names it in words.
func TestOutcomeReminder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		l    contract.Locale
		want []string
	}{
		{contract.French, []string{"CRM : renseignez l'issue de ACME Industrie", "Bonjour Thomas Martin", "Vous avez accepté ce SQL le", "10 jours ouvrés après l'acceptation", "lundi 14/12/2026 à 18:00", "Saisissez dans le CRM"}},
		{contract.English, []string{"CRM: record the outcome of ACME Industrie", "Hello Thomas Martin", "You accepted this SQL on", "10 business days after the acceptance", "14 Dec", "Record the opportunity"}},
	} {
		t.Run(string(tc.l), func(t *testing.T) {
			t.Parallel()
			c := example(t, tc.l, nil)
			h := sent(t, c, "thomas-martin", paris(t, 2026, 11, 30, 10, 0))
			if _, err := h.Answer(handoff.Response{Action: handoff.Accept, At: paris(t, 2026, 11, 30, 11, 0), By: "page"}, c); err != nil {
				t.Fatal(err)
			}
			now := h.OutcomeDue.Add(30 * time.Second)
			e := h.CheckOutcome(false, now)
			m, err := EventMessage(c, *h, acme(), e, testLinks, now)
			if err != nil {
				t.Fatal(err)
			}
			wellFormed(t, tc.l, m)
			if tc.l == contract.French {
				for _, part := range []string{m.Subject, m.Text, m.HTML} {
					wordstest.French(t, "CRM-care reminder", part)
				}
			}
			if got := addrs(m.To); !slices.Equal(got, []string{"thomas.martin@maintenia.fr"}) || len(m.Cc) != 0 {
				t.Errorf("to %v cc %v", got, addrs(m.Cc))
			}
			all := m.Subject + "\n" + m.Text
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("the reminder does not say %q:\n%s\n%s", w, m.Subject, m.Text)
				}
			}
			if strings.Contains(m.HTML, "/v1/feedback/") || strings.Contains(m.Text, "/v1/feedback/") {
				t.Errorf("the reminder carries answer links:\n%s", m.Text)
			}
			// Given up: marketing ops are told which email, in words.
			h.Pending = nil
			u, ok := h.Undeliverable(e, handoff.ReasonRefused, now)
			if !ok {
				t.Fatal("no alert")
			}
			alert, err := EventMessage(c, *h, acme(), u, testLinks, now)
			if err != nil {
				t.Fatal(err)
			}
			if tc.l == contract.French {
				wordstest.French(t, "alert about a CRM-care reminder", alert.Subject+"\n"+alert.Text)
			}
			if strings.Contains(alert.Text, string(handoff.EventOutcomeMissing)) || !strings.Contains(alert.Subject, map[contract.Locale]string{contract.French: "rappel d'issue CRM", contract.English: "CRM outcome reminder"}[tc.l]) {
				t.Errorf("the alert names the email by its kind:\n%s\n%s", alert.Subject, alert.Text)
			}
		})
	}
}
