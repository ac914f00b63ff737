package httpx

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/dispatch"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"": 0, "7": 7 * time.Second, "-1": 0, "abc": 0, "999999": time.Hour,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
	} {
		h := http.Header{}
		if v != "" {
			h.Set("Retry-After", v)
		}
		if got := RetryAfter(h, now); got != want {
			t.Errorf("RetryAfter(%q) = %v, want %v", v, got, want)
		}
	}
}

func TestTitle(t *testing.T) {
	got, err := Title("k-1", "E2E 1", "", "  rent   May ", 140)
	if err != nil || got != "k-1 E2E_1 - rent May" {
		t.Fatalf("Title = %q, %v", got, err)
	}
	p := ParseTitle(got)
	if p.Key != "k-1" || p.EndToEndID != "E2E_1" || p.BatchID != "" || p.Remittance != "rent May" {
		t.Fatalf("ParseTitle = %+v", p)
	}
	if _, err := Title("k", "e", "b", strings.Repeat("x", 140), 140); err == nil {
		t.Fatal("overlong title accepted")
	}
	if _, err := Title("a b", "e", "b", "", 140); err == nil {
		t.Fatal("key with a space accepted")
	}
}

func TestClassification(t *testing.T) {
	ctx := context.Background()
	// Connection refused: a listener that is closed before the call.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := &Client{Provider: "x", BaseURL: "http://" + addr, Timeout: 10 * time.Second}
	if _, err := c.Do(ctx, Request{Method: "POST", Path: "/pay", Body: map[string]string{"a": "b"}}); err == nil {
		t.Fatal("no error")
	} else if _, ok := dispatch.IsNotSent(err); !ok {
		t.Fatalf("refused: %T %v, want NotSent", err, err)
	}

	// The server reads the request, then drops the connection: unknown.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/drop":
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close()
		case "/hang":
			<-r.Context().Done()
		case "/big":
			w.Write([]byte(strings.Repeat("x", 100)))
		case "/503":
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(503)
		}
	}))
	defer srv.Close()
	c = &Client{Provider: "x", BaseURL: srv.URL, Timeout: 10 * time.Second, MaxBody: 10}
	for _, path := range []string{"/drop", "/big"} {
		if _, err := c.Do(ctx, Request{Method: "POST", Path: path}); err == nil {
			t.Fatalf("%s: no error", path)
		} else if _, ok := dispatch.IsUnknown(err); !ok {
			t.Fatalf("%s: %T %v, want UnknownOutcome", path, err, err)
		}
	}
	c.Timeout = 50 * time.Millisecond
	if _, err := c.Do(ctx, Request{Method: "POST", Path: "/hang"}); err == nil {
		t.Fatal("hang: no error")
	} else if _, ok := dispatch.IsUnknown(err); !ok {
		t.Fatalf("hang: %T %v, want UnknownOutcome", err, err)
	}
	c.Timeout = 10 * time.Second
	resp, err := c.Do(ctx, Request{Method: "GET", Path: "/503"})
	if err != nil {
		t.Fatal(err)
	}
	terr := c.Transient(resp, "get")
	if u, ok := dispatch.IsUnknown(terr); !ok || u.RetryAfter != 3*time.Second {
		t.Fatalf("503: %v", terr)
	}
}

func TestHMACRoundTripAndForgery(t *testing.T) {
	secret, body := []byte("s"), []byte(`{"id":"x"}`)
	sig := SignHMAC(secret, body)
	if !VerifyHMAC(secret, body, sig) || !VerifyHMAC(secret, body, " "+sig+" ") {
		t.Fatal("a genuine signature did not verify")
	}
	for _, bad := range []string{"", sig[:len(sig)-1], "sha1=" + sig[7:], SignHMAC([]byte("other"), body), SignHMAC(secret, []byte(`{"id":"y"}`))} {
		if VerifyHMAC(secret, body, bad) {
			t.Errorf("forged signature %q verified", bad)
		}
	}
	if VerifyHMAC(nil, body, SignHMAC(nil, body)) {
		t.Error("an empty secret verified")
	}
}
