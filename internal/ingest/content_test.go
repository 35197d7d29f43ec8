package ingest_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/store"
)

// The content sources' documented payloads: Webflow CMS's collection_item_published (data API v2: the items
// published, in an array, each with its fieldData; developers.webflow.com, webhooks events), WordPress.com's
// publish_post (the fields chosen when the webhook is set up, and "hook"; wordpress.com/support/webhooks),
// and the generic format this project documents (README, "Content shared with sales").
const (
	contentGeneric    = `{"id":"gmao-2027","title":"Livre blanc : choisir sa GMAO en 2027","url":"https://maintenia.fr/livres-blancs/gmao-2027","type":"white_paper","segments":["enterprise"],"industries":["Énergie"],"why":"La grille de choix que les DSI de l'énergie nous demandent","published_at":"2026-11-27T16:00:00Z"}`
	contentWebflowDoc = `{"triggerType":"collection_item_published","payload":{"items":[{"id":"6758b1e5c4a3f2d1e0b9a871","siteId":"65427cf400e02b306eaa049c","workspaceId":"65427cf400e02b306eaa0491","collectionId":"6758a0d2c4a3f2d1e0b9a800","cmsLocaleId":"65427cf400e02b306eaa04a0","lastPublished":"2026-11-27T16:20:00.000Z","lastUpdated":"2026-11-27T16:19:41.512Z","createdOn":"2026-11-20T09:12:03.000Z","isArchived":false,"isDraft":false,"fieldData":{"name":"Comment Agro Ouest a réduit ses arrêts de ligne de 30 %","slug":"agro-ouest-arrets-de-ligne","type-de-contenu":"Étude de cas","segments-cibles":"mid-market, smb","secteurs":["Agroalimentaire"],"pourquoi":"Le cas à citer face à un responsable maintenance de l'agroalimentaire"}},{"id":"6758b1e5c4a3f2d1e0b9a872","siteId":"65427cf400e02b306eaa049c","workspaceId":"65427cf400e02b306eaa0491","collectionId":"6758a0d2c4a3f2d1e0b9a800","cmsLocaleId":"65427cf400e02b306eaa04a0","lastPublished":"2026-11-27T16:20:00.000Z","lastUpdated":"2026-11-27T16:18:02.004Z","createdOn":"2026-11-21T10:00:00.000Z","isArchived":false,"isDraft":true,"fieldData":{"name":"Brouillon","slug":"brouillon"}}]}}`
)

var contentWordPressDoc = form(map[string]string{"hook": "publish_post", "ID": "4127", "post_title": "Maintenance prédictive : 5 erreurs à éviter",
	"post_url": "https://actualites.maintenia.fr/2026/11/27/maintenance-predictive-5-erreurs/", "post_date_gmt": "2026-11-27 16:05:00",
	"post_modified_gmt": "2026-11-27 16:05:00", "post_status": "publish", "post_type": "post", "post_author": "3",
	"post_excerpt": "Ce que nos clients ont appris en passant au prédictif."})

func contentSamples() []sample {
	return []sample{
		{file: "content-generic.json", status: 202, req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
			return signedWith(sec, "blog", "content", "application/json", "msg_2p4N0blogGmao2027", contentGeneric)
		}},
		{file: "content-webflow-documented.json", status: 202, req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
			return signedWith(sec, "ressources", "content", "application/json", "", contentWebflowDoc)
		}},
		{file: "content-wordpress-documented.json", status: 202, req: func(sec map[string]string) events.APIGatewayV2HTTPRequest {
			return signedWith(sec, "actualites", "content", "application/x-www-form-urlencoded", "", contentWordPressDoc)
		}},
	}
}

func (h *harness) pieces() []content.Piece {
	h.t.Helper()
	ps, err := store.NewContent(h.db, h.tables).RecentContent(context.Background(), 100)
	if err != nil {
		h.t.Fatal(err)
	}
	return ps
}

