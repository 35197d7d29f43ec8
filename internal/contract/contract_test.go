package contract

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// base is a small valid contract; each invalid case edits it. Line numbers in the expected messages refer to it.
const base = `version: "t1"
company: Test SAS
locale: fr
time_zone: Europe/Paris
calendar:
  holidays: FR
  business_hours:
    monday: ["09:00-18:00"]
    tuesday: ["09:00-18:00"]
    wednesday: ["09:00-18:00"]
    thursday: ["09:00-18:00"]
    friday: ["09:00-18:00"]
  closed_days: [2026-12-24]
marketing:
  targets:
    - from: 2026-01
      to: 2026-06
      sqls: 40
    - from: 2026-07
      sqls: 50
      mqls: 200
sales:
  first_contact_deadline: 4h
  feedback_deadline: 16h
  reminders: ["50%", "80%"]
roster:
  managers:
    - id: claire
      name: Claire Dubois
      email: claire@test.fr
  reps:
    - id: thomas
      name: Thomas Martin
      email: thomas@test.fr
      manager: claire
      out_of_office:
        - from: 2026-12-21
          to: 2026-12-31
recipients:
  leadership: [boss@test.fr]
sender: "Handoff <sla@test.fr>"
`

// sourceYAML appends a sources section; base has 41 lines, so "sources:" is line 42.
func sourceYAML(format, auth, secret string) string {
	return "sources:\n  - id: site\n    kind: form\n    format: " + format + "\n    auth: " + auth + "\n    secret: " + secret + "\n"
}

func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(base, old) {
		t.Fatalf("base has no %q", old)
	}
	return strings.Replace(base, old, new, 1)
}

func TestParseBase(t *testing.T) {
	t.Parallel()
	c, err := Parse("base.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Version != "t1" || c.Locale != French || c.Location.String() != "Europe/Paris" {
		t.Errorf("header = %q %q %v", c.Version, c.Locale, c.Location)
	}
	if c.Sales.FirstContact != 4*time.Hour || c.Sales.Feedback != 16*time.Hour {
		t.Errorf("deadlines = %s, %s", c.Sales.FirstContact, c.Sales.Feedback)
	}
	if got := c.Sales.Reminders; len(got) != 2 || got[0] != 50 || got[1] != 80 {
		t.Errorf("reminders = %v", got)
	}
	if c.Sender.Address != "sla@test.fr" || c.Sender.Name != "Handoff" {
		t.Errorf("sender = %+v", c.Sender)
	}
	if len(c.Digest) != 64 {
		t.Errorf("digest = %q", c.Digest)
	}
}

func TestContactRateTarget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		line string
		want int
	}{{"", 0}, {"\n  contact_rate_target: \"90%\"", 90}, {"\n  contact_rate_target: 100%", 100}, {"\n  contact_rate_target: 85", 85}} {
		c, err := Parse("c.yaml", []byte(edit(t, `reminders: ["50%", "80%"]`, `reminders: ["50%", "80%"]`+tc.line)))
		if err != nil {
			t.Fatalf("%q: %v", tc.line, err)
		}
		if c.Sales.ContactRateTarget != tc.want {
			t.Errorf("%q: ContactRateTarget = %d, want %d", tc.line, c.Sales.ContactRateTarget, tc.want)
		}
	}
}

