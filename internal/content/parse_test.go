package content_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
	"github.com/handoff-sla/handoff/internal/lead"
)

// root is the repository's root (this package is two levels down).
var root = filepath.Join("..", "..")

func example(t testing.TB) *contract.Contract {
	t.Helper()
	c, err := contract.Load(filepath.Join(root, "infra", "contract", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sampleBody reads a sample event of events/ingest (an API Gateway request, as the ingest function receives it).
func sampleBody(t testing.TB, file string) (body []byte, isJSON bool) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "events", "ingest", file))
	if err != nil {
		t.Fatal(err)
	}
	var req events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		t.Fatal(err)
	}
	body = []byte(req.Body)
	if req.IsBase64Encoded {
		if body, err = base64.StdEncoding.DecodeString(req.Body); err != nil {
			t.Fatal(err)
		}
	}
	return body, strings.HasPrefix(req.Headers["content-type"], "application/json")
}

var received = time.Date(2026, 11, 27, 16, 30, 0, 0, time.UTC)

// TestParseDocumentedSamples parses each format's documented payload (events/ingest) with the example
// contract's source: what each field becomes.
func TestParseDocumentedSamples(t *testing.T) {
	c := example(t)
	for _, tc := range []struct {
		file, source string
		want         []content.Piece
	}{
		{"content-generic.json", "blog", []content.Piece{{ItemID: "gmao-2027", Title: "Livre blanc : choisir sa GMAO en 2027",
			URL: "https://maintenia.fr/livres-blancs/gmao-2027", Type: content.WhitePaper, Segments: []string{"enterprise"}, Industries: []string{"Énergie"},
			Why: "La grille de choix que les DSI de l'énergie nous demandent", PublishedAt: time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)}}},
		{"content-webflow-documented.json", "ressources", []content.Piece{
			{ItemID: "6758b1e5c4a3f2d1e0b9a871", Title: "Comment Agro Ouest a réduit ses arrêts de ligne de 30 %",
				URL: "https://maintenia.fr/ressources/agro-ouest-arrets-de-ligne", Type: content.CaseStudy, Segments: []string{"mid-market", "smb"},
				Industries: []string{"Agroalimentaire"}, Why: "Le cas à citer face à un responsable maintenance de l'agroalimentaire",
				PublishedAt: time.Date(2026, 11, 27, 16, 20, 0, 0, time.UTC)},
			{}, // the draft, left out by Published
		}},
		{"content-wordpress-documented.json", "actualites", []content.Piece{{ItemID: "4127", Title: "Maintenance prédictive : 5 erreurs à éviter",
			URL: "https://actualites.maintenia.fr/2026/11/27/maintenance-predictive-5-erreurs/", Type: content.Article,
			PublishedAt: time.Date(2026, 11, 27, 16, 5, 0, 0, time.UTC)}}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src, _ := c.Source(tc.source)
			body, isJSON := sampleBody(t, tc.file)
			got, err := content.Parse(c, src, isJSON, body, received)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("%d pieces, want %d: %+v", len(got), len(tc.want), got)
			}
			for i, w := range tc.want {
				g := got[i]
				if w.ItemID == "" {
					if g.ItemID != "" {
						t.Errorf("piece %d: a draft, parsed as %+v", i, g)
					}
					continue
				}
				if g.Source != tc.source || g.ItemID != w.ItemID || g.Title != w.Title || g.URL != w.URL || g.Type != w.Type || g.Why != w.Why ||
					!slices.Equal(g.Segments, w.Segments) || !slices.Equal(g.Industries, w.Industries) || !g.PublishedAt.Equal(w.PublishedAt) ||
					!g.ReceivedAt.Equal(received) {
					t.Errorf("piece %d:\n got %+v\nwant %+v", i, g, w)
				}
			}
			if n := len(content.Published(got)); n != 1 {
				t.Errorf("%d pieces to store, want 1", n)
			}
		})
	}
}

