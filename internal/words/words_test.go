package words

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
)

// surfaces are every lookup of the package, by name: the parity test walks each in every language.
var surfaces = []struct {
	name   string
	lookup func(contract.Locale) any
}{
	{"email", func(l contract.Locale) any { return ForEmail(l) }},
	{"report", func(l contract.Locale) any { return ForReport(l) }},
	{"page", func(l contract.Locale) any { return ForPage(l) }},
	{"routing", func(l contract.Locale) any { return ForRouting(l) }},
	{"common", func(l contract.Locale) any { return ForCommon(l) }},
	{"score", func(l contract.Locale) any { return ForScore(l) }},
	{"ideas", func(l contract.Locale) any { return ForIdeas(l) }},
	{"reviewday", func(l contract.Locale) any { return ForReviewDay(l) }},
}

// verbs are a word's format verbs: "%s", "%[2]s", "%d", "%02d", "%%". No space flag: prose says "90 % des SQL"
// in a word that is never formatted, and no word needs "% d".
var verbs = regexp.MustCompile(`%(\[(\d+)\])?[-+#0]*\d*([a-zA-Z%])`)

// signature is what a word asks of its arguments: each verb by the argument it formats ("1:s", "2:d"), sorted,
// and its "%%". Words may order their arguments differently ("%[1]s EUR", "EUR %[2]s"), not ask for others.
func signature(w string) []string {
	var out []string
	next := 1
	for _, m := range verbs.FindAllStringSubmatch(w, -1) {
		if m[3] == "%" {
			out = append(out, "%%")
			continue
		}
		if m[2] != "" {
			fmt.Sscan(m[2], &next)
		}
		out = append(out, fmt.Sprintf("%d:%s", next, m[3]))
		next++
	}
	slices.Sort(out)
	return out
}

// leaves walks v (a surface's struct) down to its strings — fields, nested structs, arrays — naming each by
// its path ("Contacts.Zero", "Weekdays[0]"). Anything else in a surface is an error: a map could hold a key in
// one language and not the other without the walk seeing it.
func leaves(t *testing.T, path string, v reflect.Value, out map[string]string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		out[path] = v.String()
	case reflect.Struct:
		for i := range v.NumField() {
			leaves(t, strings.TrimPrefix(path+"."+v.Type().Field(i).Name, "."), v.Field(i), out)
		}
	case reflect.Array:
		for i := range v.Len() {
			leaves(t, fmt.Sprintf("%s[%d]", path, i), v.Index(i), out)
		}
	default:
		t.Errorf("%s: a %s in the words; only strings, structs of them and arrays of them can be checked", path, v.Kind())
	}
}

// TestParity walks every word of every surface in every language: none may be empty (a word written in one
// language and not another is a field left empty), and each must have the same format verbs and placeholders,
// in the same order, as in every other language — a "%d" in English and not in French would print
// "%!(EXTRA int=2)" in a French email.
func TestParity(t *testing.T) {
	t.Parallel()
	for _, s := range surfaces {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			byLang := map[contract.Locale]map[string]string{}
			for _, l := range contract.Locales {
				byLang[l] = map[string]string{}
				leaves(t, "", reflect.ValueOf(s.lookup(l)).Elem(), byLang[l])
			}
			first := contract.Locales[0]
			if len(byLang[first]) == 0 {
				t.Fatal("no words")
			}
			for path := range byLang[first] {
				for _, l := range contract.Locales {
					w := byLang[l][path]
					if w == "" { // a no-break space alone is a word (French thousands)
						t.Errorf("%s (%s): empty", path, l)
						continue
					}
					if a, b := signature(byLang[first][path]), signature(w); !slices.Equal(a, b) {
						t.Errorf("%s: verbs %v in %s, %v in %s", path, a, first, b, l)
					}
				}
			}
		})
	}
}

// TestParityCatches feeds the parity checks what they must refuse, so that they cannot pass by checking
// nothing: an empty word, a verb missing, verbs reordered, an explicit index changed.
func TestParityCatches(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		fr, en   string
		mismatch bool
	}{
		{"same verbs", "%s à %s", "%s at %s", false},
		{"a verb missing", "Rappel %d sur %d", "Reminder %d", true},
		{"another verb", "%d jours", "%s days", true},
		{"reordered by index", "%[2]s de %[1]s", "%[1]s of %[2]s", false},
		{"reordered without index", "%s de %d", "%d of %s", true},
		{"index changed", "%[1]s : %[4]s", "%[1]s: %[3]s", true},
		{"index then implicit", "%[2]s %s", "%[2]s %[3]s", false},
		{"percent sign", "%d\u00a0%%", "%d%%", false},
		{"percent sign missing", "%d\u00a0%", "%d%%", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, b := signature(tc.fr), signature(tc.en)
			if got := !slices.Equal(a, b); got != tc.mismatch {
				t.Errorf("%q vs %q: mismatch %v (verbs %v, %v), want %v", tc.fr, tc.en, got, a, b, tc.mismatch)
			}
		})
	}
	// A word left empty, nested or not, is found by the walk.
	out := map[string]string{}
	leaves(t, "", reflect.ValueOf(Report{Contacts: Plural{Zero: "%s", One: "%s"}}), out)
	if w, ok := out["Contacts.Many"]; !ok || w != "" {
		t.Errorf("the walk does not see Contacts.Many: %q %v", w, ok)
	}
	if _, ok := out["CSVHeadings[22]"]; !ok {
		t.Error("the walk does not see the CSV's last heading")
	}
}

