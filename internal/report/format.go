package report

import (
	"cmp"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/words"
)

// format is the report's words and numbers in one language (package words), in the contract's zone. Its language
// is one words speaks: RenderCopy refuses another (a stored report of record names its own) rather than
// answering in another language's words.
type format struct {
	l   contract.Locale
	loc *time.Location
}

// t is the report's words in f's language.
func (f format) t() *words.Report { return words.ForReport(f.l) }

// cm is what the report shares with every surface in f's language: numbers, dates, the footer.
func (f format) cm() *words.Common { return words.ForCommon(f.l) }

// reason is a reject reason's label: the default reasons' own words, a contract's own reason as its ID (the
// contract's own word for it).
func (f format) reason(id string) string {
	if w, ok := f.cm().RejectReason(id); ok {
		return w
	}
	return id
}

// n is a phrase about n things, n written in it when the form has a verb ("3 contacts", "Le détail du SQL du
// mois est joint" has none).
func (f format) n(p words.Plural, n int) string {
	if w := p.For(n); strings.Contains(w, "%") {
		return fmt.Sprintf(w, f.int(n))
	} else {
		return w
	}
}

// wf is a word of f.t formatted with its arguments.
func (f format) wf(word string, args ...any) string { return fmt.Sprintf(word, args...) }

// int groups thousands: "12 345" (no-break space) in French, "12,345" in English.
func (f format) int(n int) string { return f.cm().Int(n) }

// percent is a rate to a tenth, without a trailing ".0": "87,5 %" or "87.5%"; "—" when undefined.
func (f format) percent(r Ratio) string { return f.percentVs(r, 0) }

// percentVs is percent for a rate judged against threshold (percent; 0 for none): a rate below it never
// shows rounded up to it (89.96% against 90% shows "89,9 %", not the "90 %" it missed).
func (f format) percentVs(r Ratio, threshold int) string {
	if !r.Defined() {
		return f.cm().None
	}
	v := math.Round(r.Percent()*10) / 10
	if threshold > 0 && !r.AtLeast(threshold) && v >= float64(threshold) {
		v = math.Floor(r.Percent()*10) / 10
	}
	return f.pct(v)
}

func (f format) pct(v float64) string { return f.cm().Percent1(v) }

// duration is business time to the minute, "2h05" (words.Duration).
func (f format) duration(d time.Duration) string { return words.Duration(d) }

// hours is a deadline of the contract, "4h", "1h30" (words.Deadline).
func (f format) hours(d time.Duration) string { return words.Deadline(d) }

// month is "novembre 2026" or "November 2026".
func (f format) month(m contract.Month) string { return f.cm().Month(m.Year, time.Month(m.Month)) }

// shortMonth is "nov. 2026" or "Nov 2026".
func (f format) shortMonth(m contract.Month) string {
	return f.cm().ShortMonth(m.Year, time.Month(m.Month))
}

// when is an instant in the contract's zone: "01/12/2026 08:00" or "1 Dec 2026 08:00".
func (f format) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return f.cm().When(t.In(f.loc))
}

// money is "18 500 EUR" or "EUR 18,500", with the cents when there are some.
func (f format) money(m Money) string { return f.cm().Amount(m.Amount, m.Currency) }

// verdict is "tenu"/"met", "non tenu"/"missed" or "pas d'objectif"/"no target", and its tone.
func (f format) verdict(set, met bool) (string, string) {
	switch {
	case !set:
		return f.t().NoTarget, ""
	case met:
		return f.t().Met, "met"
	}
	return f.t().Missed, "missed"
}

// rep is a rep's name, saying when they left.
func (f format) rep(r RepLine) string {
	if r.Left {
		return f.wf(f.t().Left, r.Name)
	}
	return r.Name
}

// subject is what a point is about, as the review list names it.
func (f format) subject(r Report, p Point) string {
	switch p.Kind {
	case NoSQLTarget:
		return f.month(r.Month)
	case TopRejectReason:
		return f.reason(p.Subject)
	case SourceMostlyRejected:
		return cmp.Or(p.Subject, f.t().NoSource)
	case MostBreaches:
		if p.Left {
			return f.wf(f.t().Left, p.Subject)
		}
	}
	return p.Subject
}

// point says a point for the SLA review.
func (f format) point(r Report, p Point) string {
	subject := f.subject(r, p)
	tied := len(p.Tied) > 0
	if tied {
		names := []string{subject}
		for _, t := range p.Tied {
			names = append(names, f.subject(r, t))
		}
		subject = strings.Join(names[:len(names)-1], ", ") + f.t().And + names[len(names)-1]
	}
	word, _ := f.pointWord(p.Kind, tied, p.Kind == TopRejectReason && p.D == 1) // RenderCopy checked the kinds
	return f.wf(word, subject, f.int(p.N), f.int(p.D), f.percent(Ratio{p.N, p.D}), f.pct(float64(p.Target)))
}

// pointWord is the words of a point of kind k: tied with others, or the only one of its kind ("1 of 1
// rejections" reads badly, in French too). ok is false for a kind without words (RenderCopy refuses the report):
// never a point said in a key's name.
func (f format) pointWord(k PointKind, tied, only bool) (word string, ok bool) {
	switch {
	case k == NoSQLTarget:
		return f.t().PointNoSQLTarget, true
	case k == SQLTargetMissed:
		return f.t().PointSQLTargetMissed, true
	case k == MQLTargetMissed:
		return f.t().PointMQLTargetMissed, true
	case k == ContactTargetMissed:
		return f.t().PointContactTargetMissed, true
	case k == MostBreaches && tied:
		return f.t().PointMostBreachesTied, true
	case k == MostBreaches:
		return f.t().PointMostBreaches, true
	case k == TopRejectReason && tied:
		return f.t().PointTopRejectReasonTied, true
	case k == TopRejectReason && only:
		return f.t().PointTopRejectReasonOnly, true
	case k == TopRejectReason:
		return f.t().PointTopRejectReason, true
	case k == SourceMostlyRejected:
		return f.t().PointSourceMostlyRejected, true
	}
	return "", false
}