// TestParseValues: how values are read — types by ID or name in either language, audiences as lists or
// comma-separated, one line for titles and whys, a missing date is left to the store (the first receipt) — and what is refused,
// naming the field.
func TestParseValues(t *testing.T) {
	c := example(t)
	src := contract.Source{ID: "blog", Kind: contract.ContentSource, Format: "generic", Mapping: map[string]string{"Pourquoi": "why", "Public": "segments"}}
	for _, tc := range []struct {
		name, body string
		check      func(content.Piece) bool
		fields     []string
	}{
		{"a type by its French name", `{"id":"1","title":"T","url":"https://m.fr/a","type":"Étude de cas"}`,
			func(p content.Piece) bool { return p.Type == content.CaseStudy }, nil},
		{"a type by its English name, any case", `{"id":"1","title":"T","url":"https://m.fr/a","type":"WHITE PAPER"}`,
			func(p content.Piece) bool { return p.Type == content.WhitePaper }, nil},
		{"no type: an article", `{"id":"1","title":"T","url":"https://m.fr/a"}`,
			func(p content.Piece) bool {
				return p.Type == content.Article && p.PublishedAt.IsZero() && p.UpdatedAt.IsZero()
			}, nil},
		{"a mapped field wins, comma-separated, duplicates once", `{"id":"1","title":"T","url":"https://m.fr/a","segments":"smb","Public":"Enterprise, mid-market, enterprise"}`,
			func(p content.Piece) bool { return slices.Equal(p.Segments, []string{"enterprise", "mid-market"}) }, nil},
		{"segments by their names, either language, mapped to the roster's IDs", `{"id":"1","title":"T","url":"https://m.fr/a","segments":["Grands comptes","ETI","PME","SMB"]}`,
			func(p content.Piece) bool {
				return slices.Equal(p.Segments, []string{"enterprise", "mid-market", "smb"})
			}, nil},
		{"a segment no rep has", `{"id":"1","title":"T","url":"https://m.fr/a","segments":["enterprise","Secteur public"]}`, nil, []string{"segments"}},
		{"a segment no rep has, named as the sender names it", `{"id":"1","title":"T","url":"https://m.fr/a","Public":"TPE"}`, nil, []string{"Public"}},
		{"dates a day ahead and as old as the records", `{"id":"1","title":"T","url":"https://m.fr/a","published_at":"2023-11-28T00:00:00Z","updated_at":"2026-11-28T16:00:00Z"}`,
			func(p content.Piece) bool { return p.UpdatedAt.Equal(time.Date(2026, 11, 28, 16, 0, 0, 0, time.UTC)) }, nil},
		{"a date in 9999", `{"id":"1","title":"T","url":"https://m.fr/a","published_at":"9999-12-31T00:00:00Z"}`, nil, []string{"published_at"}},
		{"a date three days ahead", `{"id":"1","title":"T","url":"https://m.fr/a","updated_at":"2026-11-30T17:00:00Z"}`, nil, []string{"updated_at"}},
		{"a date in 1970", `{"id":"1","title":"T","url":"https://m.fr/a","published_at":"1970-01-01T00:00:00Z"}`, nil, []string{"published_at"}},
		{"a date in year 1", `{"id":"1","title":"T","url":"https://m.fr/a","published_at":"0001-01-01T00:00:00Z","updated_at":"0001-01-01T00:00:00Z"}`, nil, []string{"published_at", "updated_at"}},
		{"a bidi override in a title", `{"id":"1","title":"Offre \u202egnp.exe","url":"https://m.fr/a"}`, nil, []string{"title"}},
		{"a zero-width space in a why", `{"id":"1","title":"T","url":"https://m.fr/a","why":"lisez\u200bça"}`, nil, []string{"why"}},
		{"a line separator in a title", `{"id":"1","title":"a\u2028b","url":"https://m.fr/a"}`, nil, []string{"title"}},
		{"a paragraph separator in a why, named as the sender names it", `{"id":"1","title":"T","url":"https://m.fr/a","Pourquoi":"a\u2029b"}`, nil, []string{"Pourquoi"}},
		{"one line", `{"id":"1","title":"  Deux\nlignes  ","url":"https://m.fr/a","Pourquoi":"parce\r\nque"}`,
			func(p content.Piece) bool { return p.Title == "Deux lignes" && p.Why == "parce que" }, nil},
		{"a number as ID", `{"id":42,"title":"T","url":"https://m.fr/a"}`, func(p content.Piece) bool { return p.ItemID == "42" }, nil},
		{"everything missing", `{}`, nil, []string{"id", "title", "url"}},
		{"not http", `{"id":"1","title":"T","url":"javascript:alert(1)"}`, nil, []string{"url"}},
		{"a control character", `{"id":"1","title":"T\u0007","url":"https://m.fr/a"}`, nil, []string{"title"}},
		{"a title too long", `{"id":"1","title":"` + strings.Repeat("é", 301) + `","url":"https://m.fr/a"}`, nil, []string{"title"}},
		{"a mapped field named as the sender names it", `{"id":"1","title":"T","url":"https://m.fr/a","Pourquoi":["x"]}`, nil, []string{"Pourquoi"}},
		{"an unknown type", `{"id":"1","title":"T","url":"https://m.fr/a","type":"podcast"}`, nil, []string{"type"}},
		{"too many pieces", `{"pieces":[` + strings.TrimSuffix(strings.Repeat(`{"id":"1","title":"T","url":"https://m.fr/a"},`, 51), ",") + `]}`, nil, []string{"body"}},
		{"not JSON", `{"id":`, nil, []string{"body"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := content.Parse(c, src, true, []byte(tc.body), received)
			if tc.fields != nil {
				var fe lead.FieldErrors
				if !errors.As(err, &fe) {
					t.Fatalf("err %v, want field errors %v", err, tc.fields)
				}
				var names []string
				for _, f := range fe {
					names = append(names, f.Field)
				}
				if !slices.Equal(names, tc.fields) {
					t.Errorf("fields %v, want %v (%v)", names, tc.fields, err)
				}
				return
			}
			if err != nil || len(got) != 1 || !tc.check(got[0]) {
				t.Errorf("got %+v, %v", got, err)
			}
		})
	}
}

// TestParseWebflowFlatItem: an item sent flat in payload (the shape of Webflow's other collection_item_* events)
// is read too, its fields named where they are.
func TestParseWebflowFlatItem(t *testing.T) {
	c := example(t)
	src, _ := c.Source("ressources")
	body := `{"triggerType":"collection_item_published","payload":{"id":"i9","lastPublished":"2026-11-27T16:20:00.000Z","fieldData":{"name":"Titre","slug":"titre","type-de-contenu":"Livre blanc"}}}`
	got, err := content.Parse(c, src, true, []byte(body), received)
	if err != nil || len(got) != 1 || got[0].ItemID != "i9" || got[0].URL != "https://maintenia.fr/ressources/titre" || got[0].Type != content.WhitePaper {
		t.Fatalf("%+v, %v", got, err)
	}
	_, err = content.Parse(c, src, true, []byte(`{"triggerType":"collection_item_published","payload":{"id":"i9","fieldData":{"slug":"t"}}}`), received)
	var fe lead.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 1 || fe[0].Field != "payload.fieldData.name" {
		t.Errorf("a flat item without a name: %v", err)
	}
}