func TestBreachKeys(t *testing.T) {
	t.Parallel()
	c, err := Parse("c.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	if c.Sales.OnBreach != Escalate || c.Sales.EscalateToMarketingOps || c.Sales.FeedbackReminders != nil {
		t.Errorf("defaults: on_breach %q, ops %v, feedback reminders %v; want escalate, false, none", c.Sales.OnBreach, c.Sales.EscalateToMarketingOps, c.Sales.FeedbackReminders)
	}
	withKeys := edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  feedback_reminders: [\"75%\"]\n  on_breach: reassign\n  escalate_to_marketing_ops: true")
	withKeys = strings.Replace(withKeys, "leadership: [boss@test.fr]", "leadership: [boss@test.fr]\n  marketing_ops: [ops@test.fr]", 1)
	if c, err = Parse("c.yaml", []byte(withKeys)); err != nil {
		t.Fatal(err)
	}
	if c.Sales.OnBreach != Reassign || !c.Sales.EscalateToMarketingOps || len(c.Sales.FeedbackReminders) != 1 || c.Sales.FeedbackReminders[0] != 75 {
		t.Errorf("parsed: on_breach %q, ops %v, feedback reminders %v", c.Sales.OnBreach, c.Sales.EscalateToMarketingOps, c.Sales.FeedbackReminders)
	}
	for _, tc := range []struct {
		line string
		want BounceAction
	}{{"", BounceReassign}, {"\n  on_bounce: hold", BounceHold}, {"\n  on_bounce: reassign", BounceReassign}} {
		b, err := Parse("c.yaml", []byte(edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]"+tc.line)))
		if err != nil {
			t.Fatal(err)
		}
		if b.Sales.OnBounce != tc.want {
			t.Errorf("on_bounce from %q: %q, want %q", tc.line, b.Sales.OnBounce, tc.want)
		}
	}
	// 75 % of 16 business hours from Monday 2026-11-30 09:00 in Paris (9 h a day): 12 h later is Tuesday 12:00.
	got, err := c.FeedbackReminderTimes(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC); len(got) != 1 || !got[0].Equal(want) {
		t.Errorf("FeedbackReminderTimes = %v, want [%v]", got, want)
	}
}

func TestInvalidContracts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want []string // every problem, in order, exactly as the user reads them
	}{
		{"empty file", "", []string{"c.yaml: the file is empty"}},
		{"not yaml", "version: [1, 2\n", []string{"c.yaml:1: did not find expected ',' or ']'"}},
		{"unknown key", edit(t, "locale: fr\n", "locale: fr\nlanguage: fr\n"), []string{
			"c.yaml:4: language: unknown key (allowed here: activity_types, calendar, company, consent, locale, marketing, notify, recipients, retention, roster, routing, sales, scoring, sender, sources, time_zone, version)"}},
		{"typo in a nested key", edit(t, "first_contact_deadline", "first_contact_deadlin"), []string{
			"c.yaml:23: sales.first_contact_deadlin: unknown key (allowed here: contact_rate_target, escalate_to_marketing_ops, feedback_categories, feedback_deadline, feedback_per_month, feedback_reminders, first_contact_deadline, ideas_per_quarter, on_bounce, on_breach, outcome_within, reminders)",
			"c.yaml:23: sales.first_contact_deadline: is required"}},
		{"wrong type", edit(t, "      sqls: 40", "      sqls: forty"), []string{
			`c.yaml:18: marketing.targets[0].sqls: must be a whole number, got "forty"`}},
		{"list where a text is expected", edit(t, "company: Test SAS", "company: [Test, SAS]"), []string{
			"c.yaml:2: company: must be a text, got a list"}},
		{"unknown manager", edit(t, "      manager: claire", "      manager: claude"), []string{
			`c.yaml:35: roster.reps[0].manager: unknown manager "claude" (roster.managers has: claire)`}},
		{"invalid time zone", edit(t, "Europe/Paris", "Europe/Lyon"), []string{
			`c.yaml:4: time_zone: must be an IANA time zone such as "Europe/Paris", got "Europe/Lyon"`}},
		{"negative deadline", edit(t, "first_contact_deadline: 4h", "first_contact_deadline: -2h"), []string{
			`c.yaml:23: sales.first_contact_deadline: must be positive, got "-2h"`}},
		{"zero deadline", edit(t, "feedback_deadline: 16h", "feedback_deadline: 0h"), []string{
			`c.yaml:24: sales.feedback_deadline: must be positive, got "0h"`}},
		{"absurd deadline", edit(t, "first_contact_deadline: 4h", "first_contact_deadline: 99999h"), []string{
			`c.yaml:23: sales.first_contact_deadline: must be at most 2000h, got "99999h"`}},
		{"deadline that is not a duration", edit(t, "first_contact_deadline: 4h", "first_contact_deadline: 4"), []string{
			`c.yaml:23: sales.first_contact_deadline: must be a duration in business hours such as "4h" or "1h30m", got "4"`}},
		{"feedback before first contact", edit(t, "feedback_deadline: 16h", "feedback_deadline: 2h"), []string{
			`c.yaml:24: sales.feedback_deadline: (2h0m0s) must not be shorter than first_contact_deadline (4h0m0s)`}},
		{"overlapping absences", edit(t, "          to: 2026-12-31\n", "          to: 2026-12-31\n        - from: 2026-12-30\n          to: 2027-01-02\n"), []string{
			`c.yaml:39: roster.reps[0].out_of_office[1]: 2026-12-30 to 2027-01-02 overlaps 2026-12-21 to 2026-12-31 (line 37)`}},
		{"absence ending before it starts", edit(t, "to: 2026-12-31", "to: 2026-12-01"), []string{
			`c.yaml:37: roster.reps[0].out_of_office[0].to: 2026-12-01 is before from (2026-12-21)`}},
		{"targets with a gap", edit(t, "    - from: 2026-07", "    - from: 2026-09"), []string{
			`c.yaml:19: marketing.targets[1]: leaves a gap: nothing covers 2026-07 to 2026-08`}},
		{"targets overlapping", edit(t, "    - from: 2026-07", "    - from: 2026-05"), []string{
			`c.yaml:19: marketing.targets[1]: overlaps the previous target: from 2026-05 is not after 2026-06`}},
		{"open-ended target followed by another", edit(t, "      to: 2026-06\n", ""), []string{
			`c.yaml:16: marketing.targets[0]: has no end (to) but is followed by another target; only the last may be open-ended`}},
		{"bad opening hours", edit(t, `monday: ["09:00-18:00"]`, `monday: ["9h-18h", "14:00-12:00"]`), []string{
			`c.yaml:8: calendar.business_hours.monday[0]: must be opening hours such as "09:00-12:30", got "9h-18h"`,
			`c.yaml:8: calendar.business_hours.monday[1]: must end after it starts, got "14:00-12:00"`}},
		{"overlapping opening hours", edit(t, `monday: ["09:00-18:00"]`, `monday: ["09:00-12:30", "12:00-18:00"]`), []string{
			`c.yaml:8: calendar.business_hours.monday[1]: "12:00-18:00" overlaps or comes before "09:00-12:30"`}},
		{"no opening hours at all", edit(t, "  business_hours:\n    monday: [\"09:00-18:00\"]\n    tuesday: [\"09:00-18:00\"]\n    wednesday: [\"09:00-18:00\"]\n    thursday: [\"09:00-18:00\"]\n    friday: [\"09:00-18:00\"]\n", "  business_hours: {}\n"), []string{
			`c.yaml:6: calendar.business_hours: the week has no opening hours`}},
		{"unknown weekday", edit(t, "    friday:", "    fryday:"), []string{
			`c.yaml:12: calendar.business_hours.fryday: unknown key (allowed here: friday, monday, saturday, sunday, thursday, tuesday, wednesday)`}},
		{"unsupported country", edit(t, "holidays: FR", "holidays: France"), []string{
			`c.yaml:6: calendar.holidays: must be a supported country code (AT, BE, CA, CH, DE, DK, ES, FR, GB, IE, IT, NL, SE, US), got "France"`}},
		{"bad date", edit(t, "closed_days: [2026-12-24]", "closed_days: [2026-12-32]"), []string{
			`c.yaml:13: calendar.closed_days[0]: must be a date (YYYY-MM-DD), got "2026-12-32"`}},
		{"bad locale", edit(t, "locale: fr", "locale: de"), []string{`c.yaml:3: locale: must be "fr" or "en", got "de"`}},
		{"bad rep email", edit(t, "thomas@test.fr", "thomas at test.fr"), []string{
			`c.yaml:34: roster.reps[0].email: must be an email address such as name@example.com, got "thomas at test.fr"`}},
		{"duplicate rep id", edit(t, "recipients:", "    - id: thomas\n      name: Thomas Bis\n      email: t2@test.fr\n      manager: claire\nrecipients:"), []string{
			`c.yaml:39: roster.reps[1].id: "thomas" is used twice`}},
		{"reminders not increasing", edit(t, `reminders: ["50%", "80%"]`, `reminders: ["80%", "50%", "100%"]`), []string{
			`c.yaml:25: sales.reminders[1]: must be greater than the reminder before (80%)`,
			`c.yaml:25: sales.reminders[2]: must be a percentage strictly between 0% and 100%, such as "50%", got "100%"`}},
		{"missing sections", "version: x\n", []string{
			"c.yaml:1: calendar: is required", "c.yaml:1: company: is required", "c.yaml:1: locale: is required",
			"c.yaml:1: marketing: is required", "c.yaml:1: recipients: is required", "c.yaml:1: roster: is required",
			"c.yaml:1: sales: is required", "c.yaml:1: sender: is required", "c.yaml:1: time_zone: is required"}},
		{"several problems at once", edit(t, "locale: fr\ntime_zone: Europe/Paris", "locale: es\ntime_zone: Mars/Olympus"), []string{
			`c.yaml:3: locale: must be "fr" or "en", got "es"`,
			`c.yaml:4: time_zone: must be an IANA time zone such as "Europe/Paris", got "Mars/Olympus"`}},
		{"header injection in sender", edit(t, `sender: "Handoff <sla@test.fr>"`, `sender: "Handoff <sla@test.fr>\nBcc: x@evil.com"`), []string{
			`c.yaml:41: sender: must be an address such as "Handoff <sla@example.com>", got "Handoff <sla@test.fr>\nBcc: x@evil.com"`}},
		{"secret pasted in the contract", base + sourceYAML("generic", "standard-webhooks", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), []string{
			`c.yaml:47: sources[0].secret: must reference a secret (ssm:/path, secretsmanager:name or env:NAME), never hold one; got "whse…"`}},
		{"typeform payload with another signature", base + sourceYAML("typeform", "shared-secret", "ssm:/handoff/typeform"), []string{
			`c.yaml:46: sources[0].auth: a typeform source is signed by typeform: auth must be typeform`}},
		{"unknown format", base + sourceYAML("hubspot", "shared-secret", "env:X"), []string{
			`c.yaml:45: sources[0].format: must be one of generic, typeform, webflow, wordpress, got "hubspot"`}},
		{"mapping to an unknown lead field", base + sourceYAML("generic", "shared-secret", "env:X") + "    mapping:\n      Courriel: mail\n", []string{
			`c.yaml:49: sources[0].mapping.Courriel: must be a lead field (email, first_name, last_name, phone, company, job_title, company_size, industry, country, website, message, consent, consent_at, utm_source, utm_medium, utm_campaign, utm_term, utm_content, referrer, occurred_at, lead_id, region, postal_code, type, url, content, webinar, campaign, amount, currency, reason, crm_id, channel, comment), got "mail"`}},
		{"two fields mapped to one", base + sourceYAML("generic", "shared-secret", "env:X") + "    mapping:\n      Courriel: email\n      E-mail: email\n", []string{
			`c.yaml:50: sources[0].mapping.E-mail: maps to email, which "Courriel" already fills`}},
		{"built-in activity type redeclared", base + "activity_types: [page_view, trade_show_visit, Trade Show]\n", []string{
			`c.yaml:42: activity_types[0]: page_view is built in; list only custom types`,
			`c.yaml:42: activity_types[2]: must be lower_snake_case (2-40 characters), got "Trade Show"`,
			`c.yaml:42: activity_types[1]: trade_show_visit needs a label in "fr", as {id: trade_show_visit, label: {fr: "…"}}: the words have none and no scoring rule names it, so sales would read its id in the SQL email`}},
		{"scoring thresholds upside down", base + "scoring:\n  thresholds: {mql: 70, sql: 40}\n", []string{
			`c.yaml:43: scoring.thresholds.sql: (40) must not be below mql (70)`}},
		{"fit rule with two conditions and a bad regex", base + "scoring:\n  thresholds: {mql: 40, sql: 70}\n  fit:\n    - id: boss\n      field: job_title\n      matches: \"(?i)(ceo\"\n      equals: CEO\n      points: 10\n", []string{
			`c.yaml:45: scoring.fit[0]: needs exactly one of equals, in, contains, matches, between (has 2)`,
			`c.yaml:47: scoring.fit[0].matches: is not a valid regular expression: missing closing ): ` + "`(?i)(ceo`"}},
		{"behaviour on an unknown activity", base + "scoring:\n  thresholds: {mql: 40, sql: 70}\n  behaviour:\n    - id: visit\n      type: page_veiw\n      points: 5\n      half_life_days: 7\n      window_days: 30\n", []string{
			`c.yaml:45: scoring.behaviour[0]: has both half_life_days and window_days; choose one way to decay`,
			`c.yaml:46: scoring.behaviour[0].type: unknown activity type "page_veiw" (built-in: page_view, content_download, webinar_attended, email_click, demo_request; declare custom ones in activity_types)`}},
		{"fit on a field scoring cannot see", base + "scoring:\n  thresholds: {mql: 40, sql: 70}\n  fit:\n    - id: rich\n      field: salary\n      between: [100, 50]\n      points: 10\n", []string{
			`c.yaml:46: scoring.fit[0].field: must be one of company, company_domain, company_size, country, email, free_mail, industry, job_title, postal_code, region, utm_campaign, utm_medium, utm_source, got "salary"`,
			`c.yaml:47: scoring.fit[0].between: max (50) is below min (100)`}},
		{"routing to unknown reps", base + "routing:\n  teams:\n    - id: nord\n      reps: [thomas, sophie]\n      when: {country: {equals: FR}, postcode: {contains: '59'}}\n  fallback: amelie\n", []string{
			`c.yaml:45: routing.teams[0].reps[1]: unknown rep "sophie" (not in roster.reps)`,
			`c.yaml:46: routing.teams[0].when.postcode: unknown lead field (allowed: company, company_domain, company_size, country, email, free_mail, industry, job_title, postal_code, region, utm_campaign, utm_medium, utm_source)`,
			`c.yaml:47: routing.fallback: unknown rep "amelie" (not in roster.reps)`}},
		{"rep with zero weight", edit(t, "      manager: claire\n", "      manager: claire\n      weight: 0\n"), []string{
			`c.yaml:36: roster.reps[0].weight: must be positive, got 0`}},
		{"contact rate target above 100%", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  contact_rate_target: 120%"), []string{
			`c.yaml:26: sales.contact_rate_target: must be a whole percentage above 0% and at most 100%, such as "90%", got "120%"`}},
		{"contact rate target of nothing", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  contact_rate_target: 0%"), []string{
			`c.yaml:26: sales.contact_rate_target: must be a whole percentage above 0% and at most 100%, such as "90%", got "0%"`}},
		{"contact rate target in words", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  contact_rate_target: [most]"), []string{
			`c.yaml:26: sales.contact_rate_target: must be a percentage such as "90%", got a list`}},
		{"unknown breach action", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  on_breach: fire"), []string{
			`c.yaml:26: sales.on_breach: must be one of escalate, reassign, got "fire"`}},
		{"unknown bounce action", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  on_bounce: escalate"), []string{
			`c.yaml:26: sales.on_bounce: must be one of hold, reassign, got "escalate"`}},
		{"bounce action not a word", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  on_bounce: [hold]"), []string{
			`c.yaml:26: sales.on_bounce: must be one of hold, reassign, got a list`}},
		{"marketing ops copied but not named", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  escalate_to_marketing_ops: true"), []string{
			`c.yaml:26: sales.escalate_to_marketing_ops: is true but recipients.marketing_ops lists nobody`}},
		{"marketing ops flag in words", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  escalate_to_marketing_ops: yes"), []string{
			`c.yaml:26: sales.escalate_to_marketing_ops: must be true or false, got "yes"`}},
		{"feedback reminders not increasing", edit(t, `reminders: ["50%", "80%"]`, "reminders: [\"50%\", \"80%\"]\n  feedback_reminders: [\"90%\", \"75%\"]"), []string{
			`c.yaml:26: sales.feedback_reminders[1]: must be greater than the reminder before (90%)`}},
		{"empty leadership", edit(t, "leadership: [boss@test.fr]", "leadership: []"), []string{
			`c.yaml:40: recipients.leadership: must list at least one address: someone has to receive the monthly report`}},
		{"retention with a typo", base + "retention:\n  lead: 36 months\n", []string{
			`c.yaml:43: retention.lead: unknown key (allowed here: activities, handoffs, leads)`}},
		{"retention in days, in nothing, in a number alone", base + "retention:\n  leads: 1000 days\n  activities:\n  handoffs: 36\n", []string{
			`c.yaml:43: retention.leads: must be a number of months such as "36 months" (or years: "3 years"), got "1000 days"`,
			`c.yaml:44: retention.activities: must be a number of months such as "36 months", got nothing`,
			`c.yaml:45: retention.handoffs: must be a number of months such as "36 months" (or years: "3 years"), got "36"`}},
		{"retention of nothing or forever", base + "retention:\n  leads: 0 months\n  handoffs: 11 years\n", []string{
			`c.yaml:43: retention.leads: must be at least 1 month, got "0 months"`,
			`c.yaml:44: retention.handoffs: must be at most 120 months (10 years), got "11 years"`}},
		{"retention as a list", base + "retention: [36 months]\n", []string{
			`c.yaml:42: retention: must be a mapping of keys, got a list`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("c.yaml", []byte(tc.yaml))
			checkProblems(t, err, tc.want)
		})
	}
}

