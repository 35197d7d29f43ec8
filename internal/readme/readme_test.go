package readme

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
)

// holders finds, in every test file of the repository, the calls readme.Hold(t, "NAME", …): name -> where.
func holders(t *testing.T) map[string][]string {
	t.Helper()
	root, err := localaws.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	found := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case ".git", "node_modules", ".venv", ".local", "testdata", "bin", ".aws-sam":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !strings.Contains(string(src), "readme.Hold(") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "Hold" {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "readme" {
				return true
			}
			where := fset.Position(call.Pos())
			where.Filename = rel
			if len(call.Args) < 3 {
				t.Errorf("%s: readme.Hold needs t, the block's name and the output", where)
				return true
			}
			lit, ok := call.Args[1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: readme.Hold's name must be a string literal (this test finds the holders by reading their source)", where)
				return true
			}
			name, _ := strconv.Unquote(lit.Value)
			found[name] = append(found[name], where.String())
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestEveryOutputBlockIsHeld: every block marked <!-- output: NAME --> has a test that calls readme.Hold with its
// name, every such call has its block, and no name is held twice (one block, one test).
func TestEveryOutputBlockIsHeld(t *testing.T) {
	t.Parallel()
	blocks, err := Blocks()
	if err != nil {
		t.Fatal(err)
	}
	held := holders(t)
	marked := map[string]Block{}
	for _, b := range blocks {
		if b.Name == "" {
			continue
		}
		if other, ok := marked[b.Name]; ok {
			t.Errorf("%s and %s: two blocks are marked <!-- output: %s -->", other.Where(), b.Where(), b.Name)
		}
		marked[b.Name] = b
		if len(held[b.Name]) == 0 {
			t.Errorf("%s: the block <!-- output: %s --> has no test: call readme.Hold(t, %q, output) where the output is produced", b.Where(), b.Name, b.Name)
		}
	}
	var names []string
	for name := range held {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := marked[name]; !ok {
			t.Errorf("%s: readme.Hold(%q) holds no block (no <!-- output: %s --> in %s)", strings.Join(held[name], ", "), name, name, strings.Join(Files, ", "))
		}
		if len(held[name]) > 1 {
			t.Errorf("the block %q is held by more than one call: %s", name, strings.Join(held[name], ", "))
		}
	}
	if len(marked) == 0 {
		t.Error("no block is marked as output: the documents' parsing is broken")
	}
	t.Logf("%d output blocks held", len(marked))
}

// TestNoOutputBlockEscapes: a fenced block without a marker is a shell block of commands only (see
// OutputLines); any other block says what it is — <!-- output: NAME --> or <!-- not output: REASON -->.
func TestNoOutputBlockEscapes(t *testing.T) {
	t.Parallel()
	blocks, err := Blocks()
	if err != nil {
		t.Fatal(err)
	}
	commands := 0
	for _, b := range blocks {
		if b.Marker != 0 {
			continue
		}
		if b.Info != "sh" && b.Info != "bash" && b.Info != "shell" {
			t.Errorf("%s: a fenced block without a marker (%q): mark it <!-- output: NAME --> and hold it with a test, or <!-- not output: what it is -->", b.Where(), b.Info)
			continue
		}
		for _, l := range OutputLines(b) {
			t.Errorf("%s:%s\n  reads as a command's output in a shell block without a marker: mark the block <!-- output: NAME --> and hold it with a test (or, if it is a command, add its program to readme.Programs)", b.File, l)
		}
		commands++
	}
	if commands == 0 {
		t.Error("no shell block of commands found: the documents' parsing is broken")
	}
}
