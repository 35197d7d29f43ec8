package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ingest/intake"
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
	parser := intake.Parser{DefaultRegion: "FR", ActivityTypes: map[string]bool{"page_view": true, "demo_request": true}}
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

// FuzzJSONText: the pass before decoding keeps valid JSON valid, leaves nothing for encoding/json to turn
// silently into U+FFFD (every string it lets through decodes to exactly its bytes' text), and changes a body
// only where it holds invalid UTF-8 or a lone surrogate.
func FuzzJSONText(f *testing.F) {
	f.Add([]byte(`{"a":"\ud800","b":"\ud83d\ude00","c":"\udc00\ud800x"}`))
	f.Add([]byte("{\"a\":\"\xff\xfe\",\"\xc3\":1}"))
	f.Add([]byte(`["\\ud800","\u00e9"]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		out, err := jsonText(body, 64)
		if err != nil {
			return
		}
		if json.Valid(body) && !json.Valid(out) {
			t.Fatalf("%q became invalid JSON: %q", body, out)
		}
		var v any
		if json.Unmarshal(out, &v) != nil {
			return
		}
		if strings.Contains(fmt.Sprint(v), "\uFFFD") && !bytes.Contains(body, []byte("\uFFFD")) && !bytes.Contains(bytes.ToLower(body), []byte(`\ufffd`)) {
			t.Fatalf("%q decodes with U+FFFD after the pass: %q", body, out)
		}
		if utf8.Valid(body) && !bytes.Contains(body, []byte(`\u`)) && !bytes.Equal(out, body) {
			t.Fatalf("valid text without escapes was changed: %q -> %q", body, out)
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
