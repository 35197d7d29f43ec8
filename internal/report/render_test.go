package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-analyze/charts/chartdraw/drawing"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

func renderJuly(t *testing.T, l contract.Locale) Email {
	t.Helper()
	c := parseContract(t, testContract)
	c.Locale = l
	e, err := Render(Compute(c, july()))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestRenderJuly: the key figures of the hand-computed July appear in both parts, in each locale's words and
// number formats; names and free text are escaped in HTML and plain in text.
func TestRenderJuly(t *testing.T) {
	t.Parallel()
	const nb = "\u00a0"
	for _, tc := range []struct {
		locale  contract.Locale
		subject string
		figures []string // in both parts
		html    []string // HTML only (escaped)
		text    []string // text only
	}{
		{contract.French, "Rapport SLA marketing–ventes de Test & Fils <SAS> : juillet 2026",
			// Business time as every email writes it (words.Duration), no longer "2 h 00".
			[]string{"7 / 5", "140" + nb + "%", "66,7" + nb + "%", "objectif 75" + nb + "%", "2h00",
				"5h00", "2h30", "83,3" + nb + "%", "60" + nb + "%", "3/5",
				"12" + nb + "000,50" + nb + "EUR", "8" + nb + "000" + nb + "USD", "en cours (5)", "juillet 2026", "février 2026",
				"webflow-webinar", "Pas de budget", "1 / 1", "2026.06-1, 2026.07-1"},
			[]string{"carl (a quitté l&#39;équipe)", "Anna &lt;b&gt;Admin&lt;/b&gt; &amp; Co",
				"l3 : =cmd|&#39; /C calc&#39;!A0 &lt;script&gt;alert(1)&lt;/script&gt;",
				"Le plus de dépassements de délai : Bruno Lefèvre (2).",
				"Premiers motifs de rejet, à égalité : Pas de budget et Autre (1 chacun, sur 2 rejets).",
				"Les SQL de la source webflow-webinar sont surtout rejetés : 2 rejets sur 3 réponses.",
				"Contact dans le délai sous l&#39;objectif : 66,7" + nb + "% au lieu de 75" + nb + "% (4 SQL sur 6)."},
			[]string{"carl (a quitté l'équipe)", "Anna <b>Admin</b> & Co", "l3 : =cmd|' /C calc'!A0 <script>alert(1)</script>"}},
		{contract.English, "Marketing–sales SLA report of Test & Fils <SAS>: July 2026",
			[]string{"7 / 5", "140%", "66.7%", "target 75%", "2h00", "5h00", "2h30", "83.3%", "60%", "3/5",
				"EUR" + nb + "12,000.50", "USD" + nb + "8,000", "open (5)", "July 2026", "February 2026", "No budget",
				"2026.06-1, 2026.07-1"},
			[]string{"carl (no longer on the roster)", "Anna &lt;b&gt;Admin&lt;/b&gt; &amp; Co",
				"Most deadline breaches: Bruno Lefèvre (2).",
				"Top rejection reasons, tied: No budget and Other (1 each, of 2 rejections).",
				"SQLs from source webflow-webinar are mostly rejected: 2 rejections of 3 answers.",
				"Contact within the deadline below target: 66.7% instead of 75% (4 of 6)."},
			[]string{"carl (no longer on the roster)", "Anna <b>Admin</b> & Co"}},
	} {
		e := renderJuly(t, tc.locale)
		if e.Subject != tc.subject {
			t.Errorf("%s subject = %q", tc.locale, e.Subject)
		}
		for _, w := range tc.figures {
			if !strings.Contains(e.HTML, w) {
				t.Errorf("%s html lacks %q", tc.locale, w)
			}
			if !strings.Contains(e.Text, w) {
				t.Errorf("%s text lacks %q", tc.locale, w)
			}
		}
		for _, w := range tc.html {
			if !strings.Contains(e.HTML, w) {
				t.Errorf("%s html lacks %q", tc.locale, w)
			}
		}
		for _, w := range tc.text {
			if !strings.Contains(e.Text, w) {
				t.Errorf("%s text lacks %q", tc.locale, w)
			}
		}
		if strings.Contains(e.HTML, "<script") || strings.Contains(e.HTML, "<b>Admin") || strings.Contains(e.HTML, "Fils <SAS>") {
			t.Errorf("%s: markup from names or comments reached the HTML unescaped", tc.locale)
		}
		if strings.Contains(e.Text, "<table") || strings.Contains(e.Text, "&lt;") {
			t.Errorf("%s: the text part has HTML in it", tc.locale)
		}
	}
}

var imgSrc = regexp.MustCompile(`<img [^>]*src="([^"]*)"`)

// TestEmailParts: what an email with inline images and an attachment is built from, and HTML that mail clients
// show: no script, no external image, every image an inline part, every inline part shown.
func TestEmailParts(t *testing.T) {
	t.Parallel()
	e := renderJuly(t, contract.French)
	srcs := imgSrc.FindAllStringSubmatch(e.HTML, -1)
	if len(srcs) != 2 || len(e.Inline) != 2 {
		t.Fatalf("%d images in the HTML, %d inline parts", len(srcs), len(e.Inline))
	}
	for i, p := range e.Inline {
		if srcs[i][1] != "cid:"+p.ContentID || p.ContentType != "image/png" || !strings.HasSuffix(p.Filename, ".png") ||
			strings.ContainsAny(p.ContentID, "<> ") {
			t.Errorf("image %d: src %q, part %q %q %q", i, srcs[i][1], p.ContentID, p.ContentType, p.Filename)
		}
	}
	if e.Inline[0].ContentID == e.Inline[1].ContentID {
		t.Error("two inline parts share a Content-ID")
	}
	lower := strings.ToLower(e.HTML)
	for _, bad := range []string{"<script", "javascript:", "<link", "@import", "http://", "https://", "<style"} {
		if strings.Contains(lower, bad) {
			t.Errorf("html has %q", bad)
		}
	}
	if len(e.Attachments) != 1 || e.Attachments[0].Filename != "handoff-sla-2026-07-sqls.csv" ||
		e.Attachments[0].ContentType != "text/csv; charset=utf-8" || e.Attachments[0].ContentID != "" {
		t.Errorf("attachments = %+v", e.Attachments)
	}
	if strings.ContainsAny(e.Subject, "\r\n") {
		t.Errorf("subject %q", e.Subject)
	}
	// Every element the template opens, it closes.
	for _, tag := range []string{"html", "body", "table", "tr", "td", "th", "p", "ul", "li", "h1", "h2", "h3", "title"} {
		open := len(regexp.MustCompile(`<`+tag+`[ >]`).FindAllString(e.HTML, -1))
		if closed := strings.Count(e.HTML, "</"+tag+">"); open != closed || open == 0 && tag != "ul" {
			t.Errorf("<%s>: %d opened, %d closed", tag, open, closed)
		}
	}
}

// TestCSV reads the attachment back as a spreadsheet would.
func TestCSV(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		locale contract.Locale
		comma  rune
		within string
	}{{contract.French, ';', "dans le délai"}, {contract.English, ',', "within deadline"}} {
		data := renderJuly(t, tc.locale).Attachments[0].Data
		if !bytes.HasPrefix(data, []byte("\ufeff")) {
			t.Errorf("%s: no byte-order mark", tc.locale)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
		r.Comma = tc.comma
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", tc.locale, err)
		}
		if len(rows) != 8 || len(rows[0]) != 23 {
			t.Fatalf("%s: %d rows of %d cells, want 1+7 of 23", tc.locale, len(rows), len(rows[0]))
		}
		// Columns: 0 lead, 1 handed off, 9 business minutes to contact, 10 contact status, 14 comment.
		l1, l3, l5, l7 := rows[1], rows[3], rows[5], rows[7]
		if l1[0] != "l1" || l1[1] != "2026-07-01 10:00" || l1[9] != "90" || l1[10] != tc.within {
			t.Errorf("%s: l1 row = %q", tc.locale, l1)
		}
		if l5[9] != "360" || l5[8] != "anna" || l5[4] != "anna" || l5[18] != "2" || l5[19] != "1" {
			t.Errorf("%s: l5 row (reassigned) = %q", tc.locale, l5)
		}
		if l3[14] != "'=cmd|' /C calc'!A0 <script>alert(1)</script>" {
			t.Errorf("%s: comment cell = %q, want it neutralised", tc.locale, l3[14])
		}
		if l7[6] != "" || l7[9] != "" {
			t.Errorf("%s: l7 was not contacted by the report's date: %q", tc.locale, l7)
		}
		if !strings.Contains(rows[0][1], "Europe/Paris") {
			t.Errorf("%s: header %q does not name the zone", tc.locale, rows[0][1])
		}
	}
}

