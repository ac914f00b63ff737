package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"
)

// WebhookTarget is where a simulator delivers its provider's webhooks.
type WebhookTarget struct {
	URL string `json:"url"`
	// Secret signs or authenticates each delivery the way the provider
	// does (Solaris HMAC, p100 Authorization, ...). Never printed.
	Secret string `json:"secret,omitempty"`
}

// Signer adds the provider's authentication to a delivery of body.
type Signer func(h http.Header, body []byte, secret string)

// Webhooks delivers simulator webhooks asynchronously: Send never blocks a
// simulator's request handling (it is called with simulator locks held), a
// full queue drops the delivery — as a provider's would be lost — and each
// delivery is retried a bounded number of times. With no target configured
// nothing is sent, which is the default, so tests opt in.
type Webhooks struct {
	// Attempts per delivery (p100 documents 5 tries); default 5.
	Attempts int
	// Backoff before the second attempt, doubling after; default 200ms.
	Backoff time.Duration
	Client  *http.Client
	Log     *slog.Logger

	mu      sync.Mutex
	targets map[string]WebhookTarget
	queue   chan delivery
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	sent    map[string]int // provider → deliveries answered 2xx
}

type delivery struct {
	provider string
	url      string
	header   http.Header
	body     []byte
}

// NewWebhooks returns a deliverer with no targets.
func NewWebhooks() *Webhooks {
	return &Webhooks{targets: map[string]WebhookTarget{}, queue: make(chan delivery, 1024), sent: map[string]int{}}
}

// Set configures provider's target; an empty URL removes it.
func (w *Webhooks) Set(provider string, t WebhookTarget) error {
	if t.URL != "" {
		u, err := url.Parse(t.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("webhook url for %s: not an http(s) URL", provider)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if t.URL == "" {
		delete(w.targets, provider)
	} else {
		w.targets[provider] = t
	}
	return nil
}

// Enabled reports whether any target is configured.
func (w *Webhooks) Enabled() bool {
	if w == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.targets) > 0
}

// Sent counts the deliveries to provider that were answered with 2xx.
func (w *Webhooks) Sent(provider string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sent[provider]
}

// Targets lists the configured providers and URLs, without secrets.
func (w *Webhooks) Targets() []map[string]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := []map[string]string{}
	for p, t := range w.targets {
		out = append(out, map[string]string{"provider": p, "url": t.URL})
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["provider"] < out[j]["provider"] })
	return out
}

// Send queues a delivery of body to provider's target, signed by sign. It
// does nothing without a target or before Start, and never blocks.
func (w *Webhooks) Send(provider string, body []byte, sign Signer) {
	if w == nil { // an Env built by hand
		return
	}
	w.mu.Lock()
	t, ok := w.targets[provider]
	running := w.cancel != nil
	w.mu.Unlock()
	if !ok || !running {
		return
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if sign != nil {
		sign(h, body, t.Secret)
	}
	select {
	case w.queue <- delivery{provider: provider, url: t.URL, header: h, body: body}:
	default:
		w.logger().Warn("sandbox webhook dropped: queue full", "provider", provider)
	}
}

// Start runs the delivery worker until Stop.
func (w *Webhooks) Start() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case d := <-w.queue:
				w.deliver(ctx, d)
			}
		}
	}()
}

// Stop ends the worker; queued deliveries are dropped.
func (w *Webhooks) Stop() {
	w.mu.Lock()
	cancel := w.cancel
	w.cancel = nil
	w.mu.Unlock()
	if cancel != nil {
		cancel()
		w.wg.Wait()
	}
}

func (w *Webhooks) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Webhooks) deliver(ctx context.Context, d delivery) {
	attempts, backoff := w.Attempts, w.Backoff
	if attempts <= 0 {
		attempts = 5
	}
	if backoff <= 0 {
		backoff = 200 * time.Millisecond
	}
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	for i := range attempts {
		if i > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff << (i - 1)):
			}
		}
		status, err := w.post(ctx, client, d)
		if err == nil && status/100 == 2 {
			w.mu.Lock()
			w.sent[d.provider]++
			w.mu.Unlock()
			return
		}
		// The target's URL is ours (the daemon); the secret is in the
		// headers, which are never logged.
		w.logger().Debug("sandbox webhook not accepted", "provider", d.provider, "attempt", i+1, "status", status, "err", err)
	}
	w.logger().Warn("sandbox webhook given up", "provider", d.provider, "attempts", attempts)
}

func (w *Webhooks) post(ctx context.Context, client *http.Client, d delivery) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return 0, fmt.Errorf("webhook request: %w", err)
	}
	req.Header = d.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("webhook post: %w", err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// WebhooksHandler serves GET, POST and DELETE /_sandbox/webhooks: POST
// {"provider","url","secret"} sets one target (empty url removes it).
func WebhooksHandler(w *Webhooks) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sandbox/webhooks", func(rw http.ResponseWriter, r *http.Request) {
		writeJSON(rw, http.StatusOK, w.Targets())
	})
	mux.HandleFunc("POST /_sandbox/webhooks", func(rw http.ResponseWriter, r *http.Request) {
		var in struct {
			Provider string `json:"provider"`
			URL      string `json:"url"`
			Secret   string `json:"secret"`
		}
		if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, 1<<16)).Decode(&in); err != nil || in.Provider == "" {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "want JSON {provider, url, secret}"})
			return
		}
		if err := w.Set(in.Provider, WebhookTarget{URL: in.URL, Secret: in.Secret}); err != nil {
			writeJSON(rw, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		writeJSON(rw, http.StatusOK, w.Targets())
	})
	mux.HandleFunc("DELETE /_sandbox/webhooks", func(rw http.ResponseWriter, r *http.Request) {
		w.mu.Lock()
		clear(w.targets)
		w.mu.Unlock()
		rw.WriteHeader(http.StatusNoContent)
	})
	return mux
}
