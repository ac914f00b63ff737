package pain001

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/transform"
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
	qname []byte // element name as written, prefix included
	local []byte // without prefix
	attrs []attr
	text  []byte

	pendingEnd bool   // the start tag was self-closing
	names      []byte // open element names, concatenated
	opens      []int  // start offset in names of each open element
	scratch    []byte // entity-decoded text
}

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

func (l *lexer) depth() int { return len(l.opens) }

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
		off = max(0, l.w-l.r-len(b)+1)
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
// io.EOF after the root element closed and only blanks followed.
func (l *lexer) next() error {
	if l.err != nil {
		return l.err
	}
	if err := l.advance(); err != nil {
		if l.err == nil {
			l.err = err
		}
		return err
	}
	return nil
}

func (l *lexer) advance() error {
	if l.pendingEnd {
		l.pendingEnd = false
		return l.closeElement(l.qname)
	}
	for {
		if l.r == l.w && !l.fill() {
			switch {
			case l.err != nil:
				return l.err
			case len(l.opens) > 0:
				return errTruncated
			}
			return io.EOF
		}
		if l.buf[l.r] != '<' {
			if err := l.readText(); err != nil {
				return err
			}
			if l.kind == tokText {
				return nil
			}
			continue
		}
		if !l.ensure(2) {
			return l.eofErr()
		}
		switch l.buf[l.r+1] {
		case '/':
			return l.readEndTag()
		case '?':
			if err := l.readPI(); err != nil {
				return err
			}
		case '!':
			isText, err := l.readBang()
			if err != nil || isText {
				return err
			}
		default:
			return l.readStartTag()
		}
	}
}

