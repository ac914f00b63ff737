package reports

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// maxXMLToken bounds one token of a workbook part (a tag, a text run, a
// comment): the same 1 MiB the XLSX reader's zip-bomb check allows between
// two '<'. Excel caps a cell at 32,767 characters, so no real sheet comes
// near it, and it bounds what the summary holds at once.
const maxXMLToken = 1 << 20

var errXMLToken = fmt.Errorf("a tag or text larger than %d KiB", maxXMLToken>>10)

type tokKind uint8

const (
	tokText  tokKind = iota // character data between markup, entities undecoded
	tokStart                // start tag or self-closing tag
	tokEnd                  // end tag
	tokCDATA                // <![CDATA[...]]>
	tokOther                // comment, processing instruction, declaration
)

// xmlTok is one token; raw and name alias the tokenizer's buffer and are
// valid until the next call to next.
type xmlTok struct {
	kind  tokKind
	raw   []byte // the token's bytes exactly as in the input
	name  []byte // qualified element name of a start or end tag
	empty bool   // self-closing start tag
}

// local is the element name without its namespace prefix.
func (t xmlTok) local() []byte {
	if i := bytes.IndexByte(t.name, ':'); i >= 0 {
		return t.name[i+1:]
	}
	return t.name
}

// prefix is the namespace prefix with its colon ("x:"), or "".
func (t xmlTok) prefix() string {
	if i := bytes.IndexByte(t.name, ':'); i >= 0 {
		return string(t.name[:i+1])
	}
	return ""
}

// xmlTokens splits an XML stream into text runs and markup without
// decoding or re-encoding either, so that a rewrite can pass every byte
// through unchanged and insert its own. It checks only what it needs to
// find token boundaries (quotes in tags, the ends of comments, CDATA and
// processing instructions); it is not a validating parser.
type xmlTokens struct {
	r   *bufio.Reader
	buf []byte
	lt  bool // the '<' opening the next markup has been read
}

