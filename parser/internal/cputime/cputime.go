// Package cputime reads the CPU time the process has used, for benchmarks
// on shared machines: other people's load stretches wall-clock time far
// more than it stretches the CPU time a run needs.
package cputime

import "time"

// Now returns the user plus system CPU time of the process so far, or 0
// where the platform does not report it.
func Now() time.Duration { return now() }
