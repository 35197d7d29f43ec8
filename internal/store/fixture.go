package store

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/handoff-sla/handoff/internal/handoff"
	"github.com/handoff-sla/handoff/internal/report/records"
)

// The item encoders below give test support (internal/store/storetest, which seeds a month or a hundred thousand
// hand-offs in bulk) the store's own item shapes — keys, index attributes, expiry — so that fixtures cannot drift
// from what the functions write. They are package functions, not methods: the linker drops a function no
// binary calls, while the functions that render html/template keep every exported method of every type
// reflection may reach (Tables and the store types are), so a method would be linked into them for nothing.
// No function calls them; they write nothing.

// Item is one item of one table, as the store writes it.
type Item struct {
	Table      string
	Attributes map[string]types.AttributeValue
}

// CreatedItem is a lead's creation record (SlaTable, by-month kind lead), as ingest writes it.
func CreatedItem(t Tables, c records.Created) Item {
	return Item{t.SLA, marshal(t.newCreatedItem(c.LeadID, string(c.Stage), c.At, c.Source, "", "", c.UTMCampaign))}
}

// TransitionItem is a lead's stage change (SlaTable, by-month kind stage.<to>), as scoring writes it, with the
// cause given (scoring writes the rule or activity that moved the lead).
func TransitionItem(t Tables, tr records.Transition, cause string) Item {
	return Item{t.SLA, marshal(transitionItem{From: string(tr.From), Cause: cause, ContractVersion: tr.ContractVersion, Source: tr.Source,
		UTMCampaign: tr.UTMCampaign, Amount: tr.Amount, Currency: tr.Currency}.keyed(t, tr.LeadID, string(tr.To), tr.At))}
}

// EventItem is an SLA event of a hand-off (SlaTable), as the deadline checker and the answers write it.
func EventItem(t Tables, e handoff.Event) Item { return Item{t.SLA, marshal(t.newEventItem(e))} }

// HandoffItem is a hand-off (SlaTable, with its due-checks and by-month attributes) as it stands at now.
func HandoffItem(t Tables, h *handoff.Handoff, now time.Time) Item {
	return Item{t.SLA, marshal(t.newHandoffItem(h, now))}
}

// CurrentLeadItem is a lead's profile (LeadsTable) written only as far as the report reads it (records.Current):
// its stage and whether its score fell below the SQL threshold.
func CurrentLeadItem(t Tables, id string, cur records.Current, now time.Time) Item {
	return Item{t.Leads, marshal(leadItem{PK: leadPK(id), SK: profileSK, Type: "lead", LeadID: id, Stage: string(cur.Stage),
		BelowSQL: cur.BelowSQLThreshold, BelowSQLAts: stamps(cur.BelowSQLAts), CreatedAt: stamp(now), UpdatedAt: stamp(now), Version: 1,
		ExpiresAt: t.leadExpiry(now)})}
}
