package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
)

// runRun is `paybatch run`: the daemon. It watches every configured inbox
// (folders and SFTP servers), dispatches, writes reports back where each
// batch came from and serves HTTP until SIGINT or SIGTERM. With --demo it
// first drops the sample batches into the first inbox.
func runRun(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	configPath := fs.String("config", "", "config file (default: the built-in demo config)")
	demo := fs.Bool("demo", false, "drop the sample batches into the first inbox at start")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: paybatch run [--config FILE] [--demo]")
		return exitUsage
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	log := newLogger(cfg.Log)
	// intake.Watch logs through the default logger; give it ours so every
	// line has one format and level.
	slog.SetDefault(log)
	return runDaemon(ctx, cfg, log, daemonOptions{demo: *demo, stdout: os.Stdout, stderr: os.Stderr})
}
