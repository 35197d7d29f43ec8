package whatif

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

func rec(id string, acts ...Activity) Record {
	var r Record
	r.Lead.ID, r.Lead.Profile, r.Activities = id, map[string]string{}, acts
	return r
}

func a(typ, at string) Activity {
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		panic(err)
	}
	return Activity{ID: typ + at, Type: typ, OccurredAt: t}
}

func TestReplay(t *testing.T) {
	t.Parallel()
	rules := func(mql, sql float64) *contract.Scoring {
		return &contract.Scoring{MQL: mql, SQL: sql,
			Behaviour:   []contract.BehaviourRule{{ID: "dl", Type: "content_download", Points: 25, WindowDays: 30}},
			HandRaisers: []contract.HandRaiser{{ID: "demo", Type: "demo_request"}}}
	}
	recs := []Record{
		// A hand-raiser in October: straight to SQL (counts as reaching MQL too).
		rec("raiser", a("form_submit", "2026-10-02T09:00:00Z"), a("demo_request", "2026-10-20T09:00:00Z")),
		// Two downloads make an MQL in September; it lapses in October; two more make it MQL again in November.
		rec("nurtured", a("content_download", "2026-09-01T09:00:00Z"), a("content_download", "2026-09-10T09:00:00Z"),
			a("content_download", "2026-11-02T09:00:00Z"), a("content_download", "2026-11-03T09:00:00Z")),
		// Three downloads in a week: 75 points, an SQL under the lower threshold only.
		rec("hot", a("content_download", "2026-10-05T09:00:00Z"), a("content_download", "2026-10-06T09:00:00Z"), a("content_download", "2026-10-07T09:00:00Z")),
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	got := Replay(rules(40, 80), paris, recs)
	want := map[string]Counts{"2026-09": {MQL: 1}, "2026-10": {MQL: 2, SQL: 1}, "2026-11": {MQL: 1}}
	if len(got) != len(want) {
		t.Fatalf("current = %v, want %v", got, want)
	}
	for m, c := range want {
		if got[m] != c {
			t.Errorf("current %s = %+v, want %+v", m, got[m], c)
		}
	}
	lower := Replay(rules(40, 70), paris, recs)
	if lower["2026-10"].SQL != 2 || lower["2026-10"].MQL != 2 {
		t.Errorf("proposed October = %+v, want 2 MQL and 2 SQL", lower["2026-10"])
	}
	var out bytes.Buffer
	Table(&out, got, lower)
	rows := map[string]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		if f := strings.Fields(line); len(f) == 5 {
			rows[f[0]] = strings.Join(f[1:], " ")
		}
	}
	if rows["2026-10"] != "2 2 1 2" || rows["total"] != "4 4 1 2" {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestReplayNeverGoesBack: two activities at one instant (or one listed twice) are one instant of the replay;
// evaluating a second before the second one, after the first, counted a spurious decay and a second MQL.
func TestReplayNeverGoesBack(t *testing.T) {
	t.Parallel()
	rules := &contract.Scoring{MQL: 40, SQL: 80,
		Behaviour: []contract.BehaviourRule{{ID: "dl", Type: "content_download", Points: 25, WindowDays: 30}}}
	twin := a("content_download", "2026-10-05T09:00:00Z")
	twin.ID = "other"
	for name, r := range map[string]Record{
		"two at one instant": rec("l", a("content_download", "2026-10-05T09:00:00Z"), twin),
		"one listed twice":   rec("l", a("content_download", "2026-10-05T09:00:00Z"), a("content_download", "2026-10-06T09:00:00Z"), a("content_download", "2026-10-05T09:00:00Z")),
	} {
		paris, _ := time.LoadLocation("Europe/Paris")
		if got := Replay(rules, paris, []Record{r}); got["2026-10"].MQL != 1 {
			t.Errorf("%s: %+v, want one MQL", name, got)
		}
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	recs, err := Read(strings.NewReader(`{"lead":{"id":"l1","profile":{"job_title":"CEO"}},"activities":[{"id":"a","type":"page_view","occurredAt":"2026-11-01T10:00:00Z","properties":{"url":"/x"}}]}
{"lead":{"id":"l2"},"activities":[]}`))
	if err != nil || len(recs) != 2 || recs[0].Lead.Profile["job_title"] != "CEO" || recs[0].LeadActivities()[0].Properties["url"] != "/x" {
		t.Fatalf("Read = %+v, %v", recs, err)
	}
	if _, err := Read(strings.NewReader(`{"lead":`)); err == nil {
		t.Error("a truncated export was read")
	}
}

// TestReadRefusesActivitiesWithoutAnID: an activity ID counts once, so an export must name every activity;
// the record and the activity are named, and nothing is read.
func TestReadRefusesActivitiesWithoutAnID(t *testing.T) {
	t.Parallel()
	const ok = `{"lead":{"id":"l1"},"activities":[{"id":"a","type":"page_view","occurredAt":"2026-11-01T10:00:00Z"}]}` + "\n"
	for name, activity := range map[string]string{
		"no id":    `{"type":"page_view","occurredAt":"2026-11-01T10:00:00Z"}`,
		"empty id": `{"id":"","type":"page_view","occurredAt":"2026-11-01T10:00:00Z"}`,
		"blank id": `{"id":"  ","type":"page_view","occurredAt":"2026-11-01T10:00:00Z"}`,
		"null id":  `{"id":null,"type":"page_view","occurredAt":"2026-11-01T10:00:00Z"}`,
	} {
		export := ok + `{"lead":{"id":"l2"},"activities":[{"id":"b","type":"email_click","occurredAt":"2026-11-01T10:00:00Z"},` + activity + `]}`
		recs, err := Read(strings.NewReader(export))
		want := "record 2 (lead l2): activity 2 has no id"
		if err == nil || !strings.HasPrefix(err.Error(), want) || recs != nil {
			t.Errorf("%s: Read = %d record(s), %v; want an error starting %q", name, len(recs), err, want)
		}
	}
}
