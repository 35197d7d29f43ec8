package content

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/jsonkeys"
	"github.com/handoff-sla/handoff/internal/lead"
)

// MaxPieces is the most pieces one delivery may carry (a generic batch, Webflow publishing several items).
const MaxPieces = 50

// Limits of a piece's values.
const (
	maxTitle    = 300
	maxURL      = 2000
	maxID       = 200
	maxWhy      = 300
	maxAudience = 20 // values per list
	maxValue    = 100
)

// Parse reads a content source's delivery in its format — generic JSON, Webflow CMS collection_item_published,
// WordPress publish_post (JSON or a form) — into its pieces, received at now, under contract c: published_at and
// updated_at within [now − retention.handoffs, now + FutureSlack]; segments among the roster's (by ID or by name
// in either language, "grands comptes", mapped to the ID); no invisible format character (Unicode Cf, U+2028,
// U+2029) in a title or a "why". Every bad field is named at once
// (lead.FieldErrors; in a batch, "pieces[1].title", Webflow's "payload.items[0].fieldData.name"); nothing
// partial is returned. Drafts and archived Webflow items are left out: not published.
func Parse(c *contract.Contract, src contract.Source, isJSON bool, body []byte, now time.Time) ([]Piece, error) {
	var raws []rawPiece
	var err error
	switch src.Format {
	case "webflow":
		raws, err = webflowItems(body)
	case "wordpress":
		raws, err = wordpressPost(isJSON, body)
	default:
		raws, err = genericPieces(isJSON, body)
	}
	if err != nil {
		return nil, err
	}
	if len(raws) > MaxPieces {
		return nil, lead.FieldErrors{{Field: "body", Message: fmt.Sprintf("must carry at most %d pieces, got %d", MaxPieces, len(raws))}}
	}
	ru := rulesOf(c, now)
	var errs lead.FieldErrors
	out := make([]Piece, 0, len(raws))
	for _, r := range raws {
		p, fe := r.piece(src, now, ru)
		errs = append(errs, fe...)
		out = append(out, p)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// rawPiece is one item as the sender shaped it: its fields by the sender's names (where, the prefix its errors
// name), and the sender's own fields (id, title… of its format) by content field.
type rawPiece struct {
	where  string
	fields map[string]any    // the sender's fields the mapping reads
	own    map[string]any    // content field -> value, from the format's documented fields
	names  map[string]string // content field -> the sender's name of it, for errors
	skip   bool              // not published (a Webflow draft or archived item)
}

func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return lead.FieldErrors{{Field: "body", Message: "is not valid JSON"}}
	}
	if dec.More() {
		return lead.FieldErrors{{Field: "body", Message: "must hold one JSON value"}}
	}
	// encoding/json keeps the last of two equal keys silently: such a body is refused instead of guessed at.
	if path, dup := jsonkeys.Duplicate(body); dup {
		if path == "" {
			return lead.FieldErrors{{Field: "body", Message: "holds the empty key twice in one object"}}
		}
		return lead.FieldErrors{{Field: path, Message: "appears twice in one JSON object"}}
	}
	return nil
}

// genericPieces reads the documented generic shape: one piece ({"id": …, "title": …}), or {"pieces": [ … ]}; or
// a form with one piece's fields (segments and industries comma-separated).
func genericPieces(isJSON bool, body []byte) ([]rawPiece, error) {
	if !isJSON {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, lead.FieldErrors{{Field: "body", Message: "is not a valid form"}}
		}
		fields := map[string]any{}
		for k, v := range vals {
			fields[k] = strings.Join(v, ",")
		}
		return []rawPiece{{fields: fields}}, nil
	}
	var top map[string]any
	if err := decodeJSON(body, &top); err != nil {
		return nil, err
	}
	list, ok := top["pieces"]
	if !ok {
		return []rawPiece{{fields: top}}, nil
	}
	items, ok := list.([]any)
	if !ok || len(items) == 0 {
		return nil, lead.FieldErrors{{Field: "pieces", Message: "must be a non-empty list of pieces"}}
	}
	out := make([]rawPiece, 0, len(items))
	for i, it := range items {
		m, ok := it.(map[string]any)
		if !ok {
			return nil, lead.FieldErrors{{Field: fmt.Sprintf("pieces[%d]", i), Message: "must be an object"}}
		}
		out = append(out, rawPiece{where: fmt.Sprintf("pieces[%d].", i), fields: m})
	}
	return out, nil
}

