package store

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/outbox"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// alertAttributes are what the report reads of a hand-off item by key: its key, when it was alerted (alertedAt,
// written once) and, for an item stored before alertedAt was kept, its SQL email's status and sending instant.
// Not through by-month, which projects no email state (and an index's projection cannot change in place); the
// report's role may read of a hand-off these top-level attributes only (template.yaml, TheMonthsSQLEmailsOnly).
var alertAttributes = []string{"pk", "sk", "alertedAt", "alertBouncedAt", "mail.status", "mail.sentAt"}

// alertKeys are the keys of m's hand-offs in in, and where each is in in.Handoffs.
type alertKeys struct {
	at   map[string]int // pk/sk -> index in in.Handoffs
	keys []map[string]types.AttributeValue
}

func (s *Months) alertKeys(m contract.Month, in *records.Input) alertKeys {
	a := alertKeys{at: map[string]int{}}
	for i, h := range in.Handoffs {
		if contract.MonthOf(h.At.In(s.zone())) != m {
			continue
		}
		pk, sk := leadPK(h.LeadID), handoffSK(h.At)
		if _, dup := a.at[pk+"/"+sk]; dup {
			continue
		}
		a.at[pk+"/"+sk] = i
		a.keys = append(a.keys, key(pk, sk))
	}
	return a
}

// readAlerts sets, on each hand-off of the month in in (alertKeys), when it was alerted (records.Handoff.AlertedAt: its first SQL
// email settled sent), read by key in batches; in.Alerts says they were read. An item without alertedAt was
// stored before it was kept, or not alerted yet: if it was never reassigned, its email is the first one, and its
// sending instant stands for alertedAt (the store writes that same instant as alertedAt at the item's next
// write, handoff.NoteAlerted); if it was, whether its first email was sent is no longer held (AlertUnknown). A
// hand-off whose item is gone (forgotten since) reads as not alerted.
func (s *Months) readAlerts(ctx context.Context, in *records.Input, a alertKeys) error {
	at, keys := a.at, a.keys
	var mu sync.Mutex
	err := batchGet(ctx, s.db, s.t.SLA, keys, alertAttributes, s.Parallel, func(item map[string]types.AttributeValue) error {
		var it handoffItem
		if err := unmarshal(item, &it); err != nil {
			return err
		}
		r := reader{item: it.PK + "/" + it.SK}
		i, ok := at[it.PK+"/"+it.SK]
		if !ok {
			return fmt.Errorf("stored item %s: not a hand-off asked for", r.item)
		}
		alerted := r.time("alertedAt", it.AlertedAt)
		bounced := r.time("alertBouncedAt", it.AlertBouncedAt)
		sent := r.time("mail.sentAt", it.Mail.SentAt)
		if r.err != nil {
			return r.err
		}
		mu.Lock()
		defer mu.Unlock()
		h := &in.Handoffs[i]
		h.AlertBouncedAt = bounced
		switch {
		case !alerted.IsZero():
			h.AlertedAt = alerted
		case len(h.Assignments) > 1:
			h.AlertUnknown = true
		case outbox.MailStatus(it.Mail.Status) == outbox.MailSent:
			h.AlertedAt = sent
		}
		return nil
	})
	if err != nil {
		return err
	}
	in.Alerts = true
	return nil
}
