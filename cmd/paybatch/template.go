package main

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/paybatch/paybatch/parser/tabular"
	"github.com/xuri/excelize/v2"
)

// templateExample is the one example row of the template: a real-looking
// payment whose IBAN passes mod-97 and whose BIC matches its bank.
var templateExample = []string{
	"E2E-2025-0001", "1250.00", "EUR", "Erika Mustermann", "DE89370400440532013000",
	"COBADEFFXXX", "Invoice 2025-001", "INSTR-0001", "2025-12-31",
	"SUPP", "", "", "",
}

// runTemplate writes the blank input template: the header row with the
// template columns and one example row.
func runTemplate(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	out := fs.String("o", "", "write to `FILE` instead of stdout (required for xlsx)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: paybatch template csv|xlsx [-o FILE]")
		fs.PrintDefaults()
	}
	// Accept the flag before or after the format.
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return exitUsage
	}
	format := rest[0]
	if err := fs.Parse(rest[1:]); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	var buf bytes.Buffer
	switch format {
	case "csv":
		w := stdcsv.NewWriter(&buf)
		_ = w.Write(tabular.TemplateColumns)
		_ = w.Write(templateExample)
		w.Flush()
		if err := w.Error(); err != nil {
			fmt.Fprintln(os.Stderr, "paybatch template:", err)
			return exitUsage
		}
	case "xlsx":
		if *out == "" {
			fmt.Fprintln(os.Stderr, "paybatch template: xlsx needs -o FILE (a workbook is binary)")
			return exitUsage
		}
		if err := writeTemplateXLSX(&buf); err != nil {
			fmt.Fprintln(os.Stderr, "paybatch template:", err)
			return exitUsage
		}
	default:
		fmt.Fprintf(os.Stderr, "paybatch template: unknown format %q (want csv or xlsx)\n", format)
		return exitUsage
	}
	if *out == "" {
		if _, err := os.Stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintln(os.Stderr, "paybatch template:", err)
			return exitUsage
		}
		return exitOK
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "paybatch template:", err)
		return exitUsage
	}
	return exitOK
}

// writeTemplateXLSX writes the template as a workbook: every column as text
// except the amount, a number cell as accountants type it.
func writeTemplateXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	for i, name := range tabular.TemplateColumns {
		head, _ := excelize.CoordinatesToCellName(i+1, 1)
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellStr(sheet, head, name); err != nil {
			return fmt.Errorf("write template header: %w", err)
		}
		var err error
		if tabular.Field(i) == tabular.Amount {
			err = f.SetCellDefault(sheet, cell, "1250")
		} else {
			err = f.SetCellStr(sheet, cell, templateExample[i])
		}
		if err != nil {
			return fmt.Errorf("write template example: %w", err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	return nil
}
