package digest_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/devstack/testenv"
	"github.com/handoff-sla/handoff/internal/digest"
	"github.com/handoff-sla/handoff/internal/email"
	"github.com/handoff-sla/handoff/internal/email/ses"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/store"
)

func TestMain(m *testing.M) { testenv.Main(m, testenv.WithSES()) }

var paris, _ = time.LoadLocation("Europe/Paris")

func at(m time.Month, d, h, mi int) time.Time { return time.Date(2026, m, d, h, mi, 0, 0, paris) }

// fixture is the example contract in a locale, under a company name of its own (the SES local store is shared:
// the test reads back its own emails by it), with fresh tables.
type fixture struct {
	c       *contract.Contract
	company string
	store   *store.Content
}

func newFixture(t *testing.T, locale string) fixture {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testenv.Root(), "infra", "contract", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	company := fmt.Sprintf("Maintenia Digest %s %d", locale, time.Now().UnixNano()%1e9)
	text := strings.Replace(strings.Replace(string(data), "locale: fr", "locale: "+locale, 1), "company: Maintenia SAS", "company: "+company, 1)
	c, err := contract.Parse("contract.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	names := testenv.Tables(t)
	tables := store.TablesFrom(testenv.TableEnv(t, names), c)
	return fixture{c: c, company: company, store: store.NewContent(testenv.DynamoDB(t), tables)}
}

func (f fixture) publish(t *testing.T, id, title string, published time.Time, segments ...string) {
	t.Helper()
	p := content.Piece{Source: "blog", ItemID: id, Title: title, URL: "https://maintenia.fr/" + id, Type: content.CaseStudy, Segments: segments,
		Why: "Why " + title, PublishedAt: published.UTC(), UpdatedAt: published.UTC(), ReceivedAt: published.UTC()}
	if _, err := f.store.SavePiece(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

func (f fixture) digester(t *testing.T, sender digest.Sender, now time.Time) *digest.Digester {
	return digest.New(f.c, f.store, store.ErrDigestExists, sender, func() time.Time { return now }, slog.New(slog.NewJSONHandler(io.Discard, nil)))
}

// mails are this fixture's digests in SES local, by recipient.
func (f fixture) mails(t *testing.T) map[string][]testenv.Mail {
	out := map[string][]testenv.Mail{}
	for _, m := range testenv.Mails(t, f.company) {
		for _, rep := range f.c.Roster.Reps {
			if strings.Contains(strings.Join(m.Destination.To, ","), rep.Email) {
				out[rep.Email] = append(out[rep.Email], m)
			}
		}
	}
	return out
}

func sesSender(t *testing.T) digest.Sender { return ses.New(ses.NewClient(testenv.SESConfig(t))) }

// TestDigestOncePerRepAndWeek: two pieces published in the week (one for enterprise, one for everyone), one
// the week before, one for a segment no rep has. Monday after the slot, each rep gets one digest with what
// matches them; the schedule fired again, and twice at once, sends nothing more; the next week, with nothing
// new, sends nothing. The month's records count what was sent.
func TestDigestOncePerRepAndWeek(t *testing.T) {
	for _, locale := range []string{"fr", "en"} {
		t.Run(locale, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, locale)
			f.publish(t, "old", "Last week's piece", at(time.November, 30, 8, 29))
			f.publish(t, "ent", "For enterprise", at(time.December, 1, 10, 0), "enterprise")
			f.publish(t, "all", "For everyone", at(time.December, 3, 15, 0))
			f.publish(t, "pub", "For the public sector", at(time.December, 4, 9, 0), "public")
			f.publish(t, "next", "Next week's piece", at(time.December, 7, 8, 30))
			ctx := context.Background()
			monday := at(time.December, 7, 8, 45)
			out, err := f.digester(t, sesSender(t), monday).Run(testenv.AsFunction(ctx, "DigestFunction"), monday)
			if err != nil {
				t.Fatal(err)
			}
			if out.Week != "2026-W50" || out.Sent != 4 || out.Nothing != 0 {
				t.Errorf("outcome %+v, want 4 digests sent for 2026-W50", out)
			}
			mails := f.mails(t)
			for _, rep := range f.c.Roster.Reps {
				got := mails[rep.Email]
				if len(got) != 1 {
					t.Fatalf("%s got %d digests, want 1", rep.ID, len(got))
				}
				text := got[0].Body.Text
				wantEnt := rep.ID == "amelie-robert"
				if !strings.Contains(text, "For everyone") || strings.Contains(text, "For enterprise") != wantEnt ||
					strings.Contains(text, "Last week's") || strings.Contains(text, "public sector") || strings.Contains(text, "Next week's") {
					t.Errorf("%s's digest:\n%s", rep.ID, text)
				}
				if !strings.Contains(got[0].Body.HTML, `href="https://maintenia.fr/all"`) || !strings.Contains(text, "Why For everyone") {
					t.Errorf("%s's digest has no link or no why:\n%s", rep.ID, got[0].Body.HTML)
				}
				if strings.Contains(got[0].Body.HTML, "/ideas") {
					t.Errorf("%s's digest links an ideas page that nobody set", rep.ID)
				}
			}

			// Fired again, and twice at once: nothing more.
			var wg sync.WaitGroup
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					later := monday.Add(15 * time.Minute)
					if out, err := f.digester(t, sesSender(t), later).Run(testenv.AsFunction(ctx, "DigestFunction"), later); err != nil || out.Sent != 0 || out.Done != 4 {
						t.Errorf("fired again: %+v, %v", out, err)
					}
				}()
			}
			wg.Wait()
			for _, rep := range f.c.Roster.Reps {
				if n := len(f.mails(t)[rep.Email]); n != 1 {
					t.Errorf("%s has %d digests after the schedule fired again", rep.ID, n)
				}
			}

			// The week after next, with nothing new: nothing sent.
			empty := at(time.December, 21, 9, 0)
			out, err = f.digester(t, sesSender(t), empty).Run(testenv.AsFunction(ctx, "DigestFunction"), empty)
			if err != nil || out.Sent != 0 || out.Nothing != 4 {
				t.Errorf("an empty week: %+v, %v", out, err)
			}

			recs, err := f.store.DigestsOfMonth(ctx, contract.Month{Year: 2026, Month: time.December})
			if err != nil {
				t.Fatal(err)
			}
			sent, pieces := 0, 0
			for _, d := range recs {
				if d.Mail.Status == outbox.MailSent {
					sent++
					pieces += len(d.Pieces)
				}
			}
			if sent != 4 || pieces != 5 {
				t.Errorf("December: %d digests sent, %d pieces shared; want 4 and 5", sent, pieces)
			}
		})
	}
}

