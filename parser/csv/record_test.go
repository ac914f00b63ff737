package csv

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/paybatch/paybatch/batch/batchtest"
)

// stdRecord is one record as encoding/csv reads it.
type stdRecord struct {
	fields []string
	line   int   // of the first field
	size   int64 // raw bytes from the record's first line to its end
}

func (r stdRecord) String() string { return fmt.Sprintf("%q@%d", r.fields, r.line) }

// readStd reads b with encoding/csv as this package used it before it had
// recordReader (newCSV: LazyQuotes, FieldsPerRecord -1), repairing fields
// as RawReader did when repair is set.
func readStd(t *testing.T, b []byte, delim rune, repairFields bool) []stdRecord {
	t.Helper()
	lineStart := []int64{0, 0} // byte offset of each 1-based line
	for i, c := range b {
		if c == '\n' {
			lineStart = append(lineStart, int64(i+1))
		}
	}
	cr := newCSV(bytes.NewReader(b), delim)
	var recs []stdRecord
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return recs
		}
		if err != nil {
			t.Fatalf("encoding/csv: %v", err) // LazyQuotes leaves no parse error
		}
		rec = slices.Clone(rec)
		if repairFields {
			repair(rec)
		}
		line, _ := cr.FieldPos(0)
		recs = append(recs, stdRecord{rec, line, cr.InputOffset() - lineStart[line]})
	}
}

// readRecords reads b with a recordReader whose buffer starts at bufSize
// bytes and whose source delivers chunk bytes per Read (0: all at once).
func readRecords(b []byte, delim byte, max, bufSize int, chunk bool, repairFields bool) ([]stdRecord, error) {
	var src io.Reader = bytes.NewReader(b)
	if chunk {
		src = iotest.HalfReader(iotest.OneByteReader(src))
		src = iotest.DataErrReader(src)
	}
	rr := newRecordReader(src, delim, max, repairFields)
	rr.buf = make([]byte, bufSize)
	var recs []stdRecord
	for {
		rec, line, err := rr.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return recs, err
		}
		recs = append(recs, stdRecord{fields: slices.Clone(rec), line: line})
	}
}

// FuzzRecordReader holds recordReader to encoding/csv: the same records on
// the same lines for every delimiter, whatever the read sizes and buffer
// size, and errRecordTooLong exactly for the first record longer than max.
func FuzzRecordReader(f *testing.F) {
	for _, s := range recordEdgeCases {
		f.Add([]byte(s.in), uint8(0), uint16(0))
	}
	f.Add([]byte("name,iban,amount\nErika,DE89370400440532013000,1.500,00\n"), uint8(0), uint16(8))
	f.Add([]byte("\ufeffTitel\n\nName;IBAN;Betrag;Datum\nJ\xf6rg;DE89;1.500;31.02.2025\n\"a;b\n\";x;\"\n"), uint8(1), uint16(16))
	f.Add([]byte("creditor_name\tcreditor_iban\tamount\tcurrency\nA\tB\t€ 1 234,5\tXXX\n"), uint8(2), uint16(0))
	seedFiles := []string{"../../samples/payroll.csv"}
	if dir, ok := batchtest.LookupCorpus("csv"); ok {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			seedFiles = append(seedFiles, filepath.Join(dir, e.Name()))
		}
	}
	for _, p := range seedFiles {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b, uint8(0), uint16(0))
			f.Add(b, uint8(1), uint16(40))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, d uint8, max uint16) {
		delim := []byte{',', ';', '\t'}[int(d)%3]
		for _, repairFields := range []bool{true, false} {
			want := readStd(t, b, rune(delim), repairFields)
			for _, chunk := range []bool{false, true} {
				for _, bufSize := range []int{1, 7, recordBufSize} {
					limit := len(b) + 1
					if max > 0 {
						limit = int(max)
					}
					got, err := readRecords(b, delim, limit, bufSize, chunk, repairFields)
					n := len(want)
					for i, w := range want {
						if w.size > int64(limit) {
							n = i // the first record too long
							break
						}
					}
					if (err != nil) != (n < len(want)) || err != nil && !errors.Is(err, errRecordTooLong) {
						t.Fatalf("delim %q max %d buf %d chunk %v: error %v; encoding/csv has %d records, the record %d too long",
							delim, limit, bufSize, chunk, err, len(want), n)
					}
					if len(got) != n {
						t.Fatalf("delim %q max %d buf %d chunk %v: %d records, want %d\n got %q\nwant %q",
							delim, limit, bufSize, chunk, len(got), n, got, want[:n])
					}
					for i := range got {
						if !slices.Equal(got[i].fields, want[i].fields) || got[i].line != want[i].line {
							t.Fatalf("delim %q buf %d chunk %v: record %d = %q at line %d, want %q at line %d",
								delim, bufSize, chunk, i, got[i].fields, got[i].line, want[i].fields, want[i].line)
						}
					}
				}
			}
		}
	})
}

