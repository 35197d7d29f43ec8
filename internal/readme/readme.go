// Package readme holds the documentation to what the code prints: every fenced block of README.md and RUNBOOK.md
// that shows a command's output carries a marker right before its fence,
//
//	<!-- output: NAME -->
//
// and a test somewhere in the repository produces that output from the real code and calls
//
//	readme.Hold(t, "NAME", got, readme.Vary(`ready in (\d+\.\d)s`, "the start's duration"))
//
// which fails, naming the file and line of the block, with a diff, when the block and the output differ. The
// package's own test fails on a marker no test holds, a Hold whose block does not exist, and a fenced block
// that has no marker and is not a plain list of commands: a new output block cannot escape.
//
// What may differ between a run and the README is said, never guessed: each Vary is a regular expression whose
// capturing groups (the whole match when it has none) are blanked in both texts before they are compared —
// durations, ports, generated IDs, temporary directories. A README line that is "…" alone (indentation aside)
// stands for one or more lines of the output left out. Nothing else is normalised: spaces and blank lines count.
//
// To rewrite a block from the output (a block without "…"), run the holding test with -readme.update, one
// package at a time: go test ./internal/cli -run TestX -args -readme.update (a line that changed only in what
// Vary blanks keeps the README's values; a new or changed line has the run's own: check them before committing).
package readme

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
)

// Files are the documents whose blocks are held, relative to the repository root.
var Files = []string{"README.md", "RUNBOOK.md"}

var update = flag.Bool("readme.update", false, "rewrite the README blocks held by the tests run from what they print")

// Elision is the line that stands for output left out.
const Elision = "…"

var (
	outputMarker = regexp.MustCompile(`^<!--\s*output:\s*([A-Za-z0-9][A-Za-z0-9_.-]*)\s*-->\s*$`)
	otherMarker  = regexp.MustCompile(`^<!--\s*not output:\s*(\S.*?)\s*-->\s*$`)
	anyMarker    = regexp.MustCompile(`^<!--\s*(output|not output)\b`)
)

// Block is a fenced block of a document.
type Block struct {
	File  string   // relative to the repository root
	Fence int      // line number of the opening fence (1-based)
	Info  string   // what follows the opening fence ("sh", "")
	Lines []string // the block's text, fences excluded
	// Name is the marker's name for an output block; "" otherwise.
	Name string
	// NotOutput is the reason a marker gives for a block that shows no command's output ("the package layout").
	NotOutput string
	// Marker is the line of the marker, 0 when there is none.
	Marker int
}

// Where is the block's first line as file:line.
func (b Block) Where() string { return fmt.Sprintf("%s:%d", b.File, b.Fence+1) }

// Parse reads the fenced blocks of a Markdown text (fences of three or more backticks or tildes at the start of
// a line) with the marker comment on the line right before each opening fence. A marker followed by anything
// but a fence is an error, as is a marker that does not parse or a fence left open.
func Parse(file string, text []byte) ([]Block, error) {
	var blocks []Block
	var errs []error
	lines := strings.Split(string(text), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if anyMarker.MatchString(strings.TrimSpace(line)) {
			if i+1 >= len(lines) || fence(lines[i+1]) == "" {
				errs = append(errs, fmt.Errorf("%s:%d: a marker must be right before a block's opening fence", file, i+1))
			}
			if !outputMarker.MatchString(strings.TrimSpace(line)) && !otherMarker.MatchString(strings.TrimSpace(line)) {
				errs = append(errs, fmt.Errorf("%s:%d: a marker is <!-- output: NAME --> or <!-- not output: REASON -->, got %s", file, i+1, line))
			}
			continue
		}
		f := fence(line)
		if f == "" {
			continue
		}
		b := Block{File: file, Fence: i + 1, Info: strings.TrimSpace(strings.TrimLeft(line, f[:1]))}
		if i > 0 {
			prev := strings.TrimSpace(lines[i-1])
			if m := outputMarker.FindStringSubmatch(prev); m != nil {
				b.Name, b.Marker = m[1], i
			} else if m := otherMarker.FindStringSubmatch(prev); m != nil {
				b.NotOutput, b.Marker = m[1], i
			}
		}
		closed := false
		for i++; i < len(lines); i++ {
			if strings.HasPrefix(lines[i], f) && strings.TrimSpace(strings.TrimLeft(lines[i], f[:1])) == "" {
				closed = true
				break
			}
			b.Lines = append(b.Lines, lines[i])
		}
		if !closed {
			errs = append(errs, fmt.Errorf("%s:%d: a fenced block is never closed", file, b.Fence))
		}
		blocks = append(blocks, b)
	}
	return blocks, errors.Join(errs...)
}

// fence returns the fence a line opens or closes (``` or ~~~, or longer), "" for other lines.
func fence(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n]
		}
	}
	return ""
}

