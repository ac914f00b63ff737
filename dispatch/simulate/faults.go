package simulate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// Fault is the fault-injection setting of one provider, as posted to
// /_sandbox/faults. Status is 429, 500, 503 or "timeout".
type Fault struct {
	Provider            string  `json:"provider"`
	ErrorRate           float64 `json:"error_rate"`
	Status              Status  `json:"status"`
	LatencyMS           int     `json:"latency_ms"`
	DropAfterCommitRate float64 `json:"drop_after_commit_rate"`
	// RetryAfterSeconds, if set, is sent as Retry-After with injected 429/503.
	RetryAfterSeconds int `json:"retry_after_seconds,omitempty"`
}

// Status is an HTTP status code, or Timeout (JSON "timeout").
type Status int

// Timeout makes an injected error hang until the client gives up.
const Timeout Status = -1

// UnmarshalJSON accepts a number or the string "timeout".
func (s *Status) UnmarshalJSON(b []byte) error {
	if string(b) == `"timeout"` {
		*s = Timeout
		return nil
	}
	var n int
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("status must be 429, 500, 503 or \"timeout\": %w", err)
	}
	*s = Status(n)
	return nil
}

// MarshalJSON writes "timeout" or the number.
func (s Status) MarshalJSON() ([]byte, error) {
	if s == Timeout {
		return []byte(`"timeout"`), nil
	}
	return []byte(strconv.Itoa(int(s))), nil
}

func (f Fault) validate() error {
	switch {
	case f.Provider == "":
		return errors.New("provider is required")
	case f.ErrorRate < 0 || f.ErrorRate > 1 || f.DropAfterCommitRate < 0 || f.DropAfterCommitRate > 1:
		return errors.New("rates must be between 0 and 1")
	case f.LatencyMS < 0:
		return errors.New("latency_ms must not be negative")
	}
	switch f.Status {
	case 0, 429, 500, 502, 503, 504, Timeout:
		return nil
	}
	return fmt.Errorf("status %d is not one of 429, 500, 502, 503, 504, \"timeout\"", int(f.Status))
}

// Faults holds the fault settings of every provider. Safe for concurrent use.
type Faults struct {
	mu     sync.Mutex
	byName map[string]Fault
	rng    *rand.Rand
	// HangLimit bounds how long a "timeout" fault holds a request when the
	// client never gives up.
	HangLimit time.Duration
}

// NewFaults returns an empty set whose random choices are seeded, so a test
// run can be repeated.
func NewFaults(seed uint64) *Faults {
	return &Faults{byName: map[string]Fault{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), HangLimit: 2 * time.Minute}
}

// Set replaces the fault setting of f.Provider.
func (fs *Faults) Set(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.byName[f.Provider] = f
	return nil
}

// Clear removes every fault.
func (fs *Faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.byName = map[string]Fault{}
}

// List returns the current settings.
func (fs *Faults) List() []Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	out := make([]Fault, 0, len(fs.byName))
	for _, f := range fs.byName {
		out = append(out, f)
	}
	return out
}

// decide draws the fate of one request under the provider's setting.
func (fs *Faults) decide(provider string, mutating bool) (f Fault, fail, drop bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	f, ok := fs.byName[provider]
	if !ok {
		return Fault{}, false, false
	}
	fail = f.ErrorRate > 0 && f.Status != 0 && fs.rng.Float64() < f.ErrorRate
	drop = !fail && mutating && f.DropAfterCommitRate > 0 && fs.rng.Float64() < f.DropAfterCommitRate
	return f, fail, drop
}

// Wrap applies the provider's faults to a simulator handler: latency, then
// either an injected error (the handler does not run, nothing is committed),
// or, for a mutating request, "commit then drop": the handler runs and its
// effects stand, but the connection is closed before any response byte.
func (fs *Faults) Wrap(provider string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, fail, drop := fs.decide(provider, r.Method != http.MethodGet)
		if f.LatencyMS > 0 {
			select {
			case <-time.After(time.Duration(f.LatencyMS) * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
		if fail {
			if f.Status == Timeout {
				// Read the body first: the server notices a client that
				// gave up only once the body is consumed, and until then
				// the request would hang for the whole HangLimit.
				_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
				select {
				case <-r.Context().Done():
				case <-time.After(fs.HangLimit):
				}
				dropConnection(w)
				return
			}
			if f.RetryAfterSeconds > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfterSeconds))
			}
			http.Error(w, "injected fault", int(f.Status))
			return
		}
		if !drop {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		dropConnection(w)
	})
}

// dropConnection closes the client connection without a response, which a
// client sees as EOF / connection reset: the outcome is unknown to it.
func dropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2): abort the handler, which resets the stream.
	panic(http.ErrAbortHandler)
}

// Handler serves GET /_sandbox/ledger, POST /_sandbox/faults (one Fault or a
// list) and DELETE /_sandbox/faults.
func Handler(l *Ledger, fs *Faults) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_sandbox/ledger", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, l.Entries())
	})
	mux.HandleFunc("GET /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, fs.List())
	})
	mux.HandleFunc("POST /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		body := http.MaxBytesReader(w, r.Body, 1<<16)
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(body); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		var list []Fault
		if b := bytes.TrimSpace(buf.Bytes()); len(b) > 0 && b[0] == '[' {
			if err := json.Unmarshal(b, &list); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
		} else {
			var f Fault
			if err := json.Unmarshal(b, &f); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			list = []Fault{f}
		}
		for _, f := range list {
			if err := fs.Set(f); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
		}
		writeJSON(w, http.StatusOK, fs.List())
	})
	mux.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		fs.Clear()
		w.WriteHeader(http.StatusNoContent)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
