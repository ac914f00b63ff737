package main

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthTimeout bounds the store check of /healthz and /readyz: a probe
// must answer quickly, and a store that does not is unhealthy.
const healthTimeout = 2 * time.Second

// httpHandler is the daemon's HTTP surface: liveness, readiness, metrics
// and provider webhooks. ready reports whether start-up finished (store
// open, lock held, sources started).
func (a *app) httpHandler(ready func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := a.pingStore(r.Context()); err != nil {
			a.log.Warn("healthz: store not answering", "err", err)
			http.Error(w, "store not answering", http.StatusServiceUnavailable)
			return
		}
		okText(w)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if ready == nil || !ready() {
			http.Error(w, "starting", http.StatusServiceUnavailable)
			return
		}
		if err := a.pingStore(r.Context()); err != nil {
			http.Error(w, "store not answering", http.StatusServiceUnavailable)
			return
		}
		okText(w)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics.reg, promhttp.HandlerOpts{
		Timeout: 10 * time.Second, MaxRequestsInFlight: 4,
	}))
	mux.HandleFunc("POST /webhooks/{provider}", a.handleWebhook(ready))
	return mux
}

func (a *app) pingStore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	return a.store.Ping(ctx)
}

func okText(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}
