package httpx

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Workers calling one provider concurrently reuse their keep-alive
// connections: a Client without its own http.Client does not dial per
// request. (With http.DefaultTransport's 2 idle connections per host, most
// of these calls would dial.)
func TestDefaultClientReusesConnectionsAcrossWorkers(t *testing.T) {
	var dials atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(2 * time.Millisecond) // so that the workers' calls overlap
		w.Write([]byte(`{"ok":true}`))
	}))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			dials.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	c := &Client{Provider: "test", BaseURL: srv.URL}
	const workers, calls = 16, 25
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"}); err != nil {
					t.Error(err)
					return
				}
				// Between two calls a worker persists a transition: its
				// connection is idle meanwhile, as are others.
				time.Sleep(time.Millisecond)
			}
		}()
	}
	wg.Wait()
	// A worker may dial once more while its idle connection is on its
	// way back to the pool; it never needs to for every call.
	if n := dials.Load(); n > 2*workers {
		t.Fatalf("%d connections for %d workers × %d calls, want at most %d", n, workers, calls, 2*workers)
	}
}
