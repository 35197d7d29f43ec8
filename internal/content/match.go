package content

import (
	"slices"

	"github.com/handoff-sla/handoff/internal/contract"
)

// Who a piece is for, as the digest and the SQL email read it:
//
//   - no audience (no segment, no industry): every rep, every lead.
//   - segments: the reps whose roster segments include one of them (compared as the contract compares text:
//     case and surrounding spaces aside).
//   - industries: for the digest, the reps of the routing teams whose `when` names an industry condition that
//     one of the piece's industries meets — the reps who receive that industry's SQLs; when no team routes by
//     industry, the contract does not say who covers which industry, and every rep gets it. For the SQL email,
//     a lead whose industry is one of them.
//
// A piece with both segments and industries reaches a rep who matches either.

// ForRep reports whether a piece is for rep, under contract c's roster and routing.
func ForRep(c *contract.Contract, rep contract.Rep, p Piece) bool {
	if p.ForEveryone() || overlaps(p.Segments, rep.Segments) {
		return true
	}
	if len(p.Industries) == 0 {
		return false
	}
	routed := false // does any team route by industry?
	if c.Routing != nil {
		for _, t := range c.Routing.Teams {
			cond, ok := t.When["industry"]
			if !ok {
				continue
			}
			routed = true
			if !slices.Contains(t.Reps, rep.ID) {
				continue
			}
			for _, ind := range p.Industries {
				if cond.Test(ind) {
					return true
				}
			}
		}
	}
	return !routed
}

// ForLead reports whether a piece is relevant to a lead of that industry handed to rep: no audience, the lead's
// industry among the piece's, or one of the rep's segments among the piece's.
func ForLead(p Piece, industry string, rep contract.Rep) bool {
	return p.ForEveryone() || overlaps(p.Segments, rep.Segments) || (industry != "" && overlaps(p.Industries, []string{industry}))
}

// Relevant is, of pieces sorted newest first, the first n relevant to the lead (ForLead).
func Relevant(pieces []Piece, industry string, rep contract.Rep, n int) []Piece {
	var out []Piece
	for _, p := range pieces {
		if len(out) == n {
			break
		}
		if ForLead(p, industry, rep) {
			out = append(out, p)
		}
	}
	return out
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		fx := contract.Fold(x)
		for _, y := range b {
			if fx == contract.Fold(y) {
				return true
			}
		}
	}
	return false
}
