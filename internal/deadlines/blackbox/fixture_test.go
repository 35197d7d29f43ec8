// Package blackbox_test is an independent check of the deadline checker, written without reading
// internal/deadlines' own tests: reproducers of the defects it found (fixed since), and the promises that held.
package blackbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/deadlines"
	"github.com/handoff-sla/handoff/internal/deadlines/crashtest"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/emailtest"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/store"
	"github.com/handoff-sla/handoff/internal/webhook"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

var seq atomic.Int64

type fx struct {
	t      *testing.T
	c      *contract.Contract
	hs     *store.Handoffs
	leads  *store.Leads
	sender *emailtest.Sender
	ch     *deadlines.Checker
	proc   *crashtest.Process // ch's process: a test makes it die at a point of a check
	logs   *testenv.SyncBuffer
	mu     sync.Mutex
	now    time.Time
}

// newFx loads the example contract, edited by edit (a YAML text edit), on fresh tables.
func newFx(t *testing.T, edit func(string) string) *fx {
	t.Helper()
	raw, err := os.ReadFile(testenv.Root() + "/infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if edit != nil {
		text = edit(text)
	}
	c, err := contract.Parse("contract.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	db := testenv.DynamoDB(t)
	tables := store.Tables{Leads: names["LeadsTable"], Activities: names["ActivitiesTable"], Deliveries: names["DeliveriesTable"], SLA: names["SlaTable"], Zone: c.Location}
	f := &fx{t: t, c: c, hs: store.NewHandoffs(db, tables), leads: store.NewLeads(db, tables), sender: emailtest.NewSender(t), logs: &testenv.SyncBuffer{}}
	log := slogJSON(f.logs)
	f.proc = crashtest.New()
	f.ch, err = deadlines.New(c, f.proc.Handoffs(f.hs), f.leads, f.proc.Sender(f.sender), email.LinkSigner{Key: []byte("try12-feedback-link-key-0123456789"), BaseURL: "https://sla.example"},
		f.clock, log)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fx) clock() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fx) set(t time.Time)  { f.mu.Lock(); f.now = t; f.mu.Unlock() }

// run sets the clock to at and runs the checker once with no look-ahead.
func (f *fx) run(at time.Time) deadlines.Result {
	f.t.Helper()
	f.set(at)
	res, err := f.ch.Run(testenv.AsFunction(context.Background(), "DeadlinesFunction"), 0)
	if err != nil {
		f.t.Logf("run at %s: %v", at, err)
	}
	return res
}

// sql stores a lead (region, size) with a unique company, hands it to rep at `at` (its SQL email sent) and
// returns the hand-off and the marker that names it in emails.
func (f *fx) sql(rep, region, size string, at time.Time, name, mailAddr string) (handoff.Handoff, string) {
	f.t.Helper()
	marker := fmt.Sprintf("Try12Co%d", seq.Add(1))
	d := webhook.Delivery{Source: "site-contact", ID: "d-" + marker, BodyHash: "h", At: at}
	sub := lead.Submission{OccurredAt: at, Contact: lead.Contact{Email: mailAddr, FirstName: name, LastName: "Test",
		Company: marker, CompanySize: size, Region: region, JobTitle: "CTO", Phone: "+33472000000"}}
	saved, err := f.leads.SaveSubmission(context.Background(), d, sub,
		lead.Activity{ID: "a-" + marker, Type: lead.FormSubmit, OccurredAt: at, ReceivedAt: at, Source: d.Source, DeliveryID: d.ID},
		func(string) webhook.Answer { return webhook.Answer{Status: 202} })
	if err != nil {
		f.t.Fatal(err)
	}
	h := testenv.HandOff(f.t, f.hs, f.c, saved.LeadID, rep, at)
	h, err = f.hs.Update(context.Background(), h.Key, at, func(h *handoff.Handoff) ([]handoff.Event, error) {
		h.LeadCompany = marker // as notify copies it from the lead
		return nil, nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return h, marker
}

func (f *fx) get(k handoff.Key) handoff.Handoff {
	f.t.Helper()
	h, err := f.hs.Get(context.Background(), k)
	if err != nil {
		f.t.Fatal(err)
	}
	return h
}

// mails are the emails naming marker, with their first recipient.
func mails(t *testing.T, marker string) []testenv.Mail { return testenv.Mails(t, marker) }

func describe(ms []testenv.Mail) string {
	var b strings.Builder
	for _, m := range ms {
		fmt.Fprintf(&b, "\n  to=%v cc=%v subject=%q", m.Destination.To, m.Destination.Cc, m.Subject)
	}
	return b.String()
}

func paris(y int, mo time.Month, d, h, mi int) time.Time {
	loc, _ := time.LoadLocation("Europe/Paris")
	return time.Date(y, mo, d, h, mi, 0, 0, loc)
}

func slogJSON(w *testenv.SyncBuffer) *slog.Logger { return slog.New(slog.NewJSONHandler(w, nil)) }
