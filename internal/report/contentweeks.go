package report

import (
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
)

// unrecordedDigests counts the digests due in a week of the month, up to AsOf, whose digest never ran: no digest
// was recorded for the week's slot although pieces were listed for someone in [previous slot, slot). Each rep
// with pieces for them that week is one digest due and missed — what the digest would have recorded had it run
// (package digest: one per rep with something new). A week with a digest recorded for anyone ran: its reps are
// counted from the records.
func (k *computer) unrecordedDigests() int {
	dg := k.c.Marketing.Digest
	if dg == nil || len(k.in.Listed) == 0 {
		return 0
	}
	ran := map[int64]bool{}
	for _, d := range k.in.Digests {
		ran[d.Slot.Unix()] = true
	}
	m := k.in.Month
	start := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, dg.Location)
	missed := 0
	for s := firstSlot(dg, start); contract.MonthOf(s.In(dg.Location)) == m && k.happened(s); s = nextSlot(dg, s) {
		if ran[s.Unix()] {
			continue
		}
		prev := weekBefore(dg, s)
		for _, rep := range k.c.Roster.Reps {
			for _, l := range k.in.Listed {
				p := content.Piece{Source: "-", ItemID: l.Key, Segments: l.Segments, Industries: l.Industries}
				if !l.SharedFrom.Before(prev) && l.SharedFrom.Before(s) && content.ForRep(k.c, rep, p) {
					missed++
					break
				}
			}
		}
	}
	return missed
}

// firstSlot is the digest's first slot at or after t, on the calendar of its zone (as digest.Slot).
func firstSlot(d *contract.Digest, t time.Time) time.Time {
	local := t.In(d.Location)
	ahead := (int(d.Day) - int(local.Weekday()) + 7) % 7
	y, mo, day := local.AddDate(0, 0, ahead).Date()
	s := time.Date(y, mo, day, d.Hour, d.Minute, 0, 0, d.Location)
	if s.Before(t) {
		s = nextSlot(d, s)
	}
	return s
}

// nextSlot is the slot a week after s.
func nextSlot(d *contract.Digest, s time.Time) time.Time {
	y, mo, day := s.In(d.Location).AddDate(0, 0, 7).Date()
	return time.Date(y, mo, day, d.Hour, d.Minute, 0, 0, d.Location)
}

// weekBefore is the slot a week before s (digest.Previous).
func weekBefore(d *contract.Digest, s time.Time) time.Time {
	y, mo, day := s.In(d.Location).AddDate(0, 0, -7).Date()
	return time.Date(y, mo, day, d.Hour, d.Minute, 0, 0, d.Location)
}
