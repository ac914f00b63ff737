package pain001

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// readText reads up to the next '<'. Blank text between elements is
// skipped (kind stays unset); text outside the root must be blank.
func (l *lexer) readText() error {
	l.kind = 0
	// Most text ends within the buffer: look there before indexFrom.
	i := bytes.IndexByte(l.buf[l.r:l.w], '<')
	var err error
	if i < 0 {
		i, err = l.indexFrom(0, []byte{'<'})
	}
	if err != nil {
		if err != errTruncated {
			return err
		}
		// Text runs to the end of the input.
		i = l.w - l.r
		if l.nOpen > 0 {
			return errTruncated
		}
	}
	raw := l.buf[l.r : l.r+i]
	l.r += i
	// One pass over the usually short value classifies it: blank, plain
	// ASCII (returned as it is), or in need of decodeText.
	var class byte
	for _, c := range raw {
		class |= textClass[c]
	}
	if class&textNonBlank == 0 {
		return nil
	}
	if l.nOpen == 0 {
		return syntaxErr("text outside the root element")
	}
	text := raw
	if class&textDecode != 0 {
		if text, err = l.decodeText(raw); err != nil {
			return err
		}
	}
	l.kind, l.text = tokText, text
	return nil
}

// textClass sorts bytes for readText: what is not an XML blank, and what
// decodeText must look at (entities, CR, bytes of multi-byte characters).
const (
	textNonBlank = 1 << iota
	textDecode
)

var textClass = func() (t [256]byte) {
	for c := range t {
		if !isSpace(byte(c)) {
			t[c] = textNonBlank
		}
		if c == '&' || c == '\r' || c >= utf8.RuneSelf {
			t[c] |= textDecode
		}
	}
	return t
}()

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
	// One pass over the usually short, plain ASCII value decides whether
	// anything more is needed.
	plain, ascii := true, true
	for _, c := range raw {
		switch {
		case c >= utf8.RuneSelf:
			ascii = false
		case c == '&' || c == '\r':
			plain = false
		}
	}
	if !ascii && !utf8.Valid(raw) {
		return nil, syntaxErr("invalid UTF-8 in text")
	}
	if plain {
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
