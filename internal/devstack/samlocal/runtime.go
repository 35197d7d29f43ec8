package samlocal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/localaws"
	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// FunctionError is a failed invocation, shaped like Lambda's: the function's own error, a timeout, a crash or an
// init failure.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string { return e.Type + ": " + e.Message }

// function runs one template function's real binary the way Lambda does: as processes that pull invocations
// from a Runtime API (each process gets its own, like one execution environment), at most maxProcs at once,
// started on demand (cold starts) and kept warm.
type function struct {
	def      samtemplate.Function
	bin      string
	env      []string
	logs     io.Writer
	maxProcs int
	act      *activity // the stack's idle accounting (idle.go); nil counts nothing
	counts   *counts   // invocations and their time, for make bench (counts.go); nil counts nothing
	// slots holds one token per invocation running when the function has a ReservedConcurrentExecutions (nil
	// when it has none): Lambda throttles an invocation beyond it.
	slots chan struct{}
	crash *crasher // kills a process mid-invocation now and then (Options.Crashes); nil never

	mu      sync.Mutex
	pending []*invocation
	procs   map[*proc]bool
	idle    int           // processes blocked in /next
	wake    chan struct{} // closed and replaced whenever pending grows or a process exits
	seq     int
	closed  bool
	initErr string // why the last process that died before serving did
}

type invocation struct {
	id      string
	payload []byte
	picked  chan *proc  // receives the process that took it
	result  chan result // receives its outcome
}

type result struct {
	body []byte
	err  *FunctionError
}

// proc is one execution environment: a process and the Runtime API endpoint it polls.
type proc struct {
	fn      *function
	cmd     *exec.Cmd
	srv     *http.Server
	exited  chan struct{}
	ready   bool // has asked for an invocation at least once
	output  *localaws.Tail
	initErr string
	stopped atomic.Bool // stop ended it (a restart for a new clock or environment, the stack closing)

	mu      sync.Mutex
	current *invocation
	// retire is set by a restart while the process runs an invocation: it ends once that is answered, and
	// never takes another.
	retire bool
}

func newFunction(def samtemplate.Function, bin string, env []string, logs io.Writer, maxProcs int) *function {
	f := &function{def: def, bin: bin, env: env, logs: logs, maxProcs: maxProcs, procs: map[*proc]bool{}, wake: make(chan struct{})}
	if def.ReservedConcurrency > 0 {
		f.slots = make(chan struct{}, def.ReservedConcurrency)
	}
	return f
}

// ErrThrottled is Lambda's TooManyRequestsException: the function already runs as many invocations as its
// ReservedConcurrentExecutions allows. A stream mapping waits and retries the batch (not counted as a retry).
var ErrThrottled = errors.New("TooManyRequestsException: Rate Exceeded (the function's reserved concurrency is in use)")

// Invoke runs one invocation and returns the function's response payload. Beyond the function's reserved
// concurrency it waits for a running invocation to end (see NotEmulated: Lambda answers 429 to a synchronous
// invocation, and retries an asynchronous one later).
func (f *function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return f.invoke(ctx, newID(), payload)
}

// invoke runs one invocation under a request ID: Lambda's retries of an asynchronous invocation keep its ID.
func (f *function) invoke(ctx context.Context, id string, payload []byte) ([]byte, error) {
	defer f.act.begin("invocation of " + f.def.LogicalID)()
	if f.slots != nil {
		select {
		case f.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		defer func() { <-f.slots }()
	}
	return f.run(ctx, id, payload)
}

// tryInvoke is an invocation that Lambda throttles (ErrThrottled) when the function's reserved concurrency is
// in use, as it does an event source mapping's: what the stream pollers call.
func (f *function) tryInvoke(ctx context.Context, payload []byte) ([]byte, error) {
	defer f.act.begin("invocation of " + f.def.LogicalID)()
	if f.slots != nil {
		select {
		case f.slots <- struct{}{}:
		default:
			return nil, ErrThrottled
		}
		defer func() { <-f.slots }()
	}
	return f.run(ctx, newID(), payload)
}

// run hands an invocation to an execution environment and waits for its outcome.
func (f *function) run(ctx context.Context, id string, payload []byte) ([]byte, error) {
	inv := &invocation{id: id, payload: payload, picked: make(chan *proc, 1), result: make(chan result, 1)}
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, errors.New("the local stack is stopping")
	}
	f.pending = append(f.pending, inv)
	if f.idle == 0 && len(f.procs) < f.maxProcs {
		if err := f.spawnLocked(); err != nil {
			f.removeLocked(inv)
			f.mu.Unlock()
			return nil, err
		}
	}
	f.broadcastLocked()
	f.mu.Unlock()

	for {
		f.mu.Lock()
		wake := f.wake
		f.mu.Unlock()
		select {
		case p := <-inv.picked:
			return f.await(ctx, p, inv)
		case <-ctx.Done():
			f.mu.Lock()
			f.removeLocked(inv)
			f.mu.Unlock()
			return nil, ctx.Err()
		case <-wake:
			// A process exited: if it died before serving and none is left to take the invocation, the function
			// cannot start; if it was restarted (a new clock), a new one takes it.
			f.mu.Lock()
			switch {
			case len(f.procs) == 0 && f.initErr != "" && f.removeLocked(inv):
				msg := f.initErr
				f.mu.Unlock()
				return nil, &FunctionError{Type: "Runtime.InitError", Message: msg}
			case f.idle == 0 && len(f.procs) < f.maxProcs && slices.Contains(f.pending, inv):
				if err := f.spawnLocked(); err != nil {
					f.removeLocked(inv)
					f.mu.Unlock()
					return nil, err
				}
			}
			f.mu.Unlock()
		}
	}
}

