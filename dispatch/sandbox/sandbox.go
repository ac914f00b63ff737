// Package sandbox assembles the four provider simulators on one handler, as
// `paybatch sandbox` and the in-process demo serve them: each provider under
// its prefix, plus the shared ledger and fault controls. No real money
// moves through anything here.
package sandbox

import (
	"net/http"
	"time"

	"github.com/paybatch/paybatch/dispatch/p100"
	"github.com/paybatch/paybatch/dispatch/simulate"
	"github.com/paybatch/paybatch/dispatch/smoney"
	"github.com/paybatch/paybatch/dispatch/solaris"
	"github.com/paybatch/paybatch/dispatch/wirex"
)

// Options configure the sandboxes.
type Options struct {
	// SettleDelay is how long a successful payout stays pending.
	SettleDelay time.Duration
	// Now is the simulators' clock; nil means time.Now.
	Now func() time.Time
	// Seed makes the random fault choices repeatable; 0 means 1.
	Seed uint64
}

// Sandbox is the set of simulators sharing one simulate.Env.
type Sandbox struct {
	Env *simulate.Env
}

// Simulator is one provider's simulator mounted under /<Name>/.
type Simulator struct {
	Name    string
	Handler http.Handler // serves the provider's documented paths at its root
}

// New returns the sandboxes on a fresh environment.
func New(opts Options) *Sandbox {
	env := simulate.NewEnv(opts.SettleDelay)
	if opts.Now != nil {
		env.Now = opts.Now
	}
	if opts.Seed != 0 {
		env.Faults = simulate.NewFaults(opts.Seed)
	}
	return &Sandbox{Env: env}
}

// Simulators lists every provider's simulator. Adding a provider is one
// line here.
func (s *Sandbox) Simulators() []Simulator {
	return []Simulator{
		{"p100", p100.NewSandbox(s.Env, p100.SandboxOptions{})},
		{"wirex", wirex.NewSandbox(s.Env, wirex.SandboxOptions{})},
		{"solaris", solaris.NewSandbox(s.Env, solaris.SandboxOptions{})},
		{"smoney", smoney.NewSandbox(s.Env, smoney.SandboxOptions{})},
	}
}

// Handler serves every simulator under /<name>/ with its faults applied,
// and /_sandbox/ledger and /_sandbox/faults.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, sim := range s.Simulators() {
		prefix := "/" + sim.Name
		mux.Handle(prefix+"/", http.StripPrefix(prefix, s.Env.Faults.Wrap(sim.Name, sim.Handler)))
	}
	control := simulate.Handler(s.Env.Ledger, s.Env.Faults)
	mux.Handle("/_sandbox/", control)
	return mux
}

// Paths lists what Handler serves, for start-up messages.
func (s *Sandbox) Paths() []string {
	var out []string
	for _, sim := range s.Simulators() {
		out = append(out, "/"+sim.Name+"/")
	}
	return append(out, "GET /_sandbox/ledger", "POST|DELETE /_sandbox/faults")
}