// webflowItems reads Webflow's collection_item_published webhook: {"triggerType": "collection_item_published",
// "payload": {"items": [{"id", "lastPublished", "lastUpdated", "isDraft", "isArchived", "fieldData": {"name",
// "slug", …}}]}} (events/ingest/content-webflow-documented.json). The item's own fields are its id, fieldData's
// name (the title) and slug, lastPublished and lastUpdated; the mapping reads fieldData.
func webflowItems(body []byte) ([]rawPiece, error) {
	type item struct {
		ID            string         `json:"id"`
		LastPublished string         `json:"lastPublished"`
		LastUpdated   string         `json:"lastUpdated"`
		IsDraft       bool           `json:"isDraft"`
		IsArchived    bool           `json:"isArchived"`
		FieldData     map[string]any `json:"fieldData"`
	}
	var ev struct {
		TriggerType string `json:"triggerType"`
		Payload     struct {
			item         // one item, flat, as Webflow's other collection_item_* events send it
			Items []item `json:"items"`
		} `json:"payload"`
	}
	if err := decodeJSON(body, &ev); err != nil {
		return nil, err
	}
	if ev.TriggerType != "collection_item_published" {
		return nil, lead.FieldErrors{{Field: "triggerType", Message: fmt.Sprintf("must be collection_item_published, got %q", clip(ev.TriggerType))}}
	}
	flat := len(ev.Payload.Items) == 0 && ev.Payload.ID != ""
	if flat {
		ev.Payload.Items = []item{ev.Payload.item}
	}
	if len(ev.Payload.Items) == 0 {
		return nil, lead.FieldErrors{{Field: "payload.items", Message: "must list the items published"}}
	}
	out := make([]rawPiece, 0, len(ev.Payload.Items))
	for i, it := range ev.Payload.Items {
		where := fmt.Sprintf("payload.items[%d].", i)
		if flat {
			where = "payload."
		}
		fd := it.FieldData
		if fd == nil {
			fd = map[string]any{}
		}
		own := map[string]any{"id": it.ID, "title": fd["name"], "slug": fd["slug"], "published_at": it.LastPublished, "updated_at": it.LastUpdated}
		out = append(out, rawPiece{where: where + "fieldData.", fields: fd, own: own, skip: it.IsDraft || it.IsArchived,
			names: map[string]string{"id": where + "id", "title": where + "fieldData.name", "slug": where + "fieldData.slug",
				"url": where + "fieldData.slug", "published_at": where + "lastPublished", "updated_at": where + "lastUpdated"}})
	}
	return out, nil
}

// wordpressPost reads WordPress.com's publish_post (or publish_page) webhook: a form with the fields chosen when
// the webhook was set up and "hook" (events/ingest/content-wordpress-documented.json keeps it as JSON, as
// plugins send it). Its own fields: ID, post_title, post_url, post_date_gmt, post_modified_gmt (UTC,
// "2006-01-02 15:04:05"); the mapping reads the others (post_category, custom fields).
func wordpressPost(isJSON bool, body []byte) ([]rawPiece, error) {
	fields := map[string]any{}
	if isJSON {
		if err := decodeJSON(body, &fields); err != nil {
			return nil, err
		}
	} else {
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, lead.FieldErrors{{Field: "body", Message: "is not a valid form"}}
		}
		for k, v := range vals {
			fields[k] = strings.Join(v, ",")
		}
	}
	if hook, _ := fields["hook"].(string); hook != "publish_post" && hook != "publish_page" {
		return nil, lead.FieldErrors{{Field: "hook", Message: fmt.Sprintf("must be publish_post or publish_page, got %q", clip(hook))}}
	}
	own := map[string]any{"id": fields["ID"], "title": fields["post_title"], "url": fields["post_url"],
		"published_at": wpTime(fields["post_date_gmt"]), "updated_at": wpTime(fields["post_modified_gmt"])}
	names := map[string]string{"id": "ID", "title": "post_title", "url": "post_url", "published_at": "post_date_gmt", "updated_at": "post_modified_gmt"}
	return []rawPiece{{fields: fields, own: own, names: names}}, nil
}

