package email

import (
	"bytes"
	"fmt"
	"net/mail"
	texttemplate "text/template"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/mailtag"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/words"
)

var (
	htmlReportBounce = parseHTML("reportbounce.html.tmpl")
	textReportBounce = texttemplate.Must(texttemplate.New("reportbounce.txt.tmpl").ParseFS(files, "templates/reportbounce.txt.tmpl"))
)

type reportBounceView struct {
	Locale                              contract.Locale
	Subject, Hello, Intro, Todo, Footer string
}

// ReportBounceMessage is the email that tells marketing ops SES reported the monthly report of month (yyyy-mm)
// bounced or complained of (kind): which month, what SES said, how to send it again. It names nobody: SES's
// report names an address, which Handoff does not keep. A contract without marketing ops makes it unsendable
// (outbox.ErrUnsendable, wrapping ErrNoRecipient); a month that is not one, too.
func ReportBounceMessage(c *contract.Contract, month string, kind handoff.BounceKind) (Message, error) {
	if len(c.Recipients.MarketingOps) == 0 {
		return Message{}, fmt.Errorf("%w: %w (recipients.marketing_ops)", outbox.ErrUnsendable, ErrNoRecipient)
	}
	at, err := time.Parse("2006-01", month)
	if err != nil {
		return Message{}, fmt.Errorf("%w: the report's month %q: not yyyy-mm", outbox.ErrUnsendable, month)
	}
	m := contract.MonthOf(at)
	w, cm := words.ForEmail(c.Locale), words.ForCommon(c.Locale)
	what := map[handoff.BounceKind]string{handoff.BouncePermanent: w.BounceKindPermanent, handoff.BounceTransient: w.BounceKindTransient,
		handoff.BounceComplaint: w.BounceKindComplaint}[kind]
	name := cm.Month(m.Year, m.Month)
	v := reportBounceView{Locale: c.Locale, Subject: header(fmt.Sprintf(w.ReportBounceSubject, name)), Hello: w.EventHelloOps,
		Intro: fmt.Sprintf(w.ReportBounceIntro, name, what), Todo: fmt.Sprintf(w.ReportBounceTodo, `{"month":"`+m.String()+`","resend":true}`),
		Footer: fmt.Sprintf(cm.Footer, c.Company)}
	var h, t bytes.Buffer
	if err := htmlReportBounce.Execute(&h, v); err != nil {
		return Message{}, fmt.Errorf("report bounce email: %w", err)
	}
	if err := textReportBounce.Execute(&t, v); err != nil {
		return Message{}, fmt.Errorf("report bounce email: %w", err)
	}
	msg := Message{From: c.Sender, Subject: v.Subject, HTML: h.String(), Text: t.String(),
		Tags: mailtag.Ref{Kind: mailtag.KindOps, Month: m.String()}.Tags()}
	for _, a := range c.Recipients.MarketingOps {
		msg.To = append(msg.To, &mail.Address{Address: a})
	}
	return msg, nil
}