func newXMLTokens(r io.Reader) *xmlTokens {
	return &xmlTokens{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next token, or io.EOF after the last.
func (x *xmlTokens) next() (xmlTok, error) {
	x.buf = x.buf[:0]
	if !x.lt {
		for {
			chunk, err := x.r.ReadSlice('<')
			if err == nil {
				x.buf = append(x.buf, chunk[:len(chunk)-1]...)
				x.lt = true
				break
			}
			x.buf = append(x.buf, chunk...)
			if len(x.buf) > maxXMLToken {
				return xmlTok{}, errXMLToken
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) && len(x.buf) == 0 {
				return xmlTok{}, io.EOF
			}
			if errors.Is(err, io.EOF) {
				return xmlTok{kind: tokText, raw: x.buf}, nil
			}
			return xmlTok{}, err
		}
		if len(x.buf) > maxXMLToken {
			return xmlTok{}, errXMLToken
		}
		if len(x.buf) > 0 {
			return xmlTok{kind: tokText, raw: x.buf}, nil
		}
	}
	x.lt = false
	x.buf = append(x.buf, '<')
	return x.markup()
}

// markup reads from after a '<' to the '>' that ends the markup.
func (x *xmlTokens) markup() (xmlTok, error) {
	var quote byte
	brackets := 0
	scanned := 1 // bytes of buf whose quote state is known
	for {
		chunk, err := x.r.ReadSlice('>')
		x.buf = append(x.buf, chunk...)
		if len(x.buf) > maxXMLToken {
			return xmlTok{}, errXMLToken
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if errors.Is(err, io.EOF) {
			return xmlTok{}, fmt.Errorf("the part ends inside markup: %w", io.ErrUnexpectedEOF)
		}
		if err != nil {
			return xmlTok{}, err
		}
		b := x.buf
		switch {
		case bytes.HasPrefix(b, []byte("<!--")):
			if len(b) >= 7 && bytes.HasSuffix(b, []byte("-->")) {
				return xmlTok{kind: tokOther, raw: b}, nil
			}
		case bytes.HasPrefix(b, []byte("<![CDATA[")):
			if len(b) >= 12 && bytes.HasSuffix(b, []byte("]]>")) {
				return xmlTok{kind: tokCDATA, raw: b}, nil
			}
		case bytes.HasPrefix(b, []byte("<?")):
			if len(b) >= 4 && bytes.HasSuffix(b, []byte("?>")) {
				return xmlTok{kind: tokOther, raw: b}, nil
			}
		default:
			// A '>' inside a quoted attribute value (or inside the
			// brackets of a DOCTYPE's internal subset) does not end it.
			decl := len(b) > 1 && b[1] == '!'
			for ; scanned < len(b)-1; scanned++ {
				switch c := b[scanned]; {
				case quote != 0:
					if c == quote {
						quote = 0
					}
				case c == '"' || c == '\'':
					quote = c
				case decl && c == '[':
					brackets++
				case decl && c == ']':
					brackets--
				}
			}
			if quote != 0 || brackets > 0 {
				scanned = len(b)
				continue
			}
			return tagToken(b)
		}
	}
}

// tagToken classifies a complete '<...>' that is not a comment, CDATA
// section or processing instruction.
func tagToken(b []byte) (xmlTok, error) {
	if b[1] == '!' {
		return xmlTok{kind: tokOther, raw: b}, nil
	}
	t := xmlTok{kind: tokStart, raw: b}
	body := b[1 : len(b)-1]
	if len(body) > 0 && body[0] == '/' {
		t.kind = tokEnd
		body = body[1:]
	} else if len(body) > 0 && body[len(body)-1] == '/' {
		t.empty = true
		body = body[:len(body)-1]
	}
	end := bytes.IndexAny(body, " \t\r\n/")
	if end < 0 {
		end = len(body)
	}
	t.name = body[:end]
	if len(t.name) == 0 {
		return xmlTok{}, fmt.Errorf("malformed tag %.40q", b)
	}
	return t, nil
}

// attr finds the unprefixed attribute name in a start tag: its value
// (undecoded) and the value's offsets in tag. Malformed attributes end
// the search.
func attr(tag []byte, name string) (val []byte, start, end int, ok bool) {
	i := bytes.IndexAny(tag, " \t\r\n")
	if i < 0 {
		return nil, 0, 0, false
	}
	for i < len(tag) {
		for i < len(tag) && isXMLSpace(tag[i]) {
			i++
		}
		n := i
		for i < len(tag) && tag[i] != '=' && !isXMLSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' {
			i++
		}
		key := tag[n:i]
		if len(key) == 0 {
			return nil, 0, 0, false
		}
		for i < len(tag) && isXMLSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || tag[i] != '=' {
			return nil, 0, 0, false
		}
		i++
		for i < len(tag) && isXMLSpace(tag[i]) {
			i++
		}
		if i >= len(tag) || (tag[i] != '"' && tag[i] != '\'') {
			return nil, 0, 0, false
		}
		q := tag[i]
		j := bytes.IndexByte(tag[i+1:], q)
		if j < 0 {
			return nil, 0, 0, false
		}
		if string(key) == name {
			return tag[i+1 : i+1+j], i + 1, i + 1 + j, true
		}
		i += j + 2
	}
	return nil, 0, 0, false
}

// intAttr is attr parsed as a decimal integer; ok is false when absent or
// not a number.
func intAttr(tag []byte, name string) (int, bool) {
	v, _, _, ok := attr(tag, name)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(string(v))
	return n, err == nil
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// appendUnescaped appends character data with its entity and character
// references decoded; an unknown reference is kept as it is.
func appendUnescaped(dst, raw []byte) []byte {
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			return append(dst, raw...)
		}
		dst = append(dst, raw[:i]...)
		raw = raw[i:]
		j := bytes.IndexByte(raw, ';')
		if j < 0 {
			return append(dst, raw...)
		}
		if r, ok := entity(raw[1:j]); ok {
			dst = append(dst, r...)
		} else {
			dst = append(dst, raw[:j+1]...)
		}
		raw = raw[j+1:]
	}
	return dst
}

func entity(name []byte) (string, bool) {
	switch string(name) {
	case "lt":
		return "<", true
	case "gt":
		return ">", true
	case "amp":
		return "&", true
	case "quot":
		return `"`, true
	case "apos":
		return "'", true
	}
	if len(name) < 2 || name[0] != '#' {
		return "", false
	}
	var n uint64
	var err error
	if name[1] == 'x' {
		n, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		n, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !xmlAllowed(rune(n)) {
		return "", false
	}
	return string(rune(n)), true
}
