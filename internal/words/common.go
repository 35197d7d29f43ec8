package words

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Common is what every surface says alike in one language: the footer of every email, the default reject
// reasons (the page offers them, the report counts them), and how numbers, percentages, money and dates are
// written.
type Common struct {
	// Footer ends every email: %s is the company.
	Footer string
	// None stands for a value that is not there.
	None string
	// Colon sets a label off from its value in prose and lists (French puts a no-break space before it).
	Colon string
	// Semicolon separates items of a list in prose.
	Semicolon string

	// The default reject reasons' labels (contract.DefaultRejectReasons), by their IDs.
	NotAFit, NoBudget, Duplicate, WrongContact, StudentOrJobSeeker, Other string

	// Thousands groups digits ("12 345", "12,345"); Decimal marks the fraction ("87,5", "87.5").
	Thousands, Decimal string
	// Percent writes a percentage from its number: "87,5 %" or "87.5%".
	Percent string
	// Money writes an amount (%[1]s) and its currency (%[2]s): "18 500 EUR", "EUR 18,500".
	Money string
	// ListSeparator separates a CSV's cells: what the language's spreadsheets read (";" in French Excel).
	ListSeparator string

	// Weekdays from Sunday, months from January, and their short forms.
	Weekdays    [7]string
	Months      [12]string
	ShortMonths [12]string
	// DayLayout and DayShortLayout write a date after its weekday, with and without the year (time.Format
	// layouts): "30/11/2026", "30 Nov 2026".
	DayLayout, DayShortLayout string
	// WhenLayout writes an instant without its weekday, to the minute: "30/11/2026 15:00", "30 Nov 2026 15:00".
	WhenLayout string
	// At joins a day (%[1]s) and a time of day (%[2]s): "lundi 30/11/2026 à 15:00".
	At string
}

var commonFR = Common{
	Footer:    "Envoyé par Handoff pour %s — le contrat marketing–ventes, appliqué.",
	None:      "—",
	Colon:     nbsp + ": ",
	Semicolon: nbsp + "; ",

	NotAFit: "Ne correspond pas à notre cible", NoBudget: "Pas de budget", Duplicate: "Doublon",
	WrongContact: "Mauvais interlocuteur", StudentOrJobSeeker: "Étudiant ou candidat", Other: "Autre",

	Thousands: nbsp, Decimal: ",", Percent: "%s" + nbsp + "%%", Money: "%[1]s" + nbsp + "%[2]s", ListSeparator: ";",

	Weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	Months: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
		"novembre", "décembre"},
	ShortMonths: [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	DayLayout:   "02/01/2006", DayShortLayout: "02/01", WhenLayout: "02/01/2006 15:04",
	At: "%s à %s",
}

var commonEN = Common{
	Footer:    "Sent by Handoff for %s — the marketing–sales contract, enforced.",
	None:      "—",
	Colon:     ": ",
	Semicolon: "; ",

	NotAFit: "Not a fit", NoBudget: "No budget", Duplicate: "Duplicate",
	WrongContact: "Wrong contact", StudentOrJobSeeker: "Student or job seeker", Other: "Other",

	Thousands: ",", Decimal: ".", Percent: "%s%%", Money: "%[2]s" + nbsp + "%[1]s", ListSeparator: ",",

	Weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
	Months: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
		"November", "December"},
	ShortMonths: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	DayLayout:   "2 Jan 2006", DayShortLayout: "2 Jan", WhenLayout: "2 Jan 2006 15:04",
	At: "%s at %s",
}

// RejectReason is the label of a default reject reason; ok is false for a reason the contract adds, which has
// no words but its ID (the caller shows the ID: it is the contract's own word).
func (c *Common) RejectReason(id string) (label string, ok bool) {
	switch id {
	case "not_a_fit":
		return c.NotAFit, true
	case "no_budget":
		return c.NoBudget, true
	case "duplicate":
		return c.Duplicate, true
	case "wrong_contact":
		return c.WrongContact, true
	case "student_or_job_seeker":
		return c.StudentOrJobSeeker, true
	case "other":
		return c.Other, true
	}
	return "", false
}