// Blocks parses every document of Files.
func Blocks() ([]Block, error) {
	root, err := localaws.RepoRoot()
	if err != nil {
		return nil, err
	}
	var all []Block
	var errs []error
	for _, f := range Files {
		text, err := os.ReadFile(filepath.Join(root, f))
		if err != nil {
			return nil, err
		}
		b, err := Parse(f, text)
		all = append(all, b...)
		errs = append(errs, err)
	}
	return all, errors.Join(errs...)
}

// A Variation is a part of the output that differs from run to run, blanked in both texts before they are
// compared.
type Variation struct {
	re  *regexp.Regexp
	why string
}

// Vary says that what pattern's capturing groups match (the whole match when it has none) differs between runs,
// and why. Both the README's text and the output have it blanked.
func Vary(pattern, why string) Variation {
	return Variation{re: regexp.MustCompile(pattern), why: why}
}

const blank = "‹varies›"

func (v Variation) apply(s string) string {
	if v.re.NumSubexp() == 0 {
		return v.re.ReplaceAllLiteralString(s, blank)
	}
	var b strings.Builder
	last := 0
	for _, m := range v.re.FindAllStringSubmatchIndex(s, -1) {
		for g := 1; g <= v.re.NumSubexp(); g++ {
			start, end := m[2*g], m[2*g+1]
			if start < 0 || start < last {
				continue
			}
			b.WriteString(s[last:start])
			b.WriteString(blank)
			last = end
		}
	}
	b.WriteString(s[last:])
	return b.String()
}

// Find returns the block of the output marker name.
func Find(name string) (Block, error) {
	blocks, err := Blocks()
	if err != nil {
		return Block{}, err
	}
	var found []Block
	for _, b := range blocks {
		if b.Name == name {
			found = append(found, b)
		}
	}
	switch len(found) {
	case 0:
		return Block{}, fmt.Errorf("no block of %s is marked <!-- output: %s -->", strings.Join(Files, " or "), name)
	case 1:
		return found[0], nil
	default:
		return Block{}, fmt.Errorf("two blocks are marked <!-- output: %s -->: %s and %s", name, found[0].Where(), found[1].Where())
	}
}

// Hold fails t unless the block marked <!-- output: name --> shows got, with what vary blanks blanked in both
// and the README's "…" lines standing for lines left out. The failure names the block's file and line and shows
// the difference, line by line, with the README's line numbers.
func Hold(t testing.TB, name, got string, vary ...Variation) {
	t.Helper()
	b, err := Find(name)
	if err != nil {
		t.Fatal(err)
	}
	if msg := Compare(b, got, vary...); msg != "" {
		if *update && !b.elided() {
			if err := rewrite(b, keepValues(b, got, vary)); err != nil {
				t.Fatalf("%s\n-readme.update: %v", msg, err)
			}
			t.Logf("%s: rewrote the block %q from the output", b.Where(), name)
			return
		}
		why := ""
		for _, v := range vary {
			why += fmt.Sprintf("\n  %s: %s", v.re, v.why)
		}
		if why != "" {
			why = "\n(blanked as ‹varies› in both, since they differ between runs:" + why + ")"
		}
		hint := "\nfix the README (or the code), or rewrite the block from this output: go test " + pkg() + " -run '^" + t.Name() + "$' -args -readme.update"
		if b.elided() {
			hint = "\nfix the README (or the code); the block leaves lines out (…), so it is edited by hand"
		}
		t.Errorf("%s%s%s", msg, why, hint)
	}
}

