package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/pipeline"
)

// processResult is one line of `process --json` (the CLI contract).
type processResult struct {
	File        string        `json:"file"`
	BatchID     string        `json:"batch_id"`
	Format      string        `json:"format"`
	GroupStatus batch.Status  `json:"group_status"`
	Payments    int           `json:"payments"`
	Settled     int           `json:"settled"`
	Rejected    int           `json:"rejected"`
	Pending     int           `json:"pending"`
	Reports     []string      `json:"reports"`
	Results     []processLine `json:"results"`
	Error       string        `json:"error,omitempty"`
	outcome     *pipeline.Outcome
}

type processLine struct {
	Index       int              `json:"index"`
	EndToEndID  string           `json:"end_to_end_id"`
	Provider    string           `json:"provider"`
	ProviderRef string           `json:"provider_ref"`
	Status      batch.Status     `json:"status"`
	Reason      batch.ReasonCode `json:"reason"`
}

// runProcess is `paybatch process`: the one-shot for cron. It processes the
// files, waits until every payment is final (or --timeout), and exits with
// the contract's code: 0 all accepted, 1 something rejected, 2 usage or
// I/O, 3 timed out. Run again on an unfinished batch, it resumes it.
func runProcess(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("process", flag.ContinueOnError)
	configPath := fs.String("config", "", "config file (default: the built-in demo config)")
	asJSON := fs.Bool("json", false, "print one JSON object per file")
	timeout := fs.Duration("timeout", 10*time.Minute, "how long to wait for every payment to be final")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: paybatch process [--config FILE] [--json] [--timeout D] FILE...")
		return exitUsage
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	log := newLogger(cfg.Log)
	a, err := newApp(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	defer a.Close()
	// The same lease as the daemon: a process run beside a daemon, or a
	// second cron run still going, would dispatch the same batches.
	ls, err := a.holdLease(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch process:", err)
		return exitUsage
	}
	defer ls.release(ctx)
	ctx, cancelWork := context.WithCancel(ctx)
	leaseCtx := ctx // ctx is replaced below; the renewals stop with this one
	var lostLease atomic.Bool
	var leaseWG sync.WaitGroup
	leaseWG.Go(func() {
		if err := ls.keep(leaseCtx); err != nil {
			log.Error("lease lost: another paybatch took the database; stopping at once", "err", err)
			lostLease.Store(true)
			cancelWork()
		}
	})
	defer func() { cancelWork(); leaseWG.Wait() }()

	engineCtx, stopEngine := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); a.engine.Run(engineCtx) }()
	defer func() { stopEngine(); wg.Wait() }()

	code := exitOK
	results := make([]*processResult, 0, fs.NArg())
	for _, file := range fs.Args() {
		res := &processResult{File: file}
		results = append(results, res)
		if _, err := os.Stat(file); err != nil {
			res.Error = err.Error()
			code = worse(code, exitUsage)
			continue
		}
		out, err := a.pipe.Ingest(ctx, pipeline.Input{Path: file, Name: filepath.Base(file), Source: "cli"})
		if err != nil {
			res.Error = err.Error()
			code = worse(code, exitUsage)
			continue
		}
		res.outcome = out
		res.BatchID, res.Format, res.Reports = out.BatchID, out.Format, out.Reports
	}

	deadline := time.Now().Add(*timeout)
	timedOut := !a.waitFinal(ctx, results, deadline)
	if lostLease.Load() {
		// Whoever holds the database now finishes and reports these batches.
		fmt.Fprintln(os.Stderr, "paybatch process: lease lost to another paybatch; its batches are left to it")
		return exitUsage
	}
	// Interrupted or timed out, the reports must still be written: what has
	// happened so far is the user's to know.
	ctx = context.WithoutCancel(ctx)
	for _, res := range results {
		if res.outcome == nil {
			continue
		}
		if timedOut && !res.outcome.Failed() {
			paths, err := a.pipe.Complete(ctx, res.BatchID, true)
			if err != nil {
				log.Error("write final report at deadline", "batch", res.BatchID, "err", err)
			}
			res.Reports = append(res.Reports, paths...)
		}
		if err := a.fillResult(ctx, res); err != nil {
			res.Error = err.Error()
			code = worse(code, exitUsage)
		}
		switch {
		case res.GroupStatus == batch.PDNG || res.Pending > 0:
			code = worse(code, exitTimeout)
		case res.GroupStatus != batch.ACSC:
			code = worse(code, exitRejected)
		}
	}
	printResults(os.Stdout, results, *asJSON, a.sandbox)
	return code
}