func TestNeutralise(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=1+1":                       "'=1+1",
		"+33 6 12 34 56 78":          "'+33 6 12 34 56 78",
		"-2+3":                       "'-2+3",
		"@SUM(A1:A9)":                "'@SUM(A1:A9)",
		"\t=1":                       "'\t=1",
		"\r=1":                       "'\r=1",
		"\n=1":                       "'\n=1",
		"  =HYPERLINK(\"http://x\")": "'  =HYPERLINK(\"http://x\")",
		"＝1+1":                       "'＝1+1",
		"gmao-2026":                  "gmao-2026",
		"a=b":                        "a=b",
		"":                           "",
		"   ":                        "   ",
		"Élodie":                     "Élodie",
	} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestCSVHostileCells: every cell that comes from outside (sources, campaigns, comments, IDs) is neutralised.
func TestCSVHostileCells(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	h := Handoff{LeadID: "l1", At: at("2026-07-01 10:00"), RepID: "-rep", Source: "@evil", UTMCampaign: "=HYPERLINK(\"http://evil\",\"x\")",
		Answer: Rejected, AnsweredAt: at("2026-07-01 11:00"), RejectReason: "+reason", RejectComment: "\t-2+3", ContactChannel: "=1"}
	r := Compute(c, Input{Month: contract.Month{Year: 2026, Month: 7}, Handoffs: []Handoff{h}})
	e, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(e.Attachments[0].Data, []byte("\ufeff"))))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range rows[1] {
		if cell != "" && strings.ContainsRune("=+-@\t\r", rune(strings.TrimLeft(cell, " ")[0])) {
			t.Errorf("cell %q would run as a formula", cell)
		}
	}
	if rows[1][2] != "'@evil" || rows[1][3] != "'=HYPERLINK(\"http://evil\",\"x\")" || rows[1][14] != "'\t-2+3" {
		t.Errorf("row = %q", rows[1])
	}
}

