package csv

import (
	"bytes"
	"errors"
	"io"
	"math/bits"
	"unicode/utf8"
)

// recordReader splits a CSV stream into records exactly as encoding/csv
// does with the settings this package uses (LazyQuotes, FieldsPerRecord
// -1, no comment character, leading spaces kept):
//
//   - a record ends at a '\n' outside quotes; "\r\n" counts as "\n", and a
//     '\r' just before the end of the input is dropped;
//   - empty lines between records are skipped, but counted as lines;
//   - a field starting with '"' is quoted: it may hold the delimiter,
//     newlines and doubled quotes, and ends at a quote followed by the
//     delimiter or the end of the line. Any other quote is taken as it is
//     (lazy quotes), and an unclosed quote runs to the end of the input;
//   - every other field runs to the next delimiter.
//
// encoding/csv copies each line through two buffers and allocates a string
// for each record before it cuts the fields; here a line without quotes,
// nearly every line, is cut in place, its fields sub-strings of one string
// that holds a whole buffer-full of lines: one allocation per 64 KiB
// instead of one per line, which is a good part of what reading a line
// costs. A field so keeps its buffer-full alive while it is kept, which
// for a parser's payments, stored a chunk at a time, is no matter;
// batch.Issue copies the one field it keeps. FuzzRecordReader holds the
// two readers to the same records.
//
// It also bounds memory, which encoding/csv leaves to its caller: a record
// of more than max bytes is errRecordTooLong, found without buffering more
// than max bytes of it.
type recordReader struct {
	src    io.Reader
	delim  byte
	max    int
	repair bool // decode fields that are not UTF-8 as Windows-1252

	buf  []byte // unread input is buf[r:w]
	r, w int

	// str is a copy of buf[strAt:strAt+len(str)] that lines are cut
	// from (see lineString); fill empties it when it moves buf.
	str    string
	strAt  int
	lineAt int   // where in buf the line readLine returned last starts
	err    error // from src, reported once buf holds no more lines

	failed error // what the last Read returned, returned again

	line    int // lines read so far: the record's last line
	recLine int // first line of the record returned last
	recSize int // bytes of the current record read so far

	rec    []byte // a record with quoted fields, unquoted
	ends   []int  // field ends in rec
	fields []string
}

// recordBufSize is the read buffer; it grows when a line does not fit.
const recordBufSize = 64 << 10

func newRecordReader(src io.Reader, delim byte, max int, repair bool) *recordReader {
	return &recordReader{src: src, delim: delim, max: max, repair: repair, buf: make([]byte, recordBufSize)}
}

// Read returns the next record and the line it starts on. The fields are
// valid until the next call. At the end of the input it returns io.EOF.
func (r *recordReader) Read() (fields []string, line int, err error) {
	if r.failed != nil {
		return nil, 0, r.failed
	}
	var l []byte
	for {
		r.recSize = 0
		l, err = r.readLine()
		if err != nil {
			r.failed = err
			return nil, 0, err
		}
		if len(l) != lengthNL(l) {
			break
		}
		// An empty line, or "\r" at the end of the input.
	}
	r.recLine = r.line
	f, plain, ascii := splitFields(r.fields[:0], r.lineString(r.lineAt, len(l)-lengthNL(l)), r.delim)
	if !plain {
		return r.readQuoted(l)
	}
	r.fields = f
	if r.repair && !ascii && !utf8.Valid(l) {
		repair(f)
	}
	return f, r.recLine, nil
}

// lineString returns buf[at:at+n], which readLine has returned, as a
// string: a slice of str, which is made anew when it does not cover those
// bytes, from at up to the end of the buffered input but at most
// recordBufSize or the line: buf keeps the size a long line grew it to,
// and a short field kept later must not keep a copy of all of it alive.
// readLine rewrites a "\r\n" to "\n" in buf before it returns the line,
// but no line handed out includes its terminator, so str and buf never
// differ in what is cut.
func (r *recordReader) lineString(at, n int) string {
	if at < r.strAt || at+n > r.strAt+len(r.str) {
		end := max(at+n, min(r.w, at+recordBufSize))
		r.str, r.strAt = string(r.buf[at:end]), at
	}
	return r.str[at-r.strAt : at-r.strAt+n]
}

// splitFields appends the fields of s, cut at every delim, to f, and
// reports plain; if s holds a quote it stops and reports plain false, and
// the line is one for readQuoted. ascii reports that s is ASCII, and so
// valid UTF-8. It looks at eight bytes at a time: a row's fields are
// short, and a call of strings.IndexByte per field, one for the quote and
// a pass for the encoding cost more than finding them.
func splitFields(f []string, s string, delim byte) (_ []string, plain, ascii bool) {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	pat, quotes := uint64(delim)*ones, uint64('"')*ones
	start, i := 0, 0
	var or uint64 // every byte ORed: a high bit for a non-ASCII byte
	for ; i+8 <= len(s); i += 8 {
		w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		or |= w
		// (x - ones) &^ x & highs has a high bit for each zero byte of
		// x, and possibly for a byte above one that is 0x01: the lowest
		// bit is always a zero byte, the others are checked below.
		if q := w ^ quotes; (q-ones)&^q&highs != 0 {
			return f, false, false
		}
		x := w ^ pat
		for m := (x - ones) &^ x & highs; m != 0; m &= m - 1 {
			if j := i + bits.TrailingZeros64(m)/8; s[j] == delim {
				f = append(f, s[start:j])
				start = j + 1
			}
		}
	}
	for ; i < len(s); i++ {
		or |= uint64(s[i])
		switch s[i] {
		case delim:
			f = append(f, s[start:i])
			start = i + 1
		case '"':
			return f, false, false
		}
	}
	return append(f, s[start:]), true, or&highs == 0
}

