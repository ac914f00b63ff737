package pain001

import (
	"bytes"
	"unicode/utf8"
)

func (l *lexer) readEndTag() error {
	// Fast path: the end tag is exactly </name> of the open element, in
	// the buffer. One comparison checks it; anything else (blanks before
	// '>', a mismatch, a tag cut by the buffer end) takes the careful path.
	if l.nOpen > 0 {
		name := l.names[l.opens[l.nOpen-1].from:l.namesLen]
		end := l.r + 2 + len(name)
		if end < l.w && l.buf[end] == '>' && string(l.buf[l.r+2:end]) == string(name) {
			l.r = end + 1
			l.pop()
			return nil
		}
	}
	i := 2
	for ; l.r+i < l.w && l.buf[l.r+i] != '>'; i++ {
	}
	if l.r+i == l.w {
		var err error
		if i, err = l.indexFrom(2, []byte{'>'}); err != nil {
			return err
		}
	}
	name := trimRightSpace(l.buf[l.r+2 : l.r+i])
	l.r += i + 1
	return l.closeElement(name)
}

func (l *lexer) closeElement(name []byte) error {
	if l.nOpen == 0 {
		return syntaxErr("unexpected end tag </%s>", name)
	}
	open := l.names[l.opens[l.nOpen-1].from:l.namesLen]
	if !bytes.Equal(open, name) {
		return syntaxErr("element <%s> closed by </%s>", open, name)
	}
	l.pop()
	return nil
}

func localName(q []byte) []byte { return q[localStart(q):] }

// localStart is where the local part of the name q starts: after its
// first colon when a prefix and a local part are both non-empty, else 0
// (":x" and "x:" have no prefix), as encoding/xml reads names.
func localStart(q []byte) int {
	// Names are short: a plain loop beats IndexByte's call overhead.
	for i, c := range q {
		if c == ':' {
			if i == 0 || i == len(q)-1 {
				return 0
			}
			return i + 1
		}
	}
	return 0
}

