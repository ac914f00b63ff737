package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paybatch/paybatch/batch/intake"
	"github.com/paybatch/paybatch/batch/pipeline"
)

const (
	// completeEvery is how often finished batches get their final report.
	completeEvery = time.Second
	// fileWorkers bounds how many files are ingested at once: one slow or
	// huge file occupies one worker, never the whole daemon.
	fileWorkers = 4
	// drainGrace is how long files being ingested may take to finish after
	// a stop signal; after it their context is cancelled and they resume
	// from processing/ at the next start.
	drainGrace = 30 * time.Second
)

type daemonOptions struct {
	demo           bool
	stdout, stderr io.Writer
}

// daemon is one `paybatch run`: the app plus the loops around it.
type daemon struct {
	a       *app
	log     *slog.Logger
	sources map[string]intake.Source
	ready   atomic.Bool

	slots   chan struct{}   // file worker pool
	files   sync.WaitGroup  // files being ingested or finished
	stop    <-chan struct{} // closed when intake stops: no new work, no retries
	workCtx context.Context // for ingest and finish: outlives the stop signal by drainGrace
}

// runDaemon runs until ctx is done (SIGINT/SIGTERM) and returns the exit
// code: 0 after a clean stop, 2 when it cannot start or loses its lease.
func runDaemon(ctx context.Context, cfg *Config, log *slog.Logger, o daemonOptions) int {
	fail := func(err error) int {
		fmt.Fprintln(o.stderr, "paybatch run:", err)
		return exitUsage
	}
	ws, err := buildSources(cfg, log)
	if err != nil {
		return fail(err)
	}
	defer func() {
		for _, w := range ws {
			w.close()
		}
	}()
	a, err := newApp(ctx, cfg, log, withOutboxes(outboxesOf(ws)))
	if err != nil {
		return fail(err)
	}
	defer a.Close()

	ls, err := a.holdLease(ctx)
	if err != nil {
		return fail(err)
	}
	// Released even when interrupted: the next start should not wait.
	defer ls.release(ctx)

	d := &daemon{a: a, log: log, sources: map[string]intake.Source{}, slots: make(chan struct{}, fileWorkers)}
	for _, w := range ws {
		d.sources[w.src.Name()] = w.src
	}

	if a.sandbox {
		fmt.Fprintln(o.stdout, "paybatch run: SANDBOX MODE: payments go to the provider simulators; no real money moves.")
	}
	for _, w := range ws {
		fmt.Fprintln(o.stdout, "paybatch run: "+w.describe)
	}
	if len(ws) == 0 {
		fmt.Fprintln(o.stdout, "paybatch run: no inboxes or sftp servers configured: only resuming unfinished batches")
	}
	if o.demo {
		if len(cfg.Inboxes) == 0 {
			return fail(errors.New("--demo needs at least one folder in inboxes[]"))
		}
		if err := dropDemo(ctx, a.store, cfg.Inboxes[0].Path, o.stdout); err != nil {
			return fail(err)
		}
	}

	var srv *http.Server
	var srvDone chan struct{}
	if !strings.EqualFold(cfg.HTTP.Listen, "off") {
		ln, err := net.Listen("tcp", cfg.HTTP.Listen)
		if err != nil {
			return fail(fmt.Errorf("http.listen %s: %w (set http.listen to another address or \"off\")", cfg.HTTP.Listen, err))
		}
		srv = &http.Server{Handler: a.httpHandler(d.ready.Load), ReadHeaderTimeout: 10 * time.Second}
		srvDone = make(chan struct{})
		go func() {
			defer close(srvDone)
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("http server stopped", "err", err)
			}
		}()
		log.Info("http listening", "addr", ln.Addr().String())
		if err := a.sandboxWebhooks(ctx, "http://"+ln.Addr().String()); err != nil {
			// Polling still brings every payment to its final state.
			log.Warn("sandbox webhooks not set up; payments are followed by polling", "err", err)
		}
		fmt.Fprintf(o.stdout, "paybatch run: HTTP on http://%s (/healthz /readyz /metrics /webhooks/{provider})\n", ln.Addr())
	}

	fmt.Fprintln(o.stdout, "paybatch run: running; stop with Ctrl-C or SIGTERM")

	// runCtx ends on a signal or when the lease is lost.
	runCtx, cancelRun := context.WithCancel(ctx)
	defer cancelRun()
	var lostLease atomic.Bool

	// The engine gets its own context so it stops after intake, not with
	// it: files already taken are still handed to it.
	engineCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	engineDone := make(chan struct{})
	go func() { defer close(engineDone); a.engine.Run(engineCtx) }()

	workCtx, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	d.workCtx, d.stop = workCtx, runCtx.Done()

	var loops sync.WaitGroup
	loops.Go(func() {
		if err := ls.keep(runCtx); err != nil {
			log.Error("daemon lock lost: stopping at once", "err", err)
			lostLease.Store(true)
			cancelRun()
		}
	})
	loops.Go(func() { d.completeLoop(runCtx) })

	var watchers sync.WaitGroup
	for _, w := range ws {
		watchers.Go(func() {
			if err := intake.Watch(runCtx, w.src, w.interval, d.handle); err != nil {
				log.Error("intake stopped", "source", w.src.Name(), "err", err)
			}
		})
	}
	d.ready.Store(true)
	log.Info("daemon running", "sources", len(ws), "workers", fileWorkers)

	<-runCtx.Done()
	d.ready.Store(false)
	log.Info("stopping: intake first, then in-flight files, then dispatch")
	watchers.Wait()
	d.drain(cancelWork)
	loops.Wait()
	stopEngine()
	<-engineDone // in-flight provider calls finished or persisted as unknown
	// Batches that became final in the last moments get their report now
	// rather than at the next start.
	if !lostLease.Load() {
		fin, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		if err := a.pipe.CompleteAll(fin); err != nil {
			log.Error("complete batches at shutdown", "err", err)
		}
		cancel()
	}
	if srv != nil {
		sh, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		if err := srv.Shutdown(sh); err != nil {
			srv.Close()
		}
		cancel()
		<-srvDone
	}
	if lostLease.Load() {
		return exitUsage
	}
	log.Info("daemon stopped")
	return exitOK
}