// refusing is SES refusing every email (a sender not verified).
type refusing struct{ calls int }

func (r *refusing) Send(context.Context, email.Message) (string, error) {
	r.calls++
	return "", fmt.Errorf("test: %w", outbox.ErrRejected)
}

// TestDigestRefusedIsSentLater: SES refuses the digests; the run says so, and the next one sends them, once.
func TestDigestRefusedIsSentLater(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "en")
	f.publish(t, "ent", "Only for enterprise", at(time.December, 2, 10, 0), "enterprise")
	ctx := context.Background()
	monday := at(time.December, 7, 9, 0)
	ref := &refusing{}
	out, err := f.digester(t, ref, monday).Run(testenv.AsFunction(ctx, "DigestFunction"), monday)
	if err == nil || out.Failed != 1 || out.Nothing != 3 || ref.calls != 1 {
		t.Fatalf("refused: %+v, %v (%d calls)", out, err, ref.calls)
	}
	if n := len(f.mails(t)["amelie.robert@maintenia.fr"]); n != 0 {
		t.Fatalf("%d digests left though SES refused", n)
	}
	out, err = f.digester(t, sesSender(t), monday.Add(15*time.Minute)).Run(testenv.AsFunction(ctx, "DigestFunction"), monday.Add(15*time.Minute))
	if err != nil || out.Sent != 1 {
		t.Fatalf("the next run: %+v, %v", out, err)
	}
	if n := len(f.mails(t)["amelie.robert@maintenia.fr"]); n != 1 {
		t.Errorf("%d digests, want 1", n)
	}
}

