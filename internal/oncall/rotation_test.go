package oncall_test

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/signed"
)

// The functions that sign links with the link key (its first line) and the one that verifies them (every line).
var (
	linkSigners  = []string{"NotifyFunction", "DeadlinesFunction", "DigestFunction"}
	linkVerifier = "FeedbackFunction"
)

// rotationStep is one step of the runbook's link-key rotation, in the order the section gives them.
type rotationStep struct {
	put     []string // the secret's new lines, by shell variable (OLD, NEW): aws ssm put-parameter
	recycle []string // functions made to start fresh (fresh <LogicalId>..., or a loop of update-function-configuration)
	wait    bool     // the links' lifetime waited
}

var (
	putTwo  = regexp.MustCompile(`put-parameter [^\n]*--value "\$\(printf '%s\\n%s' "\$(\w+)" "\$(\w+)"\)"`)
	putOne  = regexp.MustCompile(`put-parameter [^\n]*--value "\$(\w+)"`)
	fresh   = regexp.MustCompile(`(?m)^\s*fresh((?: [A-Z][A-Za-z]+Function)+)\s*$`)
	loop    = regexp.MustCompile(`for f in ((?:[A-Z][A-Za-z]+Function ?)+); do\s+aws lambda update-function-configuration`)
	waitFor = regexp.MustCompile(`\*\*Wait 35 days\*\*`)
)

// rotationSteps reads the steps of RUNBOOK.md's "Rotate the feedback-link key" (up to its leaked-key paragraph,
// which knowingly breaks the links in flight).
func rotationSteps(t *testing.T) []rotationStep {
	t.Helper()
	data, err := os.ReadFile(runbookFile)
	if err != nil {
		t.Fatal(err)
	}
	_, body, ok := strings.Cut(string(data), "### Rotate the feedback-link key\n")
	if !ok {
		t.Fatal(`RUNBOOK.md has no "### Rotate the feedback-link key"`)
	}
	// The section ends at the next heading outside a code block ("# …" lines in a block are shell comments).
	fenced := false
	for i, line := range strings.SplitAfter(body, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if !fenced && strings.HasPrefix(line, "#") {
			body = strings.Join(strings.SplitAfter(body, "\n")[:i], "")
			break
		}
	}
	if i := strings.Index(body, "A leaked key"); i >= 0 {
		body = body[:i]
	}
	type hit struct {
		at   int
		step rotationStep
	}
	var hits []hit
	for _, m := range putTwo.FindAllStringSubmatchIndex(body, -1) {
		hits = append(hits, hit{m[0], rotationStep{put: []string{body[m[2]:m[3]], body[m[4]:m[5]]}}})
	}
	for _, m := range putOne.FindAllStringSubmatchIndex(body, -1) {
		hits = append(hits, hit{m[0], rotationStep{put: []string{body[m[2]:m[3]]}}})
	}
	for _, m := range fresh.FindAllStringSubmatchIndex(body, -1) {
		hits = append(hits, hit{m[0], rotationStep{recycle: strings.Fields(body[m[2]:m[3]])}})
	}
	for _, m := range loop.FindAllStringSubmatchIndex(body, -1) {
		hits = append(hits, hit{m[0], rotationStep{recycle: strings.Fields(body[m[2]:m[3]])}})
	}
	for _, m := range waitFor.FindAllStringIndex(body, -1) {
		hits = append(hits, hit{m[0], rotationStep{wait: true}})
	}
	slices.SortFunc(hits, func(a, b hit) int { return a.at - b.at })
	steps := make([]rotationStep, len(hits))
	for i, h := range hits {
		steps[i] = h.step
	}
	return steps
}

