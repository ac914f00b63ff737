// Package cputime reads the CPU time the process has used, for benchmarks
// on shared machines: other people's load stretches wall-clock time far
// more than it stretches the CPU time a run needs.
package cputime

import (
	"testing"
	"time"
)

// Now returns the user plus system CPU time of the process so far, or 0
// where the platform does not report it.
func Now() time.Duration { return now() }

// Report reports cpu, the CPU time a benchmark's iterations used, per
// iteration as "cpu-ms/op" and returns it in nanoseconds per iteration
// (0 where the platform does not report CPU time).
func Report(b *testing.B, cpu time.Duration) float64 {
	perOp := float64(cpu.Nanoseconds()) / float64(b.N)
	if perOp > 0 {
		b.ReportMetric(perOp/1e6, "cpu-ms/op")
	}
	return perOp
}
