package reports

import (
	"bufio"
	"io"
	"strings"
	"unicode/utf8"
)

// xmlWriter emits an XML document element by element. It is a few lines of
// templating rather than encoding/xml's Encoder because the Encoder replaces
// characters XML 1.0 forbids with U+FFFD instead of dropping them, and
// namespace handling for a default-namespace root is awkward; here every
// byte written is visible. The first write error sticks and ends output.
type xmlWriter struct {
	w     *bufio.Writer
	depth int
	err   error
}

func newXMLWriter(w io.Writer) *xmlWriter {
	return &xmlWriter{w: bufio.NewWriterSize(w, 64<<10)}
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *xmlWriter) indent() {
	x.raw("\n")
	x.raw(strings.Repeat("  ", x.depth))
}

// open starts an element; attrs are name, value pairs.
func (x *xmlWriter) open(name string, attrs ...string) {
	x.indent()
	x.raw("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="`)
		x.raw(escapeXML(attrs[i+1]))
		x.raw(`"`)
	}
	x.raw(">")
	x.depth++
}

func (x *xmlWriter) close(name string) {
	x.depth--
	x.indent()
	x.raw("</" + name + ">")
}

// leaf writes <name attrs>text</name>; the caller has already sanitised and
// length-limited text, and decides whether an empty value is written.
func (x *xmlWriter) leaf(name, text string, attrs ...string) {
	x.indent()
	x.raw("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		x.raw(" " + attrs[i] + `="`)
		x.raw(escapeXML(attrs[i+1]))
		x.raw(`"`)
	}
	x.raw(">")
	x.raw(escapeXML(text))
	x.raw("</" + name + ">")
}

// optLeaf writes the element only when text is not empty: ISO 20022 text
// types have minLength 1, so an empty element would not validate.
func (x *xmlWriter) optLeaf(name, text string) {
	if text != "" {
		x.leaf(name, text)
	}
}

func (x *xmlWriter) flush() error {
	x.raw("\n")
	if x.err == nil {
		x.err = x.w.Flush()
	}
	return x.err
}

// escapeXML escapes markup characters, and CR/tab/LF so attribute values
// and text survive XML's whitespace normalisation unchanged.
func escapeXML(s string) string {
	if !strings.ContainsAny(s, "<>&\"'\r\t\n") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		case '\'':
			b.WriteString("&apos;")
		case '\r':
			b.WriteString("&#xD;")
		case '\n':
			b.WriteString("&#xA;")
		case '\t':
			b.WriteString("&#x9;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// xmlAllowed reports whether XML 1.0 permits the rune in a document.
func xmlAllowed(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// clean drops what XML 1.0 forbids (control characters, invalid UTF-8,
// U+FFFE/FFFF), trims surrounding space and cuts to max runes (0: no
// limit). Text fields are length-limited in every ISO 20022 schema; an
// over-long input value (itself the reason for a CH16 rejection) is cut
// rather than making the whole report invalid.
func clean(s string, max int) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == utf8.RuneError && size <= 1 || !xmlAllowed(r) {
			continue
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if max > 0 && utf8.RuneCountInString(out) > max {
		out = strings.TrimSpace(string([]rune(out)[:max]))
	}
	return out
}

// chunks cleans s and splits it into pieces of at most size runes, for
// repeatable Max105Text elements such as AddtlInf; at most limit pieces, so
// a provider answering with a whole HTML page cannot bloat the report.
func chunks(s string, size, limit int) []string {
	rs := []rune(clean(s, size*limit))
	var out []string
	for len(rs) > 0 {
		n := min(size, len(rs))
		// Break at a space when one is reasonably near the limit, so that
		// words survive a reader that trims each piece.
		if n < len(rs) && rs[n] != ' ' {
			for j := n - 1; j > size/2; j-- {
				if rs[j] == ' ' {
					n = j
					break
				}
			}
		}
		if p := strings.TrimSpace(string(rs[:n])); p != "" {
			out = append(out, p)
		}
		rs = rs[n:]
	}
	return out
}