func (f *function) await(ctx context.Context, p *proc, inv *invocation) ([]byte, error) {
	defer func(began time.Time) { f.counts.invoked(f.def.LogicalID, time.Since(began)) }(time.Now())
	timeout := time.Duration(f.def.Timeout) * time.Second
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	answered := make(chan struct{})
	defer close(answered)
	planned := f.crash.plan(p, answered)
	select {
	case r := <-inv.result:
		if r.err != nil {
			return r.body, r.err
		}
		return r.body, nil
	case <-timer.C:
		p.kill() // Lambda discards an environment that timed out
		return nil, &FunctionError{Type: "Sandbox.Timedout", Message: fmt.Sprintf("Task timed out after %d seconds", f.def.Timeout)}
	case <-p.exited:
		select {
		case r := <-inv.result: // answered just before exiting
			if r.err != nil {
				return r.body, r.err
			}
			return r.body, nil
		default:
		}
		if planned {
			f.crash.crashed()
			return nil, &FunctionError{Type: "Runtime.ExitError", Message: "the process was killed during the invocation (a crash injected by the local stack: Options.Crashes)"}
		}
		if p.stopped.Load() {
			return nil, &FunctionError{Type: "Runtime.ExitError", Message: "the execution environment was stopped during the invocation by the local stack (a move of its clock or environment restarts every function)"}
		}
		return nil, &FunctionError{Type: "Runtime.ExitError", Message: "the process exited during the invocation: " + p.output.String()}
	case <-ctx.Done():
		p.kill()
		return nil, ctx.Err()
	}
}

func (f *function) removeLocked(inv *invocation) bool {
	for i, x := range f.pending {
		if x == inv {
			f.pending = append(f.pending[:i], f.pending[i+1:]...)
			return true
		}
	}
	return false
}

func (f *function) broadcastLocked() {
	close(f.wake)
	f.wake = make(chan struct{})
}

// spawnLocked starts a new execution environment with its own Runtime API endpoint.
func (f *function) spawnLocked() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	p := &proc{fn: f, exited: make(chan struct{}), output: &localaws.Tail{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", p.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", p.respond)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", p.fail)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", p.initError)
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = p.srv.Serve(ln) }()

	f.seq++
	name := fmt.Sprintf("%s#%d", f.def.LogicalID, f.seq)
	p.cmd = exec.Command(f.bin)
	// Each execution environment has its own log stream, as in Lambda (the fault injector draws from its name).
	stream := fmt.Sprintf("%s/[$LATEST]%032x", time.Now().UTC().Format("2006/01/02"), f.seq)
	p.cmd.Env = append(append([]string{}, f.env...), "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String(), "AWS_LAMBDA_LOG_STREAM_NAME="+stream)
	out := io.MultiWriter(p.output, &localaws.LineWriter{Prefix: "[" + name + "] ", W: f.logs})
	p.cmd.Stdout, p.cmd.Stderr = out, out
	p.cmd.SysProcAttr = localaws.ProcessGroup()
	if err := p.cmd.Start(); err != nil {
		_ = p.srv.Close()
		return fmt.Errorf("start %s: %w", f.def.LogicalID, err)
	}
	f.procs[p] = true
	go p.wait()
	return nil
}

func (p *proc) wait() {
	err := p.cmd.Wait()
	_ = p.srv.Close()
	f := p.fn
	f.mu.Lock()
	delete(f.procs, p)
	if !p.ready && !p.stopped.Load() {
		// Died before serving (a stopped one was only retired while it started: the next takes its place).
		msg := p.initErr
		if msg == "" {
			msg = fmt.Sprintf("the function exited (%v) before serving: %s", err, p.output.String())
		}
		f.initErr = msg
	}
	f.broadcastLocked()
	f.mu.Unlock()
	close(p.exited)
}

func (p *proc) kill() {
	if p.cmd.Process != nil {
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	}
}

