package notify

import (
	"context"
	"maps"

	"github.com/handoff-sla/handoff/internal/routing"
)

// batchLoads serves a batch's claims the teams' loads read once, kept up to date with the batch's own claims:
// the claims are made one after another, so only another batch or shard (or an answer closing an SQL) moves them
// meanwhile. That never breaks a claim: it is conditional on the chosen rep's count and capacity, so a stale
// count fails it (routing.ErrCountChanged) and the loads are read again (forget). A choice may rest on another
// rep's count as read a moment before, as it would under any concurrency. It saves two queries per claim.
type batchLoads struct {
	read  routing.LoadReader
	teams map[string]map[string]routing.Load
}

func newBatchLoads(read routing.LoadReader) *batchLoads {
	return &batchLoads{read: read, teams: map[string]map[string]routing.Load{}}
}

// TeamLoads implements routing.LoadReader: the cached loads, read on first use.
func (b *batchLoads) TeamLoads(ctx context.Context, team string) (map[string]routing.Load, error) {
	if l, ok := b.teams[team]; ok {
		return maps.Clone(l), nil
	}
	l, err := b.read.TeamLoads(ctx, team)
	if err != nil {
		return nil, err
	}
	b.teams[team] = l
	return maps.Clone(l), nil
}

// claimed applies a committed claim as store.Handoffs.Claim wrote it: the rep's open SQLs (shared by every team:
// one LOAD item per rep), and with a count the team's round-robin counts (the rep's, and a brand-new team's other
// reps started at 0).
func (b *batchLoads) claimed(rep string, count *routing.Count) {
	for _, loads := range b.teams {
		l := loads[rep]
		l.Open++
		loads[rep] = l
	}
	if count == nil {
		return
	}
	loads, ok := b.teams[count.Team]
	if !ok {
		return
	}
	l := loads[count.RepID]
	if l.Known {
		l.Assigned++
	} else {
		l.Assigned, l.Known = count.Baseline+1, true
	}
	loads[count.RepID] = l
	for _, other := range count.StartTeam {
		if o := loads[other]; !o.Known {
			loads[other] = routing.Load{Open: o.Open, Known: true}
		}
	}
}

// forget drops what was read: another writer moved a count.
func (b *batchLoads) forget() { clear(b.teams) }
