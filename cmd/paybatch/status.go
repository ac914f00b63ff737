package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/store"
)

// runStatus is `paybatch status [BATCH_ID]`: the batches, or one batch's
// payments with status, reason, provider and reference.
func runStatus(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("status", flag.ContinueOnError)
	configPath := fs.String("config", "", "config file (default: the built-in demo config)")
	limit := fs.Int("limit", 50, "how many batches to list")
	if err := fs.Parse(args); err != nil || fs.NArg() > 1 {
		fmt.Fprintln(os.Stderr, "usage: paybatch status [--config FILE] [BATCH_ID]")
		return exitUsage
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	st, err := store.Open(ctx, cfg.Database, store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	defer st.Close()
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	defer w.Flush()
	if fs.NArg() == 0 {
		bs, err := st.ListBatches(ctx, *limit)
		if err != nil {
			fmt.Fprintln(os.Stderr, "paybatch:", err)
			return exitUsage
		}
		fmt.Fprintln(w, "BATCH\tFILE\tFORMAT\tSTAGE\tSTATUS\tREASON\tPAYMENTS\tVALID\tINVALID\tCONTROL SUM\tCREATED")
		for _, b := range bs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", b.ID, b.FileName, b.Header.Format, b.Stage,
				b.Status, b.Reason, b.Payments, b.Valid, b.Invalid, b.ControlSum.Format(2), b.CreatedAt.Format("2006-01-02 15:04:05"))
		}
		return exitOK
	}
	b, err := st.GetBatch(ctx, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	fmt.Fprintf(w, "batch %s  file %s  %s  stage %s  status %s %s\n\n", b.ID, b.FileName, b.Header.Format, b.Stage, b.Status, b.Reason)
	fmt.Fprintln(w, "#\tEND TO END ID\tAMOUNT\tCREDITOR IBAN\tPROVIDER\tREFERENCE\tSTATE\tSTATUS\tREASON\tDETAIL")
	err = st.Payments(ctx, b.ID, func(d *batch.Dispatch) error {
		p := d.Payment
		fmt.Fprintf(w, "%d\t%s\t%s %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p.Index, p.EndToEndID, p.Amount, p.Amount.Currency,
			batch.MaskIBAN(p.CreditorIBAN), d.Provider, d.Ref, d.State, d.Status, d.Reason, d.Text)
		return nil
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "paybatch:", err)
		return exitUsage
	}
	return exitOK
}
