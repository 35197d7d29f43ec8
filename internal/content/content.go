// Package content is what marketing publishes for sales — articles, case studies, white papers, webinars — as
// the CMS announces each piece (a content source: POST /v1/sources/{sourceId}/content), who it is for, and who
// among the reps and leads it is relevant to. It holds no AWS code: the pieces are kept by store.Content, shared
// by the weekly digest (package digest) and the SQL email (two relevant pieces).
//
// A piece is identified by its source and the CMS's own item ID: the same item sent again (an edit, a retry, a
// republish) updates it, never duplicates it, and an older version arriving late changes nothing (UpdatedAt).
package content

import (
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/outbox"
)

// Type is what kind of piece it is; the emails name it in the contract's language.
type Type string

// Content types. A CMS value is read as one of these by its ID or its name in any language ("Étude de cas",
// "case study", "case-study"); a piece that says nothing is an Article.
const (
	Article    Type = "article"
	CaseStudy  Type = "case_study"
	WhitePaper Type = "white_paper"
	Webinar    Type = "webinar"
	Video      Type = "video"
	Guide      Type = "guide"
	Event      Type = "event"
)

// Types are the content types, in the order the README lists them.
var Types = []Type{Article, CaseStudy, WhitePaper, Webinar, Video, Guide, Event}

// Piece is one published piece.
type Piece struct {
	Source string // the content source's ID
	ItemID string // the CMS's ID of the item
	Title  string
	URL    string
	Type   Type
	// Segments and Industries are who it is for; both empty: everyone.
	Segments, Industries []string
	// Why is marketing's one line on why it matters to sales, "" when none.
	Why         string
	PublishedAt time.Time
	// UpdatedAt orders versions of the item: an older one arriving after a newer one changes nothing. The CMS's
	// own instant when it gives one, else PublishedAt.
	UpdatedAt  time.Time
	ReceivedAt time.Time
	// SharedFrom is when Handoff could first share it, set by the store: the later of PublishedAt and its first
	// receipt, fixed then (a re-send does not move it). The digest's weeks go by it; PublishedAt is for display.
	SharedFrom time.Time
}

// Key identifies the piece: its source and its CMS item ID.
func (p Piece) Key() string { return p.Source + "#" + p.ItemID }

// ForEveryone reports a piece with no audience.
func (p Piece) ForEveryone() bool { return len(p.Segments) == 0 && len(p.Industries) == 0 }

// Digest is what the weekly digest recorded for one rep and one week: which pieces it shared and its email's
// state (the outbox's record: claimed, sending, sent). Its key is the rep and the ISO week of the slot, so the
// schedule firing twice, or every quarter of an hour, finds it and sends nothing more.
type Digest struct {
	Week  string    // ISO week of the slot, "2026-W50"
	Slot  time.Time // the contract's slot that week (the period shared ends there)
	Month contract.Month
	RepID string
	// Pieces are the keys of the pieces shared (Piece.Key), newest first.
	Pieces  []string
	Mail    outbox.Mail
	Version int
}
