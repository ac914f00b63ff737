package csv

import (
	"bufio"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchFile writes a 100k-row semicolon CSV with decimal-comma amounts.
func benchFile(b *testing.B) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), "bench.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "end_to_end_id;amount;currency;creditor_name;creditor_iban;creditor_bic;remittance_info;requested_execution_date")
	for i := range 100_000 {
		fmt.Fprintf(w, "E2E-%06d;%d.%03d,%02d;EUR;Erika Mustermann %d;DE89370400440532013000;COBADEFFXXX;Invoice %d;31.03.2026\n",
			i, 1+i%9, i%1000, i%100, i, i)
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
	path := benchFile(b)
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
}

// BenchmarkEncodingCSV is the floor: encoding/csv alone on the same file.
func BenchmarkEncodingCSV(b *testing.B) {
	path := benchFile(b)
	for b.Loop() {
		f, _ := os.Open(path)
		cr := stdcsv.NewReader(f)
		cr.Comma = ';'
		for {
			if _, err := cr.Read(); err != nil {
				if !errors.Is(err, io.EOF) {
					b.Fatal(err)
				}
				break
			}
		}
		f.Close()
	}
}
