package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

func zipOf(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The zip checks refuse what excelize's own limits let through, and let
// real workbooks pass.
func TestHostileZipChecks(t *testing.T) {
	big := strings.Repeat("x", 2<<20)
	for _, tc := range []struct {
		name  string
		parts map[string]string
		ratio uint64 // 0 keeps maxRatio
		want  string
	}{
		{"ratio", map[string]string{"xl/worksheets/sheet1.xml": "<t>" + strings.Repeat(big, 5) + "</t>"}, 0, "zip bomb"},
		// Below the ratio check, a single 2 MiB text node is still refused.
		{"huge cell", map[string]string{"xl/sharedStrings.xml": "<sst><si><t>" + big + "</t></si></sst>"}, 1 << 40, "larger than"},
		{"huge tag", map[string]string{"xl/worksheets/sheet1.xml": `<row a="` + big + `"/>`}, 1 << 40, "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.ratio != 0 {
				old := maxRatio
				maxRatio = tc.ratio
				defer func() { maxRatio = old }()
			}
			b := zipOf(t, tc.parts)
			_, err := NewReader(bytes.NewReader(b), int64(len(b)), Options{})
			var fe *batch.FileError
			if !errors.As(err, &fe) || fe.Code != batch.FF01 || !strings.Contains(fe.Error(), tc.want) {
				t.Fatalf("err = %v, want FF01 naming %q", err, tc.want)
			}
		})
	}
	sample, err := os.ReadFile("../../samples/suppliers.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkZip(bytes.NewReader(sample), int64(len(sample))); err != nil {
		t.Fatalf("the sample workbook was refused: %v", err)
	}
}