// drain waits for the files being ingested, at most drainGrace, then
// cancels them: what they did not finish is resumed at the next start.
func (d *daemon) drain(cancelWork func()) {
	done := make(chan struct{})
	go func() { d.files.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(drainGrace):
		d.log.Warn("files still being ingested after the grace period; they resume at the next start")
		cancelWork()
		<-done
	}
}

// completeLoop writes the final reports of batches whose payments are all
// terminal. Batches of a previous run are completed the same way.
func (d *daemon) completeLoop(ctx context.Context) {
	t := time.NewTicker(completeEvery)
	defer t.Stop()
	for {
		if err := d.a.pipe.CompleteAll(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("complete batches", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// handle is intake.Watch's callback. It waits for a free worker (so a
// flood of files is claimed only as fast as it is processed) and ingests
// the file in the background.
func (d *daemon) handle(ctx context.Context, f *intake.Claimed) {
	if ctx.Err() != nil {
		return // stays in processing/; recovered at the next start
	}
	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		return
	}
	d.files.Go(func() { d.process(f) })
}

// process ingests one claimed file and files it away. An Ingest error is
// an I/O or database failure, not a verdict on the file: it stays in
// processing/ and is retried with backoff (and resumed by sha256), and
// never lands in failed/ for a reason the user cannot fix.
func (d *daemon) process(f *intake.Claimed) {
	held := true // this goroutine's worker slot, taken by handle
	defer func() {
		if held {
			<-d.slots
		}
	}()
	log := d.log.With("source", f.Source, "file", f.Name)
	src, ok := d.sources[f.Source]
	if !ok {
		log.Error("file from an unknown source; left in processing/")
		return
	}
	bo := intake.Backoff{Min: time.Second, Max: time.Minute}
	var out *pipeline.Outcome
	// Only a file just claimed from the inbox is fresh: the same content
	// uploaded while its first batch is in flight is then a duplicate. A
	// retry may find the batch its own failed attempt created, and must
	// resume it.
	fresh := !f.Recovered
	for {
		var err error
		out, err = d.a.pipe.Ingest(d.workCtx, pipeline.Input{Path: f.LocalPath, Name: f.Name, Source: f.Source, Fresh: fresh})
		if err == nil {
			break
		}
		fresh = false
		wait := bo.Next()
		log.Error("file not processed; it stays in processing/ and is retried", "err", err, "retry_in", wait.Round(time.Millisecond))
		if held = d.pause(wait); !held {
			return
		}
	}
	d.logOutcome(log, f, out)
	d.a.metrics.fileIngested(out)
	o := intake.Outcome{Failed: out.Failed(), Explanation: out.Explanation()}
	bo.Reset()
	for {
		err := src.Finish(d.workCtx, f, o)
		if err == nil {
			return
		}
		wait := bo.Next()
		// The batch is stored; a file left in processing/ is offered again
		// at the next start and recognised by its sha256.
		log.Error("could not move the file out of processing/; retrying", "batch", out.BatchID, "err", err, "retry_in", wait.Round(time.Millisecond))
		if held = d.pause(wait); !held {
			return
		}
	}
}

// pause gives the worker slot back for wait, so a failing file does not
// hold up the others, then takes one again. False means the daemon is
// stopping and the slot was not taken back.
func (d *daemon) pause(wait time.Duration) bool {
	<-d.slots
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-d.stop:
		return false
	case <-t.C:
	}
	select {
	case d.slots <- struct{}{}:
		return true
	case <-d.stop:
		return false
	}
}

func (d *daemon) logOutcome(log *slog.Logger, f *intake.Claimed, out *pipeline.Outcome) {
	attrs := []any{"batch", out.BatchID, "format", out.Format, "recovered", f.Recovered, "reports", out.Reports}
	switch {
	case out.Duplicate:
		log.Warn("file rejected as duplicate", append(attrs, "reason", out.Reason, "duplicate_of", out.DuplicateOf)...)
	case out.Rejected:
		log.Warn("file rejected", append(attrs, "reason", out.Reason, "message", out.Message)...)
	case out.Resumed:
		log.Info("file resumed", attrs...)
	default:
		log.Info("file accepted", append(attrs, "valid", out.Valid, "invalid", out.Invalid)...)
	}
}
