package testenv

import (
	"bytes"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// SyncBuffer collects the logs that several goroutines (or function processes) write.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Logger is a JSON logger that writes to the test's log (shown when the test fails or with -v).
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewJSONHandler(testWriter{t}, nil))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// LogWriter writes to the test's log, for the output of processes a test starts.
func LogWriter(t testing.TB) io.Writer { return testWriter{t} }
