package readme

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseMarkers(t *testing.T) {
	t.Parallel()
	doc := "text\n<!-- output: banner -->\n```\nhello 1.8s\n```\n\n<!-- not output: the layout -->\n```\nx\n```\n```sh\nmake run\n```\n"
	blocks, err := Parse("DOC.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(blocks) != 3 || blocks[0].Name != "banner" || blocks[0].Fence != 3 || blocks[0].Where() != "DOC.md:4" ||
		blocks[1].NotOutput != "the layout" || blocks[2].Marker != 0 || blocks[2].Info != "sh" {
		t.Fatalf("parsed %+v", blocks)
	}
	for _, bad := range []string{
		"<!-- output: x -->\ntext\n",              // a marker not before a fence
		"<!-- output -->\n```\nx\n```\n",          // no name
		"<!-- output: x -->\n```\nnever closed\n", // open fence
	} {
		if _, err := Parse("DOC.md", []byte(bad)); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	t.Parallel()
	b := Block{File: "README.md", Fence: 10, Name: "x", Lines: []string{"ready in 1.8s", "  API http://127.0.0.1:3000", "done"}}
	ports := Vary(`127\.0\.0\.1:(\d+)`, "a free port")
	took := Vary(`ready in (\d+\.\d)s`, "the start's duration")
	if msg := Compare(b, "ready in 4.2s\n  API http://127.0.0.1:41234\ndone\n", ports, took); msg != "" {
		t.Errorf("the varying parts count:\n%s", msg)
	}
	msg := Compare(b, "ready in 4.2s\n  API http://127.0.0.1:41234\nfinished\n", ports, took)
	if !strings.Contains(msg, "- README.md:13    done") || !strings.Contains(msg, "finished") || !strings.Contains(msg, "README.md:11") {
		t.Errorf("the diff does not name the README's line:\n%s", msg)
	}
	if msg := Compare(b, "ready in 4.2s\n  API http://127.0.0.1:41234\ndone\n", ports); msg == "" {
		t.Error("a duration not declared as varying was blanked")
	}
	if msg := Compare(b, "ready in 4.2s\n  API http://127.0.0.1:41234\ndone\nmore\n", ports, took); msg == "" {
		t.Error("an extra line of output passed")
	}
}

func TestCompareElided(t *testing.T) {
	t.Parallel()
	b := Block{File: "README.md", Fence: 1, Name: "x", Lines: []string{"first", "  …", "middle", "…", "last"}}
	for _, tc := range []struct {
		out string
		ok  bool
	}{
		{"first\na\nmiddle\nb\nc\nlast", true},
		{"first\nmiddle\nb\nlast", false},       // "…" stands for at least one line
		{"first\na\nmiddle\nb\nlast\nx", false}, // the last line is the output's last
		{"zero\nfirst\na\nmiddle\nb\nlast", false},
		{"first\na\nb\nlast", false},
	} {
		msg := Compare(b, tc.out, nil...)
		if (msg == "") != tc.ok {
			t.Errorf("%q: match %v, want %v\n%s", tc.out, msg == "", tc.ok, msg)
		}
	}
	if msg := Compare(b, "first\na\nb\nlast", nil...); !strings.Contains(msg, "README.md:4") {
		t.Errorf("the missing line is not named:\n%s", msg)
	}
}

func TestOutputLines(t *testing.T) {
	t.Parallel()
	b := Block{File: "README.md", Fence: 1, Info: "sh", Lines: []string{
		"# a comment",
		"go run ./cmd/handoff send --data '{\"a\":1}'",
		"202 Accepted /v1/sources/x",
		"aws sqs receive-message \\",
		"  --queue-url \"$Q\" | jq '.Messages[] | {",
		"  a: .b}'",
		"fn() { aws lambda get-function --function-name \"$1\"; }",
		"X=$(queue name)",
		"for m in a b; do",
		"  aws cloudwatch get-metric-statistics --metric-name $m",
		"done",
		"$ go run ./cmd/handoff contract check",
	}}
	got := OutputLines(b)
	if len(got) != 2 || !strings.HasPrefix(got[0], "4: 202 Accepted") || !strings.HasPrefix(got[1], "13: $ go run") {
		t.Errorf("output lines: %q", got)
	}
}

// TestRewrite: -readme.update replaces the block's lines and nothing else (fences, marker, the text around).
func TestRewrite(t *testing.T) {
	dir := t.TempDir()
	doc := "# Doc\n\n<!-- output: x -->\n```\nold 1\nold 2\n```\nafter\n"
	for name, text := range map[string]string{"go.mod": "module x\n", "README.md": doc} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	blocks, err := Parse("README.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := rewrite(blocks[0], "new 1\nnew 2\nnew 3\n"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "# Doc\n\n<!-- output: x -->\n```\nnew 1\nnew 2\nnew 3\n```\nafter\n"; string(got) != want {
		t.Errorf("rewritten:\n%s\nwant:\n%s", got, want)
	}
	// The block as read before the first rewrite (its lines moved since): the block of that name is rewritten.
	if err := rewrite(blocks[0], "again\n"); err != nil {
		t.Fatal(err)
	}
	if got, _ = os.ReadFile(filepath.Join(dir, "README.md")); string(got) != "# Doc\n\n<!-- output: x -->\n```\nagain\n```\nafter\n" {
		t.Errorf("rewritten again:\n%s", got)
	}
	if err := rewrite(Block{File: "README.md", Name: "gone"}, "x\n"); err == nil {
		t.Error("a block no longer there was rewritten")
	}
}

// TestKeepValues: a rewrite keeps the README's varying values on the lines that did not change otherwise.
func TestKeepValues(t *testing.T) {
	t.Parallel()
	b := Block{Lines: []string{"ready in 1.8s", "port 3000", "old line"}}
	got := keepValues(b, "ready in 64.0s\nport 41234\nnew line, ready in 2.0s\n", []Variation{Vary(`ready in (\d+\.\d)s`, ""), Vary(`port (\d+)`, "")})
	if want := "ready in 1.8s\nport 3000\nnew line, ready in 2.0s\n"; got != want {
		t.Errorf("kept %q, want %q", got, want)
	}
}