// TestRetention: the periods personal data is kept, in months; the defaults for what the contract leaves out, and
// a warning (the contract stays valid) when activities would outlive their lead's profile.
func TestRetention(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		yaml    string
		want    Retention
		warning string
	}{
		{"absent: the defaults", "", Retention{Leads: 36, Activities: 24, Handoffs: 36}, ""},
		{"every key", "retention:\n  leads: 24 months\n  activities: 1 month\n  handoffs: 5 years\n", Retention{Leads: 24, Activities: 1, Handoffs: 60}, ""},
		{"one key, the others default", "retention:\n  handoffs: 1 year\n", Retention{Leads: 36, Activities: 24, Handoffs: 12}, ""},
		{"activities outliving leads", "retention:\n  leads: 12 months\n", Retention{Leads: 12, Activities: 24, Handoffs: 36},
			"c.yaml:43: retention.leads: activities are kept 24 months and leads 12: a lead's activities would outlive its profile"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := Parse("c.yaml", []byte(base+tc.yaml))
			if err != nil {
				t.Fatal(err)
			}
			if c.Retention != tc.want {
				t.Errorf("retention %+v, want %+v", c.Retention, tc.want)
			}
			var warnings []string
			for _, w := range c.Warnings {
				warnings = append(warnings, w.String("c.yaml"))
			}
			if got := strings.Join(warnings, "\n"); got != tc.warning {
				t.Errorf("warnings %q, want %q", got, tc.warning)
			}
		})
	}
	if got := AddMonths(time.Date(2026, 1, 31, 23, 30, 0, 0, time.FixedZone("", 2*3600)), 1); !got.Equal(time.Date(2026, 3, 3, 21, 30, 0, 0, time.UTC)) {
		t.Errorf("31 January + 1 month = %s", got) // in UTC: 31 January 21:30 plus one month
	}
}

