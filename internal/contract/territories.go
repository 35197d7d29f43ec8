package contract

import (
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