// wpTime reads WordPress's GMT "2026-12-07 09:15:00" as RFC 3339 UTC; anything else is left as it is (and
// refused by the piece if it is not an instant).
func wpTime(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	if t, err := time.Parse("2006-01-02 15:04:05", strings.TrimSpace(s)); err == nil {
		return t.UTC().Format(time.RFC3339)
	}
	return v
}

// piece reads one raw item: the format's own fields first, then the fields the source's mapping names (which
// win), then, for the generic format, fields named as content fields.
func (r rawPiece) piece(src contract.Source, now time.Time, ru rules) (Piece, lead.FieldErrors) {
	vals := map[string]any{}
	names := map[string]string{}
	for k, v := range r.own {
		if v != nil && v != "" {
			vals[k], names[k] = v, r.names[k]
		}
	}
	if src.Format == "generic" || src.Format == "" {
		for _, f := range contract.ContentFields {
			if v, ok := r.fields[f]; ok {
				vals[f], names[f] = v, r.where+f
			}
		}
	}
	for from, to := range src.Mapping {
		if v, ok := r.fields[from]; ok {
			vals[to], names[to] = v, r.where+from
		}
	}
	name := func(f string) string {
		if n := names[f]; n != "" {
			return n
		}
		if n := r.names[f]; n != "" {
			return n // a field the format has a name for, missing
		}
		return r.where + f
	}
	var errs lead.FieldErrors
	bad := func(f, msg string) { errs = append(errs, lead.FieldError{Field: name(f), Message: msg}) }
	p := Piece{Source: src.ID, ReceivedAt: now.UTC()}
	p.ItemID = text(vals, "id", maxID, bad, true)
	p.Title = oneLine(visible(text(vals, "title", maxTitle, bad, true), "title", bad))
	p.Why = oneLine(visible(text(vals, "why", maxWhy, bad, false), "why", bad))
	p.URL = text(vals, "url", maxURL, bad, false)
	if p.URL == "" {
		if slug := text(vals, "slug", maxURL, bad, false); slug != "" && src.BaseURL != "" {
			p.URL = src.BaseURL + url.PathEscape(strings.Trim(slug, "/"))
		}
	}
	switch u, err := url.Parse(p.URL); {
	case p.URL == "":
		bad("url", "is required: the piece's address (or its slug, with the source's base_url)")
	case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
		bad("url", "must be an absolute http(s) URL")
	}
	t, ok := typeOf(text(vals, "type", maxValue, bad, false))
	if !ok {
		bad("type", "must be one of "+typeList())
	}
	p.Type = t
	p.Segments = list(vals, "segments", bad)
	if ids, unknown, ok := ru.segmentIDs(p.Segments); ok {
		p.Segments = ids
	} else {
		bad("segments", fmt.Sprintf("names %q, a segment no rep of the roster has (roster.reps[].segments, or its name)", clip(unknown)))
	}
	p.Industries = list(vals, "industries", bad)
	// A sender that does not say when: zero here, dated by the store at the piece's first receipt (not this
	// one's), so a retry changes nothing. Without updated_at, versions are ordered by publication.
	p.PublishedAt = instant(vals, "published_at", bad)
	p.UpdatedAt = instant(vals, "updated_at", bad)
	for _, d := range []struct {
		f string
		t time.Time
	}{{"published_at", p.PublishedAt}, {"updated_at", p.UpdatedAt}} {
		if !ru.inRange(d.t) {
			bad(d.f, fmt.Sprintf("must be between %s and %s (retention.handoffs back, two days ahead)",
				ru.oldest.Format(time.DateOnly), ru.newest.Format(time.DateOnly)))
		}
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.PublishedAt
	}
	if r.skip && len(errs) == 0 {
		return Piece{}, nil
	}
	return p, errs
}

