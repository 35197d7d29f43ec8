package contract

import (
	"errors"
	"os"
	"testing"
	"time"
)

// FuzzParse: whatever the bytes, Parse returns a usable contract or a *ValidationError; it never panics.
var fixedNow = mustTime("2026-11-27T17:30:00+01:00")

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(base))
	if example, err := os.ReadFile("../../infra/contract/contract.yaml"); err == nil {
		f.Add(example)
	}
	f.Add([]byte("version: [1, 2\n"))
	f.Add([]byte("calendar:\n  business_hours:\n    monday: [\"24:00-24:00\"]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var verr *ValidationError
			if !errors.As(err, &verr) || len(verr.Problems) == 0 {
				t.Fatalf("Parse returned %T %v", err, err)
			}
			return
		}
		if c.Calendar == nil || c.Location == nil || len(c.Roster.Reps) == 0 || len(c.Marketing.Targets) == 0 {
			t.Fatalf("a contract that loaded is incomplete: %+v", c)
		}
		// Load refused deadlines the clock cannot reach: none of these fails.
		open, err := c.Calendar.NextOpen(fixedNow)
		if err != nil {
			t.Fatalf("NextOpen: %v", err)
		}
		for _, due := range []func(time.Time) (time.Time, error){c.FirstContactDue, c.FeedbackDue} {
			if _, err := due(open); err != nil {
				t.Fatalf("a loaded contract cannot compute its deadlines: %v", err)
			}
		}
		if _, err := c.ReminderTimes(open); err != nil {
			t.Fatalf("a loaded contract cannot compute its reminders: %v", err)
		}
	})
}
