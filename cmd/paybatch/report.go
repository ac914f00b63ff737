package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// runReport is `paybatch report BATCH_ID [--format pain002|csv|xlsx] [-o FILE]`:
// any report regenerated from the store.
func runReport(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	configPath := fs.String("config", "", "config file (default: the built-in demo config)")
	format := fs.String("format", "pain002", "pain002, csv or xlsx")
	out := fs.String("o", "", "output file (default: standard output)")
	id, rest := "", args
	if len(args) > 0 && !isFlag(args[0]) {
		id, rest = args[0], args[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return exitUsage
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	} else if fs.NArg() > 0 {
		id = ""
	}
	if id == "" {
		fmt.Fprintln(os.Stderr, "usage: paybatch report BATCH_ID [--format pain002|csv|xlsx] [-o FILE]")
		return exitUsage
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	cfg.Sandbox.URL = "http://127.0.0.1:1" // reports never call a provider: no simulator needed
	a, err := newApp(ctx, cfg, newLogger(LogConfig{Level: "error"}))
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	defer a.Close()
	b, err := a.store.GetBatch(ctx, id)
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	write := func(w io.Writer) error {
		switch *format {
		case "pain002":
			return a.pipe.WritePain002(ctx, b, w)
		case "csv", "xlsx":
			return a.pipe.WriteSummary(ctx, b, *format, w)
		}
		return fmt.Errorf("unknown format %q: pain002, csv or xlsx", *format)
	}
	if *out == "" {
		bw := bufio.NewWriter(os.Stdout)
		if err := write(bw); err != nil {
			fmt.Fprintln(os.Stderr, "paybatch:", err)
			return exitUsage
		}
		bw.Flush()
		return exitOK
	}
	if err := writeFileReplacing(*out, write); err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	return exitOK
}

func isFlag(s string) bool { return len(s) > 1 && s[0] == '-' }

// writeFileReplacing writes path atomically (temporary file, fsync, rename):
// `-o FILE` means that file, replaced if it exists.
func writeFileReplacing(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
