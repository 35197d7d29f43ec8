package email

import (
	"errors"
	"flag"
	"fmt"
	htmlpkg "html"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/outbox"
)

var emailsDir = flag.String("emails", "", "also write each event email's HTML to this folder, to look at them")

var loadExample = sync.OnceValues(func() (*contract.Contract, error) {
	return contract.Load(filepath.Join(testenv.Root(), "infra", "contract", "contract.yaml"))
})

// example is the example contract (Paris, 4h to first contact, 16h to answer, reminders at 50 % and 80 %,
// feedback reminder at 75 %, on_breach: reassign, marketing ops in copy), in a locale, changed by edit.
func example(t *testing.T, l contract.Locale, edit func(*contract.Contract)) *contract.Contract {
	t.Helper()
	c, err := loadExample()
	if err != nil {
		t.Fatal(err)
	}
	cp := *c
	cp.Locale = l
	if edit != nil {
		edit(&cp)
	}
	return &cp
}

func paris(t *testing.T, y int, m time.Month, d, hh, mm int) time.Time {
	t.Helper()
	c, _ := loadExample()
	return time.Date(y, m, d, hh, mm, 0, 0, c.Location)
}

var testLinks = Links{
	Contacted: "https://sla.maintenia.fr/v1/feedback/CONTACTED-token",
	Accept:    "https://sla.maintenia.fr/v1/feedback/ACCEPT-token",
	Reject:    "https://sla.maintenia.fr/v1/feedback/REJECT-token",
}

// claimed is ACME's SQL handed to a rep at `at`, its email claimed (not sent yet).
func claimed(t *testing.T, c *contract.Contract, rep string, at time.Time) *handoff.Handoff {
	t.Helper()
	d, err := handoff.DeadlinesFrom(c, at)
	if err != nil {
		t.Fatal(err)
	}
	h := handoff.New(handoff.Key{LeadID: "ld_01kbevents0000000000000000", At: at},
		handoff.Assignment{RepID: rep, Team: "nord", Reason: "territoire Nord, round-robin (12 assigned before, weight 1)", At: at},
		d, c.Version, at)
	h.LeadCompany = "ACME Industrie"
	return h
}

// acme is the lead of ACME's SQL as its profile holds it (the hand-off keeps only its company).
func acme() *lead.Lead {
	return &lead.Lead{ID: "ld_01kbevents0000000000000000", Contact: lead.Contact{FirstName: "Claire", LastName: "Dubois",
		JobTitle: "Directrice technique", Company: "ACME Industrie", Email: "claire@acme-industrie.fr", Phone: "+33 4 72 00 00 00"}}
}

// sent is the same SQL with its email sent.
func sent(t *testing.T, c *contract.Contract, rep string, at time.Time) *handoff.Handoff {
	h := claimed(t, c, rep, at)
	h.Mail.Start(at)
	h.Mail.Sent("ses-1", at)
	return h
}

func contact(h *handoff.Handoff, at time.Time) {
	h.Contact = handoff.Contact{At: at, Channel: "phone", RepID: h.Rep(), By: "page"}
}

// expect is what one locale's email must say.
type expect struct {
	subject string
	both    []string // in the text part and in the HTML (unescaped)
	text    []string // in the text part only (label: value lines)
	not     []string // in neither
}

type eventCase struct {
	name  string
	edit  func(*contract.Contract)
	event func(*testing.T, *contract.Contract) (handoff.Handoff, handoff.Event, time.Time)
	to    []string
	cc    []string
	links []string // "contacted", "accept", "reject": shown; the others must not be
	want  map[contract.Locale]expect
}

const (
	thomas  = "thomas.martin@maintenia.fr"
	sophie  = "sophie.bernard@maintenia.fr"
	claire  = "claire.dubois@maintenia.fr"
	opsAddr = "marketing-ops@maintenia.fr"
	nb      = "\u00a0"
)