// TestCharts: the PNGs decode, have the expected size, and weigh what an email can carry.
func TestCharts(t *testing.T) {
	t.Parallel()
	for _, p := range renderJuly(t, contract.French).Inline {
		img, err := png.Decode(bytes.NewReader(p.Data))
		if err != nil {
			t.Fatalf("%s: %v", p.Filename, err)
		}
		if b := img.Bounds(); b.Dx() != chartWidth || b.Dy() != chartHeight {
			t.Errorf("%s: %dx%d", p.Filename, b.Dx(), b.Dy())
		}
		if n := len(p.Data); n < 5_000 || n > 200_000 {
			t.Errorf("%s: %d bytes", p.Filename, n)
		}
	}
}

// TestChartYAxisFromZero measures the bars in the PNG: with the axis from 0, a bar of 48 is 1.2 times as tall
// as a bar of 40 (an axis starting near 40 would make it many times taller).
func TestChartYAxisFromZero(t *testing.T) {
	t.Parallel()
	red, blue := drawing.Color{R: 255, A: 255}, drawing.Color{B: 255, A: 255}
	for _, tc := range []struct{ a, b float64 }{{40, 48}, {20, 40}, {1, 3}, {0.5, 6}} {
		data, err := barChart{title: "t", labels: []string{"a", "b"}, bars: [][]float64{{tc.a}, {tc.b}},
			refs: []float64{math.NaN(), math.NaN()}, line: math.NaN(), tick: func(v float64) string { return "" },
			colour: func(slot, _ int) drawing.Color { return []drawing.Color{red, blue}[slot] }}.png()
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		ha, hb := barHeight(img, color.RGBA{255, 0, 0, 255}), barHeight(img, color.RGBA{0, 0, 255, 255})
		if ha == 0 || math.Abs(float64(hb)/float64(ha)-tc.b/tc.a) > 0.03*tc.b/tc.a+2/float64(ha) {
			t.Errorf("bars of %g and %g are %d and %d pixels tall", tc.a, tc.b, ha, hb)
		}
	}
}

