package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/handoff-sla/handoff/internal/contract"
)

// hostile are values from outside — a UTM campaign, a source, a reject comment, a rep's name in the contract —
// made to break out of the report: markup, a script, quotes that close an attribute, bidirectional overrides that
// reorder what is read, and line breaks that would forge lines of the text part.
var hostile = map[string]string{
	"campaign": "</td><script>alert('c')</script>\" onmouseover=\"x\u202Egnp.exe\r\nForged: line",
	"source":   "'><img src=x onerror=alert(1)>\u2066src\u2069",
	"comment":  "=HYPERLINK(\"http://evil\")\n<style>body{display:none}</style>\u202Eabc\u2028def",
	"rep":      "Zoé <b onclick=\"x\">Bold</b> \u202E& Co",
}

// hostileReport is a month whose every free text is hostile.
func hostileReport(t *testing.T, l contract.Locale) (Report, Email) {
	t.Helper()
	c := parseContract(t, strings.Replace(testContract, "name: Bruno Lefèvre", "name: '"+strings.ReplaceAll(hostile["rep"], "'", "''")+"'", 1))
	c.Locale = l
	in := july()
	for i := range in.Handoffs {
		h := &in.Handoffs[i]
		h.Source, h.UTMCampaign = hostile["source"], hostile["campaign"]
		if h.RejectReason != "" {
			h.RejectReason, h.RejectComment = OtherReason, hostile["comment"]
		}
	}
	r := Compute(c, in)
	e, err := Render(r)
	if err != nil {
		t.Fatal(err)
	}
	return r, e
}

// The elements and attributes the report's HTML is made of: anything else came from a value.
var (
	allowedElements = map[string]bool{"html": true, "head": true, "meta": true, "title": true, "body": true, "table": true,
		"tbody": true, "tr": true, "td": true, "th": true, "p": true, "h1": true, "h2": true, "h3": true, "ul": true, "li": true,
		"img": true, "br": true}
	allowedAttributes = map[string]bool{"lang": true, "charset": true, "name": true, "content": true, "role": true,
		"width": true, "height": true, "cellpadding": true, "cellspacing": true, "border": true, "style": true, "align": true,
		"valign": true, "src": true, "alt": true}
)

// TestHostileStringsStayText parses the HTML as a browser would (golang.org/x/net/html) and checks that the
// hostile values added no element, no attribute and no style, and that they read as text — without their
// bidirectional controls, in both parts; the text part has no line a value forged.
func TestHostileStringsStayText(t *testing.T) {
	t.Parallel()
	for _, l := range []contract.Locale{contract.French, contract.English} {
		_, e := hostileReport(t, l)
		doc, err := html.Parse(strings.NewReader(e.HTML))
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		styles := map[string]bool{}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			switch n.Type {
			case html.ElementNode:
				if !allowedElements[n.Data] {
					t.Errorf("%s: element <%s> in the HTML", l, n.Data)
				}
				for _, a := range n.Attr {
					if !allowedAttributes[a.Key] && (a.Key != "id" || a.Val != commitmentsID) { // the one id: a constant
						t.Errorf("%s: attribute %s=%q on <%s>", l, a.Key, a.Val, n.Data)
					}
					if a.Key == "src" && !strings.HasPrefix(a.Val, "cid:") {
						t.Errorf("%s: image source %q", l, a.Val)
					}
					if a.Key == "style" {
						styles[a.Val] = true
					}
				}
			case html.TextNode:
				text.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		for s := range styles {
			if strings.ContainsAny(s, "{}<>\"'") || strings.Contains(s, "display:none") {
				t.Errorf("%s: style %q", l, s)
			}
		}
		shown := strings.ReplaceAll(text.String(), "\u200b", "") // the break opportunities of long values
		for _, w := range []string{
			"</td><script>alert('c')</script>\" onmouseover=\"xgnp.exe  Forged: line", // in the campaigns' table
			"'><img src=x onerror=alert(1)>src",                                       // in the sources' table
			"<style>body{display:none}</style>abc def",                                // a comment of "other"
			"Zoé <b onclick=\"x\">Bold</b> & Co",                                      // the rep
		} {
			if !strings.Contains(shown, w) {
				t.Errorf("%s: the HTML does not show %q as text", l, w)
			}
		}
		for _, part := range []struct{ name, s string }{{"html", e.HTML}, {"text", e.Text}} {
			if strings.ContainsAny(part.s, "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u2028\u2029\r") {
				t.Errorf("%s: the %s part keeps a bidirectional control, a separator or a CR", l, part.name)
			}
		}
		for _, line := range strings.Split(e.Text, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "Forged:") {
				t.Errorf("%s: a value forged a line of the text part: %q", l, line)
			}
		}
		if !strings.Contains(e.Text, "Zoé <b onclick=\"x\">Bold</b> & Co") {
			t.Errorf("%s: the text part does not show the rep's name as written", l)
		}
	}
}

// TestHostileStringsInCSV: the CSV keeps every value as data — quoted where it holds the separator, a quote or
// a line break — and a spreadsheet runs none as a formula.
func TestHostileStringsInCSV(t *testing.T) {
	t.Parallel()
	r, e := hostileReport(t, contract.French)
	rd := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(e.Attachments[0].Data, []byte("\ufeff"))))
	rd.Comma = ';'
	rows, err := rd.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(r.SQLs) {
		t.Fatalf("%d rows for %d SQLs", len(rows), len(r.SQLs))
	}
	// Bidirectional controls are dropped as in the other parts; line breaks stay, each as LF (spreadsheets show
	// a quoted CRLF as one break; U+2028 is a line separator).
	source := "'><img src=x onerror=alert(1)>src"
	campaign := "</td><script>alert('c')</script>\" onmouseover=\"xgnp.exe\nForged: line"
	comment := "=HYPERLINK(\"http://evil\")\n<style>body{display:none}</style>abc\ndef"
	for _, row := range rows[1:] {
		if row[2] != source || row[3] != campaign {
			t.Errorf("source, campaign = %q, %q", row[2], row[3])
		}
		if row[14] != "" && row[14] != "'"+comment {
			t.Errorf("comment = %q, want it kept and neutralised", row[14])
		}
	}
}

func TestPlain(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                        "",
		"Élodie Müller":           "Élodie Müller",
		"a\r\nb":                  "a  b",
		"x\u202Egnp.exe":          "xgnp.exe",
		"\u2066isolated\u2069":    "isolated",
		"mark\u200f\u200e":        "mark",
		"line\u2028para\u2029end": "line para end",
		"tab\there\x00nul\x7fdel": "tab here nul del",
		"emoji 👩‍💻 and joiner":    "emoji 👩‍💻 and joiner",
	} {
		if got := plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
}