// Monday 30 November 2026, 10:00 in Paris: first contact due 15:00 (reminders 12:00 and 14:12), the answer
// Wednesday 2 December 10:00 (reminder Tuesday 15:00).
func eventCases(t *testing.T) []eventCase {
	monday := paris(t, 2026, 11, 30, 10, 0)
	return []eventCase{
		{
			name: "reminder 1 of 2",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				now := h.Reminders[0]
				e := h.Remind(0, now)
				return *h, e, now
			},
			to: []string{thomas}, links: []string{"contacted", "accept", "reject"},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Rappel : premier contact avec ACME Industrie avant 15:00 (reste 2h00)",
					both: []string{"Bonjour Thomas Martin,", "Rappel 1 sur 2", "avant" + nb + ":", "lundi 30/11/2026 à 15:00", "2h00 ouvrées restantes", "Claire Dubois",
						"ACME Industrie", "+33 4 72 00 00 00", "claire@acme-industrie.fr", "ouvrir le lien ne change rien", "les rappels s'arrêtent"},
					text: []string{"Société" + nb + ": ACME Industrie", "Transmis aux ventes" + nb + ": lundi 30/11/2026 à 10:00"}},
				contract.English: {subject: "Reminder: first contact with ACME Industrie before 15:00 (2h00 left)",
					both: []string{"Hello Thomas Martin,", "Reminder 1 of 2", "Monday 30 Nov 2026 at 15:00", "2h00 business time left", "Directrice technique",
						"opening a link changes nothing", "the reminders stop"},
					text: []string{"Company: ACME Industrie", "Handed to sales: Monday 30 Nov 2026 at 10:00"}},
			},
		},
		{
			name: "Reminder 2 of 2",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				h.Remind(0, h.Reminders[0])
				now := h.Reminders[1]
				e := h.Remind(1, now)
				return *h, e, now
			},
			to: []string{thomas}, links: []string{"contacted", "accept", "reject"},
			want: map[contract.Locale]expect{
				contract.French:  {subject: "Rappel : premier contact avec ACME Industrie avant 15:00 (reste 0h48)", both: []string{"Rappel 2 sur 2", "0h48 ouvrées restantes"}},
				contract.English: {subject: "Reminder: first contact with ACME Industrie before 15:00 (0h48 left)", both: []string{"Reminder 2 of 2", "0h48 business time left"}},
			},
		},
		{
			name: "feedback reminder, lead contacted",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				contact(h, monday.Add(time.Hour))
				now := h.FeedbackReminders[0]
				e := h.RemindFeedback(0, now)
				return *h, e, now
			},
			to: []string{thomas}, links: []string{"accept", "reject"},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Rappel : acceptez ou rejetez ACME Industrie avant mercredi 02/12 à 10:00 (reste 4h00)",
					both: []string{"Bonjour Thomas Martin,", "Rappel 1 sur 1", "l'accepter ou le rejeter", "mercredi 02/12/2026 à 10:00", "4h00 ouvrées restantes", "dans le CRM compte aussi"}},
				contract.English: {subject: "Reminder: accept or reject ACME Industrie before Wednesday 2 Dec at 10:00 (4h00 left)",
					both: []string{"Hello Thomas Martin,", "Reminder 1 of 1", "accept or reject it", "Wednesday 2 Dec 2026 at 10:00", "4h00 business time left", "in the CRM counts too"}},
			},
		},
		{
			name: "feedback reminder, lead not contacted yet",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				now := h.FeedbackReminders[0]
				e := h.RemindFeedback(0, now)
				return *h, e, now
			},
			to: []string{thomas}, links: []string{"contacted", "accept", "reject"},
			want: map[contract.Locale]expect{
				contract.French:  {subject: "Rappel : acceptez ou rejetez ACME Industrie avant mercredi 02/12 à 10:00 (reste 4h00)", both: []string{"J'ai contacté ce lead"}},
				contract.English: {subject: "Reminder: accept or reject ACME Industrie before Wednesday 2 Dec at 10:00 (4h00 left)", both: []string{"I contacted this lead"}},
			},
		},
		{
			// Handed to Sophie Bernard on Friday 18 December 15:00: first contact due Monday 21 December 11:00; her
			// absence (21 December – 1 January) starts before the 80 % reminder (Monday 10:12).
			name: "away at a first-contact reminder",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "sophie-bernard", paris(t, 2026, 12, 18, 15, 0))
				h.Remind(0, h.Reminders[0])
				now := h.Reminders[1]
				e, ok := h.EscalateAway(handoff.Step{Kind: handoff.StepReminder, N: 1, Due: now}, "claire-dubois", now)
				if !ok {
					t.Fatal("no escalation")
				}
				return *h, e, now
			},
			to: []string{claire}, cc: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Absence de Sophie Bernard : SQL ACME Industrie à reprendre avant 11:00",
					both: []string{"Bonjour Claire Dubois,", "Sophie Bernard est indisponible (absence) jusqu'au vendredi 01/01/2027 inclus.", "attend son premier contact",
						"lundi 21/12/2026 à 11:00", "0h48 ouvrées restantes", "réattribuez-le dans le CRM", "le contrat prévoit de réattribuer le SQL", "+33 4 72 00 00 00"}},
				contract.English: {subject: "Sophie Bernard is out of office: SQL ACME Industrie to take over before 11:00",
					both: []string{"Hello Claire Dubois,", "Sophie Bernard is out of office until Friday 1 Jan 2027 (inclusive).", "awaits first contact",
						"Monday 21 Dec 2026 at 11:00", "0h48 business time left", "reassign it in the CRM", "the contract reassigns the SQL"}},
			},
		},
		{
			name: "away at a first-contact reminder, the contract escalates only",
			edit: func(c *contract.Contract) { c.Sales.OnBreach = contract.Escalate },
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "sophie-bernard", paris(t, 2026, 12, 18, 15, 0))
				now := h.Reminders[1]
				e, _ := h.EscalateAway(handoff.Step{Kind: handoff.StepReminder, N: 1, Due: now}, "claire-dubois", now)
				return *h, e, now
			},
			to: []string{claire}, cc: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Absence de Sophie Bernard : SQL ACME Industrie à reprendre avant 11:00",
					both: []string{"le dépassement sera enregistré et vous recevrez une alerte"}, not: []string{"réattribuer le SQL"}},
				contract.English: {subject: "Sophie Bernard is out of office: SQL ACME Industrie to take over before 11:00",
					both: []string{"the breach is recorded and you are alerted"}, not: []string{"reassigns the SQL"}},
			},
		},
		{
			// Contacted on Friday: the answer is due Tuesday 22 December 16:00; the feedback reminder (Tuesday 11:00)
			// finds her away. The contract does not copy marketing ops here.
			name: "away at a feedback reminder, marketing ops not in copy",
			edit: func(c *contract.Contract) { c.Sales.EscalateToMarketingOps = false },
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "sophie-bernard", paris(t, 2026, 12, 18, 15, 0))
				contact(h, paris(t, 2026, 12, 18, 16, 0))
				now := h.FeedbackReminders[0]
				e, _ := h.EscalateAway(handoff.Step{Kind: handoff.StepFeedbackReminder, N: 0, Due: now}, "claire-dubois", now)
				return *h, e, now
			},
			to: []string{claire},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Absence de Sophie Bernard : SQL ACME Industrie à reprendre avant 16:00",
					both: []string{"attend sa réponse (acceptation ou rejet)", "mardi 22/12/2026 à 16:00", "4h00 ouvrées restantes"}, not: []string{"réattribuer le SQL", "premier contact"}},
				contract.English: {subject: "Sophie Bernard is out of office: SQL ACME Industrie to take over before 16:00",
					both: []string{"awaits their answer (accept or reject)", "Tuesday 22 Dec 2026 at 16:00", "4h00 business time left"}, not: []string{"reassigns the SQL", "first contact"}},
			},
		},
		{
			name: "first-contact breach, the contract escalates only",
			edit: func(c *contract.Contract) { c.Sales.OnBreach = contract.Escalate },
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				now := h.FirstContactDue.Add(30 * time.Minute)
				e := h.BreachFirstContact("claire-dubois", 30, now)
				return *h, e, now
			},
			to: []string{claire}, cc: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Délai dépassé : Thomas Martin n'a pas contacté ACME Industrie avant 15:00",
					both: []string{"Bonjour Claire Dubois,", "Thomas Martin n'a pas contacté ce SQL dans le délai du contrat (version 2026.12-1)", "lundi 30/11/2026 à 15:00",
						"retard de 0h30 en temps ouvré", "Thomas Martin garde le SQL", "seulement l'escalade", "claire@acme-industrie.fr"}},
				contract.English: {subject: "Deadline missed: Thomas Martin did not contact ACME Industrie before 15:00",
					both: []string{"Hello Claire Dubois,", "Thomas Martin did not contact this SQL within the contract's deadline (version 2026.12-1)", "Monday 30 Nov 2026 at 15:00",
						"0h30 late in business time", "Thomas Martin keeps the SQL", "escalate only"}},
			},
		},
		{
			// Reassigned at 15:30: Julien Petit's deadline is Tuesday 1 December 10:30.
			name: "first-contact breach and reassignment",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				now := h.FirstContactDue.Add(30 * time.Minute)
				e := h.BreachFirstContact("claire-dubois", 30, now)
				d, err := handoff.DeadlinesFrom(c, now)
				if err != nil {
					t.Fatal(err)
				}
				h.Reassign(handoff.Assignment{RepID: "julien-petit", Team: "sud-ouest", Reason: "territoire Sud et Ouest, round-robin (3 assigned before, weight 2)", At: now}, d, now)
				return *h, e, now
			},
			to: []string{claire}, cc: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Délai dépassé : Thomas Martin n'a pas contacté ACME Industrie avant 15:00 — SQL réattribué à Julien Petit",
					both: []string{"retard de 0h30 en temps ouvré", "Le SQL est réattribué à Julien Petit (territoire Sud et Ouest, round-robin (3 assigned before, weight 2)), qui doit le contacter avant mardi 01/12/2026 à 10:30.",
						"Le dépassement reste enregistré au nom de Thomas Martin."}, not: []string{"garde le SQL"}},
				contract.English: {subject: "Deadline missed: Thomas Martin did not contact ACME Industrie before 15:00 — SQL reassigned to Julien Petit",
					both: []string{"The SQL is reassigned to Julien Petit (territoire Sud et Ouest, round-robin (3 assigned before, weight 2)), who must contact it before Tuesday 1 Dec 2026 at 10:30.",
						"The breach stays on record against Thomas Martin."}, not: []string{"keeps the SQL"}},
			},
		},
		{
			name: "first-contact breach, nobody to reassign to",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				now := h.FirstContactDue.Add(time.Minute)
				e := h.BreachFirstContact("claire-dubois", 1, now)
				return *h, e, now
			},
			to: []string{claire}, cc: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French:  {subject: "Délai dépassé : Thomas Martin n'a pas contacté ACME Industrie avant 15:00", both: []string{"retard de 0h01", "Thomas Martin garde le SQL" + nb + ": aucun autre commercial"}},
				contract.English: {subject: "Deadline missed: Thomas Martin did not contact ACME Industrie before 15:00", both: []string{"0h01 late", "Thomas Martin keeps the SQL: no other rep was available"}},
			},
		},
		{
			name: "feedback breach, lead contacted",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				contact(h, monday.Add(time.Hour))
				now := h.FeedbackDue.Add(time.Hour)
				e := h.BreachFeedback("claire-dubois", 60, now)
				return *h, e, now
			},
			to: []string{thomas}, cc: []string{claire}, links: []string{"accept", "reject"},
			want: map[contract.Locale]expect{
				contract.French: {subject: "Réponse en retard : acceptez ou rejetez ACME Industrie (attendue avant 10:00)",
					both: []string{"Bonjour Thomas Martin,", "accepté ou rejeté dans son délai", "mercredi 02/12/2026 à 10:00", "retard de 1h00 en temps ouvré",
						"Le dépassement est enregistré (contrat 2026.12-1)", "Claire Dubois est en copie."}},
				contract.English: {subject: "Answer overdue: accept or reject ACME Industrie (due before 10:00)",
					both: []string{"Hello Thomas Martin,", "accepted or rejected within its deadline", "Wednesday 2 Dec 2026 at 10:00", "1h00 late in business time",
						"The breach is recorded (contract 2026.12-1)", "Claire Dubois is in copy."}},
			},
		},
		{
			name: "feedback breach, lead not contacted, recorded at the deadline",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				now := h.FeedbackDue
				e := h.BreachFeedback("claire-dubois", 0, now)
				return *h, e, now
			},
			to: []string{thomas}, cc: []string{claire}, links: []string{"contacted", "accept", "reject"},
			want: map[contract.Locale]expect{
				contract.French:  {subject: "Réponse en retard : acceptez ou rejetez ACME Industrie (attendue avant 10:00)", both: []string{"délai dépassé à l'instant"}, not: []string{"0h00"}},
				contract.English: {subject: "Answer overdue: accept or reject ACME Industrie (due before 10:00)", both: []string{"the deadline just passed"}, not: []string{"0h00"}},
			},
		},
		{
			// Claimed at 10:00 and never handed to SES: sent at 10:06, the deadline now 15:06.
			name: "stuck SQL email sent",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := claimed(t, c, "thomas-martin", monday)
				return resend(t, c, h, monday.Add(6*time.Minute))
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail SQL renvoyé : ACME Industrie à Thomas Martin",
					both: []string{"Bonjour,", "L'e-mail SQL de ce lead à Thomas Martin a été envoyé de nouveau.", "Motif" + nb + ": l'e-mail SQL était prêt mais n'avait jamais été remis à SES",
						"n'est pas marqué comme doublon", "Le délai de premier contact de Thomas Martin part de ce nouvel envoi", "lundi 30/11/2026 à 15:06", "4h00 ouvrées restantes"},
					text: []string{"Commercial" + nb + ": Thomas Martin <thomas.martin@maintenia.fr>"}, not: []string{"doublon possible", "claimed"}},
				contract.English: {subject: "SQL email resent: ACME Industrie to Thomas Martin",
					both: []string{"Hello,", "The SQL email of this lead to Thomas Martin was sent again.", "Why: the SQL email was claimed but never handed to SES: it was sent now.",
						"not marked as a duplicate", "Monday 30 Nov 2026 at 15:06", "4h00 business time left"},
					text: []string{"Rep: Thomas Martin <thomas.martin@maintenia.fr>"}, not: []string{"possible duplicate"}},
			},
		},
		{
			name: "stuck SQL email resent as a possible duplicate",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := claimed(t, c, "thomas-martin", monday)
				h.Mail.Start(monday)
				return resend(t, c, h, monday.Add(6*time.Minute))
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail SQL renvoyé : ACME Industrie à Thomas Martin (doublon possible)",
					both: []string{"l'issue de l'e-mail SQL est inconnue", "Il est marqué comme doublon possible", "Thomas Martin peut le recevoir deux fois", "lundi 30/11/2026 à 15:06"},
					not:  []string{"outcome"}},
				contract.English: {subject: "SQL email resent: ACME Industrie to Thomas Martin (possible duplicate)",
					both: []string{"the outcome of the SQL email is unknown", "It is marked as a possible duplicate", "Monday 30 Nov 2026 at 15:06"}},
			},
		},
		{
			// Reassigned to Julien Petit at 15:30 (his deadline Tuesday 10:30); the checker's sending of his SQL
			// email was interrupted, and the next run resent it at 15:31.
			name: "the checker's SQL email resent after its sending was interrupted",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				now := h.FirstContactDue.Add(30 * time.Minute)
				h.BreachFirstContact("claire-dubois", 30, now)
				d, err := handoff.DeadlinesFrom(c, now)
				if err != nil {
					t.Fatal(err)
				}
				h.Reassign(handoff.Assignment{RepID: "julien-petit", Team: "sud-ouest", Reason: "r", At: now}, d, now)
				h.Mail.Start(now)
				later := now.Add(time.Minute)
				return *h, h.ResendInterrupted(d, later), later
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail SQL renvoyé : ACME Industrie à Julien Petit (doublon possible)",
					both: []string{"Motif" + nb + ": l'envoi de l'e-mail SQL par Handoff a été interrompu", "Il est marqué comme doublon possible",
						"Le délai de premier contact de Julien Petit ne change pas" + nb + ":", "mardi 01/12/2026 à 10:30"},
					not: []string{"part de ce nouvel envoi"}},
				contract.English: {subject: "SQL email resent: ACME Industrie to Julien Petit (possible duplicate)",
					both: []string{"Why: the checker's sending of the SQL email was interrupted", "It is marked as a possible duplicate",
						"The first-contact deadline of Julien Petit does not move:", "Tuesday 1 Dec 2026 at 10:30"},
					not: []string{"counts from this sending"}},
			},
		},
		{
			name: "SQL email abandoned after its attempts",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := claimed(t, c, "thomas-martin", monday)
				h.Mail.Start(monday)
				h.Mail.Attempts = outbox.MaxMailAttempts - 1
				return resend(t, c, h, monday.Add(6*time.Minute))
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail non remis : e-mail SQL à Thomas Martin (SQL ACME Industrie)",
					both: []string{"n'a pas pu être remis et ne sera pas renvoyé automatiquement",
						"E-mail concerné" + nb + ": l'e-mail SQL (le lead et ses liens de réponse) à Thomas Martin, prévu le lundi 30/11/2026 à 10:00.",
						"l'e-mail SQL n'a pas pu être envoyé après 5 tentatives", "Prévenez Thomas Martin à la main"},
					text: []string{"Commercial" + nb + ": Thomas Martin <thomas.martin@maintenia.fr>", "Société" + nb + ": ACME Industrie", "Transmis aux ventes" + nb + ": lundi 30/11/2026 à 10:00"},
					not:  []string{"attempts", "Manager", "peut-être", "a l'e-mail SQL"}},
				contract.English: {subject: "Email not delivered: SQL email to Thomas Martin (SQL ACME Industrie)",
					both: []string{"could not be delivered and will not be sent again automatically", "The email: the SQL email (the lead and the answer links) to Thomas Martin, due Monday 30 Nov 2026 at 10:00.",
						"the SQL email could not be sent after 5 attempts", "Tell Thomas Martin by hand"},
					text: []string{"Rep: Thomas Martin <thomas.martin@maintenia.fr>", "Handed to sales: Monday 30 Nov 2026 at 10:00"}},
			},
		},
		{
			// The lead said no before the rep had the SQL email: the hand-off is withdrawn; nothing to pass on.
			name: "SQL email withheld, the lead's latest answer no",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := claimed(t, c, "thomas-martin", monday)
				h.Mail.Start(monday.Add(2 * time.Minute))
				now := monday.Add(2 * time.Minute)
				e := h.Withdraw(now)
				return *h, e, now
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail non envoyé, pas de consentement : e-mail SQL à Thomas Martin (SQL ACME Industrie)",
					both: []string{"Handoff n'a pas envoyé cet e-mail sur ce SQL" + nb + ": la dernière réponse du lead à la question du consentement est non.",
						"Motif" + nb + ": la dernière réponse du lead à la question du consentement est non" + nb + ": l'e-mail SQL n'a pas été envoyé",
						"Ne transmettez pas ce lead à Thomas Martin" + nb + ": il a refusé d'être contacté par les ventes."},
					not: []string{"à la main", "n'a pas pu être remis", "the lead's latest answer"}},
				contract.English: {subject: "Email not sent, no consent: SQL email to Thomas Martin (SQL ACME Industrie)",
					both: []string{"Handoff did not send this email about this SQL: the lead's latest answer to the consent question is no.",
						"Why: the lead's latest answer to the consent question is no: the SQL email was not sent, and the hand-off ended",
						"Do not pass this lead on to Thomas Martin: they refused to be contacted by sales."},
					not: []string{"by hand", "could not be delivered"}},
			},
		},
		{
			name: "an escalation undelivered",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				b := h.BreachFirstContact("claire-dubois", 30, h.FirstContactDue.Add(30*time.Minute))
				now := b.At.Add(2 * time.Minute)
				u, ok := h.Undeliverable(b, fmt.Sprintf(handoff.ReasonRefused, 5), now)
				if !ok {
					t.Fatal("no alert")
				}
				return *h, u, now
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail non remis : escalade du dépassement à Claire Dubois (SQL ACME Industrie)",
					both: []string{"E-mail concerné" + nb + ": l'escalade du dépassement de délai de Thomas Martin à Claire Dubois, pour le délai du lundi 30/11/2026 à 15:00.",
						"Motif" + nb + ": SES l'a refusé 5 fois.", "Thomas Martin a l'e-mail SQL de ce lead, envoyé le lundi 30/11/2026 à 10:00", "Prévenez Claire Dubois à la main"},
					text: []string{"Commercial" + nb + ": Thomas Martin <thomas.martin@maintenia.fr>", "Manager" + nb + ": Claire Dubois <claire.dubois@maintenia.fr>"},
					not:  []string{"peut-être", "restantes"}},
				contract.English: {subject: "Email not delivered: breach escalation to Claire Dubois (SQL ACME Industrie)",
					both: []string{"The email: the escalation of Thomas Martin's missed deadline to Claire Dubois, for the deadline of Monday 30 Nov 2026 at 15:00.",
						"Why: SES refused it 5 times.", "Tell Claire Dubois by hand"},
					text: []string{"Manager: Claire Dubois <claire.dubois@maintenia.fr>"}},
			},
		},
		{
			// The first reminder's sending was interrupted at 12:00; abandoned as in doubt at 12:05.
			name: "a first reminder in doubt",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				r := h.Remind(0, h.Reminders[0])
				now := r.At.Add(handoff.StuckAfter)
				u, _ := h.Undeliverable(r, handoff.ReasonUnknownNotResent, now)
				return *h, u, now
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail peut-être non remis : rappel 1 sur 2 à Thomas Martin (SQL ACME Industrie)",
					both: []string{"Handoff ne sait pas si cet e-mail sur ce SQL est parti (son envoi a été interrompu)",
						"E-mail concerné" + nb + ": le rappel de premier contact 1 sur 2 (à 50" + nb + "% du délai) à Thomas Martin, prévu le lundi 30/11/2026 à 12:00.",
						"Motif" + nb + ": son issue est inconnue", "Thomas Martin a l'e-mail SQL de ce lead, envoyé le lundi 30/11/2026 à 10:00",
						"Les liens de réponse de cet e-mail restent valables.", "Délai de premier contact de Thomas Martin" + nb + ":", "lundi 30/11/2026 à 15:00", "1h55 ouvrées restantes",
						"Vérifiez auprès de Thomas Martin que cet e-mail est arrivé"},
					not: []string{"Déjà envoyés", "non remis : SQL"}},
				contract.English: {subject: "Email maybe not delivered: reminder 1 of 2 to Thomas Martin (SQL ACME Industrie)",
					both: []string{"Handoff cannot tell whether this email about this SQL left", "The email: the first-contact reminder 1 of 2 (at 50% of the deadline) to Thomas Martin, due Monday 30 Nov 2026 at 12:00.",
						"Thomas Martin has the SQL email of this lead, sent Monday 30 Nov 2026 at 10:00", "The answer links in it still work.",
						"First-contact deadline of Thomas Martin:", "Monday 30 Nov 2026 at 15:00", "1h55 business time left", "Check with Thomas Martin that this email arrived"},
					not: []string{"Already sent", "delivered: SQL"}},
			},
		},
		{
			name: "a reminder refused, the contract changed since",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				h.ContractVersion = "2026.10-1" // the percentages may have changed: none is shown
				r := h.Remind(0, h.Reminders[0])
				now := r.At.Add(4 * time.Minute)
				u, _ := h.Undeliverable(r, fmt.Sprintf(handoff.ReasonRefused, 5), now)
				return *h, u, now
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail non remis : rappel 1 sur 2 à Thomas Martin (SQL ACME Industrie)",
					both: []string{"n'a pas pu être remis", "le rappel de premier contact 1 sur 2 à Thomas Martin, prévu le lundi 30/11/2026 à 12:00.", "SES l'a refusé 5 fois", "Prévenez Thomas Martin à la main"},
					not:  []string{"peut-être", "du délai)"}},
				contract.English: {subject: "Email not delivered: reminder 1 of 2 to Thomas Martin (SQL ACME Industrie)",
					both: []string{"the first-contact reminder 1 of 2 to Thomas Martin, due Monday 30 Nov 2026 at 12:00.", "SES refused it 5 times", "Tell Thomas Martin by hand"},
					not:  []string{"maybe", "of the deadline)"}},
			},
		},
		{
			// Contacted at 11:00; the feedback breach (Wednesday 10:00) to Thomas, Claire in copy, interrupted.
			name: "a feedback breach in doubt",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				contact(h, monday.Add(time.Hour))
				b := h.BreachFeedback("claire-dubois", 0, h.FeedbackDue)
				now := b.At.Add(handoff.StuckAfter)
				u, _ := h.Undeliverable(b, handoff.ReasonUnknownNotResent, now)
				return *h, u, now
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail peut-être non remis : relance de réponse en retard à Thomas Martin (SQL ACME Industrie)",
					both: []string{"la relance de réponse en retard à Thomas Martin (Claire Dubois en copie), pour le délai du mercredi 02/12/2026 à 10:00.",
						"Thomas Martin a l'e-mail SQL de ce lead"},
					not: []string{"Délai de premier contact", "Réponse attendue"}},
				contract.English: {subject: "Email maybe not delivered: overdue-answer notice to Thomas Martin (SQL ACME Industrie)",
					both: []string{"the notice of an overdue answer to Thomas Martin (Claire Dubois in copy), for the deadline of Wednesday 2 Dec 2026 at 10:00."}},
			},
		},
		{
			// Sophie Bernard away at her 80 % reminder (Monday 21 December 10:12); the alert to her manager, who
			// has left the roster, could not be composed. Her deadline is 11:00.
			name: "an out-of-office alert not composable",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "sophie-bernard", paris(t, 2026, 12, 18, 15, 0))
				at := h.Reminders[1]
				e, _ := h.EscalateAway(handoff.Step{Kind: handoff.StepReminder, N: 1, Due: at}, "gone-manager", at)
				u, _ := h.Undeliverable(e, handoff.ReasonUncomposable, at)
				return *h, u, at
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail non remis : alerte d'absence à gone-manager (SQL ACME Industrie)",
					both: []string{"l'alerte d'absence de Sophie Bernard à gone-manager, prévu le lundi 21/12/2026 à 10:12.", "il n'a pas pu être composé",
						"Délai de premier contact de Sophie Bernard" + nb + ":", "lundi 21/12/2026 à 11:00", "Prévenez gone-manager à la main"}},
				contract.English: {subject: "Email not delivered: out-of-office alert to gone-manager (SQL ACME Industrie)",
					both: []string{"the alert that Sophie Bernard is out of office to gone-manager, due Monday 21 Dec 2026 at 10:12.", "it could not be composed"}},
			},
		},
		{
			// An alert stored before alerts kept which email they were about: named by its kind alone.
			name: "an alert stored before it named its email",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "thomas-martin", monday)
				r := h.Remind(1, h.Reminders[1])
				now := r.At.Add(handoff.StuckAfter)
				u, _ := h.Undeliverable(r, handoff.ReasonUnknownNotResent, now)
				u.AboutAssignment, u.AboutN, u.AboutDue = 0, 0, time.Time{}
				return *h, u, now
			},
			to: []string{opsAddr},
			want: map[contract.Locale]expect{
				contract.French: {subject: "E-mail peut-être non remis : rappel à Thomas Martin (SQL ACME Industrie)",
					both: []string{"E-mail concerné" + nb + ": le rappel de premier contact à Thomas Martin."}, not: []string{"1 sur", "prévu le"}},
				contract.English: {subject: "Email maybe not delivered: reminder to Thomas Martin (SQL ACME Industrie)",
					both: []string{"The email: the first-contact reminder to Thomas Martin."}, not: []string{"1 of", "due Monday 30 Nov 2026 at 14:12"}},
			},
		},
	}
}