// barHeight is the height of the pixels of exactly colour c.
func barHeight(img image.Image, c color.RGBA) int {
	top, bottom := -1, -1
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				if top < 0 {
					top = y
				}
				bottom = y
				break
			}
		}
	}
	if top < 0 {
		return 0
	}
	return bottom - top + 1
}

func TestNiceScale(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ top, step, ceiling float64 }{
		{0, 1, 1}, {1, 1, 1}, {7, 2, 8}, {52.8, 10, 60}, {4.4, 1, 5}, {130, 50, 150}, {10_000, 2000, 10_000}, {0.4, 1, 1},
	} {
		if step, ceiling := niceScale(tc.top); step != tc.step || ceiling != tc.ceiling {
			t.Errorf("niceScale(%g) = %g, %g; want %g, %g", tc.top, step, ceiling, tc.step, tc.ceiling)
		}
	}
}

// TestLongLists: the HTML keeps the ten campaigns with most SQLs (the rest in one row) and twenty comments (the
// rest counted, all of them in the CSV).
func TestLongLists(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	in := Input{Month: contract.Month{Year: 2026, Month: 7}}
	for i := range 25 {
		in.Handoffs = append(in.Handoffs, Handoff{LeadID: fmt.Sprintf("l%02d", i), At: at("2026-07-01 10:00").Add(time.Duration(i) * time.Hour),
			RepID: "anna", UTMCampaign: fmt.Sprintf("camp-%02d", i%12), Answer: Rejected, AnsweredAt: at("2026-07-28 10:00"),
			RejectReason: "other", RejectComment: fmt.Sprintf("comment number %02d", i)})
	}
	e, err := Render(Compute(c, in))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(e.HTML, "Autres campagnes (2)") || strings.Contains(e.HTML, ">camp-11<") || !strings.Contains(e.HTML, ">camp-00<") {
		t.Error("campaigns beyond the tenth are not summed up in one row")
	}
	if !strings.Contains(e.HTML, "comment number 19") || strings.Contains(e.HTML, "comment number 20") ||
		!strings.Contains(e.HTML, "… et 5 autres dans le CSV joint") {
		t.Error("comments beyond the twentieth are not counted instead of shown")
	}
	if !strings.Contains(string(e.Attachments[0].Data), "comment number 24") {
		t.Error("the CSV lacks a comment")
	}
}

