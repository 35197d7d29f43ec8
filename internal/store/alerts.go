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

// alertAttributes are what the report reads of a hand-off item by key: its key and its SQL email's status and
// sending instant, for the commitment to alert sales to each SQL. Not through by-month, which projects no email
// state (and an index's projection cannot change in place); the report's role may read of a hand-off these
// top-level attributes only (template.yaml, TheMonthsSQLEmailsOnly).
var alertAttributes = []string{"pk", "sk", "mail.status", "mail.sentAt"}

// readAlerts sets, on each hand-off of m in in, when its SQL email was sent (records.Handoff.AlertSentAt) or that it
// is on its way (AlertPending), read by key in batches; in.Alerts says they were read. A hand-off whose item is
// gone (forgotten since) reads as neither: not sent.
func (s *Months) readAlerts(ctx context.Context, m contract.Month, in *records.Input) error {
	at := map[string]int{} // pk/sk -> index in in.Handoffs
	var keys []map[string]types.AttributeValue
	for i, h := range in.Handoffs {
		if contract.MonthOf(h.At.In(s.zone())) != m {
			continue
		}
		pk, sk := leadPK(h.LeadID), handoffSK(h.At)
		if _, dup := at[pk+"/"+sk]; dup {
			continue
		}
		at[pk+"/"+sk] = i
		keys = append(keys, key(pk, sk))
	}
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
		sent := r.time("mail.sentAt", it.Mail.SentAt)
		if r.err != nil {
			return r.err
		}
		mu.Lock()
		defer mu.Unlock()
		switch outbox.MailStatus(it.Mail.Status) {
		case outbox.MailSent:
			in.Handoffs[i].AlertSentAt = sent
		case outbox.MailClaimed, outbox.MailSending:
			in.Handoffs[i].AlertPending = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	in.Alerts = true
	return nil
}