func resend(t *testing.T, c *contract.Contract, h *handoff.Handoff, now time.Time) (handoff.Handoff, handoff.Event, time.Time) {
	t.Helper()
	d, err := handoff.DeadlinesFrom(c, now)
	if err != nil {
		t.Fatal(err)
	}
	e := h.ResendStuck(d, now)
	return *h, e, now
}

// TestEventMessages: every kind in both locales — recipients exactly, the subject, the deadline in local time,
// the time left or how late, the names, and the answer links where they belong and nowhere else.
func TestEventMessages(t *testing.T) {
	t.Parallel()
	for _, tc := range eventCases(t) {
		for _, l := range []contract.Locale{contract.French, contract.English} {
			t.Run(tc.name+"/"+string(l), func(t *testing.T) {
				t.Parallel()
				c := example(t, l, tc.edit)
				h, e, now := tc.event(t, c)
				m, err := EventMessage(c, h, acme(), e, testLinks, now)
				if err != nil {
					t.Fatal(err)
				}
				want := tc.want[l]
				if got := addrs(m.To); !slices.Equal(got, tc.to) {
					t.Errorf("To = %v, want %v", got, tc.to)
				}
				if got := addrs(m.Cc); !slices.Equal(got, tc.cc) {
					t.Errorf("Cc = %v, want %v", got, tc.cc)
				}
				if m.Subject != want.subject {
					t.Errorf("subject\n got %q\nwant %q", m.Subject, want.subject)
				}
				if m.From == nil || m.From.Address != "sla@maintenia.fr" {
					t.Errorf("From = %v", m.From)
				}
				html := htmlpkg.UnescapeString(m.HTML)
				for _, w := range want.both {
					if !strings.Contains(m.Text, w) {
						t.Errorf("text lacks %q:\n%s", w, m.Text)
					}
					if !strings.Contains(html, w) {
						t.Errorf("html lacks %q", w)
					}
				}
				for _, w := range want.text {
					if !strings.Contains(m.Text, w) {
						t.Errorf("text lacks %q:\n%s", w, m.Text)
					}
				}
				for _, w := range want.not {
					if strings.Contains(m.Text, w) || strings.Contains(html, w) {
						t.Errorf("says %q:\n%s", w, m.Text)
					}
				}
				for name, link := range map[string]string{"contacted": testLinks.Contacted, "accept": testLinks.Accept, "reject": testLinks.Reject} {
					shown := slices.Contains(tc.links, name)
					if strings.Contains(m.Text, link) != shown || strings.Contains(m.HTML, `href="`+link+`"`) != shown {
						t.Errorf("%s link shown: text %v, html %v; want %v", name, strings.Contains(m.Text, link), strings.Contains(m.HTML, link), shown)
					}
				}
				if len(tc.links) == 0 && strings.Contains(m.Text+m.HTML, "/v1/feedback/") {
					t.Error("an email without answer links shows one")
				}
				wellFormed(t, l, m)
				if *emailsDir != "" {
					name := strings.NewReplacer(" ", "-", ",", "", "/", "-").Replace(tc.name) + "." + string(l) + ".html"
					if err := os.WriteFile(filepath.Join(*emailsDir, name), []byte(m.HTML), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

func addrs(as []*mail.Address) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Address)
	}
	return out
}

// wellFormed checks what every email must be: one-line subject, both parts, the locale's words only (no
// formatting verbs left, no key of another locale), nothing active or remote in the HTML, the footer.
func wellFormed(t *testing.T, l contract.Locale, m Message) {
	t.Helper()
	if m.Subject == "" || strings.ContainsAny(m.Subject, "\r\n\u0085\u2028\u2029") {
		t.Errorf("subject %q", m.Subject)
	}
	for _, part := range []string{m.Subject, m.Text, m.HTML} {
		if strings.Contains(part, "%!") || strings.Contains(part, "ZgotmplZ") {
			t.Errorf("a bad value was rendered:\n%s", part)
		}
	}
	if m.Text == "" || strings.Contains(m.Text, "<p") || strings.Contains(m.Text, "&#") {
		t.Errorf("text part:\n%s", m.Text)
	}
	for _, bad := range []string{"<script", "<img", "<link", "<style", "@import", "url("} {
		if strings.Contains(strings.ToLower(m.HTML), bad) {
			t.Errorf("html has %s", bad)
		}
	}
	if !strings.Contains(m.HTML, `<html lang="`+string(l)+`">`) || !strings.Contains(m.HTML, "<title>") {
		t.Error("html lacks its language or title")
	}
	footer := map[contract.Locale]string{contract.French: "Envoyé par Handoff pour Maintenia SAS", contract.English: "Sent by Handoff for Maintenia SAS"}[l]
	if !strings.Contains(m.Text, footer) || !strings.Contains(m.HTML, footer) || !strings.Contains(m.Text, "ld_01kbevents") {
		t.Error("footer missing")
	}
	other := map[contract.Locale][]string{contract.French: {"Hello", "business time", "What "}, contract.English: {"Bonjour", "ouvré", "à "}}[l]
	for _, w := range other {
		if strings.Contains(m.Text, w) {
			t.Errorf("%s email says %q:\n%s", l, w, m.Text)
		}
	}
}

// TestAnAlertSaysWhichEarlierRemindersLeft: the alert about a reminder given up lists the rep's earlier
// reminders whose emails left (the checker passes their events as stored), and only those.
func TestAnAlertSaysWhichEarlierRemindersLeft(t *testing.T) {
	t.Parallel()
	monday := paris(t, 2026, 11, 30, 10, 0)
	for _, tc := range []struct {
		name    string
		first   outbox.MailStatus // the first reminder's email, as stored
		other   bool              // the first reminder given is another rep's
		l       contract.Locale
		says    string
		notSays string
	}{
		{name: "sent", first: outbox.MailSent, l: contract.French, says: "Déjà envoyés à Thomas Martin" + nb + ": rappel 1 sur 2, envoyé le lundi 30/11/2026 à 12:00."},
		{name: "sent, in English", first: outbox.MailSent, l: contract.English, says: "Already sent to Thomas Martin: reminder 1 of 2, sent Monday 30 Nov 2026 at 12:00."},
		{name: "abandoned", first: outbox.MailAbandoned, l: contract.French, notSays: "Déjà envoyés"},
		{name: "another rep's", first: outbox.MailSent, other: true, l: contract.French, notSays: "Déjà envoyés"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := example(t, tc.l, nil)
			h := sent(t, c, "thomas-martin", monday)
			first := h.Remind(0, h.Reminders[0])
			first.Mail.Status, first.Mail.SentAt = tc.first, h.Reminders[0]
			if tc.other {
				first.Assignment = 1
			}
			second := h.Remind(1, h.Reminders[1])
			now := second.At.Add(handoff.StuckAfter)
			u, _ := h.Undeliverable(second, handoff.ReasonUnknownNotResent, now)
			m, err := EventMessage(c, *h, acme(), u, testLinks, now, first)
			if err != nil {
				t.Fatal(err)
			}
			if tc.says != "" && !strings.Contains(m.Text, tc.says) || tc.notSays != "" && strings.Contains(m.Text, tc.notSays) {
				t.Errorf("want %q, not %q:\n%s", tc.says, tc.notSays, m.Text)
			}
			wellFormed(t, tc.l, m)
		})
	}
}

// TestEventHostileLead: the lead's fields come from web forms. In the HTML they are text (no markup, no
// script, no extra mail header in a mailto), the subject stays one line, and the text part cannot be given a
// forged line (a fake link under the real ones).
func TestEventHostileLead(t *testing.T) {
	t.Parallel()
	for _, tc := range eventCases(t) {
		for _, l := range []contract.Locale{contract.French, contract.English} {
			t.Run(tc.name+"/"+string(l), func(t *testing.T) {
				t.Parallel()
				c := example(t, l, tc.edit)
				h, e, now := tc.event(t, c)
				h.LeadCompany = "<script>alert(1)</script>\r\nBcc: x@evil.fr"
				hostile := acme()
				hostile.Contact.Company = h.LeadCompany
				hostile.Contact.FirstName, hostile.Contact.LastName = `"><img`, `src=x onerror=alert(1)>`
				hostile.Contact.JobTitle = "Directrice\u2028Accept: https://evil.example/\u0085Reject: https://evil.example/"
				hostile.Contact.Email = "claire?bcc=x@evil.fr"
				hostile.Contact.Phone = "+33 4 72\"><a href=javascript:alert(1)>"
				m, err := EventMessage(c, h, hostile, e, testLinks, now)
				if err != nil {
					t.Fatal(err)
				}
				wellFormed(t, l, m)
				if !strings.Contains(m.Subject, "<script>alert(1)</script>  Bcc: x@evil.fr") {
					t.Errorf("subject %q", m.Subject)
				}
				if strings.Contains(m.HTML, "<script") || strings.Contains(m.HTML, "<img") || strings.Contains(m.HTML, "<a href=javascript") ||
					!strings.Contains(m.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;") || !strings.Contains(m.HTML, "&#34;&gt;&lt;img src=x") {
					t.Errorf("html not escaped:\n%s", m.HTML)
				}
				if strings.Contains(m.HTML, "mailto:claire?") || !strings.Contains(m.HTML, `href="mailto:claire%3Fbcc=x@evil.fr"`) {
					t.Errorf("mailto link:\n%s", m.HTML)
				}
				if !strings.Contains(m.HTML, `href="tel:&#43;334721"`) {
					t.Errorf("tel link:\n%s", m.HTML)
				}
				for _, line := range strings.Split(m.Text, "\n") {
					if s := strings.TrimSpace(line); strings.HasPrefix(s, "Bcc:") || strings.HasPrefix(s, "Accept:") || strings.HasPrefix(s, "Reject:") {
						t.Errorf("forged line %q in:\n%s", line, m.Text)
					}
				}
			})
		}
	}
}

// TestEventLeadGone: a lead that is gone (erased, or past its retention) leaves no details to show — the hand-off
// keeps none. Every kind's email still goes, naming the lead by its ID (and the company the hand-off keeps, in
// the subject), saying its details are no longer kept, and showing nothing of the person.
func TestEventLeadGone(t *testing.T) {
	t.Parallel()
	gone := map[contract.Locale]string{contract.French: "Coordonnées" + nb + ": plus conservées", contract.English: "Contact details: no longer kept"}
	nbColon := strings.NewReplacer(nb+": ", ": ")
	for _, tc := range eventCases(t) {
		for _, l := range []contract.Locale{contract.French, contract.English} {
			t.Run(tc.name+"/"+string(l), func(t *testing.T) {
				t.Parallel()
				c := example(t, l, tc.edit)
				h, e, now := tc.event(t, c)
				m, err := EventMessage(c, h, nil, e, testLinks, now)
				if err != nil {
					t.Fatal(err)
				}
				wellFormed(t, l, m)
				if want := tc.want[l].subject; m.Subject != want {
					t.Errorf("subject %q, want %q (the hand-off's company)", m.Subject, want)
				}
				for _, w := range []string{h.LeadID, gone[l]} {
					if !strings.Contains(m.Text, w) {
						t.Errorf("text lacks %q:\n%s", w, m.Text)
					}
					value := nbColon.Replace(w)
					if _, after, ok := strings.Cut(value, ": "); ok { // the HTML puts the label and the value in two cells
						value = after
					}
					if !strings.Contains(htmlpkg.UnescapeString(m.HTML), value) {
						t.Errorf("html lacks %q", value)
					}
				}
				for _, w := range []string{"claire@acme", "+33 4 72", "Directrice technique"} { // (Claire Dubois is also a manager's name)
					if strings.Contains(m.Text+m.HTML, w) {
						t.Errorf("shows %q of a lead that is gone", w)
					}
				}
				h.LeadCompany = ""
				if m, err = EventMessage(c, h, nil, e, testLinks, now); err != nil || !strings.Contains(m.Subject, h.LeadID) {
					t.Errorf("without a company, the subject %q names no lead ID (%v)", m.Subject, err)
				}
			})
		}
	}
}

// TestEventPeopleNotInRoster: a rep or manager who left the roster is named by their ID; the email goes to the
// others, or fails with ErrNoRecipient naming the ID when nobody is left.
func TestEventPeopleNotInRoster(t *testing.T) {
	t.Parallel()
	monday := paris(t, 2026, 11, 30, 10, 0)
	breach := func(rep, manager string) func(*testing.T, *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
		return func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
			h := sent(t, c, rep, monday)
			now := h.FirstContactDue.Add(5 * time.Minute)
			return *h, h.BreachFirstContact(manager, 5, now), now
		}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*contract.Contract)
		event func(*testing.T, *contract.Contract) (handoff.Handoff, handoff.Event, time.Time)
		err   string // the ID the error names; "" for an email
		to    []string
		cc    []string
		says  []string
		not   []string
	}{
		{name: "reminder to a rep who left", err: "gone-rep",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "gone-rep", monday)
				return *h, h.Remind(0, h.Reminders[0]), h.Reminders[0]
			}},
		{name: "breach of a rep who left", event: breach("gone-rep", "claire-dubois"), to: []string{claire}, cc: []string{opsAddr},
			says: []string{"Deadline missed: gone-rep did not contact", "gone-rep did not contact this SQL"}},
		{name: "breach, the manager left, ops take the email", event: breach("thomas-martin", "gone-manager"), to: []string{opsAddr},
			says: []string{"Hello gone-manager,", "gone-manager is no longer in the contract's roster"}},
		{name: "breach, the manager left, nobody in copy", edit: func(c *contract.Contract) { c.Sales.EscalateToMarketingOps = false },
			event: breach("thomas-martin", "gone-manager"), err: "gone-manager"},
		{name: "feedback breach of a rep who left: to the manager",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "gone-rep", monday)
				return *h, h.BreachFeedback("claire-dubois", 10, h.FeedbackDue.Add(10*time.Minute)), h.FeedbackDue.Add(10 * time.Minute)
			}, to: []string{claire}, says: []string{"Hello gone-rep,", "gone-rep is no longer in the contract's roster"}, not: []string{"in copy"}},
		{name: "away, the rep left the roster",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "gone-rep", monday)
				e, _ := h.EscalateAway(handoff.Step{Kind: handoff.StepReminder, Due: h.Reminders[0]}, "claire-dubois", h.Reminders[0])
				return *h, e, h.Reminders[0]
			}, to: []string{claire}, cc: []string{opsAddr}, says: []string{"gone-rep is out of office today."}},
		{name: "stuck email of a rep who left",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				return resend(t, c, claimed(t, c, "gone-rep", monday), monday.Add(6*time.Minute))
			}, to: []string{opsAddr}, says: []string{"SQL email resent: ACME Industrie to gone-rep", "Rep: gone-rep\n"}},
		{name: "undelivered, both left",
			event: func(t *testing.T, c *contract.Contract) (handoff.Handoff, handoff.Event, time.Time) {
				h := sent(t, c, "gone-rep", monday)
				b := h.BreachFirstContact("gone-manager", 5, h.FirstContactDue.Add(5*time.Minute))
				u, _ := h.Undeliverable(b, "refused", b.At)
				return *h, u, b.At
			}, to: []string{opsAddr}, says: []string{"breach escalation to gone-manager", "Tell gone-manager by hand", "Manager: gone-manager\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := example(t, contract.English, tc.edit)
			h, e, now := tc.event(t, c)
			m, err := EventMessage(c, h, acme(), e, testLinks, now)
			if tc.err != "" {
				if !errors.Is(err, ErrNoRecipient) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want ErrNoRecipient naming %s", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := addrs(m.To); !slices.Equal(got, tc.to) {
				t.Errorf("To = %v, want %v", got, tc.to)
			}
			if got := addrs(m.Cc); !slices.Equal(got, tc.cc) {
				t.Errorf("Cc = %v, want %v", got, tc.cc)
			}
			for _, w := range tc.says {
				if !strings.Contains(m.Subject+"\n"+m.Text, w) {
					t.Errorf("lacks %q:\n%s\n%s", w, m.Subject, m.Text)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(m.Subject+"\n"+m.Text, w) {
					t.Errorf("says %q:\n%s", w, m.Text)
				}
			}
			wellFormed(t, contract.English, m)
		})
	}
}