// TestNoDigestInTheContract: without marketing.digest, nothing is read or sent.
func TestNoDigestInTheContract(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "fr")
	f.c.Marketing.Digest = nil
	ref := &refusing{}
	out, err := f.digester(t, ref, at(time.December, 7, 9, 0)).Run(testenv.AsFunction(context.Background(), "DigestFunction"), at(time.December, 7, 9, 0))
	if err != nil || out.Due || ref.calls != 0 {
		t.Errorf("%+v, %v", out, err)
	}
}

// TestHandleTheScheduledEvent: the schedule's input (events/digest/scheduled.json, as template.yaml's Input makes
// it) decides the week, not the clock of the run; a payload that is not one is refused.
func TestHandleTheScheduledEvent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "fr")
	f.publish(t, "ent", "Pour les grands comptes", at(time.December, 2, 10, 0), "enterprise")
	payload, err := os.ReadFile(filepath.Join(testenv.Root(), "events", "digest", "scheduled.json"))
	if err != nil {
		t.Fatal(err)
	}
	d := f.digester(t, sesSender(t), at(time.December, 20, 12, 0)) // a later clock: the input wins
	out, err := d.Handle(testenv.AsFunction(context.Background(), "DigestFunction"), payload)
	if err != nil || out.Week != "2026-W50" || out.Sent != 1 || out.Nothing != 3 {
		t.Errorf("%+v, %v", out, err)
	}
	if _, err := d.Handle(context.Background(), []byte(`{"scheduledTime": "lundi"}`)); err == nil {
		t.Error("a bad payload was accepted")
	}
}

// TestPieceReceivedAfterItsWeekRan: a piece published at 08:29 but delivered at 08:40, after the 08:30 digest
// ran, is not lost: it goes in the next week's digest (listed at its first receipt), and a re-send of it that
// week does not bring it back a third time.
func TestPieceReceivedAfterItsWeekRan(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "fr")
	ctx := context.Background()
	f.publish(t, "all", "For everyone", at(time.December, 3, 15, 0))
	monday := at(time.December, 7, 8, 35)
	if out, err := f.digester(t, sesSender(t), monday).Run(testenv.AsFunction(ctx, "DigestFunction"), monday); err != nil || out.Sent != 4 {
		t.Fatalf("week 50: %+v, %v", out, err)
	}
	late := content.Piece{Source: "blog", ItemID: "late", Title: "Late", URL: "https://maintenia.fr/late", Type: content.Article,
		PublishedAt: at(time.December, 7, 8, 29).UTC(), UpdatedAt: at(time.December, 7, 8, 29).UTC(), ReceivedAt: at(time.December, 7, 8, 40).UTC()}
	if _, err := f.store.SavePiece(ctx, late); err != nil {
		t.Fatal(err)
	}
	late.ReceivedAt = at(time.December, 15, 9, 0).UTC() // the CMS sends it again the week after
	if _, err := f.store.SavePiece(ctx, late); err != nil {
		t.Fatal(err)
	}
	dec := contract.Month{Year: 2026, Month: time.December}
	for _, w := range []struct {
		week string
		run  time.Time
		sent int
	}{{"2026-W51", at(time.December, 14, 8, 45), 4}, {"2026-W52", at(time.December, 21, 8, 45), 0}} {
		out, err := f.digester(t, sesSender(t), w.run).Run(testenv.AsFunction(ctx, "DigestFunction"), w.run)
		if err != nil || out.Week != w.week || out.Sent != w.sent {
			t.Fatalf("%s: %+v, %v; want %d sent", w.week, out, err, w.sent)
		}
		recs, err := f.store.DigestsOfWeek(ctx, dec, w.week)
		if err != nil {
			t.Fatal(err)
		}
		for rep, d := range recs {
			if len(d.Pieces) != 1 || d.Pieces[0] != "blog#late" {
				t.Errorf("%s, %s: pieces %v, want the late one", w.week, rep, d.Pieces)
			}
		}
	}
}
