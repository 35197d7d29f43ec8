package contract

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/handoff-sla/handoff/internal/region"
)

// territories reads a rep's territories: countries (ISO 3166-1 alpha-2: FR, BE) or regions (ISO 3166-2: FR-HDF,
// a French one a region or overseas collectivity that leads can be placed in), upper case, each once. Routing
// prefers, inside a team, the reps whose territory covers the lead's place (package routing).
func (r *reader) territories(n *yaml.Node, path string) []string {
	var out []string
	seen := map[string]bool{}
	r.list(n, path, func(_ int, item *yaml.Node, p string) {
		s := r.text(item, p)
		if s == "" {
			return
		}
		t, problem := region.Territory(s)
		switch {
		case problem != "":
			r.fail(item, p, "%s, got %q", problem, s)
		case seen[t]:
			r.fail(item, p, "%s is listed twice", t)
		default:
			seen[t] = true
			out = append(out, t)
		}
	})
	return out
}

// regionCondition warns of a team's region condition naming a French code that no derived region is (a
// département, a former code): it can only match a region a sender gives as written.
func (r *reader) regionCondition(n *yaml.Node, path string, c Condition) {
	for _, v := range append([]string{c.Equals, c.Contains}, c.In...) {
		code := strings.ToUpper(strings.TrimSpace(v))
		if strings.HasPrefix(code, "FR-") && !region.Known(code) {
			r.warn(n, path, "%s is not the code of a French region (ISO 3166-2: FR-IDF, FR-HDF, FR-20R for Corsica…): no region derived from a postal code matches it", v)
		}
	}
}