// TestEventNoMarketingOps: an ops alert while the contract names no marketing ops has nobody to go to; an
// escalation simply goes without them in copy.
func TestEventNoMarketingOps(t *testing.T) {
	t.Parallel()
	monday := paris(t, 2026, 11, 30, 10, 0)
	noOps := func(c *contract.Contract) { c.Recipients.MarketingOps = nil }
	c := example(t, contract.French, noOps)
	h := claimed(t, c, "thomas-martin", monday)
	stuckH, stuck, now := resend(t, c, h, monday.Add(6*time.Minute))
	if _, err := EventMessage(c, stuckH, acme(), stuck, testLinks, now); !errors.Is(err, ErrNoRecipient) {
		t.Errorf("mail.stuck: err = %v", err)
	}
	s := sent(t, c, "thomas-martin", monday)
	b := s.BreachFirstContact("claire-dubois", 5, s.FirstContactDue.Add(5*time.Minute))
	u, _ := s.Undeliverable(b, "refused", b.At)
	if _, err := EventMessage(c, *s, acme(), u, testLinks, b.At); !errors.Is(err, ErrNoRecipient) {
		t.Errorf("mail.undelivered: err = %v", err)
	}
	m, err := EventMessage(c, *s, acme(), b, testLinks, b.At) // the flag set without anyone to copy (a contract built by hand)
	if err != nil || !slices.Equal(addrs(m.To), []string{claire}) || len(m.Cc) != 0 {
		t.Errorf("breach = %v %v, %v", addrs(m.To), addrs(m.Cc), err)
	}
}