// TestRenderCopy: a copy sent again, or one that may be a duplicate, says so first in both parts; its charts and
// CSV are byte for byte the report's own, and so is everything after the notice.
func TestRenderCopy(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	r := Compute(c, july())
	first, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		copy   Copy
		notice string
	}{
		{Copy{Resend: 2}, "Nouvel envoi de ce rapport, à la demande (copie n° 2)"},
		{Copy{Resend: 1, PossibleDuplicate: true}, "Nouvel envoi de ce rapport, à la demande (copie n° 1)"},
		{Copy{PossibleDuplicate: true}, "Vous avez peut-être déjà reçu ce rapport"},
	} {
		e, err := RenderCopy(r, tc.copy)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(e.Text, "*** "+tc.notice) || !strings.Contains(e.HTML, tc.notice) || strings.Contains(first.HTML, tc.notice) {
			t.Errorf("%+v: the notice %q is not first in the text, or not in the HTML", tc.copy, tc.notice)
		}
		if _, rest, _ := strings.Cut(e.Text, "\n\n"); rest != first.Text {
			t.Errorf("%+v: the text after the notice differs from the report's", tc.copy)
		}
		if tc.copy.PossibleDuplicate && !strings.Contains(e.Text, "Vous avez peut-être déjà reçu ce rapport") {
			t.Errorf("%+v: the text does not say it may be a duplicate", tc.copy)
		}
		want := "Rapport SLA marketing–ventes de Test & Fils <SAS> : juillet 2026 (copie n° " + strconv.Itoa(tc.copy.Resend) + ")"
		if tc.copy.Resend == 0 {
			want = first.Subject
		}
		if e.Subject != want {
			t.Errorf("%+v: subject %q, want %q: a copy says so in the inbox", tc.copy, e.Subject, want)
		}
		if !bytes.Equal(e.Attachments[0].Data, first.Attachments[0].Data) ||
			len(e.Inline) != len(first.Inline) || !bytes.Equal(e.Inline[0].Data, first.Inline[0].Data) || !bytes.Equal(e.Inline[1].Data, first.Inline[1].Data) {
			t.Errorf("%+v: the subject, the charts or the CSV differ from the report's", tc.copy)
		}
	}
}

// TestStoredRendersTheSame: a report stored (encoded) and read back renders the same email, byte for byte, in
// both locales; encoding is deterministic.
func TestStoredRendersTheSame(t *testing.T) {
	t.Parallel()
	for _, l := range []contract.Locale{contract.French, contract.English} {
		c := parseContract(t, testContract)
		c.Locale = l
		r := Compute(c, july())
		b, err := Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := Encode(Compute(c, july())); !bytes.Equal(b, again) || Digest(b) != Digest(again) {
			t.Errorf("%s: two encodings of the same month differ", l)
		}
		back, err := Decode(b)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Render(r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Render(back)
		if err != nil {
			t.Fatal(err)
		}
		if got.Subject != want.Subject || got.HTML != want.HTML || got.Text != want.Text ||
			!bytes.Equal(got.Attachments[0].Data, want.Attachments[0].Data) || len(got.Inline) != len(want.Inline) {
			t.Fatalf("%s: the stored report renders differently", l)
		}
		for i := range got.Inline {
			if !bytes.Equal(got.Inline[i].Data, want.Inline[i].Data) {
				t.Errorf("%s: chart %d differs", l, i)
			}
		}
	}
	if _, err := Decode([]byte(`{"Month":{"Year":0,"Month":0}}`)); err == nil {
		t.Error("a stored report without a month decodes")
	}
}

// TestTopRejectReasonWording: the point reads as a sentence whatever the counts ("1 rejets sur 2" did not, and
// neither does "1 of 1 rejections").
func TestTopRejectReasonWording(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		locale contract.Locale
		n, d   int
		want   string
	}{
		{contract.French, 1, 2, "Premier motif de rejet : Pas de budget (1 des 2 rejets)."},
		{contract.French, 3, 7, "Premier motif de rejet : Pas de budget (3 des 7 rejets)."},
		{contract.French, 1, 1, "Premier motif de rejet : Pas de budget (le seul rejet du mois)."},
		{contract.English, 1, 2, "Top rejection reason: No budget (1 of 2 rejections)."},
		{contract.English, 1, 1, "Top rejection reason: No budget (the month's only rejection)."},
	} {
		f := format{l: tc.locale, loc: time.UTC}
		if got := f.point(Report{}, Point{Kind: TopRejectReason, Subject: "no_budget", N: tc.n, D: tc.d}); got != tc.want {
			t.Errorf("%s %d/%d: %q, want %q", tc.locale, tc.n, tc.d, got, tc.want)
		}
	}
}

