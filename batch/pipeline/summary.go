package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/parser"
	"github.com/paybatch/paybatch/parser/csv"
	"github.com/paybatch/paybatch/reports"
)

// writeSummary gives the user their own rows back with a status per line:
// CSV in, CSV out (same delimiter and encoding); XLSX in, the workbook with
// status columns added; pain.001 in, a CSV and an XLSX with a row per
// payment.
func (p *Pipeline) writeSummary(ctx context.Context, b *store.BatchRecord) ([]string, error) {
	kinds := []string{"csv", "xlsx"}
	switch b.Header.Format {
	case "csv":
		kinds = []string{"csv"}
	case "xlsx":
		kinds = []string{"xlsx"}
	}
	var paths []string
	for _, kind := range kinds {
		path, err := p.outbox(b.Source).Put(ctx, reports.ReportName(b.ID, reports.StageFinal, "summary."+kind), func(w io.Writer) error {
			return p.WriteSummary(ctx, b, kind, w)
		})
		if err != nil {
			return paths, fmt.Errorf("write %s summary of batch %s: %w", kind, b.ID, err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

// WriteSummary writes a batch's summary as "csv" or "xlsx". Where the
// input was of that format, it is the user's own sheet with status columns
// added; otherwise one row per payment.
func (p *Pipeline) WriteSummary(ctx context.Context, b *store.BatchRecord, kind string, w io.Writer) error {
	var iterErr error
	results := p.results(ctx, b.ID, true, &iterErr) // a summary is a final report
	var err error
	switch {
	case kind == "csv" && b.Header.Format == "csv":
		err = p.userCSV(b, w, results)
	case kind == "xlsx" && b.Header.Format == "xlsx":
		err = p.userXLSX(b, w, results)
	case kind == "csv":
		err = reports.WritePaymentsCSV(w, b.ID, results)
	case kind == "xlsx":
		err = reports.WritePaymentsXLSX(w, b.ID, results)
	default:
		err = fmt.Errorf("unknown summary format %q (csv or xlsx)", kind)
	}
	return errors.Join(err, iterErr)
}

func (p *Pipeline) userCSV(b *store.BatchRecord, w io.Writer, results resultSeq) error {
	f, err := os.Open(p.copyPath(b.ID))
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := csv.NewReader(f, csv.Options{})
	if err != nil {
		return err
	}
	d := r.Dialect()
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return reports.WriteSummaryCSV(w, reports.CSVDialect{Delimiter: d.Delimiter, Encoding: d.Encoding, HeaderRow: d.HeaderRow},
		b.ID, csv.NewRawReader(f, d), results)
}

func (p *Pipeline) userXLSX(b *store.BatchRecord, w io.Writer, results resultSeq) error {
	f, err := os.Open(p.copyPath(b.ID))
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	sheet, headerRow, err := parser.XLSXLayout(f, st.Size())
	if err != nil {
		return err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return reports.WriteSummaryXLSX(w, f, sheet, headerRow, b.ID, results)
}

// WritePain002 writes a batch's current pain.002 to w: the final report once
// the batch is final or rejected, else the acknowledgement.
func (p *Pipeline) WritePain002(ctx context.Context, b *store.BatchRecord, w io.Writer) error {
	stage := reports.StageAck
	if b.Stage.Done() || !b.FinalReportAt.IsZero() {
		stage = reports.StageFinal
	}
	return p.pain002(ctx, b, stage, w)
}
