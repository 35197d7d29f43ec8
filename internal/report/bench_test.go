package report

import (
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/handoff-sla/handoff/internal/contract"
)

// BenchmarkComputeRender is the report of a big month: 100,000 new leads and 10,000 SQLs (and the hand-offs of
// the five months before, for the trend and the funnel), computed and rendered with its charts and CSV.
// heap-MB is the live heap after a report with its input still held: what the Lambda needs beyond the runtime.
// cpu-ms/op is the process's CPU time per report, which a machine shared with other work does not inflate as it
// does ns/op (wall time).
func BenchmarkComputeRender(b *testing.B) {
	c := exampleContract(b)
	in := synthetic(c, contract.Month{Year: 2026, Month: time.November}, 100_000, 10_000, 7)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	var e Email
	for b.Loop() {
		var err error
		if e, err = Render(Compute(c, in)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	b.ReportMetric(float64(len(in.Handoffs)), "handoffs")
	b.ReportMetric(float64(len(e.HTML)+len(e.Text))/1024, "body-KB")
	b.ReportMetric(float64(len(e.Attachments[0].Data))/1024, "csv-KB")
	runtime.KeepAlive(in)
	runtime.KeepAlive(e)
}

// cpuTime is the user and system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