// TestContentFormats: each format's documented payload becomes its pieces, with the fields the source's mapping
// names (type, audience, why), the URL from Webflow's slug and the source's base_url, WordPress's GMT dates; a
// Webflow draft is left out.
func TestContentFormats(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, s := range contentSamples() {
		if resp, _ := h.do(s.req(h.secrets)); resp.StatusCode != 202 {
			t.Fatalf("%s: %d %s", s.file, resp.StatusCode, resp.Body)
		}
	}
	got := map[string]content.Piece{}
	for _, p := range h.pieces() {
		got[p.Key()] = p
	}
	at := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	want := []content.Piece{
		{Source: "blog", ItemID: "gmao-2027", Title: "Livre blanc : choisir sa GMAO en 2027", URL: "https://maintenia.fr/livres-blancs/gmao-2027",
			Type: content.WhitePaper, Segments: []string{"enterprise"}, Industries: []string{"Énergie"},
			Why: "La grille de choix que les DSI de l'énergie nous demandent", PublishedAt: at("2026-11-27T16:00:00Z"), UpdatedAt: at("2026-11-27T16:00:00Z")},
		{Source: "ressources", ItemID: "6758b1e5c4a3f2d1e0b9a871", Title: "Comment Agro Ouest a réduit ses arrêts de ligne de 30 %",
			URL: "https://maintenia.fr/ressources/agro-ouest-arrets-de-ligne", Type: content.CaseStudy, Segments: []string{"mid-market", "smb"},
			Industries: []string{"Agroalimentaire"}, Why: "Le cas à citer face à un responsable maintenance de l'agroalimentaire",
			PublishedAt: at("2026-11-27T16:20:00Z"), UpdatedAt: time.Date(2026, 11, 27, 16, 19, 41, 512e6, time.UTC)},
		{Source: "actualites", ItemID: "4127", Title: "Maintenance prédictive : 5 erreurs à éviter",
			URL: "https://actualites.maintenia.fr/2026/11/27/maintenance-predictive-5-erreurs/", Type: content.Article,
			PublishedAt: at("2026-11-27T16:05:00Z"), UpdatedAt: at("2026-11-27T16:05:00Z")},
	}
	if len(got) != len(want) {
		t.Errorf("stored %d pieces, want %d (the Webflow draft left out): %v", len(got), len(want), got)
	}
	for _, w := range want {
		g, ok := got[w.Key()]
		if !ok {
			t.Errorf("%s not stored", w.Key())
			continue
		}
		g.ReceivedAt = time.Time{}
		if g.Title != w.Title || g.URL != w.URL || g.Type != w.Type || !slices.Equal(g.Segments, w.Segments) ||
			!slices.Equal(g.Industries, w.Industries) || g.Why != w.Why || !g.PublishedAt.Equal(w.PublishedAt) || !g.UpdatedAt.Equal(w.UpdatedAt) {
			t.Errorf("%s:\n got %+v\nwant %+v", w.Key(), g, w)
		}
	}
}

// TestContentIsOnePiecePerItem: the same item re-sent (a retry, a republication with a new title, a new
// publication instant) updates the one piece; an older version arriving late changes nothing.
func TestContentIsOnePiecePerItem(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	post := func(id, body string) {
		t.Helper()
		if resp, _ := h.do(h.signed("blog", "content", "application/json", id, body)); resp.StatusCode != 202 {
			t.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
	}
	v1 := `{"id":"guide-1","title":"Guide v1","url":"https://maintenia.fr/g","published_at":"2026-11-20T10:00:00Z","updated_at":"2026-11-20T10:00:00Z"}`
	v2 := `{"id":"guide-1","title":"Guide v2","url":"https://maintenia.fr/g","published_at":"2026-11-26T10:00:00Z","updated_at":"2026-11-26T10:00:00Z"}`
	post("d1", v1)
	post("d1", v1) // a retry
	post("d2", v2) // republished: another title, another instant
	post("d1", v1) // the first version, late
	ps := h.pieces()
	if len(ps) != 1 || ps[0].Title != "Guide v2" || !ps[0].PublishedAt.Equal(time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)) {
		t.Fatalf("pieces %+v, want one: Guide v2 published on the 26th", ps)
	}
	// The publication order holds it once, where it is now.
	from, to := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if got, err := store.NewContent(h.db, h.tables).Published(context.Background(), from, to); err != nil || len(got) != 1 {
		t.Fatalf("published in November: %v, %v", got, err)
	}
}

