package parser_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser"
	"github.com/paybatch/paybatch/parser/csv"
	"github.com/paybatch/paybatch/parser/pain001"
	"github.com/paybatch/paybatch/parser/xlsx"
)

var (
	_ parser.Reader     = (*pain001.Reader)(nil)
	_ parser.Reader     = (*csv.Reader)(nil)
	_ parser.ReadCloser = (*xlsx.Reader)(nil)
)

func openFile(t *testing.T, path string) (parser.ReadCloser, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parser.Open(bytes.NewReader(b), int64(len(b)), parser.Options{})
}

// Open picks the reader by content: the samples are recognised whatever
// their names, and every payment streams out.
func TestOpenSamplesByContent(t *testing.T) {
	for name, format := range map[string]string{
		"payroll.pain.001.001.03.xml":           "pain.001.001.03",
		"supplier-payments.pain.001.001.09.xml": "pain.001.001.09",
		"payroll.csv":                           "csv",
		"suppliers.xlsx":                        "xlsx",
	} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("..", "samples", name))
			if err != nil {
				t.Fatal(err)
			}
			renamed := filepath.Join(t.TempDir(), "upload.dat")
			if err := os.WriteFile(renamed, src, 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := openFile(t, renamed)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if got := r.Header().Format; got != format {
				t.Fatalf("format %q, want %q", got, format)
			}
			n := 0
			for {
				p, err := r.Next()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
				if p.Index != n {
					t.Fatalf("payment %d has index %d", n, p.Index)
				}
			}
			if n < 5 {
				t.Fatalf("only %d payments", n)
			}
		})
	}
}

func TestOpenRefusesWhatIsNotAPayoutFile(t *testing.T) {
	for name, content := range map[string][]byte{
		"empty":  nil,
		"binary": {0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x00, 0x10, 0x80, 0x81},
		"pdf":    []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x00"),
		"zip":    []byte("PK\x03\x04 not really a workbook"),
		"xml":    []byte(`<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrDrctDbtInitn/></Document>`),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parser.Open(bytes.NewReader(content), int64(len(content)), parser.Options{})
			var fe *batch.FileError
			if !errors.As(err, &fe) || fe.Code != batch.FF01 {
				t.Fatalf("err = %v, want FF01", err)
			}
		})
	}
}

func TestXLSXLayout(t *testing.T) {
	path := filepath.Join("..", "samples", "suppliers.xlsx")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	sheet, row, err := parser.XLSXLayout(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if sheet == "" || row < 2 {
		t.Fatalf("sheet %q header row %d: the sample has a title above its header", sheet, row)
	}
}
