package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
	"github.com/handoff-sla/handoff/internal/platform"
)

// Each function's bootstrap: its size as Lambda gets it (linux/arm64, the Makefile's build-<LogicalId> flags),
// against the limit `make sizes` checks (the Makefile's MAX_MB and MAX_MB_<Name>), and its initialisation —
// process start to its first GET /2018-06-01/runtime/invocation/next on a Runtime API — with the environment the
// local stack gives it (the template's variables, the contract, its secrets read from moto, its clients built).
// Only this machine's architecture runs here: init times are of a binary built with the same flags for it, and
// say so.
func init() {
	Register(Suite{Name: "bootstrap", Order: 70, Run: runBootstrap})
}

// buildFlags are the Makefile's build-%Function flags but GOOS/GOARCH.
var buildFlags = []string{"build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w"}

func runBootstrap(ctx context.Context, env *Env) ([]Row, error) {
	starts := 10
	if env.Quick {
		starts = 3
	}
	tpl, err := samtemplate.Load(filepath.Join(env.Root, "template.yaml"))
	if err != nil {
		return nil, err
	}
	makefile, err := os.ReadFile(filepath.Join(env.Root, "Makefile"))
	if err != nil {
		return nil, err
	}
	limits, def, err := sizeLimits(string(makefile))
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "handoff-bench-bootstrap-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	// Sizes: sam build's arm64 bootstraps when present, else built here as the Makefile builds them.
	arm := map[string]string{}
	var missing []samtemplate.Function
	for _, f := range tpl.Functions {
		p := filepath.Join(env.Root, ".aws-sam", "build", f.LogicalID, "bootstrap")
		if _, err := os.Stat(p); err == nil {
			arm[f.LogicalID] = p
		} else {
			missing = append(missing, f)
		}
	}
	sizeSource := ".aws-sam/build (make sam-build)"
	if len(missing) > 0 {
		built, err := buildAll(ctx, env.Root, filepath.Join(tmp, "arm64"), "arm64", missing)
		if err != nil {
			return nil, err
		}
		for k, v := range built {
			arm[k] = v
		}
		sizeSource = "built here with the Makefile's build-<LogicalId> flags (GOOS=linux GOARCH=arm64 CGO_ENABLED=0 -tags lambda.norpc -trimpath -ldflags \"-s -w\")"
		if len(missing) < len(tpl.Functions) {
			sizeSource = "from .aws-sam/build where present, else " + sizeSource
		}
	}
	// The local build tag only lets the AWS_ENDPOINT_URL_* variables point at the local stack (a production
	// build ignores them, and would call AWS).
	host, err := buildAll(ctx, env.Root, filepath.Join(tmp, runtime.GOARCH), runtime.GOARCH, tpl.Functions, platform.LocalBuildTag)
	if err != nil {
		return nil, err
	}

	s, err := startStack(ctx, env, "bootstrap")
	if err != nil {
		return nil, err
	}
	defer s.Close()
	var sizes, inits []Row
	for _, f := range tpl.Functions {
		fi, err := os.Stat(arm[f.LogicalID])
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(f.LogicalID, "Function")
		limit, ok := limits[name]
		if !ok {
			limit = def
		}
		mb := float64(fi.Size()) / 1e6
		sizes = append(sizes, Goal("bootstrap size: "+f.LogicalID+" (linux/arm64)", fmt.Sprintf("%.1f MB (%s bytes)", mb, thousands(int(fi.Size()))),
			fmt.Sprintf("≤ %d MB (make sizes)", limit), mb <= float64(limit), whyIf(mb > float64(limit), "over the Makefile's MAX_MB limit: make sizes fails")))
		var took []time.Duration
		for range starts {
			d, err := initTime(ctx, host[f.LogicalID], s.Stack.Environment(f.LogicalID))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f.LogicalID, err)
			}
			took = append(took, d)
		}
		med := Percentile(took, 50)
		inits = append(inits, Row{Name: fmt.Sprintf("bootstrap init: %s (linux/%s, this machine)", f.LogicalID, runtime.GOARCH),
			Figure:  fmt.Sprintf("median %s of %d starts (fastest %s, slowest %s)", secs(med), starts, secs(Percentile(took, 0)), secs(Percentile(took, 100))),
			Verdict: Info, Relative: env.Relative(med)})
	}
	sizes[0].Why = "Sizes " + sizeSource + "; the limits are the Makefile's MAX_MB (1 MB = 1,000,000 bytes, as make sizes counts)."
	inits[0].Why = fmt.Sprintf("Process start to its first GET /2018-06-01/runtime/invocation/next on a Runtime API of this command's, with the environment the local stack "+
		"gives the function (the contract from the layer's folder, its secrets read from moto, its DynamoDB endpoint the stack's IAM proxy): a binary built with the "+
		"Makefile's flags and the local build tag (which only lets the endpoints point at the local stack) for linux/%s, the only architecture this machine runs — Lambda's arm64 and its network differ. Sequential starts, page cache warm.", runtime.GOARCH)
	return append(sizes, inits...), nil
}