// readQuoted is encoding/csv's readRecord for a record whose first line l
// holds a quote somewhere.
func (r *recordReader) readQuoted(l []byte) ([]string, int, error) {
	r.rec, r.ends = r.rec[:0], r.ends[:0]
	delim := r.delim
fields:
	for {
		if len(l) == 0 || l[0] != '"' {
			i := bytes.IndexByte(l, delim)
			field := l
			if i >= 0 {
				field = field[:i]
			} else {
				field = field[:len(field)-lengthNL(field)]
			}
			r.rec = append(r.rec, field...)
			r.ends = append(r.ends, len(r.rec))
			if i < 0 {
				break fields
			}
			l = l[i+1:]
			continue
		}
		l = l[1:]
		for {
			i := bytes.IndexByte(l, '"')
			switch {
			case i >= 0:
				r.rec = append(r.rec, l[:i]...)
				l = l[i+1:]
				switch {
				case len(l) > 0 && l[0] == '"': // "" is a quote
					r.rec = append(r.rec, '"')
					l = l[1:]
				case len(l) > 0 && l[0] == delim: // end of field
					l = l[1:]
					r.ends = append(r.ends, len(r.rec))
					continue fields
				case len(l) == lengthNL(l): // end of record
					r.ends = append(r.ends, len(r.rec))
					break fields
				default: // a stray quote, kept
					r.rec = append(r.rec, '"')
				}
			case len(l) > 0:
				// The field goes on on the next line.
				r.rec = append(r.rec, l...)
				next, err := r.readLine()
				if errors.Is(err, io.EOF) {
					next, err = nil, nil
				}
				if err != nil {
					r.failed = err
					return nil, 0, err
				}
				l = next
			default:
				// The input ended inside the quotes.
				r.ends = append(r.ends, len(r.rec))
				break fields
			}
		}
	}
	s := string(r.rec)
	f := r.fields[:0]
	start := 0
	for _, end := range r.ends {
		f = append(f, s[start:end])
		start = end
	}
	r.fields = f
	if r.repair {
		repair(f)
	}
	return f, r.recLine, nil
}

// readLine returns the next line with its '\n' ("\r\n" shortened to it),
// or the rest of the input without a trailing '\r' when it does not end in
// a newline; io.EOF when nothing is left. The line is valid until the next
// call. It counts the line, and its bytes towards the record's size.
func (r *recordReader) readLine() ([]byte, error) {
	scanned := 0 // of buf[r.r:r.w], known to hold no '\n'
	for {
		if i := bytes.IndexByte(r.buf[r.r+scanned:r.w], '\n'); i >= 0 {
			n := scanned + i + 1
			l := r.buf[r.r : r.r+n]
			if n >= 2 && l[n-2] == '\r' {
				l[n-2] = '\n'
				l = l[:n-1]
			}
			// An empty line before a record is no part of it.
			if r.recSize += n; r.recSize > r.max && (r.recSize != n || len(l) != 1) {
				return nil, errRecordTooLong
			}
			r.consumed(n)
			return l, nil
		}
		scanned = r.w - r.r
		if r.recSize+scanned > r.max {
			return nil, errRecordTooLong
		}
		if r.err != nil {
			if scanned == 0 || !errors.Is(r.err, io.EOF) {
				return nil, r.err
			}
			l := r.buf[r.r:r.w]
			r.consumed(len(l))
			r.recSize += len(l)
			if l[len(l)-1] == '\r' {
				l = l[:len(l)-1]
			}
			return l, nil
		}
		r.fill()
	}
}

// consumed moves past the n bytes of a line readLine returns.
func (r *recordReader) consumed(n int) {
	r.lineAt = r.r
	r.r += n
	r.line++
}

// fill reads more input after the unread bytes, moving them to the start
// of the buffer and growing it when they fill it.
func (r *recordReader) fill() {
	r.str = ""
	if r.r > 0 {
		r.w = copy(r.buf, r.buf[r.r:r.w])
		r.r = 0
	}
	if r.w == len(r.buf) {
		// Only a line longer than the buffer gets here, and readLine
		// refuses one longer than max: the buffer stays below 2×max.
		r.buf = append(r.buf, make([]byte, len(r.buf))...)
		r.buf = r.buf[:cap(r.buf)]
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.w:])
		r.w += n
		if err != nil {
			r.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	r.err = io.ErrNoProgress
}

func lengthNL(b []byte) int {
	if len(b) > 0 && b[len(b)-1] == '\n' {
		return 1
	}
	return 0
}
