package csv

import (
	"bytes"
	stdcsv "encoding/csv"
	"errors"
	"io"
	"slices"
	"unicode/utf8"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser/tabular"
	"golang.org/x/text/encoding/charmap"
)

// Encodings a Dialect can name.
const (
	EncodingUTF8        = "utf-8"
	EncodingUTF8BOM     = "utf-8-bom"
	EncodingWindows1252 = "windows-1252"
)

// Dialect is how a CSV file is written. The reports package writes the
// user's sheet back in the same dialect.
type Dialect struct {
	Delimiter rune   // ',', ';' or '\t'
	Encoding  string // EncodingUTF8, EncodingUTF8BOM or EncodingWindows1252
	HeaderRow int    // 1-based line of the header row
}

// sniffSize is how much of the file decides the encoding and delimiter and
// must hold the header row.
const sniffSize = 64 << 10

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

var delimiters = []rune{',', ';', '\t'}

// sniffEncoding decides the encoding from the first chunk. A file that is
// valid UTF-8 there is read as UTF-8; Windows-1252 bytes that only appear
// later are repaired field by field (see RawReader).
func sniffEncoding(chunk []byte, full bool) string {
	if bytes.HasPrefix(chunk, utf8BOM) {
		return EncodingUTF8BOM
	}
	if full {
		// The chunk may end inside a multi-byte character.
		for i := 0; i < utf8.UTFMax && len(chunk) > 0 && !utf8.Valid(chunk); i++ {
			chunk = chunk[:len(chunk)-1]
		}
	}
	if utf8.Valid(chunk) {
		return EncodingUTF8
	}
	return EncodingWindows1252
}

// decodeChunk returns the chunk as UTF-8 text for sniffing.
func decodeChunk(chunk []byte, enc string) []byte {
	switch enc {
	case EncodingUTF8BOM:
		return chunk[len(utf8BOM):]
	case EncodingWindows1252:
		if b, err := charmap.Windows1252.NewDecoder().Bytes(chunk); err == nil {
			return b
		}
	}
	return chunk
}

// sniffed is what the first chunk tells about the file.
type sniffed struct {
	delim     rune
	headerRec int // 0-based record index of the header
	mapping   *tabular.Mapping
}

// sniffHeader tries each delimiter on the first records of text and keeps
// the one under which some row names the most template columns.
func sniffHeader(text []byte) (sniffed, error) {
	var best sniffed
	bestScore, bestWidth := 0, 0
	var bestRecs [][]string
	for _, d := range delimiters {
		recs := firstRecords(text, d)
		for _, rec := range recs {
			s := tabular.Score(rec)
			if s > bestScore || s == bestScore && s > 0 && len(rec) > bestWidth {
				best.delim, bestScore, bestWidth, bestRecs = d, s, len(rec), recs
			}
		}
	}
	if bestScore == 0 {
		bestRecs = firstRecords(text, ',')
	}
	at, m, err := tabular.FindHeader(bestRecs)
	if err != nil {
		return sniffed{}, err
	}
	best.headerRec, best.mapping = at, m
	return best, nil
}

func firstRecords(text []byte, delim rune) [][]string {
	cr := newCSV(bytes.NewReader(text), delim)
	var recs [][]string
	for len(recs) < tabular.HeaderScanRows {
		rec, err := cr.Read()
		if err != nil {
			var pe *stdcsv.ParseError
			if errors.As(err, &pe) {
				continue
			}
			break // io.EOF, or the chunk ended inside a record
		}
		recs = append(recs, slices.Clone(rec)) // the reader reuses rec
	}
	return recs
}

func newCSV(r io.Reader, delim rune) *stdcsv.Reader {
	cr := stdcsv.NewReader(r)
	cr.Comma = delim
	cr.FieldsPerRecord = -1 // row width is checked against the header, with a message
	cr.LazyQuotes = true    // Excel users type 5" nails; a stray quote must not end the file
	cr.ReuseRecord = true
	return cr
}

var errNotText = &batch.FileError{Code: batch.FF01, Message: "not a text file (binary bytes in the first 64 KiB)"}