// Int groups thousands: "12 345" (no-break space) in French, "12,345" in English.
func (c *Common) Int(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(c.Thousands)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Percent1 is a percentage to a tenth, without a trailing ".0": "87,5 %", "87.5%", "140 %". v is rounded
// already (the report decides how: a rate below its target never shows rounded up to it).
func (c *Common) Percent1(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	whole, frac, hasFrac := strings.Cut(s, ".")
	n, _ := strconv.Atoi(whole)
	s = c.Int(n)
	if hasFrac {
		s += c.Decimal + frac
	}
	return fmt.Sprintf(c.Percent, s)
}

// Amount is an amount of money ("18500" or "18500.50", as computed) in currency: "18 500 EUR", "EUR 18,500.50";
// the cents only when there are some. An amount too large for an int is shown as computed.
func (c *Common) Amount(amount, currency string) string {
	whole, cents, _ := strings.Cut(amount, ".")
	n, err := strconv.Atoi(whole)
	if err != nil {
		return currency + " " + amount
	}
	s := c.Int(n)
	if cents != "" && strings.Trim(cents, "0") != "" {
		s += c.Decimal + cents
	}
	return fmt.Sprintf(c.Money, s, currency)
}

// Day is t's weekday and date, in t's zone, with the year or without: "lundi 30/11/2026", "Monday 30 Nov".
func (c *Common) Day(t time.Time, year bool) string {
	layout := c.DayShortLayout
	if year {
		layout = c.DayLayout
	}
	return c.Weekdays[t.Weekday()] + " " + t.Format(layout)
}

// Instant is t to the minute with its weekday, in t's zone: "lundi 30/11/2026 à 15:00",
// "Monday 30 Nov 2026 at 15:00".
func (c *Common) Instant(t time.Time) string {
	return fmt.Sprintf(c.At, c.Day(t, true), t.Format("15:04"))
}

// When is t to the minute without its weekday, in t's zone: "30/11/2026 15:00", "30 Nov 2026 15:00".
func (c *Common) When(t time.Time) string { return t.Format(c.WhenLayout) }

// Date is t's date without its year or weekday, in t's zone: "30/11", "30 Nov".
func (c *Common) Date(t time.Time) string { return t.Format(c.DayShortLayout) }

// DateTime is Date and the time of day: "30/11 15:00", "30 Nov 15:00".
func (c *Common) DateTime(t time.Time) string { return t.Format(c.DayShortLayout + " 15:04") }

// Month is a month and its year: "novembre 2026", "November 2026".
func (c *Common) Month(year int, m time.Month) string {
	return c.Months[m-1] + " " + strconv.Itoa(year)
}

// ShortMonth is a month and its year, short: "nov. 2026", "Nov 2026".
func (c *Common) ShortMonth(year int, m time.Month) string {
	return c.ShortMonths[m-1] + " " + strconv.Itoa(year)
}

// Duration is business time to the minute, "4h00", "0h45", "12h20": the same in every language, in every
// email, page, report and API answer (never negative: time past a deadline is said as lateness).
//
// It is the one duration format. Five formatters wrote durations before (the emails' and ops' "4h00", the
// report's "4 h 00" in French and "45 min" under an hour, the report's and the CLI's "4h" for a deadline): the
// report's French spacing and its "45 min" were the odd ones out, so they follow the emails'.
func Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("%dh%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// Deadline is a deadline of the contract, a setting rather than a measure, or a chart's tick: whole hours as the
// contract writes them ("4h", "16h", "0h"), else as Duration ("1h30").
func Deadline(d time.Duration) string {
	if d >= 0 && d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + "h"
	}
	return Duration(d)
}