// recordEdgeCases are what RFC 4180, Excel and encoding/csv's leniency
// allow, with the records encoding/csv reads from them (',' delimited).
var recordEdgeCases = []struct {
	name, in string
	want     [][]string
	lines    []int
}{
	{"empty input", "", nil, nil},
	{"one field", "a", [][]string{{"a"}}, []int{1}},
	{"lf", "a,b\nc,d\n", [][]string{{"a", "b"}, {"c", "d"}}, []int{1, 2}},
	{"crlf", "a,b\r\nc,d\r\n", [][]string{{"a", "b"}, {"c", "d"}}, []int{1, 2}},
	{"no final newline", "a,b\nc,d", [][]string{{"a", "b"}, {"c", "d"}}, []int{1, 2}},
	{"cr before eof dropped", "a,b\r", [][]string{{"a", "b"}}, []int{1}},
	{"only cr", "\r", nil, nil},
	{"two cr before eof", "a\r\r", [][]string{{"a\r"}}, []int{1}},
	{"cr inside", "a\rb,c\n", [][]string{{"a\rb", "c"}}, []int{1}},
	{"cr cr lf", "a\r\r\n", [][]string{{"a\r"}}, []int{1}},
	{"empty lines skipped, counted", "\n\r\na\n\n\nb\n", [][]string{{"a"}, {"b"}}, []int{3, 6}},
	{"empty fields", ",,\n", [][]string{{"", "", ""}}, []int{1}},
	{"trailing delimiter at eof", "a,", [][]string{{"a", ""}}, []int{1}},
	{"leading space kept", " a , b \n", [][]string{{" a ", " b "}}, []int{1}},
	{"quoted", "\"a\",\"b\"\n", [][]string{{"a", "b"}}, []int{1}},
	{"quoted delimiter", "\"a,b\",c\n", [][]string{{"a,b", "c"}}, []int{1}},
	{"doubled quote", "\"a\"\"b\",c\n", [][]string{{"a\"b", "c"}}, []int{1}},
	{"empty quoted", "\"\",\"\"\n", [][]string{{"", ""}}, []int{1}},
	{"quoted newline", "\"a\nb\",c\nd\n", [][]string{{"a\nb", "c"}, {"d"}}, []int{1, 3}},
	{"quoted crlf", "\"a\r\nb\",c\r\nd\r\n", [][]string{{"a\nb", "c"}, {"d"}}, []int{1, 3}},
	{"quoted empty line", "\"a\n\nb\"\nc\n", [][]string{{"a\n\nb"}, {"c"}}, []int{1, 4}},
	{"quoted at eof no newline", "a,\"b\"", [][]string{{"a", "b"}}, []int{1}},
	{"quoted last field then crlf", "a,\"b\"\r\n", [][]string{{"a", "b"}}, []int{1}},
	{"bare quote in field", "5\" nails,x\n", [][]string{{"5\" nails", "x"}}, []int{1}},
	// A stray quote keeps a quoted field open.
	{"stray quote after quoted", "\"a\"b,c\nd\n", [][]string{{"a\"b,c\nd\n"}}, []int{1}},
	{"quote then space", "\"a\" ,c\n", [][]string{{"a\" ,c\n"}}, []int{1}},
	{"stray quote then closed", "\"a\"b\",c\n", [][]string{{"a\"b", "c"}}, []int{1}},
	{"unclosed quote runs to eof", "\"a,b\nc,d\n", [][]string{{"a,b\nc,d\n"}}, []int{1}},
	{"unclosed quote eof cr", "\"a\r", [][]string{{"a"}}, []int{1}},
	{"space before quote", " \"a\",b\n", [][]string{{" \"a\"", "b"}}, []int{1}},
	{"quoted then more lines", "x,\"1\n2\n3\"\ny\n", [][]string{{"x", "1\n2\n3"}, {"y"}}, []int{1, 4}},
	{"only quote", "\"", [][]string{{""}}, []int{1}},
	{"quote newline", "\"\n", [][]string{{"\n"}}, []int{1}},
	{"triple quote", "\"\"\"\n", [][]string{{"\"\n"}}, []int{1}},
	{"quadruple quote", "\"\"\"\"\n", [][]string{{"\""}}, []int{1}},
	{"bom kept by the record reader", "\ufeffa\n", [][]string{{"\ufeffa"}}, []int{1}},
	{"invalid utf-8 repaired", "M\xfcller,\xc3\n", [][]string{{"Müller", "Ã"}}, []int{1}},
	{"utf-8 split by a delimiter", "\xc3,\xa9\n", [][]string{{"Ã", "©"}}, []int{1}},
	{"valid utf-8 kept", "Jörg,€\n", [][]string{{"Jörg", "€"}}, []int{1}},
	{"invalid utf-8 quoted", "\"M\xfcller\",\"a\n\xe4\"\n", [][]string{{"Müller", "a\nä"}}, []int{1}},
}

