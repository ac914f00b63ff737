// Package sandbox assembles the four provider simulators on one handler, as
// `paybatch sandbox` and the in-process demo serve them: each provider under
// its prefix, plus the shared ledger, fault and webhook controls. No real
// money moves through anything here.
package sandbox

import (
	"log/slog"
	"net/http"
	"sync"
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
	// Webhooks are the initial webhook targets by simulator name ("p100",
	// "wirex", "solaris", "smoney"); none by default. Deliveries start
	// with Start. POST /_sandbox/webhooks changes them at run time.
	Webhooks map[string]simulate.WebhookTarget
	// SweepInterval is how often Start's ticker settles due payouts so
	// their webhooks go out unasked; default 100ms.
	SweepInterval time.Duration
	// Log receives webhook delivery problems; nil means slog.Default.
	Log *slog.Logger
}

// Sandbox is the set of simulators sharing one simulate.Env.
type Sandbox struct {
	Env *simulate.Env

	opts Options
	once sync.Once
	sims []Simulator

	mu   sync.Mutex
	stop chan struct{}
	done chan struct{}
}

// Simulator is one provider's simulator mounted under /<Name>/.
type Simulator struct {
	Name    string
	Handler http.Handler // serves the provider's documented paths at its root
}

// sweeper is a simulator that can settle its due payouts unasked.
type sweeper interface{ Sweep() }

// New returns the sandboxes on a fresh environment.
func New(opts Options) *Sandbox {
	env := simulate.NewEnv(opts.SettleDelay)
	if opts.Now != nil {
		env.Now = opts.Now
	}
	if opts.Seed != 0 {
		env.Faults = simulate.NewFaults(opts.Seed)
	}
	env.Webhooks.Log = opts.Log
	for name, t := range opts.Webhooks {
		_ = env.Webhooks.Set(name, t) // a bad URL only disables that target
	}
	if opts.SweepInterval <= 0 {
		opts.SweepInterval = 100 * time.Millisecond
	}
	return &Sandbox{Env: env, opts: opts}
}

// Simulators lists every provider's simulator. Adding a provider is one
// line here. They are built once, so Handler and the sweeper of Start see
// the same payouts.
func (s *Sandbox) Simulators() []Simulator {
	s.once.Do(func() {
		s.sims = []Simulator{
			{"p100", p100.NewSandbox(s.Env, p100.SandboxOptions{})},
			{"wirex", wirex.NewSandbox(s.Env, wirex.SandboxOptions{})},
			{"solaris", solaris.NewSandbox(s.Env, solaris.SandboxOptions{})},
			{"smoney", smoney.NewSandbox(s.Env, smoney.SandboxOptions{})},
		}
	})
	return s.sims
}

// Handler serves every simulator under /<name>/ with its faults applied,
// and /_sandbox/ledger, /_sandbox/faults and /_sandbox/webhooks.
func (s *Sandbox) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, sim := range s.Simulators() {
		prefix := "/" + sim.Name
		mux.Handle(prefix+"/", http.StripPrefix(prefix, s.Env.Faults.Wrap(sim.Name, sim.Handler)))
	}
	mux.Handle("/_sandbox/webhooks", simulate.WebhooksHandler(s.Env.Webhooks))
	mux.Handle("/_sandbox/", simulate.Handler(s.Env.Ledger, s.Env.Faults))
	return mux
}

// Start begins webhook delivery and a ticker that settles due payouts, so a
// payout's webhook goes out when it settles, not when someone next reads
// it. The sandbox owns both until Stop.
func (s *Sandbox) Start() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != nil {
		return
	}
	s.Env.Webhooks.Start()
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	go s.sweep(s.stop, s.done)
}

// Stop ends the ticker and webhook delivery; Start may be called again.
func (s *Sandbox) Stop() {
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop, s.done = nil, nil
	s.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-done
	s.Env.Webhooks.Stop()
}

func (s *Sandbox) sweep(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(s.opts.SweepInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		// Without targets nothing would be sent: leave the lazy
		// settling to the reads, as before.
		if !s.Env.Webhooks.Enabled() {
			continue
		}
		for _, sim := range s.Simulators() {
			if sw, ok := sim.Handler.(sweeper); ok {
				sw.Sweep()
			}
		}
	}
}

// Paths lists what Handler serves, for start-up messages.
func (s *Sandbox) Paths() []string {
	var out []string
	for _, sim := range s.Simulators() {
		out = append(out, "/"+sim.Name+"/")
	}
	return append(out, "GET /_sandbox/ledger", "POST|DELETE /_sandbox/faults", "GET|POST|DELETE /_sandbox/webhooks")
}
