package mailtag

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// TestRoundTrip: what Tags writes, Parse reads back, and every value is one SES accepts.
func TestRoundTrip(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 16, 30, 0, 123e6, time.UTC)
	for _, r := range []Ref{
		SQL("ld_01JD3Z8ZQ5K6M7N8P9QRSTVWXY", at, 1),
		Event("ld_01JD3Z8ZQ5K6M7N8P9QRSTVWXY", at, "breach.first_contact", 0, 0),
		Event("ld_01JD3Z8ZQ5K6M7N8P9QRSTVWXY", at, "reminder.feedback", 2, 1),
		{Kind: KindReport, Month: "2026-11"},
		{Kind: KindDigest, Week: "2026-W48", RepID: "rep-alice"},
		{Kind: KindIdea},
		{Kind: KindOps, Month: "2026-11"},
	} {
		tags := map[string][]string{"ses:configuration-set": {"handoff-dev"}}
		for _, tg := range r.Tags() {
			if !valid(tg.Name) || !valid(tg.Value) {
				t.Errorf("%+v: tag %s=%q is not one SES accepts", r, tg.Name, tg.Value)
			}
			tags[tg.Name] = []string{tg.Value}
		}
		got, err := Parse(tags)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("Parse(Tags(%+v)) = %+v, %v", r, got, err)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tags map[string][]string
		want error
	}{
		{"no tags", map[string][]string{"ses:configuration-set": {"x"}}, ErrUntagged},
		{"unknown kind", map[string][]string{"kind": {"newsletter"}}, nil},
		{"sql without lead", map[string][]string{"kind": {"sql"}, "handoff": {"1795797000000"}, "assignment": {"0"}}, nil},
		{"sql with a bad instant", map[string][]string{"kind": {"sql"}, "lead": {"ld_X"}, "handoff": {"yesterday"}, "assignment": {"0"}}, nil},
		{"negative assignment", map[string][]string{"kind": {"sql"}, "lead": {"ld_X"}, "handoff": {"1795797000000"}, "assignment": {"-1"}}, nil},
		{"event without kind", map[string][]string{"kind": {"event"}, "lead": {"ld_X"}, "handoff": {"1795797000000"}, "assignment": {"0"}, "n": {"0"}}, nil},
	} {
		_, err := Parse(tc.tags)
		if err == nil || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want an error (%v)", tc.name, err, tc.want)
		}
	}
}

// TestUnsafeValueLeftOut: a value with a character SES refuses is not sent (the email goes without it).
func TestUnsafeValueLeftOut(t *testing.T) {
	t.Parallel()
	for _, tg := range (Ref{Kind: KindDigest, Week: "2026-W48", RepID: "alice@example.com"}).Tags() {
		if tg.Name == nameRep {
			t.Errorf("rep tag %q sent", tg.Value)
		}
	}
}
