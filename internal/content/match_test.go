package content_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/content"
	"github.com/handoff-sla/handoff/internal/contract"
)

// routedByIndustry is a contract whose teams route by industry: pieces for an industry go to those teams' reps.
const routedByIndustry = `
routing:
  teams:
    - id: agro
      reps: [thomas-martin]
      when: {industry: {in: [Agroalimentaire]}}
    - id: energie
      reps: [amelie-robert]
      when: {industry: {equals: Énergie}}
    - id: others
      reps: [sophie-bernard, julien-petit]
  fallback: amelie-robert
`

// withRouting is the example contract with another routing section.
func withRouting(t *testing.T, routing string) *contract.Contract {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "infra", "contract", "contract.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	from := strings.Index(text, "\nrouting:\n")
	to := strings.Index(text, "\nnotify:\n")
	c, err := contract.Parse("routed.yaml", []byte(text[:from]+routing+text[to:]))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestForRep(t *testing.T) {
	c := example(t) // no team routes by industry: pieces for an industry go to every rep
	routed := withRouting(t, routedByIndustry)
	everyone := []string{"thomas-martin", "sophie-bernard", "julien-petit", "amelie-robert"}
	for _, tc := range []struct {
		name  string
		c     *contract.Contract
		piece content.Piece
		reps  []string
	}{
		{"no audience: everyone", c, content.Piece{}, everyone},
		{"enterprise: the enterprise rep", c, content.Piece{Segments: []string{"Enterprise "}}, []string{"amelie-robert"}},
		{"smb and enterprise", c, content.Piece{Segments: []string{"smb", "enterprise"}}, []string{"julien-petit", "amelie-robert"}},
		{"a segment nobody has", c, content.Piece{Segments: []string{"public"}}, nil},
		{"an industry, no team routes by industry: everyone", c, content.Piece{Industries: []string{"Énergie"}}, everyone},
		{"an industry: the reps of the teams that take it", routed, content.Piece{Industries: []string{"énergie"}}, []string{"amelie-robert"}},
		{"an industry no team takes: nobody", routed, content.Piece{Industries: []string{"Chimie"}}, nil},
		{"segments or industries", routed, content.Piece{Segments: []string{"smb"}, Industries: []string{"Agroalimentaire"}}, []string{"thomas-martin", "julien-petit"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, rep := range tc.c.Roster.Reps {
				if content.ForRep(tc.c, rep, tc.piece) {
					got = append(got, rep.ID)
				}
			}
			if len(got) != len(tc.reps) {
				t.Fatalf("reps %v, want %v", got, tc.reps)
			}
			for i := range got {
				if got[i] != tc.reps[i] {
					t.Fatalf("reps %v, want %v", got, tc.reps)
				}
			}
		})
	}
}

func TestRelevant(t *testing.T) {
	c := example(t)
	amelie, _ := c.Rep("amelie-robert") // enterprise
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	newestFirst := []content.Piece{
		{ItemID: "smb", Segments: []string{"smb"}, PublishedAt: day(27)},
		{ItemID: "agro", Industries: []string{"Agroalimentaire"}, PublishedAt: day(26)},
		{ItemID: "all", PublishedAt: day(25)},
		{ItemID: "ent", Segments: []string{"enterprise"}, PublishedAt: day(24)},
		{ItemID: "all-old", PublishedAt: day(20)},
	}
	for _, tc := range []struct {
		name, industry string
		want           []string
	}{
		{"the lead's industry first, then everyone's", "agroalimentaire", []string{"agro", "all"}},
		{"another industry: everyone's and the rep's segment", "Transport", []string{"all", "ent"}},
		{"no industry", "", []string{"all", "ent"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := content.Relevant(newestFirst, tc.industry, amelie, 2)
			if len(got) != len(tc.want) || got[0].ItemID != tc.want[0] || got[1].ItemID != tc.want[1] {
				t.Errorf("got %+v, want %v", got, tc.want)
			}
		})
	}
	if got := content.Relevant([]content.Piece{{ItemID: "smb", Segments: []string{"smb"}}}, "", amelie, 2); len(got) != 0 {
		t.Errorf("nothing relevant: got %+v", got)
	}
}
