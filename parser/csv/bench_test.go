package csv

import (
	"bufio"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser/internal/cputime"
)

// benchFile writes a 100k-row semicolon CSV with decimal-comma amounts.
// Its end-to-end ids count up, as exports number their lines; shuffled
// puts them in random order instead.
func benchFile(b *testing.B, shuffled bool) string {
	b.Helper()
	ids := make([]int, 100_000)
	for i := range ids {
		ids[i] = i
	}
	if shuffled {
		r := rand.New(rand.NewPCG(1, 2))
		r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	}
	path := filepath.Join(b.TempDir(), "bench.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "end_to_end_id;amount;currency;creditor_name;creditor_iban;creditor_bic;remittance_info;requested_execution_date")
	for i, id := range ids {
		fmt.Fprintf(w, "E2E-%06d;%d.%03d,%02d;EUR;Erika Mustermann %d;DE89370400440532013000;COBADEFFXXX;Invoice %d;31.03.2026\n",
			id, 1+i%9, i%1000, i%100, i, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func BenchmarkCSVParse(b *testing.B) {
	path := benchFile(b, false)
	cpu := cputime.Now()
	for b.Loop() {
		f, _ := os.Open(path)
		rd, err := NewReader(f, Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		f.Close()
		if n != 100_000 {
			b.Fatalf("%d payments", n)
		}
	}
	cputime.Report(b, cputime.Now()-cpu)
}

// BenchmarkCSVParseValidate is what ingesting the file costs before the
// store: every row parsed and validated as the pipeline does for CSV, then
// the file-level checks. It reports the cost relative to a bare
// encoding/csv read of the same file, run between the iterations (timer
// stopped) so that both see the same machine load.
func BenchmarkCSVParseValidate(b *testing.B) { benchParseValidate(b, benchFile(b, false)) }

// BenchmarkCSVParseValidateShuffled is the same with the end-to-end ids in
// random order, which the duplicate check cannot take in order.
func BenchmarkCSVParseValidateShuffled(b *testing.B) { benchParseValidate(b, benchFile(b, true)) }

func benchParseValidate(b *testing.B, path string) {
	var floor, floorCPU, cpu time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		start, c := time.Now(), cputime.Now()
		readEncodingCSV(b, path)
		floor += time.Since(start)
		floorCPU += cputime.Now() - c
		b.StartTimer()
		c = cputime.Now()
		f, _ := os.Open(path)
		rd, err := NewReader(f, Options{})
		if err != nil {
			b.Fatal(err)
		}
		v := batch.NewValidator(batch.ValidateOptions{Lenient: true, RequireEndToEndID: true,
			Today: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
		n := 0
		for {
			p, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			v.Payment(p)
			if !p.Valid() {
				b.Fatalf("row %d: %v", p.Row, p.Issues)
			}
			n++
		}
		f.Close()
		if issues := v.Finish(rd.Header(), rd.Infos()); len(issues) > 0 || n != 100_000 {
			b.Fatalf("%d payments, file issues %v", n, issues)
		}
		cpu += cputime.Now() - c
	}
	cputime.Report(b, cpu)
	b.ReportMetric(float64(b.Elapsed())/float64(floor), "x-encoding-csv")
	if floorCPU > 0 {
		b.ReportMetric(float64(cpu)/float64(floorCPU), "cpu-x-encoding-csv")
	}
}

// BenchmarkEncodingCSV is the floor: encoding/csv alone on the same file.
func BenchmarkEncodingCSV(b *testing.B) {
	path := benchFile(b, false)
	cpu := cputime.Now()
	for b.Loop() {
		readEncodingCSV(b, path)
	}
	cputime.Report(b, cputime.Now()-cpu)
}

func readEncodingCSV(b *testing.B, path string) {
	f, _ := os.Open(path)
	defer f.Close()
	cr := stdcsv.NewReader(f)
	cr.Comma = ';'
	for {
		if _, err := cr.Read(); err != nil {
			if !errors.Is(err, io.EOF) {
				b.Fatal(err)
			}
			return
		}
	}
}