// TestEventWithoutEmail: a reassignment sends the SQL email (SQLMessage), not an event email; an unknown kind
// is refused; a kind that shows the answer links refuses to go without them.
func TestEventWithoutEmail(t *testing.T) {
	t.Parallel()
	c := example(t, contract.French, nil)
	monday := paris(t, 2026, 11, 30, 10, 0)
	h := sent(t, c, "thomas-martin", monday)
	now := h.FirstContactDue.Add(time.Minute)
	breach := h.BreachFirstContact("claire-dubois", 1, now)
	d, _ := handoff.DeadlinesFrom(c, now)
	re := h.Reassign(handoff.Assignment{RepID: "julien-petit", Reason: "r", At: now}, d, now)
	for _, e := range []handoff.Event{re, {Handoff: h.Key, Kind: "bogus", RepID: "thomas-martin"}} {
		if _, err := EventMessage(c, *h, acme(), e, testLinks, now); err == nil || errors.Is(err, ErrNoRecipient) || !strings.Contains(err.Error(), string(e.Kind)) {
			t.Errorf("%s: err = %v", e.Kind, err)
		}
	}
	if _, err := EventMessage(c, *h, acme(), breach, Links{}, now); err != nil {
		t.Errorf("a breach needs no links: %v", err)
	}
	r := sent(t, c, "thomas-martin", monday)
	rem := r.Remind(0, r.Reminders[0])
	for _, links := range []Links{{}, {Contacted: "https://x/c", Accept: "https://x/a"}} {
		if _, err := EventMessage(c, *r, acme(), rem, links, r.Reminders[0]); err == nil {
			t.Errorf("a reminder without its links %+v was composed", links)
		}
	}
}

