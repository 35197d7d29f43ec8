package samlocal

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/handoff-sla/handoff/internal/devstack/samtemplate"
)

// Crashes makes the stack kill a function's process (SIGKILL, as an execution environment that runs out of memory
// or is lost) in the middle of an invocation, for make soak: about every Every-th invocation of the functions Of
// selects (the first within its first few), at a delay drawn up to Within after the process took the invocation.
// An invocation that answers before its kill is not a crash: the next one is tried instead, so the crashes happen
// mid-invocation. Lambda's rules then apply as to any crash: a stream mapping retries the batch, an asynchronous
// invocation is retried, a synchronous one fails. Seed makes the plan repeatable (as far as the invocations' own
// timing allows).
type Crashes struct {
	Every  int
	Within time.Duration // default 300 ms
	Seed   uint64
	Of     func(samtemplate.Function) bool
}

// crasher is one function's plan.
type crasher struct {
	every  int
	within time.Duration
	mu     sync.Mutex
	rng    *rand.Rand
	count  int  // invocations until the next crash is due
	due    bool // a crash is due and has not happened yet
	done   int  // crashes that happened
	off    bool // StopCrashes
	forced bool // CrashNext: the next invocation, whatever the plan or StopCrashes
}

func (k *crasher) stop() {
	if k == nil {
		return
	}
	k.mu.Lock()
	k.off = true
	k.mu.Unlock()
}

func newCrasher(c Crashes, def samtemplate.Function, index int) *crasher {
	if c.Every <= 0 || c.Of == nil || !c.Of(def) {
		return nil
	}
	if c.Within <= 0 {
		c.Within = 300 * time.Millisecond
	}
	k := &crasher{every: c.Every, within: c.Within, rng: rand.New(rand.NewPCG(c.Seed, uint64(index)+1))}
	// The first crash among the function's first few invocations, then about every Every: a function that runs
	// rarely is crashed too, not only the busy stream consumers.
	k.count = 1 + k.rng.IntN(min(c.Every, firstCrashWithin))
	return k
}

// firstCrashWithin: each function's first crash is due by its firstCrashWithin-th invocation.
const firstCrashWithin = 5

// gap is the number of invocations before the next crash: Every on average, from half to one and a half of it.
func (k *crasher) gap() int { return k.every/2 + k.rng.IntN(k.every+1) }

// plan decides whether this invocation (taken by p) is killed; if so, the kill comes after a drawn delay unless
// the invocation answers first (answered closed).
func (k *crasher) plan(p *proc, answered <-chan struct{}) bool {
	if k == nil {
		return false
	}
	k.mu.Lock()
	switch {
	case k.forced:
		k.forced = false
	case k.off:
		k.mu.Unlock()
		return false
	case !k.due:
		if k.count--; k.count > 0 {
			k.mu.Unlock()
			return false
		}
		k.due, k.count = true, k.gap()
	}
	delay := time.Duration(k.rng.Int64N(int64(k.within)))
	k.mu.Unlock()
	go func() {
		select {
		case <-answered:
		case <-time.After(delay):
			p.kill()
		}
	}()
	return true
}

// next makes the next invocation a crash.
func (k *crasher) next() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.forced = true
}

// crashed counts a planned crash that happened.
func (k *crasher) crashed() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.due = false
	k.done++
}

func (k *crasher) crashes() int {
	if k == nil {
		return 0
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.done
}
