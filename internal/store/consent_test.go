package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/webhook"
)

// consentForm is a submission of one person: its instant, its answer (nil: the form does not ask), and the phone,
// message and title it carries.
type consentForm struct {
	name                  string
	at                    time.Time
	consent               *lead.Consent
	phone, message, title string
}

// orders are every order of n deliveries.
func orders(n int) [][]int {
	if n == 1 {
		return [][]int{{0}}
	}
	var out [][]int
	for _, o := range orders(n - 1) {
		for i := 0; i <= len(o); i++ {
			p := append(append(append([]int{}, o[:i]...), n-1), o[i:]...)
			out = append(out, p)
		}
	}
	return out
}

// TestLatestAnswerWhateverTheOrder: the lead holds the answer given last (by the answers' own instants), the
// newest submission's values, and — when that answer is no — no phone and no message, whichever order the
// submissions are delivered in (a queue, a retry, a sender's polling deliver late): the same lead every time.
func TestLatestAnswerWhateverTheOrder(t *testing.T) {
	t.Parallel()
	nine, ten := at.Add(-2*time.Hour), at.Add(-time.Hour)
	const question = "J'accepte d'être recontacté"
	yes9 := consentForm{"yes at 9:00", nine, &lead.Consent{Given: true, At: nine, Field: question}, "+33611111111", "Appelez-moi", "Acheteuse"}
	no10 := consentForm{"no at 10:00", ten, &lead.Consent{Given: false, At: ten, Field: question}, "+33622222222", "Au 06 22 22 22 22", "Acheteuse"}
	webinar := consentForm{"a webinar at 10:05 (not asked)", ten.Add(5 * time.Minute), nil, "+33633333333", "Pour le webinar", "Directrice achats"}
	yes11 := consentForm{"yes at 11:00", ten.Add(time.Hour), &lead.Consent{Given: true, At: ten.Add(time.Hour), Field: question}, "+33644444444", "Rappelez-moi", "Directrice achats"}
	tests := []struct {
		name           string
		forms          []consentForm
		given          bool
		answeredAt     time.Time
		phone, message string
	}{
		{"a no between a yes and a form that does not ask", []consentForm{yes9, no10, webinar}, false, ten, "", ""},
		{"a yes after the no", []consentForm{yes9, no10, yes11}, true, ten.Add(time.Hour), yes11.phone, yes11.message},
	}
	for k, tc := range tests {
		for n, order := range orders(len(tc.forms)) {
			var names []string
			for _, i := range order {
				names = append(names, tc.forms[i].name)
			}
			t.Run(fmt.Sprintf("%s/%s", tc.name, strings.Join(names, ", ")), func(t *testing.T) {
				t.Parallel()
				f := newFixture(t)
				email := fmt.Sprintf("lea.%d@ordre-%d.fr", n, k)
				id := ""
				for arrival, i := range order {
					form := tc.forms[i]
					sub := lead.Submission{OccurredAt: form.at, Consent: form.consent, Message: form.message,
						Contact: lead.Contact{Email: email, FirstName: "Léa", Phone: form.phone, JobTitle: form.title}}.Minimised()
					delivery := fmt.Sprintf("d%d", i)
					d := webhook.Delivery{Source: "site-contact", ID: delivery, BodyHash: "h", At: at.Add(time.Duration(arrival) * time.Minute)}
					rec, err := f.leads.SaveSubmission(context.Background(), d, sub, lead.Activity{ID: lead.ActivityID("site-contact", delivery, 0),
						Type: lead.FormSubmit, OccurredAt: form.at, ReceivedAt: d.At, Source: d.Source, DeliveryID: delivery}, ok)
					if err != nil {
						t.Fatal(err)
					}
					id = rec.LeadID
				}
				l, err := f.leads.Get(context.Background(), id)
				if err != nil {
					t.Fatal(err)
				}
				if l.Consent == nil || l.Consent.Given != tc.given || !l.Consent.At.Equal(tc.answeredAt) || l.Consent.Field != question {
					t.Errorf("the latest answer is %+v, want %v at %s", l.Consent, tc.given, tc.answeredAt)
				}
				if l.Contact.Phone != tc.phone || l.Message != tc.message {
					t.Errorf("the lead holds phone %q and message %q, want %q and %q", l.Contact.Phone, l.Message, tc.phone, tc.message)
				}
				if l.Contact.JobTitle != "Directrice achats" {
					t.Errorf("the lead's title is %q: not the newest submission's", l.Contact.JobTitle)
				}
			})
		}
	}
}