// readStartTag reads a start tag; '>' may appear inside quoted values.
func (l *lexer) readStartTag() error {
	// Fastest path: most tags are a bare name, <name> or <name/>, so one
	// scan finds the name's end, checks its bytes and finds its prefix.
	// Blanks after the name lead to simpleAttrs, for simple attributes.
	// Whatever else follows (a bad byte, the buffer end, attributes that
	// are not simple) takes the paths below, which judge the tag from its
	// start.
	if l.nOpen < MaxDepth && !l.rootEnded {
		buf := l.buf[l.r+1 : l.w]
		n, local := len(buf), 0 // the name's length, where its local part starts
		for j, c := range buf {
			if k := nameClass[c]; k != nameByte {
				if k == nameColon {
					if local == 0 {
						local = j + 1
					}
					continue
				}
				n = j
				break
			}
		}
		i := n
		self := i+1 < len(buf) && buf[i] == '/' && buf[i+1] == '>'
		if self {
			i++
		}
		ok := i < len(buf) && buf[i] == '>'
		bare := ok
		if !ok && i < len(buf) && isSpace(buf[i]) && n > 0 && n <= maxNameBytes && !notNameStart[buf[0]] {
			// The name is followed by blanks, and maybe attributes: one
			// scan takes simple ones (<InstdAmt Ccy="EUR"> once a payment).
			i, self, ok = l.simpleAttrs(buf, n)
		}
		if ok && n > 0 && n <= maxNameBytes && !notNameStart[buf[0]] {
			if local == 1 || local == n {
				local = 0 // ":x" or "x:" has no prefix (see localStart)
			}
			l.r += i + 2
			if bare && len(l.attrs) > 0 {
				l.attrs = l.attrs[:0] // simpleAttrs set them otherwise
			}
			l.push(buf[:n], local)
			l.sawRoot, l.sawDecl = true, true
			l.pendingEnd = self
			return nil
		}
	}
	// Fast path: a tag without quotes is whole once its '>' is found.
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

// simpleAttrs reads the rest of a start tag whose name is buf[:j] and
// followed by a blank, when that rest is simple: attributes name="value"
// or name='value' each after blanks, values without '&', '<' or invalid
// UTF-8, then blanks and '>' or "/>", all of it in buf. It sets l.attrs
// as parseStartTag would and reports where the closing '>' is and whether
// the tag closes itself. Anything else, including everything the careful
// path refuses, reports !ok and leaves the tag to that path, which judges
// it from its start.
func (l *lexer) simpleAttrs(buf []byte, j int) (end int, self, ok bool) {
	l.attrs = l.attrs[:0]
	for {
		k := j
		for k < len(buf) && isSpace(buf[k]) {
			k++
		}
		if k == len(buf) {
			break
		}
		switch buf[k] {
		case '>':
			return k, false, true
		case '/':
			if k+1 < len(buf) && buf[k+1] == '>' {
				return k + 1, true, true
			}
		}
		if k == j || notNameStart[buf[k]] {
			break // no blank before the attribute, or no name
		}
		s := k
		for k < len(buf) && nameClass[buf[k]] != nameOther {
			k++
		}
		name := buf[s:k]
		for k < len(buf) && isSpace(buf[k]) {
			k++
		}
		if k == len(buf) || buf[k] != '=' {
			break
		}
		k++
		for k < len(buf) && isSpace(buf[k]) {
			k++
		}
		if k == len(buf) || buf[k] != '"' && buf[k] != '\'' {
			break
		}
		q := buf[k]
		k++
		s = k
		var hi byte
		for k < len(buf) {
			c := buf[k]
			if c == q || c == '&' || c == '<' {
				break
			}
			hi |= c
			k++
		}
		if k == len(buf) || buf[k] != q {
			break
		}
		val := buf[s:k]
		if hi >= utf8.RuneSelf && !utf8.Valid(val) {
			break
		}
		l.attrs = append(l.attrs, attr{name: name, value: val})
		j = k + 1
	}
	l.attrs = l.attrs[:0]
	return 0, false, false
}

func (l *lexer) parseStartTag(tag []byte) error {
	self := len(tag) > 0 && tag[len(tag)-1] == '/'
	if self {
		tag = tag[:len(tag)-1]
	}
	// One pass finds the name's end and checks its bytes (validName's
	// rules): this runs for every element of the file.
	end, bad := 0, false
	for end < len(tag) {
		c := tag[end]
		if isSpace(c) {
			break
		}
		bad = bad || notNameByte[c]
		end++
	}
	name := tag[:end]
	if len(name) > maxNameBytes {
		return syntaxErr("element name longer than %d bytes", maxNameBytes)
	}
	if bad || len(name) == 0 || notNameStart[name[0]] {
		return syntaxErr("invalid element name %q", name)
	}
	l.attrs = l.attrs[:0]
	rest := tag[end:]
	for {
		trimmed := trimLeftSpace(rest)
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
		an := trimRightSpace(trimmed[:eq])
		v := trimLeftSpace(trimmed[eq+1:])
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
	if l.nOpen >= MaxDepth {
		return errTooDeep
	}
	l.push(name, localStart(name))
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

// nameClass sorts bytes for the start tag scan: name bytes (the bytes
// notNameByte does not name), the prefix colon, and the rest.
const (
	nameByte = iota
	nameColon
	nameOther
)

var nameClass = func() (t [256]byte) {
	for c := range t {
		if notNameByte[c] {
			t[c] = nameOther
		}
	}
	t[':'] = nameColon
	return t
}()

var notNameByte, notNameStart = func() (nb, ns [256]bool) {
	for _, c := range []byte("<>/=\"'& \t\r\n!?") {
		nb[c], ns[c] = true, true
	}
	for _, c := range []byte("0123456789-.") {
		ns[c] = true
	}
	return nb, ns
}()

// The XML blanks only; bytes.TrimLeft with a cutset costs a set per call.
func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	return b
}

func trimRightSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