// checkRotation plays a rotation against the link keys as the functions parse them (signed.ParseKeys), the
// secret holding OLD alone at first. A function reads the secret at cold start, and Lambda starts environments
// whenever it likes (scaling out, replacing old ones): after a put, any environment of any function may hold the
// new value or any value since its last fresh start. It fails when, at any moment:
//   - a link a signer may sign now is refused by an environment of the verifier that may run now (a link in an
//     inbox that 403s while the rotation was meant to kill none);
//   - a key that signed links is removed before the links' lifetime was waited since it last could sign;
//
// and when, at the end, the verifier may still run with the old key (removed from the secret, still accepted).
func checkRotation(steps []rotationStep) []string {
	keyOf := map[string]string{"OLD": "old-link-key-" + strings.Repeat("o", 40), "NEW": "new-link-key-" + strings.Repeat("n", 40)}
	values := [][]string{{"OLD"}}           // every value the secret held, in order
	since := map[string]int{}               // function -> index of the first value its environments may hold
	lastSigned := map[string]int{"OLD": -1} // key -> step after which it may have signed last (-1: still may)
	waitedAfter := -2                       // the step index of the last wait
	var problems []string
	parse := func(v []string) signed.Keys {
		lines := make([]string, len(v))
		for i, name := range v {
			lines[i] = keyOf[name]
		}
		keys, err := signed.ParseKeys(strings.Join(lines, "\n"))
		if err != nil {
			problems = append(problems, "the secret "+strings.Join(v, "\\n")+" is refused: "+err.Error())
		}
		return keys
	}
	signs := func(v []string) string { return v[0] }
	for i, s := range steps {
		switch {
		case s.wait:
			waitedAfter = i
		case s.put != nil:
			for _, name := range s.put {
				if keyOf[name] == "" {
					problems = append(problems, "step "+strconv.Itoa(i+1)+": the secret holds $"+name+", neither $OLD nor $NEW")
					return problems
				}
			}
			prev := values[len(values)-1]
			for _, k := range prev {
				if !slices.Contains(s.put, k) {
					if last, ok := lastSigned[k]; ok && (last == -1 || waitedAfter < last) {
						problems = append(problems, "step "+strconv.Itoa(i+1)+": $"+k+" is removed before the links it signed expired (no wait since it last signed)")
					}
				}
			}
			parse(s.put)
			values = append(values, s.put)
			lastSigned[signs(s.put)] = -1
		case s.recycle != nil:
			for _, f := range s.recycle {
				since[f] = len(values) - 1
			}
			// A key no signer may sign with any more stopped signing here.
			for k, last := range lastSigned {
				if last != -1 {
					continue
				}
				still := false
				for _, f := range linkSigners {
					for _, v := range values[since[f]:] {
						still = still || signs(v) == k
					}
				}
				if !still {
					lastSigned[k] = i
				}
			}
		}
		// Every link a signer may sign now opens on every environment of the verifier that may run now.
		for _, f := range linkSigners {
			for _, sv := range values[since[f]:] {
				for _, fv := range values[since[linkVerifier]:] {
					if !slices.Contains(fv, signs(sv)) {
						problems = append(problems, "after step "+strconv.Itoa(i+1)+": "+f+" may sign with $"+signs(sv)+" (secret "+strings.Join(sv, "\\n")+
							") while "+linkVerifier+" may still hold "+strings.Join(fv, "\\n")+": those links get a 403")
					}
				}
			}
		}
	}
	final := values[len(values)-1]
	for _, fv := range values[since[linkVerifier]:] {
		for _, k := range fv {
			if !slices.Contains(final, k) {
				problems = append(problems, "at the end "+linkVerifier+" may still accept $"+k+", which the secret no longer lists (no fresh start after the last put)")
				return problems
			}
		}
	}
	if len(values) == 1 || !slices.Equal(final, []string{"NEW"}) {
		problems = append(problems, "the rotation does not end with $NEW alone in the secret")
	}
	return problems
}

// TestTheRunbooksRotationKillsNoLink plays RUNBOOK.md's link-key rotation (checkRotation).
func TestTheRunbooksRotationKillsNoLink(t *testing.T) {
	steps := rotationSteps(t)
	if len(steps) == 0 {
		t.Fatal("no step found in the rotation section")
	}
	for _, p := range checkRotation(steps) {
		t.Error(p)
	}
}

// TestCheckRotation: the check itself, on rotations known to be right or wrong.
func TestCheckRotation(t *testing.T) {
	t.Parallel()
	put := func(v ...string) rotationStep { return rotationStep{put: v} }
	all := rotationStep{recycle: append([]string{linkVerifier}, linkSigners...)}
	verifier := rotationStep{recycle: []string{linkVerifier}}
	wait := rotationStep{wait: true}
	for _, tc := range []struct {
		name  string
		steps []rotationStep
		want  string
	}{
		{"verify first, then sign, wait, remove", []rotationStep{put("OLD", "NEW"), verifier, put("NEW", "OLD"), all, wait, put("NEW"), all}, ""},
		{"the new key signs before the pages know it", []rotationStep{put("NEW", "OLD"), all, wait, put("NEW"), all}, "may sign with $NEW"},
		{"removed without a wait", []rotationStep{put("OLD", "NEW"), verifier, put("NEW", "OLD"), all, put("NEW"), all}, "removed before the links it signed expired"},
		{"removed, the pages never restarted", []rotationStep{put("OLD", "NEW"), verifier, put("NEW", "OLD"), all, wait, put("NEW")}, "may still accept $OLD"},
		{"never finished", []rotationStep{put("OLD", "NEW"), verifier}, "does not end with $NEW alone"},
	} {
		got := strings.Join(checkRotation(tc.steps), "; ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