// sizeLimits reads the Makefile's MAX_MB (the default) and MAX_MB_<Name> (a function's own), in MB.
func sizeLimits(makefile string) (map[string]int, int, error) {
	limits, def := map[string]int{}, 0
	for _, m := range regexp.MustCompile(`(?m)^MAX_MB(?:_(\w+))?\s*:=\s*(\d+)\s*$`).FindAllStringSubmatch(makefile, -1) {
		n, _ := strconv.Atoi(m[2])
		if m[1] == "" {
			def = n
		} else {
			limits[m[1]] = n
		}
	}
	if def == 0 {
		return nil, 0, fmt.Errorf("the Makefile has no MAX_MB")
	}
	return limits, def, nil
}

// buildAll builds the functions for linux/arch with the Makefile's flags in one go build, into dir; it returns
// each function's binary.
func buildAll(ctx context.Context, root, dir, arch string, fns []samtemplate.Function, extraTags ...string) (map[string]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	args := append([]string{}, buildFlags...)
	args[2] = strings.Join(append([]string{args[2]}, extraTags...), ",")
	args = append(args, "-o", dir+string(filepath.Separator))
	out := map[string]string{}
	for _, f := range fns {
		args = append(args, "./"+filepath.ToSlash(filepath.Join(f.Package)))
		out[f.LogicalID] = filepath.Join(dir, filepath.Base(f.Package))
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build for linux/%s: %v\n%s", arch, err, b)
	}
	return out, nil
}

// initTime starts bin with environ and a Runtime API of its own, and returns the time from the process's start
// to its first GET of the next invocation; the process is then killed (it never gets one).
func initTime(ctx context.Context, bin string, environ []string) (time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	asked := make(chan time.Time, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		select {
		case asked <- time.Now():
		default:
		}
		<-r.Context().Done() // no invocation: the process waits here until it is killed
	})
	initErr := make(chan string, 1)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 2048)
		n, _ := r.Body.Read(b)
		select {
		case initErr <- string(b[:n]):
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	out := &lockedWriter{b: &strings.Builder{}}
	cmd := exec.Command(bin)
	cmd.Env = append(append([]string{}, environ...), "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String())
	cmd.Stdout, cmd.Stderr = out, out
	exited := make(chan error, 1)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	go func() { exited <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-exited
	}()
	select {
	case at := <-asked:
		return at.Sub(start), nil
	case msg := <-initErr:
		return 0, fmt.Errorf("init error: %s", msg)
	case err := <-exited:
		exited <- err
		return 0, fmt.Errorf("exited before asking for an invocation (%v): %s", err, out.String())
	case <-time.After(30 * time.Second):
		return 0, fmt.Errorf("no GET /next within 30 s: %s", out.String())
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