// TestEventSubjectDay: a deadline on another day than the email's says which day, in the contract's zone
// (the server's clock is UTC: 23:30 UTC on Sunday is Monday in Paris).
func TestEventSubjectDay(t *testing.T) {
	t.Parallel()
	c := example(t, contract.French, nil)
	h := sent(t, c, "thomas-martin", paris(t, 2026, 11, 27, 16, 45)) // Friday 16:45: due Monday 13:45
	for now, want := range map[time.Time]string{
		paris(t, 2026, 11, 27, 16, 50):      "avant lundi 30/11 à 13:45 (reste 3h55)",
		paris(t, 2026, 11, 30, 0, 30).UTC(): "avant 13:45 (reste 3h45)",
	} {
		m, err := EventMessage(c, *h, acme(), h.Remind(0, now), testLinks, now)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(m.Subject, want) {
			t.Errorf("now %s: subject %q lacks %q", now, m.Subject, want)
		}
	}
}

// TestEventAcrossDST: instants read back from the store are UTC; the email shows them in the contract's zone
// on either side of the change to summer time (Sunday 29 March 2026 in Paris).
func TestEventAcrossDST(t *testing.T) {
	t.Parallel()
	for _, l := range []contract.Locale{contract.French, contract.English} {
		c := example(t, l, nil)
		h := sent(t, c, "thomas-martin", paris(t, 2026, 3, 27, 16, 0)) // Friday 16:00 CET: due Monday 12:00 CEST
		h.Key.At, h.FirstContactDue = h.At.UTC(), h.FirstContactDue.UTC()
		now := paris(t, 2026, 3, 27, 16, 30).UTC()
		m, err := EventMessage(c, *h, acme(), h.Remind(0, now), testLinks, now)
		if err != nil {
			t.Fatal(err)
		}
		want := map[contract.Locale][]string{
			contract.French:  {"avant lundi 30/03 à 12:00 (reste 3h30)", "lundi 30/03/2026 à 12:00", "vendredi 27/03/2026 à 16:00"},
			contract.English: {"before Monday 30 Mar at 12:00 (3h30 left)", "Monday 30 Mar 2026 at 12:00", "Friday 27 Mar 2026 at 16:00"},
		}[l]
		if !strings.Contains(m.Subject, want[0]) || !strings.Contains(m.Text, want[1]) || !strings.Contains(m.Text, want[2]) {
			t.Errorf("%s: %s\n%s", l, m.Subject, m.Text)
		}
	}
}

