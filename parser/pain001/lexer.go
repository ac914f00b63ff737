package pain001

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// lexer is a small streaming XML tokenizer for the subset of XML payment
// files use: elements, attributes, text, CDATA, comments and processing
// instructions. It exists because encoding/xml allocates for every token
// and cannot bound a single token's size; this one hands out slices of its
// own buffer (valid until the next call), checks well-formedness (matching
// tags, entities, UTF-8, one root) and refuses DTDs outright, so entity
// expansion cannot happen.
type lexer struct {
	src   io.Reader
	buf   []byte
	r, w  int
	atEOF bool  // src is exhausted
	err   error // sticky

	utf16     bool // src was converted from UTF-16 before us
	sawDecl   bool // past the point where an XML declaration may appear
	sawRoot   bool
	rootEnded bool

	// The current token.
	kind  tokKind
	attrs []attr
	text  []byte
	// The element name as offsets into names (see qname, local): ints
	// rather than slices, so that a token costs no GC write barriers.
	nameFrom, localFrom, nameTo int

	pendingEnd bool // the start tag was self-closing
	// The open elements: their names concatenated in names[:namesLen],
	// and where each one's name and local part start. Fixed arrays, as
	// MaxDepth and maxNameBytes bound them, so that opening and closing
	// an element writes no slice headers (no GC write barriers).
	names    [MaxDepth * maxNameBytes]byte
	namesLen int
	opens    [MaxDepth]openElem
	nOpen    int
	scratch  []byte // entity-decoded text
}

// openElem locates an open element's name in lexer.names.
type openElem struct{ from, local int }

type tokKind int

const (
	tokStart tokKind = iota + 1
	tokEnd
	tokText
)

type attr struct {
	name, value []byte
}

var errTruncated = errors.New("unexpected end of file")

// syntaxError is malformed XML at a byte offset of the (decoded) input.
type syntaxError struct{ msg string }

func (e *syntaxError) Error() string { return e.msg }

func syntaxErr(format string, args ...any) error {
	return &syntaxError{msg: fmt.Sprintf(format, args...)}
}

const readSize = 64 << 10

func newLexer(src io.Reader, utf16 bool) *lexer {
	return &lexer{src: src, buf: make([]byte, readSize), utf16: utf16}
}

func (l *lexer) depth() int { return l.nOpen }

// qname is the current element's name as written, prefix included. After
// an end tag it lies past namesLen: like every token it is valid until the
// next call.
func (l *lexer) qname() []byte { return l.names[l.nameFrom:l.nameTo] }

// local is the current element's name without its prefix.
func (l *lexer) local() []byte { return l.names[l.localFrom:l.nameTo] }

// push opens an element named name, whose local part starts at offset
// local of name (0 without a prefix). The caller checked the depth.
func (l *lexer) push(name []byte, local int) {
	from := l.namesLen
	copy(l.names[from:], name)
	l.namesLen += len(name)
	l.opens[l.nOpen] = openElem{from, from + local}
	l.nOpen++
	l.kind = tokStart
	l.nameFrom, l.localFrom, l.nameTo = from, from+local, l.namesLen
}

// pop closes the innermost open element, which the caller checked.
func (l *lexer) pop() {
	l.nOpen--
	o := l.opens[l.nOpen]
	l.kind = tokEnd
	l.nameFrom, l.localFrom, l.nameTo = o.from, o.local, l.namesLen
	l.namesLen = o.from
	if l.nOpen == 0 {
		l.rootEnded = true
	}
}

// fill reads more input, keeping buf[r:w]. It reports false at the end of
// input; l.err is set for read errors and oversized tokens.
func (l *lexer) fill() bool {
	if l.atEOF || l.err != nil {
		return false
	}
	if l.r > 0 {
		n := copy(l.buf, l.buf[l.r:l.w])
		l.r, l.w = 0, n
	}
	if l.w == len(l.buf) {
		if len(l.buf) >= MaxTokenBytes {
			l.err = errTokenTooLarge
			return false
		}
		nb := make([]byte, min(2*len(l.buf), MaxTokenBytes))
		copy(nb, l.buf[:l.w])
		l.buf = nb
	}
	for {
		n, err := l.src.Read(l.buf[l.w:])
		l.w += n
		if err == io.EOF {
			l.atEOF = true
			return n > 0
		}
		if err != nil {
			l.err = err
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// indexFrom finds b at or after offset off from l.r, reading as needed.
func (l *lexer) indexFrom(off int, b []byte) (int, error) {
	for {
		if i := bytes.Index(l.buf[l.r+off:l.w], b); i >= 0 {
			return off + i, nil
		}
		// b may begin in the last len(b)-1 bytes, but never before off:
		// "<?>" must not be read as "<?" closed by its own '?'.
		off = max(off, l.w-l.r-len(b)+1)
		if !l.fill() {
			return 0, l.eofErr()
		}
	}
}

func (l *lexer) eofErr() error {
	if l.err != nil {
		return l.err
	}
	return errTruncated
}

// ensure makes n bytes available at l.r, if the input has them.
func (l *lexer) ensure(n int) bool {
	for l.w-l.r < n {
		if !l.fill() {
			return false
		}
	}
	return true
}

// next advances to the next start, end or non-blank text token. It returns
// io.EOF after the root element closed and only blanks followed. Errors
// are sticky: once next failed, it returns the same error again.
func (l *lexer) next() error {
	if l.err != nil {
		return l.err
	}
	if l.pendingEnd {
		l.pendingEnd = false
		l.pop() // the element <name/> just opened
		return nil
	}
	for {
		if l.r == l.w && !l.fill() {
			switch {
			case l.err != nil:
				return l.err
			case l.nOpen > 0:
				return l.fail(errTruncated)
			}
			return l.fail(io.EOF)
		}
		if c := l.buf[l.r]; c != '<' {
			// Indentation between tags is most of the text in a file:
			// skip it here without the general text path.
			if isSpace(c) {
				j := l.r + 1
				// Eight spaces at a time first: indentation is mostly
				// runs of them.
				for j+8 <= l.w && binary.LittleEndian.Uint64(l.buf[j:]) == 0x2020202020202020 {
					j += 8
				}
				for j < l.w && isSpace(l.buf[j]) {
					j++
				}
				if j < l.w && l.buf[j] == '<' {
					l.r = j
					continue
				}
			}
			if err := l.readText(); err != nil {
				return l.fail(err)
			}
			if l.kind == tokText {
				return nil
			}
			continue
		}
		if !l.ensure(2) {
			return l.fail(l.eofErr())
		}
		var err error
		switch l.buf[l.r+1] {
		case '/':
			err = l.readEndTag()
		case '?':
			if err = l.readPI(); err == nil {
				continue
			}
		case '!':
			var isText bool
			if isText, err = l.readBang(); err == nil && !isText {
				continue
			}
		default:
			err = l.readStartTag()
		}
		if err != nil {
			return l.fail(err)
		}
		return nil
	}
}

// fail makes err sticky: next returns it from now on.
func (l *lexer) fail(err error) error {
	if l.err == nil {
		l.err = err
	}
	return err
}
