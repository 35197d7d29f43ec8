package ingest

import (
	"context"
	"net/http"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
)

// Pieces keeps the content marketing publishes (store.Content).
type Pieces interface {
	// SavePiece records a piece, or updates the one with its source and item ID (an older version changes
	// nothing); created reports a new one.
	SavePiece(ctx context.Context, p content.Piece) (created bool, err error)
}

// WithContent serves POST /v1/sources/{sourceId}/content with pieces as its store.
func (h *Handler) WithContent(pieces Pieces) *Handler {
	h.pieces = pieces
	return h
}

// content records the pieces a CMS announces. It needs no delivery record: a piece is identified by its source
// and CMS item ID, so a retry, a replay or a republication updates the same piece (an older version changes
// nothing), and the answer is the same. The pieces of one delivery are saved one by one: a failure half-way
// is a 500 and the sender's retry saves them all again, which changes nothing for those already saved.
func (h *Handler) content(ctx context.Context, src contract.Source, isJSON bool, body []byte, now time.Time) outcome {
	if h.pieces == nil {
		return refuse(http.StatusNotFound, "unknown_source", "no content store")
	}
	pieces, err := content.Parse(h.contract, src, isJSON, body, now)
	if err != nil {
		return invalid(err)
	}
	pieces = content.Published(pieces)
	created := 0
	ids := make([]string, 0, len(pieces))
	for _, p := range pieces {
		isNew, err := h.pieces.SavePiece(ctx, p)
		if err != nil {
			return outcome{status: http.StatusInternalServerError, reason: err.Error()}
		}
		if isNew {
			created++
		}
		ids = append(ids, p.ItemID)
	}
	return outcome{status: http.StatusAccepted, count: len(pieces), reason: "content",
		body: map[string]any{"status": "accepted", "pieces": len(pieces), "created": created, "itemIds": ids}}
}
