package bench

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
)

// secs formats a duration in seconds, with a precision that fits it.
func secs(d time.Duration) string {
	s := d.Seconds()
	switch {
	case s < 0.1:
		return fmt.Sprintf("%.1f ms", s*1000)
	case s < 10:
		return fmt.Sprintf("%.2f s", s)
	}
	return fmt.Sprintf("%.1f s", s)
}

// thousands writes n with a comma between thousands: 100,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// whyIf is reason and a space when cond holds, else "": a missed goal's reason before what the row always says.
func whyIf(cond bool, reason string) string {
	if !cond {
		return ""
	}
	return reason + ". "
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// lockedWriter serialises writes to b (a process's stdout and stderr both).
type lockedWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

// relative is env.Relative(d) followed by what it is of, or "" when the run has no baseline.
func relative(env *Env, d time.Duration, of string) string {
	if r := env.Relative(d); r != "" {
		return r + of
	}
	return ""
}
