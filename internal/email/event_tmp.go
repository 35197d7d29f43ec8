package email

// TEMPORARY stand-in until the deadline emails land (branch deadline-emails); deleted at the merge.

import (
	"errors"
	"fmt"
	"net/mail"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/handoff"
)

var ErrNoRecipient = errors.New("no recipient")

func EventMessage(c *contract.Contract, h handoff.Handoff, e handoff.Event, links Links, now time.Time) (Message, error) {
	var to []*mail.Address
	switch e.Kind {
	case handoff.EventReminder, handoff.EventFeedbackReminder, handoff.EventFeedbackBreach:
		r, _ := c.Rep(e.RepID)
		to = append(to, &mail.Address{Name: r.Name, Address: r.Email})
	case handoff.EventAwayEscalation, handoff.EventFirstContactBreach:
		m, _ := c.Manager(e.ManagerID)
		to = append(to, &mail.Address{Name: m.Name, Address: m.Email})
	default:
		if len(c.Recipients.MarketingOps) == 0 {
			return Message{}, ErrNoRecipient
		}
		to = append(to, &mail.Address{Address: c.Recipients.MarketingOps[0]})
	}
	text := fmt.Sprintf("%s\ndue %s\nlate %s\nleft %s\n%s\n", h.LeadCompany, h.FirstContactDue.In(c.Location).Format("15:04"), Hours(time.Duration(e.BusinessMinutesLate)*time.Minute), Hours(c.Calendar.Between(now, h.FirstContactDue)), links.Contacted)
	var cc []*mail.Address
	if (e.Kind == handoff.EventFirstContactBreach || e.Kind == handoff.EventAwayEscalation) && c.Sales.EscalateToMarketingOps {
		cc = append(cc, &mail.Address{Address: c.Recipients.MarketingOps[0]})
	}
	if e.Kind == handoff.EventFeedbackBreach {
		m, _ := c.Manager(e.ManagerID)
		cc = append(cc, &mail.Address{Name: m.Name, Address: m.Email})
	}
	return Message{From: c.Sender, To: to, Cc: cc, Subject: fmt.Sprintf("%s %s", e.Kind, h.LeadCompany), HTML: "<p>x</p>", Text: text}, nil
}
