package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/paybatch/paybatch/dispatch/sandbox"
)

// runSandbox serves the provider simulators until ctx is cancelled.
func runSandbox(ctx context.Context, args []string) int {
	return serveSandbox(ctx, args, os.Stdout, os.Stderr, nil)
}

// serveSandbox is runSandbox with its outputs injectable; ready, if set,
// receives the bound address once the listener is up.
func serveSandbox(ctx context.Context, args []string, stdout, stderr io.Writer, ready func(addr string)) int {
	fs := flag.NewFlagSet("sandbox", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8780", "address to listen on")
	settle := fs.Duration("settle-delay", 2*time.Second, "how long a successful payout stays pending before it settles")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 || *settle < 0 {
		fmt.Fprintln(stderr, "usage: paybatch sandbox [--listen ADDR] [--settle-delay DURATION]")
		return exitUsage
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(stderr, "paybatch sandbox: %v\n", err)
		return exitUsage
	}
	sb := sandbox.New(sandbox.Options{SettleDelay: *settle})
	srv := &http.Server{Handler: sb.Handler(), ReadHeaderTimeout: 10 * time.Second}
	// Webhook delivery idles until POST /_sandbox/webhooks names a target.
	sb.Start()
	defer sb.Stop()

	base := "http://" + ln.Addr().String()
	fmt.Fprintln(stdout, "*** SANDBOX: simulated payout providers. NO REAL MONEY MOVES. ***")
	for _, p := range sb.Paths() {
		fmt.Fprintf(stdout, "  %s  %s\n", base, p)
	}
	fmt.Fprintf(stdout, "  settle delay %s; set PAYBATCH_SANDBOX_URL=%s to use it from paybatch run/process\n", *settle, base)
	if ready != nil {
		ready(ln.Addr().String())
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "paybatch sandbox: %v\n", err)
		return exitUsage
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		// Hanging "timeout" faults may outlive the grace period.
		_ = srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "paybatch sandbox: %v\n", err)
		return exitUsage
	}
	fmt.Fprintln(stdout, "sandbox stopped")
	return exitOK
}