// Published drops what Parse left empty (a draft): the pieces to store.
func Published(ps []Piece) []Piece {
	var out []Piece
	for _, p := range ps {
		if p.ItemID != "" {
			out = append(out, p)
		}
	}
	return out
}

func text(vals map[string]any, f string, max int, bad func(string, string), required bool) string {
	v, ok := vals[f]
	var s string
	switch x := v.(type) {
	case nil:
	case string:
		s = strings.TrimSpace(x)
	case json.Number:
		s = x.String() // WordPress's ID is a number in JSON
	default:
		bad(f, "must be text")
		return ""
	}
	switch {
	case s == "" && required:
		bad(f, "is required")
	case !ok || s == "":
	case len([]rune(s)) > max:
		bad(f, fmt.Sprintf("must be at most %d characters", max))
		return ""
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' }) >= 0:
		bad(f, "must not hold control characters")
		return ""
	}
	return s
}

// visible refuses (naming f) text holding an invisible format character (see invisible).
func visible(s, f string, bad func(string, string)) string {
	if strings.IndexFunc(s, invisible) >= 0 {
		bad(f, "must not hold invisible or bidirectional format characters (Unicode Cf such as U+202E, U+2028, U+2029)")
		return ""
	}
	return s
}

// oneLine folds line breaks and runs of spaces to one space: a title or a "why" is one line in an email.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// list reads an audience: a JSON list of text, or one text of comma-separated values.
func list(vals map[string]any, f string, bad func(string, string)) []string {
	var items []string
	switch x := vals[f].(type) {
	case nil:
		return nil
	case string:
		items = strings.Split(x, ",")
	case []any:
		for _, it := range x {
			s, ok := it.(string)
			if !ok {
				bad(f, "must be a list of text")
				return nil
			}
			items = append(items, s)
		}
	default:
		bad(f, "must be a list of text or comma-separated text")
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, it := range items {
		it = oneLine(it)
		if it == "" || seen[contract.Fold(it)] {
			continue
		}
		if len([]rune(it)) > maxValue {
			bad(f, fmt.Sprintf("each value must be at most %d characters", maxValue))
			return nil
		}
		seen[contract.Fold(it)] = true
		out = append(out, it)
	}
	if len(out) > maxAudience {
		bad(f, fmt.Sprintf("must hold at most %d values", maxAudience))
		return nil
	}
	return out
}

func instant(vals map[string]any, f string, bad func(string, string)) time.Time {
	s, ok := vals[f].(string)
	if !ok {
		if vals[f] != nil {
			bad(f, "must be an instant (RFC 3339)")
		}
		return time.Time{}
	}
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		bad(f, `must be an instant such as "2026-12-07T09:15:00Z" (RFC 3339)`)
		return time.Time{}
	}
	if t.IsZero() {
		bad(f, "must be a real date, not year 1 (a CMS's empty date)") // zero here means "not given"
	}
	return t.UTC()
}

// typeNames are what a CMS may call each type, folded, besides its ID.
var typeNames = map[string]Type{
	"article": Article, "articles": Article, "blog": Article, "blog post": Article, "post": Article, "billet": Article,
	"case study": CaseStudy, "case-study": CaseStudy, "étude de cas": CaseStudy, "etude de cas": CaseStudy, "cas client": CaseStudy, "témoignage client": CaseStudy,
	"white paper": WhitePaper, "white-paper": WhitePaper, "whitepaper": WhitePaper, "livre blanc": WhitePaper, "ebook": WhitePaper, "e-book": WhitePaper,
	"webinar": Webinar, "webinaire": Webinar, "video": Video, "vidéo": Video, "guide": Guide, "event": Event, "événement": Event, "evenement": Event, "salon": Event,
}

// typeOf reads a CMS's type value; "" is an Article.
func typeOf(v string) (Type, bool) {
	if v == "" {
		return Article, true
	}
	f := contract.Fold(v)
	for _, t := range Types {
		if f == string(t) {
			return t, true
		}
	}
	t, ok := typeNames[f]
	return t, ok
}

func typeList() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ") + " (or their names: case study, livre blanc, webinaire…)"
}

// clip keeps an echoed value short.
func clip(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
