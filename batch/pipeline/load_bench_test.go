package pipeline

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
	"github.com/paybatch/paybatch/batch/store"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/xuri/excelize/v2"
)

// Load benchmarks: a generated file through the whole pipeline (parse,
// validate, route, store, ack, dispatch, final report and summary) against
// a zero-latency fake provider (function fields, answering ACSC at once):
// the HTTP sandboxes would measure loopback HTTP, not paybatch. Run with
//
//	go test -run '^$' -bench 'BenchmarkLoad' -benchtime 1x -timeout 60m ./batch/pipeline
//
// peak-RSS-MiB is the process's VmHWM, reset before the timed part.
// PAYBATCH_LOAD_N overrides the payment count (to try a smaller run).

func loadN(def int) int {
	if s := os.Getenv("PAYBATCH_LOAD_N"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return def
}

func BenchmarkLoad1M(b *testing.B) {
	n := loadN(1_000_000)
	path := filepath.Join(b.TempDir(), "load.xml")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := writeLoadXML(f, n); err != nil {
		b.Fatal(err)
	}
	f.Close()
	runLoad(b, path, n)
}

func BenchmarkLoadXLSX100k(b *testing.B) {
	n := loadN(100_000)
	path := filepath.Join(b.TempDir(), "load.xlsx")
	if err := writeLoadXLSX(path, n); err != nil {
		b.Fatal(err)
	}
	runLoad(b, path, n)
}

func runLoad(b *testing.B, path string, n int) {
	for range b.N {
		dir := b.TempDir()
		ctx := context.Background()
		st, err := store.Open(ctx, filepath.Join(dir, "pb.db"), store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		fake := &payFake{submit: func(in *dispatch.Instruction) (dispatch.Submission, error) {
			return dispatch.Submission{Ref: "ref-" + in.Key, Result: dispatch.Result{Status: batch.ACSC}}, nil
		}}
		router, err := dispatch.NewRouter(nil, &dispatch.Rule{Name: "all", Provider: "fake"}, map[string]dispatch.Capabilities{"fake": {}})
		if err != nil {
			b.Fatal(err)
		}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		eng, err := dispatch.NewEngine(dispatch.EngineConfig{Lanes: map[string]dispatch.Lane{"fake": {Provider: fake, Concurrency: 8}},
			Journal: st, Log: log, CallTimeout: time.Second, PollMin: time.Millisecond, PollMax: 10 * time.Millisecond, Tick: 20 * time.Millisecond})
		if err != nil {
			b.Fatal(err)
		}
		outbox := filepath.Join(dir, "outbox")
		os.MkdirAll(outbox, 0o750)
		p, err := New(Options{Store: st, Router: router, Wake: eng.Wake, DefaultOutbox: DirOutbox(outbox),
			FilesDir: filepath.Join(dir, "files"), Location: time.UTC, Sandbox: true, Log: log})
		if err != nil {
			b.Fatal(err)
		}
		ectx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); eng.Run(ectx) }()

		batchtest.ResetPeakRSS()
		b.ResetTimer()
		start := time.Now()
		out, err := p.Ingest(ctx, Input{Path: path, Name: filepath.Base(path), Source: "bench"})
		if err != nil || out.Failed() {
			b.Fatalf("ingest: %v %+v", err, out)
		}
		ingested := time.Since(start)
		for {
			if _, err := p.Complete(ctx, out.BatchID, false); err != nil {
				b.Fatal(err)
			}
			rec, err := st.GetBatch(ctx, out.BatchID)
			if err != nil {
				b.Fatal(err)
			}
			if rec.Stage.Done() {
				if rec.Payments != n {
					b.Fatalf("%d payments stored, want %d", rec.Payments, n)
				}
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		b.StopTimer()
		total := time.Since(start)
		cancel()
		wg.Wait()
		st.Close()
		b.ReportMetric(ingested.Seconds(), "ingest-s")
		b.ReportMetric(total.Seconds(), "total-s")
		b.ReportMetric(float64(n)/total.Seconds(), "payments/s")
		b.ReportMetric(float64(batchtest.PeakRSS())/(1<<20), "peak-RSS-MiB")
		if int(fake.submits.Load()) < n*9/10 {
			b.Fatalf("only %d submits for %d payments", fake.submits.Load(), n)
		}
	}
}

// writeLoadXML streams a pain.001.001.03 file with n valid payments in
// blocks of 1000, with group and block counts and control sums.
func writeLoadXML(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	amount := func(i int) int64 { return 1000 + int64(i%5000)*100 + int64(i%50) } // cents never .51-.55
	var sum int64
	for i := range n {
		sum += amount(i)
	}
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>LOAD-%d-%d</MsgId><CreDtTm>2026-03-01T09:30:00</CreDtTm><NbOfTxs>%d</NbOfTxs><CtrlSum>%d.%02d</CtrlSum><InitgPty><Nm>Load Corp</Nm></InitgPty></GrpHdr>
`, n, time.Now().UnixNano(), n, sum/100, sum%100)
	const perBlock = 1000
	for i := range n {
		if i%perBlock == 0 {
			if i > 0 {
				bw.WriteString("</PmtInf>\n")
			}
			fmt.Fprintf(bw, `<PmtInf><PmtInfId>BLOCK-%d</PmtInfId><PmtMtd>TRF</PmtMtd><ReqdExctnDt>2026-03-02</ReqdExctnDt><Dbtr><Nm>Load Corp</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></DbtrAgt>
`, i/perBlock+1)
		}
		a := amount(i)
		fmt.Fprintf(bw, `<CdtTrfTxInf><PmtId><EndToEndId>E2E-%d</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">%d.%02d</InstdAmt></Amt><Cdtr><Nm>Employee %d</Nm></Cdtr><CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct><RmtInf><Ustrd>Salary March %d</Ustrd></RmtInf></CdtTrfTxInf>
`, i, a/100, a%100, i, i)
	}
	if n > 0 {
		bw.WriteString("</PmtInf>\n")
	}
	bw.WriteString("</CstmrCdtTrfInitn></Document>\n")
	return bw.Flush()
}

// writeLoadXLSX writes a workbook with the template header and n rows via
// excelize's stream writer (it does not hold the rows).
func writeLoadXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{"end_to_end_id", "amount", "currency", "creditor_name", "creditor_iban", "remittance_info"}); err != nil {
		return err
	}
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		a := 1000 + int64(i%5000)*100 + int64(i%50)
		row := []any{fmt.Sprintf("E2E-%d", i), fmt.Sprintf("%d.%02d", a/100, a%100), "EUR", fmt.Sprintf("Employee %d", i), "FR1420041010050500013M02606", fmt.Sprintf("Salary March %d", i)}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
