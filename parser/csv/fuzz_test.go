package csv

import (
	"bytes"
	"os"
	"testing"
)

func FuzzCSVReader(f *testing.F) {
	f.Add([]byte("name,iban,amount\nErika,DE89370400440532013000,1.500,00\n"))
	f.Add([]byte("\ufeffTitel\n\nName;IBAN;Betrag;Datum\nJ\xf6rg;DE89;1.500;31.02.2025\n\"a;b\n\";x;\"\n"))
	f.Add([]byte("creditor_name\tcreditor_iban\tamount\tcurrency\nA\tB\t€ 1 234,5\tXXX\n"))
	if b, err := os.ReadFile("../../samples/payroll.csv"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := NewReader(bytes.NewReader(b), Options{MaxRecordBytes: 4096})
		if err != nil {
			return
		}
		for i := 0; i < 10000; i++ {
			p, err := rd.Next()
			if err != nil {
				return
			}
			if p.Index != i+1 || p.Row < rd.Dialect().HeaderRow {
				t.Fatalf("payment %d: index %d row %d header %d", i+1, p.Index, p.Row, rd.Dialect().HeaderRow)
			}
		}
	})
}
