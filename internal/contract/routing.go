package contract

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Routing decides which team, then which rep, receives an SQL.
type Routing struct {
	// Teams are tried in order: the first whose conditions the lead meets, and that has a rep available,
	// takes the SQL.
	Teams []Team
	// Fallback is the rep who takes an SQL no team can (a rep ID).
	Fallback string
}

// Team is a group of reps sharing SQLs by weighted round-robin.
type Team struct {
	ID    string
	Reps  []string             // rep IDs
	When  map[string]Condition // lead field -> condition, all must hold; empty matches every lead
	Label string               // for the assignment reason ("territoire Nord")
}

// Notify says how SQL hand-offs are announced and answered.
type Notify struct {
	CCManager     bool     // copy the rep's manager on the SQL email
	RejectReasons []string // the reasons sales may give when rejecting an SQL
	// LinkSecret references the key that signs feedback links (ssm:/..., secretsmanager:..., env:...).
	LinkSecret string
}

// DefaultRejectReasons are used when the contract lists none.
var DefaultRejectReasons = []string{"not_a_fit", "no_budget", "duplicate", "wrong_contact", "student_or_job_seeker", "other"}

func (r *reader) routing(n *yaml.Node, path string) Routing {
	var ro Routing
	teamIDs := map[string]bool{}
	fields := setOf(append(append([]string{}, FitFields...), "region"))
	r.mapping(n, path, map[string]field{
		"teams": {true, func(n *yaml.Node, p string) {
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				t := Team{When: map[string]Condition{}}
				r.mapping(item, p, map[string]field{
					"id":    {true, func(n *yaml.Node, p string) { t.ID = r.uniqueID(n, p, teamIDs) }},
					"label": {false, func(n *yaml.Node, p string) { t.Label = r.text(n, p) }},
					"reps": {true, func(n *yaml.Node, p string) {
						r.list(n, p, func(_ int, rep *yaml.Node, p string) {
							if id := r.id(rep, p); id != "" {
								t.Reps = append(t.Reps, id)
								r.repRefs = append(r.repRefs, typeRef{rep, p, id})
							}
						})
						if len(t.Reps) == 0 {
							r.fail(n, p, "must list at least one rep")
						}
					}},
					"when": {false, func(n *yaml.Node, p string) {
						if n.Kind != yaml.MappingNode {
							r.fail(n, p, "must map lead fields to conditions, got %s", describe(n))
							return
						}
						for i := 0; i+1 < len(n.Content); i += 2 {
							k, v := n.Content[i], n.Content[i+1]
							at := join(p, k.Value)
							if !fields[k.Value] {
								r.fail(k, at, "unknown lead field (allowed: %s)", strings.Join(sortedSet(fields), ", "))
								continue
							}
							var c Condition
							r.mapping(v, at, r.conditionFields(&c, map[string]field{}))
							if v.Kind == yaml.MappingNode {
								r.oneCondition(v, at)
							}
							t.When[k.Value] = c
							if k.Value == "region" {
								r.regionCondition(v, at, c)
							}
						}
					}},
				})
				ro.Teams = append(ro.Teams, t)
			})
		}},
		"fallback": {true, func(n *yaml.Node, p string) {
			ro.Fallback = r.id(n, p)
			r.repRefs = append(r.repRefs, typeRef{n, p, ro.Fallback})
		}},
	})
	return ro
}

func sortedSet(m map[string]bool) []string {
	return strings.Split(keysOf(m), ", ")
}

func (r *reader) notify(n *yaml.Node, path string) Notify {
	no := Notify{}
	r.mapping(n, path, map[string]field{
		"cc_manager":  {false, func(n *yaml.Node, p string) { no.CCManager = r.boolean(n, p) }},
		"link_secret": {true, func(n *yaml.Node, p string) { no.LinkSecret = r.secret(n, p) }},
		"reject_reasons": {false, func(n *yaml.Node, p string) {
			seen := map[string]bool{}
			r.list(n, p, func(_ int, item *yaml.Node, p string) {
				id := r.id(item, p)
				if id != "" && seen[id] {
					r.fail(item, p, "%s is listed twice", id)
					return
				}
				seen[id] = true
				if id != "" {
					no.RejectReasons = append(no.RejectReasons, id)
				}
			})
		}},
	})
	return no
}

// checkRepRefs reports routing references to reps the roster does not have.
func (r *reader) checkRepRefs(reps []Rep) {
	known := map[string]bool{}
	for _, rep := range reps {
		known[rep.ID] = true
	}
	for _, ref := range r.repRefs {
		if ref.typ != "" && !known[ref.typ] {
			r.fail(ref.node, ref.path, "unknown rep %q (not in roster.reps)", ref.typ)
		}
	}
}