// TestRepContactShowsItsCounts: a rep's rate says what it counts — the SQLs they held plus those taken from them
// on breach — so that "50 %" next to one SQL held reads "50 % (1/2)".
func TestRepContactShowsItsCounts(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	c.Locale = contract.English
	e, err := Render(Compute(c, july()))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"100% (3/3)", "0% (0/1)"} { // anna; carl, who held none now
		if !strings.Contains(e.Text, want) || !strings.Contains(e.HTML, want) {
			t.Errorf("the per-rep table lacks %q:\n%s", want, e.Text)
		}
	}
}

// TestTiesAreNamed: two reps with as many breaches, two reasons given as often: the review list names both,
// rather than the first of a list.
func TestTiesAreNamed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		locale contract.Locale
		p      Point
		want   string
	}{
		{contract.French, Point{Kind: MostBreaches, Subject: "Sophie Bernard", N: 1, Tied: []Point{{Kind: MostBreaches, Subject: "carl", Left: true, N: 1}}},
			"Le plus de dépassements de délai, à égalité avec 1 : Sophie Bernard et carl (a quitté l'équipe)."},
		{contract.English, Point{Kind: MostBreaches, Subject: "A", N: 2, Tied: []Point{{Kind: MostBreaches, Subject: "B", N: 2}, {Kind: MostBreaches, Subject: "C", N: 2}}},
			"Most deadline breaches, tied at 2: A, B and C."},
		{contract.English, Point{Kind: TopRejectReason, Subject: "no_budget", N: 1, D: 2, Tied: []Point{{Kind: TopRejectReason, Subject: "duplicate", N: 1, D: 2}}},
			"Top rejection reasons, tied: No budget and Duplicate (1 each, of 2 rejections)."},
	} {
		f := format{l: tc.locale, loc: time.UTC}
		if got := f.point(Report{}, tc.p); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
	// Computed: the two reasons of July are given once each.
	r := Compute(parseContract(t, testContract), july())
	for _, p := range r.Discuss {
		if p.Kind == TopRejectReason && (len(p.Tied) != 1 || p.Tied[0].Subject != "other") {
			t.Errorf("top reason %+v, want no_budget tied with other", p)
		}
	}
}

// TestLongValuesWrapShortOnesDoNot: a 200-character campaign can wrap in its cell (a zero-width space every 20
// characters, in the HTML only); a name is never cut inside, and no CSS lets a cell break anywhere.
func TestLongValuesWrapShortOnesDoNot(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("abcdefghij", 20)
	got := breakable("Sophie Bernard " + long)
	if !strings.HasPrefix(got, "Sophie Bernard abcdefghijabcdefghij\u200babcdefghij") || strings.Count(got, "\u200b") != 9 ||
		strings.ReplaceAll(got, "\u200b", "") != "Sophie Bernard "+long {
		t.Errorf("breakable = %q", got)
	}
	if got := breakable("Sophie Bernard"); got != "Sophie Bernard" {
		t.Errorf("a short value changed: %q", got)
	}
	c := parseContract(t, testContract)
	in := july()
	in.Handoffs[0].UTMCampaign = long
	e, err := Render(Compute(c, in))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.HTML, "overflow-wrap:anywhere") || strings.Contains(e.HTML, "word-break") || !strings.Contains(e.HTML, "abcdefghij\u200babcdefghij") {
		t.Error("the HTML lets cells break anywhere, or the long campaign cannot wrap")
	}
	if strings.Contains(e.Text, "\u200b") || bytes.Contains(e.Attachments[0].Data, []byte("\u200b")) {
		t.Error("zero-width spaces leaked into the text part or the CSV")
	}
}