// readText reads up to the next '<'. Blank text between elements is
// skipped (kind stays unset); text outside the root must be blank.
func (l *lexer) readText() error {
	l.kind = 0
	i, err := l.indexFrom(0, []byte{'<'})
	if err != nil {
		if err != errTruncated {
			return err
		}
		// Text runs to the end of the input.
		i = l.w - l.r
		if len(l.opens) > 0 {
			return errTruncated
		}
	}
	raw := l.buf[l.r : l.r+i]
	l.r += i
	if isBlank(raw) {
		return nil
	}
	if len(l.opens) == 0 {
		return syntaxErr("text outside the root element")
	}
	text, err := l.decodeText(raw)
	if err != nil {
		return err
	}
	l.kind, l.text = tokText, text
	return nil
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if !isSpace(c) {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// decodeText checks UTF-8, resolves entities and normalises line ends.
func (l *lexer) decodeText(raw []byte) ([]byte, error) {
	if !utf8.Valid(raw) {
		return nil, syntaxErr("invalid UTF-8 in text")
	}
	if bytes.IndexByte(raw, '&') < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return raw, nil
	}
	out := l.scratch[:0]
	for len(raw) > 0 {
		c := raw[0]
		switch c {
		case '\r':
			out = append(out, '\n')
			raw = raw[1:]
			if len(raw) > 0 && raw[0] == '\n' {
				raw = raw[1:]
			}
		case '&':
			end := bytes.IndexByte(raw, ';')
			if end < 0 || end > 12 {
				return nil, syntaxErr("unterminated entity reference")
			}
			r, err := entity(raw[1:end])
			if err != nil {
				return nil, err
			}
			out = utf8.AppendRune(out, r)
			raw = raw[end+1:]
		default:
			out = append(out, c)
			raw = raw[1:]
		}
	}
	l.scratch = out
	return out, nil
}

// entity resolves the five predefined entities and character references;
// anything else would need a DTD, which payment files never have.
func entity(name []byte) (rune, error) {
	switch string(name) {
	case "lt":
		return '<', nil
	case "gt":
		return '>', nil
	case "amp":
		return '&', nil
	case "apos":
		return '\'', nil
	case "quot":
		return '"', nil
	}
	if len(name) > 1 && name[0] == '#' {
		var n uint64
		var err error
		if name[1] == 'x' {
			n, err = strconv.ParseUint(string(name[2:]), 16, 32)
		} else {
			n, err = strconv.ParseUint(string(name[1:]), 10, 32)
		}
		r := rune(n)
		if err == nil && isXMLChar(r) {
			return r, nil
		}
		return 0, syntaxErr("invalid character reference &%s;", name)
	}
	return 0, syntaxErr("undefined entity &%s;", name)
}

func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

func (l *lexer) readEndTag() error {
	i := 2
	for ; l.r+i < l.w && l.buf[l.r+i] != '>'; i++ {
	}
	if l.r+i == l.w {
		var err error
		if i, err = l.indexFrom(2, []byte{'>'}); err != nil {
			return err
		}
	}
	name := l.buf[l.r+2 : l.r+i]
	for len(name) > 0 && isSpace(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	l.r += i + 1
	return l.closeElement(name)
}

func (l *lexer) closeElement(name []byte) error {
	n := len(l.opens)
	if n == 0 {
		return syntaxErr("unexpected end tag </%s>", name)
	}
	open := l.names[l.opens[n-1]:]
	if !bytes.Equal(open, name) {
		return syntaxErr("element <%s> closed by </%s>", open, name)
	}
	l.kind = tokEnd
	l.qname = open
	l.local = localName(open)
	l.names = l.names[:l.opens[n-1]]
	l.opens = l.opens[:n-1]
	if n == 1 {
		l.rootEnded = true
	}
	return nil
}

func localName(q []byte) []byte {
	if i := bytes.IndexByte(q, ':'); i >= 0 {
		return q[i+1:]
	}
	return q
}

// readPI skips a processing instruction. The XML declaration may switch
// the input to another encoding.
func (l *lexer) readPI() error {
	i, err := l.indexFrom(2, []byte("?>"))
	if err != nil {
		return err
	}
	body := l.buf[l.r+2 : l.r+i]
	l.r += i + 2
	if !l.sawDecl && bytes.HasPrefix(body, []byte("xml")) && (len(body) == 3 || isBlank(body[3:4])) {
		return l.declare(body)
	}
	return nil
}

// declare applies the encoding of the XML declaration to the rest of the
// input.
func (l *lexer) declare(decl []byte) error {
	label := pseudoAttr(decl, "encoding")
	if label == "" {
		return nil
	}
	t, err := decoderFor(label, l.utf16)
	if err != nil || t == nil {
		return err
	}
	rest := append([]byte(nil), l.buf[l.r:l.w]...)
	l.src = transform.NewReader(io.MultiReader(bytes.NewReader(rest), l.src), t)
	l.r, l.w, l.atEOF = 0, 0, false
	l.sawDecl = true
	return nil
}

func pseudoAttr(decl []byte, name string) string {
	i := bytes.Index(decl, []byte(name))
	if i < 0 {
		return ""
	}
	rest := bytes.TrimLeft(decl[i+len(name):], " \t\r\n")
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' && rest[0] != '\'' {
		return ""
	}
	end := bytes.IndexByte(rest[1:], rest[0])
	if end < 0 {
		return ""
	}
	return string(rest[1 : end+1])
}

// readBang handles comments, CDATA (returned as text) and refuses
// DOCTYPE and every other declaration.
func (l *lexer) readBang() (isText bool, err error) {
	switch {
	case l.ensure(4) && bytes.HasPrefix(l.buf[l.r:], []byte("<!--")):
		i, err := l.indexFrom(4, []byte("-->"))
		if err != nil {
			return false, err
		}
		l.r += i + 3
		return false, nil
	case l.ensure(9) && bytes.HasPrefix(l.buf[l.r:], []byte("<![CDATA[")):
		i, err := l.indexFrom(9, []byte("]]>"))
		if err != nil {
			return false, err
		}
		raw := l.buf[l.r+9 : l.r+i]
		l.r += i + 3
		if len(l.opens) == 0 {
			return false, syntaxErr("CDATA outside the root element")
		}
		if !utf8.Valid(raw) {
			return false, syntaxErr("invalid UTF-8 in CDATA")
		}
		if isBlank(raw) {
			return false, nil // like blank text between elements
		}
		l.kind, l.text = tokText, raw
		return true, nil
	}
	if l.err != nil {
		return false, l.err
	}
	return false, errDirective
}

// readStartTag reads a start tag; '>' may appear inside quoted values.
func (l *lexer) readStartTag() error {
	// Fast path: most tags are short and have no attributes, so one plain
	// scan finds their end.
	for i := l.r + 1; i < l.w; i++ {
		switch l.buf[i] {
		case '>':
			tag := l.buf[l.r+1 : i]
			l.r = i + 1
			return l.parseStartTag(tag)
		case '<':
			return syntaxErr("'<' inside a tag")
		case '"', '\'':
			i = l.w // quoted values may hold '>': take the careful path
		}
	}
	i, quote := 1, byte(0)
	for {
		if l.r+i >= l.w {
			if i > MaxTokenBytes {
				return errTokenTooLarge
			}
			if !l.fill() {
				return l.eofErr()
			}
			continue
		}
		c := l.buf[l.r+i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else if c == '<' {
				return syntaxErr("'<' in an attribute value")
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			return syntaxErr("'<' inside a tag")
		case c == '>':
			tag := l.buf[l.r+1 : l.r+i]
			l.r += i + 1
			return l.parseStartTag(tag)
		}
		i++
	}
}

func (l *lexer) parseStartTag(tag []byte) error {
	self := len(tag) > 0 && tag[len(tag)-1] == '/'
	if self {
		tag = tag[:len(tag)-1]
	}
	end := 0
	for end < len(tag) && !isSpace(tag[end]) {
		end++
	}
	name := tag[:end]
	if !validName(name) {
		return syntaxErr("invalid element name %q", name)
	}
	l.attrs = l.attrs[:0]
	rest := tag[end:]
	for {
		trimmed := bytes.TrimLeft(rest, " \t\r\n")
		if len(trimmed) == 0 {
			break
		}
		if len(trimmed) == len(rest) {
			return syntaxErr("attributes of <%s> must be separated by blanks", name)
		}
		eq := bytes.IndexByte(trimmed, '=')
		if eq <= 0 {
			return syntaxErr("attribute without value in <%s>", name)
		}
		an := bytes.TrimRight(trimmed[:eq], " \t\r\n")
		v := bytes.TrimLeft(trimmed[eq+1:], " \t\r\n")
		if !validName(an) || len(v) == 0 || v[0] != '"' && v[0] != '\'' {
			return syntaxErr("malformed attribute in <%s>", name)
		}
		close := bytes.IndexByte(v[1:], v[0])
		if close < 0 {
			return syntaxErr("unterminated attribute value in <%s>", name)
		}
		val := v[1 : close+1]
		if bytes.IndexByte(val, '&') >= 0 || !utf8.Valid(val) {
			dec, err := l.decodeText(val)
			if err != nil {
				return err
			}
			val = append([]byte(nil), dec...) // scratch is reused
		}
		l.attrs = append(l.attrs, attr{name: an, value: val})
		rest = v[close+2:]
	}
	if l.rootEnded {
		return syntaxErr("a second root element <%s>", name)
	}
	if len(l.opens) >= MaxDepth {
		return errTooDeep
	}
	l.opens = append(l.opens, len(l.names))
	l.names = append(l.names, name...)
	l.kind = tokStart
	l.qname = l.names[l.opens[len(l.opens)-1]:]
	l.local = localName(l.qname)
	l.sawRoot = true
	l.sawDecl = true
	l.pendingEnd = self
	return nil
}

// validName is a cheap check of an XML name: no markup characters, and not
// starting with a digit, '-' or '.'.
func validName(b []byte) bool {
	if len(b) == 0 || notNameStart[b[0]] {
		return false
	}
	for _, c := range b {
		if notNameByte[c] {
			return false
		}
	}
	return true
}

var notNameByte, notNameStart = func() (nb, ns [256]bool) {
	for _, c := range []byte("<>/=\"'& \t\r\n!?") {
		nb[c], ns[c] = true, true
	}
	for _, c := range []byte("0123456789-.") {
		ns[c] = true
	}
	return nb, ns
}()