// TestEventShowsTheHandoffAsItsClockCounts: an SQL handed off at 09:59:40 has its clock started at 10:00 (due
// 15:00 with four hours and lunch); the reminder shows the hand-off at 10:00, not 09:59.
func TestEventShowsTheHandoffAsItsClockCounts(t *testing.T) {
	t.Parallel()
	c := example(t, contract.French, nil)
	at := paris(t, 2026, 11, 30, 9, 59).Add(40 * time.Second)
	h := sent(t, c, "thomas-martin", at)
	if want := paris(t, 2026, 11, 30, 15, 0); !h.FirstContactDue.Equal(want) {
		t.Fatalf("due %s, want %s", h.FirstContactDue, want)
	}
	now := paris(t, 2026, 11, 30, 12, 0)
	m, err := EventMessage(c, *h, acme(), h.Remind(0, now), testLinks, now)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, "10:00") || strings.Contains(m.Text, "09:59") {
		t.Errorf("the hand-off is not shown at 10:00:\n%s", m.Text)
	}
}

// TestNoSQLEmailForARefusal: the SQL email is never composed for a lead whose latest answer to the consent
// question is no — whoever would send it (notify, a retry, the checker's resend or reassignment); a yes, or no
// answer at all, composes it.
func TestNoSQLEmailForARefusal(t *testing.T) {
	t.Parallel()
	c := example(t, contract.French, nil)
	monday := paris(t, 2026, 11, 30, 10, 0)
	h := claimed(t, c, "thomas-martin", monday)
	for _, tc := range []struct {
		name    string
		consent *lead.Consent
		refused bool
	}{
		{"no", &lead.Consent{Given: false, At: monday}, true},
		{"yes", &lead.Consent{Given: true, At: monday}, false},
		{"never answered", nil, false},
	} {
		l := *acme()
		l.Consent = tc.consent
		m, err := SQLMessage(c, l, nil, *h, testLinks, monday)
		if errors.Is(err, lead.ErrConsentRefused) != tc.refused || !tc.refused && (err != nil || !strings.Contains(m.Text, "claire@acme-industrie.fr")) {
			t.Errorf("%s: %v (%q)", tc.name, err, m.Subject)
		}
	}
}

