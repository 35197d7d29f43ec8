package deadlines

import (
	"context"
	"encoding/json"
	"errors"
)

// Drainer is another outbox the minute's run drains after the hand-offs: the emails of sales' ideas and field
// feedback (internal/ideas/relay), claimed by the page that recorded them and sent here, where SES already is.
type Drainer interface {
	Drain(ctx context.Context) error
}

// HandleWith is Handle, then each drainer in turn, whatever the checks found: a failing check does not hold back
// the other emails, nor they the checks. The run's error joins theirs (the next run retries what failed).
func (c *Checker) HandleWith(drainers ...Drainer) func(context.Context, json.RawMessage) (Result, error) {
	return func(ctx context.Context, raw json.RawMessage) (Result, error) {
		res, err := c.Handle(ctx, raw)
		errs := []error{err}
		for _, d := range drainers {
			errs = append(errs, d.Drain(ctx))
		}
		return res, errors.Join(errs...)
	}
}
