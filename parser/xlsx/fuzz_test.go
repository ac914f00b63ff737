package xlsx

import (
	"bytes"
	"os"
	"testing"
	"time"
)

func FuzzXLSXReader(f *testing.F) {
	f.Add(workbook(f, "Sheet1", [][]any{{"Title"}, {"Name", "IBAN", "Amount", "Date"},
		{"A", "DE89370400440532013000", raw("1.1499999999999999"), time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"B", raw("1E+30"), "1.500", raw("99999999")}}))
	if b, err := os.ReadFile("../../samples/suppliers.xlsx"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := NewReader(bytes.NewReader(b), int64(len(b)), Options{})
		if err != nil {
			return
		}
		defer rd.Close()
		for i := 0; i < 10000; i++ {
			if _, err := rd.Next(); err != nil {
				return
			}
		}
	})
}