// TestSQLEmailDatesInItsLanguage: the SQL email writes the consent's instant, the score's dated lines and the
// recent activities as its language writes dates (package words), not "27/11" in an English email.
func TestSQLEmailDatesInItsLanguage(t *testing.T) {
	t.Parallel()
	monday := paris(t, 2026, 11, 30, 10, 0)
	friday := paris(t, 2026, 11, 27, 17, 20)
	for _, tc := range []struct {
		l    contract.Locale
		want []string
	}{
		{contract.French, []string{"✔ 27/11/2026 17:20", "A demandé une démo le 27/11", "27/11 17:20  A consulté une page"}},
		{contract.English, []string{"✔ 27 Nov 2026 17:20", "Asked for a demo on 27 Nov", "27 Nov 17:20  Viewed a page"}},
	} {
		t.Run(string(tc.l), func(t *testing.T) {
			t.Parallel()
			c := example(t, tc.l, nil)
			h := claimed(t, c, "thomas-martin", monday)
			l := *acme()
			l.Consent = &lead.Consent{Given: true, At: friday}
			l.Score.Explanation = `[{"rule":"demo","kind":"hand_raiser","activityType":"demo_request","at":"2026-11-27T16:20:00Z","points":0}]`
			acts := []lead.Activity{{Type: "page_view", OccurredAt: friday}}
			m, err := SQLMessage(c, l, acts, *h, testLinks, monday)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("the text lacks %q:\n%s", w, m.Text)
				}
			}
		})
	}
}
