package demo

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// Driver drives a local stack as the demo does, for another scenario (make soak): the senders' signed webhooks,
// the reps' answer page, the stack's clock, schedule and idle routes, SES local's store. Its methods are safe for
// concurrent use where they only send (Post*, Send, Answer).
type Driver struct{ r *run }

// Person is a lead a scenario makes up (People, Crowd).
type Person = person

// NewDriver drives the stack at stack (its API) with SES local at mail; seed decides the made-up answers.
func NewDriver(stack, mail string, c *contract.Contract, secrets map[string]string, seed uint64, out io.Writer) *Driver {
	if out == nil {
		out = io.Discard
	}
	return &Driver{r: &run{cfg: Config{Contract: c, Out: out}, c: c, rng: rand.New(rand.NewPCG(seed, 0x736f616b)),
		cl: &client{stack: strings.TrimRight(stack, "/"), mail: strings.TrimRight(mail, "/"), c: c, secrets: secrets,
			http: &http.Client{Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}},
		email: words.ForEmail(c.Locale)}}
}

// Fork is a driver for another goroutine, at the same clock, with its own made-up answers (from seed) and its own
// delivery IDs (worker: from 1, distinct for every fork in use at once).
func (d *Driver) Fork(seed uint64, worker int) *Driver {
	o := d.r.cl
	cl := &client{stack: o.stack, mail: o.mail, c: o.c, secrets: o.secrets, http: o.http, offset: o.offset}
	cl.seq.Store(int64(worker) * 10_000_000)
	r := *d.r
	r.cl, r.rng = cl, rand.New(rand.NewPCG(seed, uint64(worker)))
	return &Driver{r: &r}
}

// Crowd makes up n different people, each of their own company (numbered past the names the demo combines).
func Crowd(seed uint64, n int) []Person {
	rng := rand.New(rand.NewPCG(seed, 0x63726f7764))
	out := make([]Person, n)
	for i := range out {
		p := person{First: pick(rng, firstNames), Last: pick(rng, lastNames),
			Company: fmt.Sprintf("%s %s %05d", pick(rng, trades), pick(rng, places), i+1),
			Title:   pick(rng, titles), Industry: pick(rng, industries), Postcode: pick(rng, postcodes), Size: pick(rng, sizes)}
		// The company's number in the address too: slug drops digits, and two people of the same name at two
		// companies of the same trade and place would share one address — one lead for two people.
		p.Email = fmt.Sprintf("%s.%s@%s-%05d.fr", slug(p.First), slug(p.Last), slug(p.Company), i+1)
		out[i] = p
	}
	return out
}

// Now is the stack's clock, as last set through SetClock.
func (d *Driver) Now() time.Time { return d.r.cl.now() }

// SetClock moves the stack's clock to at (every function restarts).
func (d *Driver) SetClock(ctx context.Context, at time.Time) error { return d.r.cl.setClock(ctx, at) }

// Fire fires a schedule now and waits for its answer (an error when the invocation failed).
func (d *Driver) Fire(ctx context.Context, function, event string) error {
	return d.r.cl.fire(ctx, function, event)
}

// Settle waits until the stack is idle (GET /_local/idle).
func (d *Driver) Settle(ctx context.Context) error { return d.r.cl.settle(ctx) }

// Mails is every email SES local holds.
func (d *Driver) Mails(ctx context.Context) ([]Mail, error) { return d.r.cl.mails(ctx) }

// MailsSince is the emails SES local received at or after since, a real instant (to the second).
func (d *Driver) MailsSince(ctx context.Context, since time.Time) ([]Mail, error) {
	return d.r.cl.mailsSince(ctx, since)
}

// PostSQL posts a lead that becomes an SQL from source (site-contact: the form and a demo request;
// typeform-audit: the form and three activities), as the demo does.
func (d *Driver) PostSQL(ctx context.Context, p Person, source string) error {
	return d.r.post(ctx, &SQL{Lead: p, Source: source})
}

// PostMarketing posts two leads that stay marketing's: an MQL from the Webflow webinar with three activities,
// and a contact-form lead without a demo request.
func (d *Driver) PostMarketing(ctx context.Context, mql, nurture Person) error {
	return d.r.marketingLeads(ctx, mql, nurture)
}

// Answer is the rep's answer to an SQL email (its text): contacted, then accepted.
func (d *Driver) Answer(ctx context.Context, company, text string) error {
	return d.r.contactAndAnswer(ctx, SQL{Lead: person{Company: company}}, text)
}

// SQLSubject, ReminderSubject, BreachSubject and DuplicateNote are the fixed parts of the emails' subjects (and
// of a resent SQL email's note), in the contract's locale, to tell the emails apart.
func (d *Driver) SQLSubject() string      { return prefix(d.r.email.Subject) }
func (d *Driver) ReminderSubject() string { return prefix(d.r.email.ReminderSubject) }
func (d *Driver) BreachSubject() string   { return prefix(d.r.email.BreachSubject) }
func (d *Driver) DuplicateNote() string   { return d.r.email.Duplicate }

// ReportCopyMark is what tells a numbered copy of the report (sent again by ops) from the report, in its subject.
func (d *Driver) ReportCopyMark() string {
	parts := strings.Split(words.ForReport(d.r.c.Locale).SubjectCopy, "%s")
	return strings.TrimSpace(parts[len(parts)-2])
}

// ReportSubject is the monthly report's subject for month, up to its figures.
func (d *Driver) ReportSubject(m contract.Month) string {
	r := &run{cfg: Config{Month: m}, c: d.r.c}
	return r.reportSubject()
}

// SenderRetries counts the deliveries this driver sent again (after a 5xx or a broken connection).
func (d *Driver) SenderRetries() int { return int(d.r.cl.retries.Load()) }