func TestRecordReaderEdges(t *testing.T) {
	for _, tt := range recordEdgeCases {
		t.Run(tt.name, func(t *testing.T) {
			for _, bufSize := range []int{1, 3, recordBufSize} {
				for _, chunk := range []bool{false, true} {
					got, err := readRecords([]byte(tt.in), ',', MaxRecordBytes, bufSize, chunk, true)
					if err != nil {
						t.Fatal(err)
					}
					var recs [][]string
					var lines []int
					for _, r := range got {
						recs = append(recs, r.fields)
						lines = append(lines, r.line)
					}
					if !slices.EqualFunc(recs, tt.want, slices.Equal) || !slices.Equal(lines, tt.lines) {
						t.Fatalf("buf %d chunk %v: %q on lines %v, want %q on %v", bufSize, chunk, recs, lines, tt.want, tt.lines)
					}
				}
			}
			// And encoding/csv agrees with the table.
			var recs [][]string
			for _, r := range readStd(t, []byte(tt.in), ',', true) {
				recs = append(recs, r.fields)
			}
			if !slices.EqualFunc(recs, tt.want, slices.Equal) {
				t.Fatalf("encoding/csv reads %q, the table says %q", recs, tt.want)
			}
		})
	}
}

// Each delimiter splits, the other two are data.
func TestRecordReaderDelimiters(t *testing.T) {
	in := "a,b;c\td\n\"x;y\",\"p\tq\",\"r,s\"\n\"e\"\"\";\"f\"\t\"g\"\n"
	for _, d := range []byte{',', ';', '\t'} {
		got, err := readRecords([]byte(in), d, MaxRecordBytes, recordBufSize, false, true)
		if err != nil {
			t.Fatal(err)
		}
		want := readStd(t, []byte(in), rune(d), true)
		if len(got) != len(want) {
			t.Fatalf("%q: %q, want %q", d, got, want)
		}
		for i := range got {
			if !slices.Equal(got[i].fields, want[i].fields) || got[i].line != want[i].line {
				t.Errorf("%q: record %d = %q, want %q", d, i, got[i].fields, want[i].fields)
			}
		}
		if len(got[0].fields) != 2 {
			t.Errorf("%q: first record %q: want two fields", d, got[0].fields)
		}
	}
}

// The cap counts the record's raw bytes, terminators and all lines of a
// quoted field included, and not the empty lines before it.
func TestRecordReaderMax(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		records  int
		tooLong  bool
	}{
		{"fits", "abcd\n", 5, 1, false},
		{"one byte over", "abcd\n", 4, 0, true},
		{"crlf counts", "abc\r\n", 4, 0, true},
		{"fragment fits", "abcd", 4, 1, false},
		{"empty lines not counted", "\n\n\n\nab\n", 3, 1, false},
		{"second record", "ab\nabcdef\nab\n", 3, 1, true},
		{"quoted lines add up", "\"a\nb\nc\"\n", 7, 0, true},
		{"quoted lines fit", "\"a\nb\nc\"\n", 8, 1, false},
		{"unclosed quote", "\"" + strings.Repeat("y\n", 100), 50, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, bufSize := range []int{1, 4, recordBufSize} {
				got, err := readRecords([]byte(tt.in), ',', tt.max, bufSize, bufSize == 4, false)
				if len(got) != tt.records || errors.Is(err, errRecordTooLong) != tt.tooLong || !tt.tooLong && err != nil {
					t.Fatalf("buf %d: %d records, err %v; want %d records, too long %v", bufSize, len(got), err, tt.records, tt.tooLong)
				}
			}
		})
	}
}