// TestContentBadInput: each bad field is a 400 naming it (the sender's name for it), nothing stored; a content
// body on another kind's route, or a form on the content route, is a 404.
func TestContentBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, tc := range []struct {
		name, source, ctype, body string
		fields                    []string
	}{
		{"no id, no title", "blog", "application/json", `{"url":"https://maintenia.fr/x"}`, []string{"id", "title"}},
		{"a relative URL", "blog", "application/json", `{"id":"a","title":"T","url":"/x"}`, []string{"url"}},
		{"an unknown type", "blog", "application/json", `{"id":"a","title":"T","url":"https://m.fr/x","type":"podcast"}`, []string{"type"}},
		{"a date that is not one", "blog", "application/json", `{"id":"a","title":"T","url":"https://m.fr/x","published_at":"hier"}`, []string{"published_at"}},
		{"segments not text", "blog", "application/json", `{"id":"a","title":"T","url":"https://m.fr/x","segments":[1]}`, []string{"segments"}},
		{"a batch's second piece", "blog", "application/json", `{"pieces":[{"id":"a","title":"T","url":"https://m.fr/x"},{"id":"b","url":"https://m.fr/y"}]}`, []string{"pieces[1].title"}},
		{"Webflow: another trigger", "ressources", "application/json", `{"triggerType":"collection_item_changed","payload":{"id":"x"}}`, []string{"triggerType"}},
		{"Webflow: a mapped field of the wrong shape", "ressources", "application/json",
			`{"triggerType":"collection_item_published","payload":{"items":[{"id":"i1","fieldData":{"name":"T","slug":"t","type-de-contenu":{"a":1}}}]}}`,
			[]string{"payload.items[0].fieldData.type-de-contenu"}},
		{"WordPress: a comment hook", "actualites", "application/x-www-form-urlencoded", form(map[string]string{"hook": "comment_post", "comment_ID": "1"}), []string{"hook"}},
		{"WordPress: no URL", "actualites", "application/x-www-form-urlencoded", form(map[string]string{"hook": "publish_post", "ID": "9", "post_title": "T"}), []string{"post_url"}},
		{"a date in 9999", "blog", "application/json", `{"id":"a","title":"T","url":"https://m.fr/x","published_at":"9999-01-01T00:00:00Z"}`, []string{"published_at"}},
		{"WordPress: a date in 1970", "actualites", "application/x-www-form-urlencoded",
			form(map[string]string{"hook": "publish_post", "ID": "9", "post_title": "T", "post_url": "https://m.fr/t", "post_date_gmt": "1970-01-01 00:00:00"}), []string{"post_date_gmt"}},
		{"a segment no rep has", "blog", "application/json", `{"id":"a","title":"T","url":"https://m.fr/x","segments":["Secteur public"]}`, []string{"segments"}},
		{"a duplicate key", "blog", "application/json", `{"pieces":[{"id":"a","title":"T","url":"https://m.fr/x","url":"https://evil.fr/"}]}`, []string{"pieces[0].url"}},
		{"Webflow: a duplicate key deep down", "ressources", "application/json",
			`{"triggerType":"collection_item_published","payload":{"items":[{"id":"i1","fieldData":{"name":"T","slug":"t","nam\u0065":"U"}}]}}`,
			[]string{"payload.items[0].fieldData.name"}},
		{"a bidi override in a title", "blog", "application/json", `{"id":"a","title":"x\u202Efdp.exe","url":"https://m.fr/x"}`, []string{"title"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, a := h.do(h.signed(tc.source, "content", tc.ctype, "bad-"+tc.name, tc.body))
			var names []string
			for _, f := range a.Fields {
				names = append(names, f.Field)
			}
			if resp.StatusCode != http.StatusBadRequest || !slices.Equal(names, tc.fields) {
				t.Errorf("%d %s, want 400 naming %v", resp.StatusCode, resp.Body, tc.fields)
			}
		})
	}
	if n := len(h.pieces()); n != 0 {
		t.Errorf("%d pieces stored from bad input", n)
	}
	for _, tc := range []struct{ source, route string }{{"site-contact", "content"}, {"blog", "submissions"}} {
		resp, _ := h.do(h.signed(tc.source, tc.route, "application/json", "x", `{"id":"a","title":"T","url":"https://m.fr/x"}`))
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(resp.Body, "unknown_source") {
			t.Errorf("%s on /%s: %d %s, want 404", tc.source, tc.route, resp.StatusCode, resp.Body)
		}
	}
}
