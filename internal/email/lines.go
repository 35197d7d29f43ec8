package email

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/lead"
	"github.com/handoff-sla/handoff/internal/scoring"
	"github.com/handoff-sla/handoff/internal/words"
)

// explanation turns the stored explanation (scoring's JSON) into the email's "why this score" lines, dated in
// zone loc as cm writes dates.
func explanation(raw string, loc *time.Location, cm *words.Common) []Line {
	var cs []scoring.Contribution
	if json.Unmarshal([]byte(raw), &cs) != nil {
		return nil
	}
	out := make([]Line, 0, len(cs))
	for _, c := range cs {
		label := c.Rule
		if c.ActivityType != "" {
			label += ": " + c.ActivityType + " " + cm.Date(c.At.In(loc))
		}
		if c.Note != "" {
			label += " (" + c.Note + ")"
		}
		value := Points(c.Points)
		if c.Kind == "hand_raiser" {
			value = "SQL"
		}
		out = append(out, Line{Label: label, Value: value})
	}
	return out
}

// recent lists the latest activities, newest first, dated in zone loc as cm writes dates.
func recent(acts []lead.Activity, loc *time.Location, cm *words.Common, n int) []Line {
	sorted := append([]lead.Activity(nil), acts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].OccurredAt.After(sorted[j].OccurredAt) })
	if len(sorted) > n {
		sorted = sorted[:n]
	}
	out := make([]Line, 0, len(sorted))
	for _, a := range sorted {
		detail := []string{a.Type}
		for _, k := range []string{"url", "content", "webinar", "campaign"} {
			if v := a.Properties[k]; v != "" {
				detail = append(detail, v)
			}
		}
		out = append(out, Line{Label: strings.Join(detail, " "), Value: cm.DateTime(a.OccurredAt.In(loc))})
	}
	return out
}
