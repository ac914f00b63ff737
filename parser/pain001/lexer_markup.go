package pain001

import (
	"bytes"
	"io"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

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
	rest := trimLeftSpace(decl[i+len(name):])
	if len(rest) == 0 || rest[0] != '=' {
		return ""
	}
	rest = trimLeftSpace(rest[1:])
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
		if l.nOpen == 0 {
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