// A 100 MB line is refused having buffered no more than about twice the
// cap, however it arrives.
func TestRecordReaderHugeLineMemory(t *testing.T) {
	const max = 1 << 20
	src := io.MultiReader(strings.NewReader("a,b\n"), &repeatByte{c: 'B', n: 100 << 20}, strings.NewReader("\n"))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rr := newRecordReader(src, ',', max, true)
	if _, _, err := rr.Read(); err != nil {
		t.Fatal(err)
	}
	_, _, err := rr.Read()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, errRecordTooLong) {
		t.Fatalf("err = %v, want errRecordTooLong", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8*max {
		t.Errorf("allocated %d bytes for a refused 100 MB line, cap %d", alloc, max)
	}
	if rest, _ := io.Copy(io.Discard, src); rest < 90<<20 {
		t.Errorf("read %d MB of the line before refusing it", (100<<20-rest)>>20)
	}
}

type repeatByte struct {
	c byte
	n int
}

func (r *repeatByte) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	n := min(len(p), r.n)
	for i := range p[:n] {
		p[i] = r.c
	}
	r.n -= n
	return n, nil
}

// A read error is reported, not taken for the end of the file, and not
// before the complete lines read ahead of it.
func TestRecordReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	rr := newRecordReader(io.MultiReader(strings.NewReader("a,b\nc,\"d"), iotest.ErrReader(boom)), ',', MaxRecordBytes, true)
	if rec, _, err := rr.Read(); err != nil || !slices.Equal(rec, []string{"a", "b"}) {
		t.Fatalf("first record %q, %v", rec, err)
	}
	if _, _, err := rr.Read(); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	rr = newRecordReader(io.MultiReader(strings.NewReader("a,b"), iotest.ErrReader(boom)), ',', MaxRecordBytes, true)
	if _, _, err := rr.Read(); !errors.Is(err, boom) {
		t.Fatalf("err = %v on a line cut by an error, want boom", err)
	}
}

// splitFields agrees with strings.Split for every delimiter position in
// and around the eight-byte words it reads, and for bytes one off the
// delimiter, which its word test flags as candidates; and it finds every
// quote, next to '#' and '!', one off it, too.
func TestSplitFields(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const alphabet = ";:<,-a\x00\xff\"#!"
	for range 20000 {
		b := make([]byte, r.IntN(40))
		for i := range b {
			if r.IntN(4) > 0 { // most lines without a quote
				b[i] = alphabet[r.IntN(len(alphabet)-3)]
			} else {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
		}
		for _, delim := range []byte{';', ','} {
			s := string(b)
			got, plain, ascii := splitFields(nil, s, delim)
			if quoted := strings.Contains(s, `"`); plain == quoted {
				t.Fatalf("splitFields(%q, %q) says plain %v", s, delim, plain)
			}
			if wantASCII := !strings.Contains(s, "\xff"); plain && ascii != wantASCII {
				t.Fatalf("splitFields(%q, %q) says ascii %v", s, delim, ascii)
			}
			if want := strings.Split(s, string(delim)); plain && !slices.Equal(got, want) {
				t.Fatalf("splitFields(%q, %q) = %q, want %q", s, delim, got, want)
			}
		}
	}
}

// After a long line has grown the buffer, the string later fields are cut
// from is still at most recordBufSize: a short field kept (the greatest id
// the duplicate check holds, say) must not keep the grown buffer's worth.
func TestLineStringBounded(t *testing.T) {
	long := strings.Repeat("x", 900<<10)
	in := "a;" + long + "\n" + strings.Repeat("E2E-1;1,00\n", 20_000)
	rr := newRecordReader(strings.NewReader(in), ';', MaxRecordBytes, true)
	for n := 0; ; n++ {
		rec, _, err := rr.Read()
		if errors.Is(err, io.EOF) {
			if n != 20_001 {
				t.Fatalf("%d records", n)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if n > 0 && (rec[0] != "E2E-1" || len(rr.str) > recordBufSize) {
			t.Fatalf("record %d: %q cut from a string of %d bytes", n, rec[0], len(rr.str))
		}
	}
}