// checkProblems asserts err is a *ValidationError listing exactly want, in order, as the user reads them.
func checkProblems(t *testing.T, err error, want []string) {
	t.Helper()
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Parse: %v; want a *ValidationError", err)
	}
	var got []string
	for _, p := range verr.Problems {
		got = append(got, p.String(verr.File))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestExampleContract(t *testing.T) {
	t.Parallel()
	c, err := Load("../../infra/contract/contract.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The README's worked example: an SQL on Friday 27 November 2026 at 17:30, after Friday's 17:00 close, with
	// 4 business hours, is due Monday 30 November at 14:00 (3h30 from 9:00 to 12:30, then 30 min after lunch).
	from := time.Date(2026, 11, 27, 17, 30, 0, 0, c.Location)
	if got, err := c.FirstContactDue(from); err != nil || !got.Equal(time.Date(2026, 11, 30, 14, 0, 0, 0, c.Location)) {
		t.Errorf("FirstContactDue = %s, %v; want Monday 14:00", got, err)
	}
	if c.Sales.ContactRateTarget != 90 {
		t.Errorf("contact rate target = %d%%, want 90%%", c.Sales.ContactRateTarget)
	}
	reminders, err := c.ReminderTimes(from)
	if err != nil || len(reminders) != 2 || !reminders[0].Equal(time.Date(2026, 11, 30, 11, 0, 0, 0, c.Location)) {
		t.Errorf("reminders = %v", reminders)
	}
	tests := []struct {
		month Month
		sqls  int
	}{{Month{2026, 3}, 40}, {Month{2026, 7}, 45}, {Month{2026, 12}, 45}, {Month{2031, 1}, 55}}
	for _, tc := range tests {
		if got, ok := c.TargetFor(tc.month); !ok || got.SQLs != tc.sqls {
			t.Errorf("TargetFor(%s) = %+v, %v; want %d SQLs", tc.month, got, ok, tc.sqls)
		}
	}
	if _, ok := c.TargetFor(Month{2025, 12}); ok {
		t.Error("a month before the first target has a target")
	}
	sophie, _ := c.Rep("sophie-bernard")
	if !sophie.Away(time.Date(2026, 12, 25, 10, 0, 0, 0, c.Location), c.Location) ||
		sophie.Away(time.Date(2027, 1, 2, 10, 0, 0, 0, c.Location), c.Location) {
		t.Error("Sophie's out-of-office is wrong")
	}
	// Whit Monday 2027 is listed as worked; Ascension 2027 (6 May) stays closed, and 7 May is a company closure.
	for _, tc := range []struct {
		at   time.Time
		open bool
	}{
		{time.Date(2027, 5, 17, 10, 0, 0, 0, c.Location), true},
		{time.Date(2027, 5, 6, 10, 0, 0, 0, c.Location), false},
		{time.Date(2027, 5, 7, 10, 0, 0, 0, c.Location), false},
		{time.Date(2026, 12, 24, 10, 0, 0, 0, c.Location), false},
		{time.Date(2026, 12, 28, 10, 0, 0, 0, c.Location), true},
	} {
		if got := c.Calendar.IsOpen(tc.at); got != tc.open {
			t.Errorf("IsOpen(%s) = %v, want %v", tc.at, got, tc.open)
		}
	}
}

func TestFrenchHolidays(t *testing.T) {
	t.Parallel()
	c, err := Parse("base.yaml", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range c.Holidays(2026) {
		got = append(got, d.String())
	}
	want := "2026-01-01 2026-04-06 2026-05-01 2026-05-08 2026-05-14 2026-05-25 2026-07-14 2026-08-15 2026-11-01 2026-11-11 2026-12-25"
	if strings.Join(got, " ") != want {
		t.Errorf("holidays 2026 = %s\nwant %s", strings.Join(got, " "), want)
	}
}
