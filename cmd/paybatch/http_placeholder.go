package main

import (
	"fmt"
	"net/http"
)

// httpHandler is a stand-in until the HTTP server branch (health, ready,
// metrics, webhooks) lands with its own app.httpHandler in http.go. The
// integrator deletes this file: the two definitions cannot coexist, so the
// build says so loudly rather than silently serving the stand-in.
func (a *app) httpHandler(ready func() bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !ready() {
			http.Error(w, "not ready", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	return mux
}
