package xlsx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/paybatch/paybatch/batch"
)

// Zip bomb limits, checked on the zip itself before excelize sees it.
// excelize's UnzipSizeLimit alone lets one part inflate to hundreds of MB,
// which it then spools to disk and decodes, holding a single huge cell as
// one string: a 300 KB upload cost minutes and hundreds of MB.
var (
	// maxRatio is the highest compression ratio accepted for a part that
	// inflates past ratioFloor. Real sheets compress about 5-20 times;
	// runs of one repeated byte compress about 1000 times.
	maxRatio   uint64 = 200
	ratioFloor uint64 = 8 << 20
	// maxTokenBytes bounds the bytes between two '<' in an XML part, i.e.
	// one tag or one text node: Excel itself caps a cell at 32,767
	// characters, and the XML decoder holds a text node whole.
	maxTokenBytes = 1 << 20
)

// checkZip refuses a workbook whose parts would inflate out of proportion
// or hold a token no real sheet has. It reads the central directory, then
// streams each XML part once without keeping it.
func checkZip(r io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return &batch.FileError{Code: batch.FF01, Message: "not a readable XLSX workbook", Err: err}
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(unzipSizeLimit) {
			return bomb(fmt.Sprintf("the workbook unpacks to more than the size limit (%d KiB)", unzipSizeLimit>>10))
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64/max(f.CompressedSize64, 1) > maxRatio {
			return bomb(fmt.Sprintf("part %s unpacks %d times its size (a zip bomb)", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1)))
		}
	}
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue
		}
		if err := checkTokens(f); err != nil {
			return err
		}
	}
	return nil
}

// checkTokens streams one part and fails if any run between two '<' is
// longer than maxTokenBytes.
func checkTokens(f *zip.File) error {
	rc, err := f.Open()
	if err != nil {
		return &batch.FileError{Code: batch.FF01, Message: "part " + f.Name + " unreadable", Err: err}
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 64<<10)
	buf := make([]byte, 64<<10)
	run := 0
	for {
		n, err := br.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '<')
			if i < 0 {
				run += len(chunk)
				break
			}
			run += i
			if run > maxTokenBytes {
				break
			}
			run = 0
			chunk = chunk[i+1:]
		}
		if run > maxTokenBytes {
			return bomb(fmt.Sprintf("part %s holds a cell or tag larger than %d KiB", f.Name, maxTokenBytes>>10))
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &batch.FileError{Code: batch.FF01, Message: "part " + f.Name + " unreadable", Err: err}
		}
	}
}

func bomb(msg string) error {
	return &batch.FileError{Code: batch.FF01, Message: msg}
}
