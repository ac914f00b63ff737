package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser"
	"github.com/paybatch/paybatch/parser/csv"
	"github.com/paybatch/paybatch/parser/xlsx"
)

func TestTemplate(t *testing.T) {
	for _, format := range []string{"csv", "xlsx"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "template."+format)
			if code := runTemplate(context.Background(), []string{format, "-o", out}); code != exitOK {
				t.Fatalf("exit %d", code)
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var rd parser.Reader
			if format == "csv" {
				rd, err = csv.NewReader(f, csv.Options{})
			} else {
				st, _ := f.Stat()
				rd, err = xlsx.NewReader(f, st.Size(), xlsx.Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := rd.Next()
			if err != nil {
				t.Fatal(err)
			}
			want := batch.Amount{Minor: 125000, Currency: "EUR"}
			if p.Amount != want || p.CreditorIBAN != "DE89370400440532013000" || p.CreditorBIC != "COBADEFFXXX" ||
				p.CreditorName == "" || p.EndToEndID == "" || p.RequestedExecutionDate != "2025-12-31" || len(p.Issues) > 0 || p.Row != 2 {
				t.Errorf("example row: %+v", *p)
			}
			if _, err := rd.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("after the example: %v, want EOF", err)
			}
		})
	}
}

func TestTemplateUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"pdf"}, {"xlsx"}, {"csv", "extra"}, {"-x"},
		{"csv", "-o", filepath.Join(t.TempDir(), "no", "such", "dir", "t.csv")}} {
		if code := runTemplate(context.Background(), args); code != exitUsage {
			t.Errorf("runTemplate(%q) = %d, want %d", args, code, exitUsage)
		}
	}
	if code := Main(context.Background(), []string{"template", "-o", filepath.Join(t.TempDir(), "t.csv"), "csv"}); code != exitOK {
		t.Errorf("flag before format: exit %d", code)
	}
}
