// Package whatif replays leads and their activities under scoring rules, to compare the MQLs and SQLs each set
// of rules would have produced month by month — so the teams tune the thresholds before they sign.
package whatif

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
)

// Record is one lead of an export: its fit fields and its activities (one JSON object per line).
type Record struct {
	Lead struct {
		ID      string            `json:"id"`
		Profile map[string]string `json:"profile"` // fit fields: job_title, company_size, free_mail...
	} `json:"lead"`
	Activities []Activity `json:"activities"`
}

// Activity is an exported activity.
type Activity struct {
	ID         string            `json:"id"`
	Type       string            `json:"type"`
	OccurredAt time.Time         `json:"occurredAt"`
	Properties map[string]string `json:"properties,omitempty"`
}

// Read decodes an export: JSON objects, one after the other (JSON Lines). An activity without an ID is refused,
// naming its record: an activity ID counts once, and activities without one could not be told from their
// copies (the store never holds one: ingest gives every activity an ID).
func Read(r io.Reader) ([]Record, error) {
	dec := json.NewDecoder(r)
	var out []Record
	for {
		var rec Record
		if err := dec.Decode(&rec); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("record %d: %w", len(out)+1, err)
		}
		for i, a := range rec.Activities {
			if strings.TrimSpace(a.ID) == "" {
				return nil, fmt.Errorf("record %d (lead %s): activity %d has no id: every activity needs one, since an activity ID counts once",
					len(out)+1, rec.Lead.ID, i+1)
			}
		}
		out = append(out, rec)
	}
}

// LeadActivities converts an export's activities for the engine.
func (r Record) LeadActivities() []lead.Activity {
	out := make([]lead.Activity, len(r.Activities))
	for i, a := range r.Activities {
		out[i] = lead.Activity{ID: a.ID, LeadID: r.Lead.ID, Type: a.Type, OccurredAt: a.OccurredAt, Properties: a.Properties}
	}
	return out
}

// Counts are the leads that reached MQL (or went straight to SQL) and SQL in a month.
type Counts struct{ MQL, SQL int }

// Replay walks each lead's history under the rules and counts, by month in loc, the leads that became MQL
// (reached MQL or beyond from below) and SQL. The stage is evaluated at each activity and just before it, which
// catches a decay back to lead between two activities; SQL is reached once.
func Replay(rules *contract.Scoring, loc *time.Location, recs []Record) map[string]Counts {
	out := map[string]Counts{}
	for _, rec := range recs {
		acts, _ := scoring.Distinct(rec.LeadActivities())
		// The instants, in order and each once: two activities at one instant (or one listed twice) must not
		// send the replay back a second, to count a spurious decay and a second entry into MQL.
		var instants []time.Time
		for _, a := range acts {
			instants = append(instants, a.OccurredAt.Add(-time.Second), a.OccurredAt)
		}
		sort.Slice(instants, func(i, j int) bool { return instants[i].Before(instants[j]) })
		stage := lead.StageLead
		for i, at := range instants {
			if i > 0 && at.Equal(instants[i-1]) {
				continue
			}
			r := scoring.Score(rules, rec.Lead.Profile, acts, at)
			next, m, ok := scoring.Next(stage, r, nil, time.Time{})
			if !ok {
				continue
			}
			month := contract.MonthOf(at.In(loc)).String()
			c := out[month]
			if m.From != lead.StageMQL && (m.To == lead.StageMQL || m.To == lead.StageSQL) {
				c.MQL++
			}
			if m.To == lead.StageSQL {
				c.SQL++
			}
			out[month] = c
			stage = next
		}
	}
	return out
}

// Table prints current and proposed counts side by side, month by month, with totals.
func Table(w io.Writer, current, proposed map[string]Counts) {
	months := map[string]bool{}
	for m := range current {
		months[m] = true
	}
	for m := range proposed {
		months[m] = true
	}
	list := make([]string, 0, len(months))
	for m := range months {
		list = append(list, m)
	}
	sort.Strings(list)
	fmt.Fprintf(w, "%-8s  %9s %9s  %9s %9s\n", "month", "MQL now", "MQL new", "SQL now", "SQL new")
	var tc, tp Counts
	for _, m := range list {
		c, p := current[m], proposed[m]
		fmt.Fprintf(w, "%-8s  %9d %9d  %9d %9d\n", m, c.MQL, p.MQL, c.SQL, p.SQL)
		tc.MQL, tc.SQL, tp.MQL, tp.SQL = tc.MQL+c.MQL, tc.SQL+c.SQL, tp.MQL+p.MQL, tp.SQL+p.SQL
	}
	fmt.Fprintln(w, strings.Repeat("-", 50))
	fmt.Fprintf(w, "%-8s  %9d %9d  %9d %9d\n", "total", tc.MQL, tp.MQL, tc.SQL, tp.SQL)
}