// TestCountsAgree: a count's words agree with it, in both languages ("1 contact", French "0 contact"), and the
// points for the review say what they count.
func TestCountsAgree(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		locale contract.Locale
		key    string
		n      int
		want   string
	}{
		{contract.French, "contacts", 0, "0 contact"},
		{contract.French, "contacts", 1, "1 contact"},
		{contract.French, "contacts", 2, "2 contacts"},
		{contract.English, "contacts", 0, "0 contacts"},
		{contract.English, "contacts", 1, "1 contact"},
		{contract.English, "contacts", 1200, "1,200 contacts"},
		{contract.French, "more", 1, "… et 1 autre dans le CSV joint"},
		{contract.French, "more", 3, "… et 3 autres dans le CSV joint"},
		{contract.English, "more", 1, "… and 1 more in the attached CSV"},
		{contract.French, "csv", 0, "Aucun SQL ce mois-ci : le CSV joint n'a que ses en-têtes."},
		{contract.French, "csv", 1, "Le détail du SQL du mois est joint (CSV)."},
		{contract.French, "csv", 48, "Le détail des 48 SQL du mois est joint (CSV)."},
		{contract.English, "csv", 1, "The month's one SQL is attached (CSV)."},
	} {
		f := format{l: tc.locale, loc: time.UTC}
		plural := map[string]words.Plural{"contacts": f.t().Contacts, "more": f.t().More, "csv": f.t().CSV}[tc.key]
		if got := strings.ReplaceAll(f.n(plural, tc.n), "\u00a0", " "); got != tc.want {
			t.Errorf("%s %s %d: %q, want %q", tc.locale, tc.key, tc.n, got, tc.want)
		}
	}
	f := format{l: contract.French, loc: time.UTC}
	if got := f.point(Report{}, Point{Kind: SourceMostlyRejected, Subject: "site", N: 2, D: 3}); got != "Les SQL de la source site sont surtout rejetés : 2 rejets sur 3 réponses." {
		t.Errorf("mostly rejected: %q", got)
	}
	if got := f.point(Report{}, Point{Kind: SQLTargetMissed, N: 1, D: 5}); got != "Objectif de SQL non tenu : 1 sur 5 (20\u00a0%)." {
		t.Errorf("target missed: %q", got)
	}
}

// TestTheCSVShowsTheHandoffAsItsClockCounts: an SQL handed off at 09:59:40 has its deadline counted from 10:00;
// the CSV shows 10:00, so that "handed off + 4h" is the deadline the rep was given.
func TestTheCSVShowsTheHandoffAsItsClockCounts(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	handed := at("2026-07-06 09:59").Add(40 * time.Second)
	h := Handoff{LeadID: "l1", At: handed, RepID: "anna", Assignments: []Assignment{{RepID: "anna", At: handed}},
		FirstContactDue: at("2026-07-06 15:00"), FeedbackDue: at("2026-07-08 10:00")}
	e, err := Render(Compute(c, Input{Month: contract.Month{Year: 2026, Month: 7}, AsOf: at("2026-08-01 08:00"), Handoffs: []Handoff{h}}))
	if err != nil {
		t.Fatal(err)
	}
	if csv := string(e.Attachments[0].Data); !strings.Contains(csv, "l1;2026-07-06 10:00;") {
		t.Errorf("the CSV's hand-off:\n%s", csv)
	}
}

// TestRenderRefusesWhatItCannotSay: a report whose language has no words (a report of record names its own), or
// that raises a point the words do not know, is an error — never English instead, never a key's name.
func TestRenderRefusesWhatItCannotSay(t *testing.T) {
	t.Parallel()
	c := parseContract(t, testContract)
	for _, tc := range []struct {
		name string
		edit func(*Report)
		want string
	}{
		{"as it is", func(*Report) {}, ""},
		{"a language without words", func(r *Report) { r.Locale = "de" }, `no words in language "de"`},
		{"no language", func(r *Report) { r.Locale = "" }, `no words in language ""`},
		{"a point without words", func(r *Report) { r.Discuss = append(r.Discuss, Point{Kind: "new_kind"}) }, `no words for a point of kind "new_kind"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := Compute(c, Input{Month: contract.Month{Year: 2026, Month: 7}, AsOf: at("2026-08-01 08:00")})
			tc.edit(&r)
			_, err := Render(r)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