// keepValues is got with each line that the block already shows, but for what vary blanks, written as the
// block writes it: a rewrite keeps the README's durations, ports and IDs where the line did not change.
func keepValues(b Block, got string, vary []Variation) string {
	norm := func(s string) string {
		for _, v := range vary {
			s = v.apply(s)
		}
		return s
	}
	shown := map[string][]string{} // normalised -> the block's lines, in order
	for _, l := range b.Lines {
		shown[norm(l)] = append(shown[norm(l)], l)
	}
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	for i, l := range lines {
		if same := shown[norm(l)]; len(same) > 0 {
			lines[i], shown[norm(l)] = same[0], same[1:]
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func (b Block) elided() bool {
	for _, l := range b.Lines {
		if strings.TrimSpace(l) == Elision {
			return true
		}
	}
	return false
}

// Compare returns "" when the block shows got (see Hold), else what differs.
func Compare(b Block, got string, vary ...Variation) string {
	norm := func(s string) string {
		for _, v := range vary {
			s = v.apply(s)
		}
		return s
	}
	want := make([]string, len(b.Lines))
	for i, l := range b.Lines {
		want[i] = norm(l)
	}
	have := strings.Split(norm(strings.TrimSuffix(got, "\n")), "\n")
	if matches(want, have) {
		return ""
	}
	var d strings.Builder
	fmt.Fprintf(&d, "%s: the block <!-- output: %s --> is not what the code prints (- README.md's line, + the output):\n", b.Where(), b.Name)
	if b.elided() {
		// Each run of lines between elisions must appear, in order: show the first that does not.
		d.WriteString(elidedDiff(b, want, have))
	} else {
		d.WriteString(diff(b, want, have))
	}
	fmt.Fprintf(&d, "the whole output:\n%s", indent(got))
	return d.String()
}

// matches reports whether want, whose Elision lines stand for one or more lines, is have.
func matches(want, have []string) bool {
	if len(want) == 0 {
		return len(have) == 0
	}
	if strings.TrimSpace(want[0]) == Elision {
		for skip := 1; skip <= len(have); skip++ {
			if matches(want[1:], have[skip:]) {
				return true
			}
		}
		return false
	}
	return len(have) > 0 && want[0] == have[0] && matches(want[1:], have[1:])
}

// diff is a line diff (longest common subsequence) of the block and the output, with the README's line numbers.
func diff(b Block, want, have []string) string {
	n, m := len(want), len(have)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if want[i] == have[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var d strings.Builder
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && want[i] == have[j]:
			fmt.Fprintf(&d, "  %s:%d    %s\n", b.File, b.Fence+1+i, want[i])
			i++
			j++
		case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
			fmt.Fprintf(&d, "+ %s      %s\n", strings.Repeat(" ", len(b.File)), have[j])
			j++
		default:
			fmt.Fprintf(&d, "- %s:%d    %s\n", b.File, b.Fence+1+i, want[i])
			i++
		}
	}
	return d.String()
}

// elidedDiff names the first run of the block's lines (between elisions) that the output does not show where it
// should.
func elidedDiff(b Block, want, have []string) string {
	var d strings.Builder
	pos := 0 // in have
	for i := 0; i < len(want); {
		if strings.TrimSpace(want[i]) == Elision {
			i++
			continue
		}
		j := i
		for j < len(want) && strings.TrimSpace(want[j]) != Elision {
			j++
		}
		run := want[i:j]
		anchored := i == 0
		at := -1
		for k := pos; k+len(run) <= len(have); k++ {
			if equal(run, have[k:k+len(run)]) {
				at = k
				break
			}
			if anchored {
				break
			}
		}
		if at < 0 || (j == len(want) && at+len(run) != len(have)) {
			fmt.Fprintf(&d, "lines %s:%d-%d are not in the output where they should be:\n", b.File, b.Fence+1+i, b.Fence+j)
			for k, l := range run {
				fmt.Fprintf(&d, "- %s:%d    %s\n", b.File, b.Fence+1+i+k, l)
			}
			return d.String()
		}
		pos = at + len(run)
		i = j
	}
	return "the lines left out (…) must stand for at least one line each\n"
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func indent(s string) string {
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		b.WriteString("    | " + sc.Text() + "\n")
	}
	return b.String()
}

// pkg is the test's package as a go test argument (./internal/cli), from the working directory.
func pkg() string {
	root, err := localaws.RepoRoot()
	if err != nil || startErr != nil {
		return "."
	}
	rel, err := filepath.Rel(root, startDir)
	if err != nil || rel == "." {
		return "."
	}
	return "./" + filepath.ToSlash(rel)
}

// startDir is the test's working directory when it started (its package's directory).
var startDir, startErr = os.Getwd()

var rewriting sync.Mutex

// rewrite replaces the lines of the block marked as b is in its file by got. It reads the file again under a
// lock and finds the block by its name there, so that tests of one package rewriting several blocks of a file
// (whose lines move as earlier blocks grow) each replace their own.
func rewrite(b Block, got string) error {
	rewriting.Lock()
	defer rewriting.Unlock()
	root, err := localaws.RepoRoot()
	if err != nil {
		return err
	}
	path := filepath.Join(root, b.File)
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	blocks, err := Parse(b.File, text)
	if err != nil {
		return err
	}
	var now *Block
	for i := range blocks {
		if blocks[i].Name == b.Name && b.Name != "" {
			now = &blocks[i]
		}
	}
	if now == nil {
		return fmt.Errorf("%s no longer has the block <!-- output: %s -->", b.File, b.Name)
	}
	lines := strings.Split(string(text), "\n")
	end := now.Fence + len(now.Lines) // 0-based index of the closing fence
	var out bytes.Buffer
	out.WriteString(strings.Join(lines[:now.Fence], "\n") + "\n")
	out.WriteString(strings.TrimSuffix(got, "\n") + "\n")
	out.WriteString(strings.Join(lines[end:], "\n"))
	return os.WriteFile(path, out.Bytes(), 0o644)
}