// next blocks until an invocation is pending, then hands it to this process.
func (p *proc) next(w http.ResponseWriter, r *http.Request) {
	f := p.fn
	f.mu.Lock()
	p.ready = true
	f.initErr = ""
	p.mu.Lock()
	p.current = nil
	retired := p.retire
	p.mu.Unlock()
	if retired {
		// Its last invocation answered, the environment of an old clock or configuration ends here: it
		// takes nothing more (the next invocations start environments with the new one).
		f.mu.Unlock()
		go stop([]*proc{p})
		<-r.Context().Done()
		return
	}
	f.idle++
	for len(f.pending) == 0 || !f.procs[p] || p.retired() || r.Context().Err() != nil {
		if !f.procs[p] || p.retired() || r.Context().Err() != nil {
			// The process is gone or going (a restart for a new clock, a crash) though its request is still being
			// torn down: it must not take an invocation it cannot run. The invocation waiting gets a new one.
			f.idle--
			f.broadcastLocked()
			f.mu.Unlock()
			<-r.Context().Done() // being stopped: no answer, no invocation (the server closes with the process)
			return
		}
		wake := f.wake
		f.mu.Unlock()
		select {
		case <-wake:
		case <-r.Context().Done():
		}
		f.mu.Lock()
	}
	inv := f.pending[0]
	f.pending = f.pending[1:]
	f.idle--
	// Taken under f.mu, so that a restart sees this process busy from the moment it takes the invocation.
	p.mu.Lock()
	p.current = inv
	p.mu.Unlock()
	f.mu.Unlock()
	deadline := time.Now().Add(time.Duration(f.def.Timeout) * time.Second)
	h := w.Header()
	h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
	h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set("Lambda-Runtime-Invoked-Function-Arn", fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", localaws.Region, localaws.Account, f.def.LogicalID))
	h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+inv.id[:8]+"-"+inv.id[8:]+";Sampled=0")
	h.Set("Content-Type", "application/json")
	inv.picked <- p
	_, _ = w.Write(inv.payload)
}

// retired reports a restart retiring the process (it takes no more invocations).
func (p *proc) retired() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.retire
}

// finish answers the invocation id with r. The result is in its channel before the process looks idle: a restart
// that stops it then cannot fail an invocation already answered.
func (p *proc) finish(id string, r result) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current == nil || p.current.id != id {
		return false
	}
	p.current.result <- r // buffered, and this process's one answer to it
	p.current = nil
	return true
}

func (p *proc) respond(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 6<<20+1))
	var res result
	switch {
	case err != nil:
		res = result{err: &FunctionError{Type: "Runtime.ResponseError", Message: err.Error()}}
	case len(body) > 6<<20:
		// Lambda's synchronous response limit.
		res = result{err: &FunctionError{Type: "Function.ResponseSizeTooLarge", Message: "response over 6 MB"}}
	default:
		res = result{body: body}
	}
	if !p.finish(r.PathValue("id"), res) {
		http.Error(w, `{"errorMessage":"unknown request id"}`, http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (p *proc) fail(w http.ResponseWriter, r *http.Request) {
	fe := &FunctionError{}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if json.Unmarshal(body, fe) != nil || fe.Type == "" {
		fe.Type = "Function.Error"
		if fe.Message == "" {
			fe.Message = strings.TrimSpace(string(body))
		}
	}
	if !p.finish(r.PathValue("id"), result{err: fe}) {
		http.Error(w, `{"errorMessage":"unknown request id"}`, http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (p *proc) initError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var fe FunctionError
	if json.Unmarshal(body, &fe) == nil && fe.Message != "" {
		p.fn.mu.Lock()
		p.initErr = fe.Type + ": " + fe.Message
		p.fn.mu.Unlock()
	}
	w.WriteHeader(http.StatusAccepted)
}

// restart replaces the function's environment variables and retires its processes: an idle one stops now, a
// busy one once its invocation is answered, so that moving the clock never fails an invocation in flight (AWS
// has no such move: failing it would send a scheduled run to its on-failure destination for nothing). The next
// invocations start new processes with the new environment.
func (f *function) restart(env []string) {
	f.mu.Lock()
	f.env = env
	var idle []*proc
	for p := range f.procs {
		p.mu.Lock()
		if p.current == nil {
			idle = append(idle, p)
		}
		// Under f.mu, as next takes an invocation: a retired process, idle or starting, takes none from now on
		// (one taken between this and its SIGTERM would fail, as Lambda never fails an invocation for a
		// configuration update).
		p.retire = true
		p.mu.Unlock()
	}
	f.broadcastLocked() // the idle ones leave next; waiting invocations start fresh environments
	f.mu.Unlock()
	stop(idle)
}

func (f *function) procsLocked() []*proc {
	procs := make([]*proc, 0, len(f.procs))
	for p := range f.procs {
		procs = append(procs, p)
	}
	return procs
}

// stop ends processes: SIGTERM, then SIGKILL after two seconds.
func stop(procs []*proc) {
	for _, p := range procs {
		p.stopped.Store(true)
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
	}
	for _, p := range procs {
		select {
		case <-p.exited:
		case <-time.After(2 * time.Second):
			p.kill()
			<-p.exited
		}
	}
}

// close stops every process of the function.
func (f *function) close() {
	f.mu.Lock()
	f.closed = true
	procs := f.procsLocked()
	f.mu.Unlock()
	stop(procs)
}
