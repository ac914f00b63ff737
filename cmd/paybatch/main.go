// Command paybatch processes payout batch files: see README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Exit codes of the CLI contract.
const (
	exitOK       = 0 // everything accepted
	exitRejected = 1 // a payment or a file was rejected
	exitUsage    = 2 // usage, config or I/O error
	exitTimeout  = 3 // process timed out before every payment was final
)

// command is one subcommand; each lives in a file of its own.
type command struct {
	name, usage string
	run         func(ctx context.Context, args []string) int
}

func commands() []command {
	return []command{
		// One line per subcommand, in the order `paybatch help` lists them.
		{"run", "run [--config FILE] [--demo]            daemon: watch inboxes, dispatch, report, HTTP", runRun},
		{"process", "process [--config FILE] [--json] FILE... one shot for cron: waits for final states", runProcess},
		{"validate", "validate [--json] FILE...              parse + validate only: no store, no dispatch", runValidate},
		{"status", "status [BATCH_ID]                      batches, or one batch's payments", runStatus},
		{"report", "report BATCH_ID [--format pain002|csv|xlsx] [-o FILE]", runReport},
		{"sandbox", "sandbox [--listen ADDR]                the four provider simulators", runSandbox},
		{"template", "template csv|xlsx [-o FILE]            write the blank input template", runTemplate},
	}
}

// Main runs the CLI and returns its exit code.
func Main(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage()
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:])
		}
	}
	fmt.Fprintf(os.Stderr, "paybatch: unknown command %q\n", args[0])
	usage()
	return exitUsage
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: paybatch COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintln(os.Stderr, "  paybatch "+c.usage)
	}
}