// TestEveryLanguage: every language a contract may choose has every surface's words; another language has none,
// and asking for it fails loudly (a panic naming it) rather than answering in English.
func TestEveryLanguage(t *testing.T) {
	t.Parallel()
	for _, s := range surfaces {
		for _, l := range append(slices.Clone(contract.Locales), "de", "") {
			t.Run(s.name+"/"+string(l), func(t *testing.T) {
				t.Parallel()
				want := slices.Contains(contract.Locales, l)
				if Speaks(l) != want {
					t.Errorf("Speaks(%q) = %v, want %v", l, !want, want)
				}
				var got any
				panicked := func() (p any) {
					defer func() { p = recover() }()
					got = s.lookup(l)
					return nil
				}()
				switch {
				case want && (panicked != nil || reflect.ValueOf(got).IsNil()):
					t.Errorf("no %s words in %q: %v", s.name, l, panicked)
				case !want && (panicked == nil || !strings.Contains(fmt.Sprint(panicked), fmt.Sprintf("%q", l))):
					t.Errorf("%s words in %q: got %v, panic %v; want a panic naming the language", s.name, l, got, panicked)
				}
			})
		}
	}
}

// TestEnglishReasonsAreTheRecordedOnes: the checker records its reasons in English (handoff.Reason*, for the
// record and the logs) and the emails find them by that text to say them in the contract's language (package
// email's reasonKeys): the English words must be those constants, character for character, or an English email
// shows the record and a French one too.
func TestEnglishReasonsAreTheRecordedOnes(t *testing.T) {
	t.Parallel()
	en := ForEmail(contract.English)
	for _, tc := range []struct{ recorded, word string }{
		{handoff.ReasonNeverHanded, en.ReasonNeverHanded},
		{handoff.ReasonUnknownResent, en.ReasonUnknown},
		{handoff.ReasonSQLAbandoned, en.ReasonAbandoned},
		{handoff.ReasonUnknownNotResent, en.ReasonUnknownNotResent},
		{handoff.ReasonRefused, en.ReasonRefused},
		{handoff.ReasonUncomposable, en.ReasonUncomposable},
		{handoff.ReasonInterrupted, en.ReasonInterrupted},
		{handoff.ReasonConsentRefused, en.ReasonConsent},
		{handoff.ReasonBounced, en.ReasonBounced},
		{handoff.ReasonComplained, en.ReasonComplained},
	} {
		if tc.recorded != tc.word {
			t.Errorf("recorded %q, English word %q", tc.recorded, tc.word)
		}
	}
}

// TestRejectReasons: every default reject reason of the contract has its label in every language (the page
// offers them, the report counts them); a contract's own reason has none.
func TestRejectReasons(t *testing.T) {
	t.Parallel()
	for _, l := range contract.Locales {
		c := ForCommon(l)
		for _, id := range contract.DefaultRejectReasons {
			if w, ok := c.RejectReason(id); !ok || w == "" {
				t.Errorf("%s: no label for %q", l, id)
			}
		}
		if w, ok := c.RejectReason("too_small"); ok {
			t.Errorf("%s: a contract's own reason has a label: %q", l, w)
		}
	}
}

// TestFormats pins the shared formats, in each language.
func TestFormats(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 15, 4, 0, 0, paris)
	fr, en := ForCommon(contract.French), ForCommon(contract.English)
	for _, tc := range []struct{ name, got, want string }{
		{"duration", Duration(4 * time.Hour), "4h00"},
		{"duration under an hour", Duration(45 * time.Minute), "0h45"},
		{"duration to the minute", Duration(12*time.Hour + 20*time.Minute + 59*time.Second), "12h20"},
		{"duration never negative", Duration(-time.Hour), "0h00"},
		{"duration of many hours", Duration(1234 * time.Hour), "1234h00"},
		{"deadline in hours", Deadline(16 * time.Hour), "16h"},
		{"deadline with minutes", Deadline(90 * time.Minute), "1h30"},
		{"a chart's first tick", Deadline(0), "0h"},
		{"int fr", fr.Int(-1234567), "-1\u00a0234\u00a0567"},
		{"int en", en.Int(12345), "12,345"},
		{"int small", en.Int(999), "999"},
		{"percent fr", fr.Percent1(87.5), "87,5\u00a0%"},
		{"percent en", en.Percent1(140), "140%"},
		{"money fr", fr.Amount("18500.50", "EUR"), "18\u00a0500,50\u00a0EUR"},
		{"money en", en.Amount("18500.00", "USD"), "USD\u00a018,500"},
		{"money too large", en.Amount("123456789012345678901234", "EUR"), "EUR 123456789012345678901234"},
		{"day fr", fr.Day(at, true), "lundi 30/11/2026"},
		{"day en", en.Day(at, false), "Monday 30 Nov"},
		{"instant fr", fr.Instant(at), "lundi 30/11/2026 à 15:04"},
		{"instant en", en.Instant(at), "Monday 30 Nov 2026 at 15:04"},
		{"when fr", fr.When(at), "30/11/2026 15:04"},
		{"when en", en.When(at), "30 Nov 2026 15:04"},
		{"date fr", fr.Date(at), "30/11"},
		{"date and time en", en.DateTime(at), "30 Nov 15:04"},
		{"month fr", fr.Month(2026, time.August), "août 2026"},
		{"short month en", en.ShortMonth(2026, time.September), "Sep 2026"},
		{"plural zero fr", ForReport(contract.French).Contacts.For(0), "%s contact"},
		{"plural zero en", ForReport(contract.English).Contacts.For(0), "%s contacts"},
		{"plural one", ForReport(contract.English).Contacts.For(1), "%s contact"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
