package store

import (
	"context"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/ideas"
)

// quartersIdeas are the ideas and field feedback recorded in m's quarter up to m (one Query a month, on the
// base table: pk = IDEAS#<yyyy-mm>), not after asOf (zero: everything): the report lists the month's and counts
// the quarter's ideas per rep.
func (s *Months) quartersIdeas(ctx context.Context, m contract.Month, asOf time.Time) ([]ideas.Record, error) {
	st := &Ideas{db: s.db, t: s.t}
	var out []ideas.Record
	for _, mo := range ideas.QuarterMonths(m) {
		rs, err := st.Month(ctx, mo)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if asOf.IsZero() || !r.At.After(asOf) {
				out = append(out, r)
			}
		}
	}
	return out, nil
}
