package contract

import (
	"encoding/csv"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// reference is python-holidays' dataset (testdata/holidays/python-holidays.csv, written by reference.py with
// the versions pinned in requirements.txt): country -> date -> name.
func reference(t *testing.T) map[string]map[Date]string {
	t.Helper()
	f, err := os.Open("testdata/holidays/python-holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	header, err := readLine(f)
	if err != nil {
		t.Fatal(err)
	}
	pins, err := os.ReadFile("testdata/holidays/requirements.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The file must come from the pinned version: a pin changed without regenerating the file fails here.
	if pin := regexp.MustCompile(`(?m)^holidays==(\S+)`).FindSubmatch(pins); pin == nil ||
		!strings.HasPrefix(header, "# python-holidays "+string(pin[1])+":") {
		t.Fatalf("python-holidays.csv (%q) was not written by the pinned version; run make holidays-reference", header)
	}
	r := csv.NewReader(f)
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[Date]string{}
	for _, row := range rows[1:] {
		d, err := time.Parse("2006-01-02", row[1])
		if err != nil {
			t.Fatal(err)
		}
		if out[row[0]] == nil {
			out[row[0]] = map[Date]string{}
		}
		out[row[0]][DateOf(d)] = row[2]
	}
	return out
}

func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		if _, err := r.Read(buf); err != nil {
			return b.String(), err
		}
		if buf[0] == '\n' {
			return b.String(), nil
		}
		b.WriteByte(buf[0])
	}
}

// difference is a date one dataset closes and the other does not, and why that is right. A difference matches
// when its country is the same, it is on the same side, and its name (on that side) matches name; sunday limits
// it to dates that fall on a Sunday.
type difference struct {
	country string
	ours    bool // the date is closed by the contract only (else listed by python-holidays only)
	name    string
	sunday  bool
	why     string
}

// differences are every way the contract's holidays legitimately differ from python-holidays' national public
// holidays in 2024–2035. Each must still occur (a fixed one is removed from the list), and nothing else may.
var differences = []difference{
	{"CA", true, `^(Easter Monday|Victoria Day|Civic/Provincial Day|Thanksgiving Day|Remembrance Day|Boxing Day)( \(observed\))?$`, false,
		"python-holidays' national level lists the five holidays every province observes; rickar/cal adds the federal " +
			"statutory ones (Canada Labour Code) and Easter Monday and the civic holiday most provinces give. A contract in " +
			"a province that works one of them lists it in open_days."},
	{"CA", true, `^Canada Day \(observed\)$`, false,
		"Canada Day on a Saturday: the Canada Labour Code gives federally regulated employees the next working day, " +
			"which rickar/cal closes; python-holidays moves only a Sunday."},
	{"CH", true, `^(Heilige Drei Könige|Karfreitag|Ostermontag|Tag der Arbeit|Pfingstmontag|Fronleichnam|Mariä Himmelfahrt|Zweiter Weihnachtsfeiertag)$`, false,
		"Switzerland's holidays are cantonal: python-holidays' national level keeps the four every canton has; rickar/cal " +
			"closes those of most cantons. A contract in a canton that works one lists it in open_days."},
	{"DK", true, `^Grundlovsdag$`, false,
		"Constitution Day (5 June) is not a public holiday by law, but a day off under most collective agreements; " +
			"rickar/cal closes it."},
	{"ES", true, ``, true,
		"python-holidays leaves a national holiday that falls on a Sunday to the regional calendars (which may move it " +
			"to the Monday); the Sunday is still the holiday, and a calendar open on Sundays closes it."},
	{"GB", true, `^(Easter Monday|Summer Bank Holiday)$`, false,
		"rickar/cal follows England and Wales; python-holidays' national level keeps the bank holidays of all four " +
			"nations (Scotland has no Easter Monday and its summer holiday in early August)."},
	{"IT", false, `National Unity Day`, true,
		"4 November stopped being a day off in 1977; the commemoration falls on the first Sunday of November, which " +
			"python-holidays lists and rickar/cal does not. It is a Sunday either way."},
}

// TestHolidaysMatchPythonHolidays compares, for every country a contract may name and every year 2024–2035, the
// dates its public holidays close (substitute days included) with python-holidays' national public holidays.
func TestHolidaysMatchPythonHolidays(t *testing.T) {
	t.Parallel()
	ref := reference(t)
	if got, want := slices.Sorted(func(yield func(string) bool) {
		for c := range ref {
			if !yield(c) {
				return
			}
		}
	}), countryCodes(); !slices.Equal(got, want) {
		t.Fatalf("the reference covers %v, the contract accepts %v", got, want)
	}
	used := make([]int, len(differences))
	compared := 0
	for _, country := range countryCodes() {
		for year := 2024; year <= 2035; year++ {
			ours := holidaysIn(country, year)
			theirs := map[Date]string{}
			for d, name := range ref[country] {
				if d.Year == year {
					theirs[d] = name
				}
			}
			compared += len(ours) + len(theirs)
			check := func(d Date, name string, isOurs bool) {
				for i, diff := range differences {
					if diff.country == country && diff.ours == isOurs && regexp.MustCompile(diff.name).MatchString(name) &&
						(!diff.sunday || time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday() == time.Sunday) {
						used[i]++
						return
					}
				}
				side := "python-holidays only"
				if isOurs {
					side = "the contract only"
				}
				t.Errorf("%s %s %q: closed by %s, and no justified difference covers it", country, d, name, side)
			}
			for d, name := range ours {
				if _, ok := theirs[d]; !ok {
					check(d, name, true)
				}
			}
			for d, name := range theirs {
				if _, ok := ours[d]; !ok {
					check(d, name, false)
				}
			}
		}
	}
	for i, n := range used {
		if n == 0 {
			t.Errorf("the justified difference %+v no longer occurs: remove it", differences[i])
		}
	}
	t.Logf("%d holiday dates compared; differences justified: %v", compared, used)
}

// TestHolidaysAcrossYears: the cases, and the other countries where a substitute day or a holiday on a
// weekend closes a date.
func TestHolidaysAcrossYears(t *testing.T) {
	t.Parallel()
	tests := []struct {
		country string
		date    Date
		want    string
	}{
		{"US", Date{2027, 12, 31}, "New Year's Day (observed)"}, // New Year's Day 2028 is a Saturday
		{"US", Date{2032, 12, 31}, "New Year's Day (observed)"},
		{"US", Date{2027, 7, 4}, "Independence Day"},            // a Sunday: closed for a calendar open on Sundays...
		{"US", Date{2027, 7, 5}, "Independence Day (observed)"}, // ...and the Monday after
		{"GB", Date{2027, 12, 28}, "Boxing Day (observed)"},
		{"NL", Date{2025, 4, 26}, "Koningsdag"}, // 27 April 2025 is a Sunday: moved, not observed twice
		{"IE", Date{2026, 3, 17}, "Saint Patrick's Day"},
	}
	for _, tc := range tests {
		if got, ok := holidaysIn(tc.country, tc.date.Year)[tc.date]; !ok || got != tc.want {
			t.Errorf("%s %s: %q, %v; want %q", tc.country, tc.date, got, ok, tc.want)
		}
	}
	if name, ok := holidaysIn("NL", 2025)[Date{2025, 4, 27}]; ok {
		t.Errorf("NL 2025-04-27 (King's Day moved to the 26th) is closed as %q", name)
	}
}
