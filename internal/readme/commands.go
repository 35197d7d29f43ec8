package readme

import (
	"fmt"
	"regexp"
	"strings"
)

// Programs are the commands an unmarked shell block may run: a block of them shows what to type, not what
// comes back. A line of such a block that starts a command with anything else is taken for output (a response,
// a result), which needs a marker and a test. A new program in the documents goes here.
var Programs = map[string]bool{
	"go": true, "handoff": true, "make": true, "curl": true, "aws": true, "awscurl": true, ".venv/bin/sam": true, "sam": true,
	"jq": true, "cat": true, "tr": true, "grep": true, "sleep": true, "date": true, "echo": true, "openssl": true,
	"export": true, "local": true, "cd": true, "rm": true, "mkdir": true, "git": true, "time": true,
	// the runbook's shell functions (RUNBOOK.md defines them in its first block)
	"fn": true, "queue": true, "insights": true, "peek": true, "fresh": true,
	// shell words that start or end a compound command
	"for": true, "while": true, "until": true, "if": true, "then": true, "else": true, "fi": true, "do": true,
	"done": true, "done;": true, "}": true, "{": true,
}

var (
	assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	function   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*\(\)`)
)

// OutputLines returns the lines of a shell block without a marker that do not read as commands: a prompt
// ("$ "), or a line that starts a command (not a continuation of the one before: a trailing backslash, pipe,
// &&, ||, an open quote or brace) with a word that is not a program of Programs, an assignment or a function's
// definition. Each is "line: text".
func OutputLines(b Block) []string {
	var out []string
	cont := false // the line continues the previous command
	depth := 0    // open braces and parentheses outside quotes
	quote := byte(0)
	for i, raw := range b.Lines {
		line := strings.TrimSpace(raw)
		starts := !cont && depth == 0 && quote == 0
		if starts && line != "" && !strings.HasPrefix(line, "#") {
			word, _, _ := strings.Cut(line, " ")
			switch {
			case strings.HasPrefix(line, "$ ") || line == "$":
				out = append(out, fmt.Sprintf("%d: %s (a prompt: a transcript shows output)", b.Fence+1+i, raw))
			case Programs[word], assignment.MatchString(word), function.MatchString(word):
			default:
				out = append(out, fmt.Sprintf("%d: %s", b.Fence+1+i, raw))
			}
		}
		// Follow quotes, braces and parentheses to the end of the line (a comment ends it).
		for j := 0; j < len(raw); j++ {
			c := raw[j]
			switch {
			case quote == '\'':
				if c == '\'' {
					quote = 0
				}
			case quote == '"':
				if c == '\\' {
					j++
				} else if c == '"' {
					quote = 0
				}
			case c == '\\':
				j++
			case c == '\'' || c == '"':
				quote = c
			case c == '#' && (j == 0 || raw[j-1] == ' '):
				j = len(raw)
			case c == '{' || c == '(':
				depth++
			case c == '}' || c == ')':
				if depth > 0 {
					depth--
				}
			}
		}
		code := line
		if k := strings.Index(code, " #"); k >= 0 && quote == 0 {
			code = strings.TrimSpace(code[:k])
		}
		cont = strings.HasSuffix(code, "\\") || strings.HasSuffix(code, "|") || strings.HasSuffix(code, "&&") ||
			strings.HasSuffix(code, "||")
	}
	return out
}
