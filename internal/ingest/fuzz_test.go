package ingest

import (
	"os"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// FuzzParsePayload feeds arbitrary bodies to every adapter (generic JSON and form, Typeform, Webflow) and the
// validation behind them: no panic, and whatever is accepted is well-formed.
func FuzzParsePayload(f *testing.F) {
	c, err := contract.Load("../../infra/contract/contract.yaml")
	if err != nil {
		f.Fatal(err)
	}
	srcs := []contract.Source{}
	for _, id := range []string{"site-contact", "typeform-audit", "webflow-webinar", "tracking", "crm"} {
		s, _ := c.Source(id)
		srcs = append(srcs, s)
	}
	parser := lead.Parser{DefaultRegion: "FR", ActivityTypes: map[string]bool{"page_view": true, "demo_request": true}}
	now := time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)
	f.Add(uint8(0), true, []byte(`{"E-mail professionnel":"a@b.fr","Prénom":"Ana"}`))
	f.Add(uint8(0), false, []byte("E-mail+professionnel=a%40b.fr&Pr%C3%A9nom=Ana"))
	f.Add(uint8(3), true, []byte(`{"email":"a@b.fr","activities":[{"type":"page_view","url":"https://x.fr"}]}`))
	f.Fuzz(func(t *testing.T, which uint8, isJSON bool, body []byte) {
		src := srcs[int(which)%len(srcs)]
		p, err := parsePayload(src, isJSON, body)
		if err != nil {
			return
		}
		for _, it := range append([]item{p.top}, p.batch...) {
			for k, v := range it.fields {
				if !isLeadField(k) {
					t.Fatalf("field %q is not a lead field", k)
				}
				_ = v
			}
			if s, err := parser.Submission(it.fields, it.extra, now); err == nil {
				if !utf8.ValidString(s.Contact.Email) || s.Contact.Email == "" {
					t.Fatalf("accepted email %q", s.Contact.Email)
				}
			}
			parser.Activity(it.fields, it.extra, now)
			parser.Outcome(it.fields, now)
		}
	})
}

// TestFuzzCorpusIsCommitted guards the seed corpus `make fuzz` starts from.
func TestFuzzCorpusIsCommitted(t *testing.T) {
	entries, err := os.ReadDir("testdata/fuzz/FuzzParsePayload")
	if err != nil || len(entries) < 5 {
		t.Fatalf("testdata/fuzz/FuzzParsePayload has %d seeds (%v)", len(entries), err)
	}
}