// worse keeps the more serious exit code: 2 (usage, I/O) over 3 (timeout)
// over 1 (rejected) over 0.
func worse(a, b int) int {
	rank := map[int]int{exitOK: 0, exitRejected: 1, exitTimeout: 2, exitUsage: 3}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// waitFinal waits until every batch is complete, completing batches as they
// become final. It reports false at the deadline.
func (a *app) waitFinal(ctx context.Context, results []*processResult, deadline time.Time) bool {
	bar := newProgressBar(os.Stderr)
	defer bar.done()
	for {
		checked := time.Now()
		open, total := 0, 0
		for _, res := range results {
			if res.outcome == nil || res.outcome.Failed() {
				continue
			}
			paths, err := a.pipe.Complete(ctx, res.BatchID, false)
			if err != nil {
				a.log.Error("complete batch", "batch", res.BatchID, "err", err)
			}
			res.Reports = append(res.Reports, paths...)
			pr, err := a.pipe.Progress(ctx, res.BatchID)
			if err != nil {
				a.log.Error("progress", "batch", res.BatchID, "err", err)
				continue
			}
			b, err := a.store.GetBatch(ctx, res.BatchID)
			if err != nil {
				continue
			}
			total += pr.Total
			if !b.Stage.Done() {
				open += max(pr.Open(), 1)
			}
		}
		bar.show(total-open, total)
		if open == 0 {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return false
		}
		// Each check counts every payment of every batch. Waiting four
		// times as long as it took keeps it under a fifth of a core on big
		// batches (it took most of one at 100 000 payments), and 100 ms on
		// small ones.
		wait := max(100*time.Millisecond, 4*time.Since(checked))
		select {
		case <-ctx.Done():
			return false
		case <-time.After(min(wait, time.Until(deadline)+time.Millisecond)):
		}
	}
}

// fillResult reads a batch's final state from the store.
func (a *app) fillResult(ctx context.Context, res *processResult) error {
	out := res.outcome
	if out.Duplicate {
		res.GroupStatus = batch.RJCT
		return nil
	}
	b, err := a.store.GetBatch(ctx, res.BatchID)
	if err != nil {
		return err
	}
	res.GroupStatus = b.Status
	return a.store.Payments(ctx, res.BatchID, func(d *batch.Dispatch) error {
		res.Payments++
		status := d.Status
		switch {
		case d.State == batch.Review:
			status = batch.PDNG
			res.Pending++
		case !d.State.Terminal():
			if status != batch.ACSP {
				status = batch.PDNG
			}
			res.Pending++
		case status == batch.ACSC:
			res.Settled++
		case status == batch.RJCT:
			res.Rejected++
		}
		res.Results = append(res.Results, processLine{Index: d.Payment.Index, EndToEndID: d.Payment.EndToEndID,
			Provider: d.Provider, ProviderRef: d.Ref, Status: status, Reason: d.Reason})
		return nil
	})
}

func printResults(w io.Writer, results []*processResult, asJSON, sandbox bool) {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, r := range results {
			if r.Results == nil {
				r.Results = []processLine{}
			}
			if r.Reports == nil {
				r.Reports = []string{}
			}
			enc.Encode(r)
		}
		return
	}
	if sandbox {
		fmt.Fprintln(w, "SANDBOX: payments went to the provider simulators; no real money moved.")
	}
	for _, r := range results {
		if r.Error != "" {
			fmt.Fprintf(w, "%s: error: %s\n", r.File, r.Error)
			continue
		}
		o := r.outcome
		switch {
		case o.Duplicate:
			fmt.Fprintf(w, "%s: DU01 duplicate of batch %s: %s; nothing sent\n", r.File, o.DuplicateOf, o.Message)
		case o.Rejected:
			fmt.Fprintf(w, "%s: batch %s RJCT %s: %s; nothing sent\n", r.File, r.BatchID, o.Reason, o.Message)
		default:
			fmt.Fprintf(w, "%s: batch %s %s: %d payments, %d settled, %d rejected, %d pending\n",
				r.File, r.BatchID, r.GroupStatus, r.Payments, r.Settled, r.Rejected, r.Pending)
			for _, l := range r.Results {
				if l.Status != batch.ACSC {
					fmt.Fprintf(w, "  payment %d %s: %s %s (%s)\n", l.Index, l.EndToEndID, l.Status, l.Reason, l.Provider)
				}
			}
		}
		for _, p := range r.Reports {
			fmt.Fprintf(w, "  report: %s\n", p)
		}
	}
}
