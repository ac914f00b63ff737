package pain001

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

var bomUTF8 = []byte{0xEF, 0xBB, 0xBF}

// prepare strips a UTF-8 BOM and turns UTF-16 input (with or without BOM)
// into UTF-8 before the lexer sees it: the lexer works on bytes and
// could not even find the XML declaration in UTF-16. utf16 reports that the
// stream was converted, so the declared encoding="UTF-16" must then be
// ignored.
func prepare(br *bufio.Reader) (r io.Reader, utf16 bool) {
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		br.Discard(len(bomUTF8))
		return br, false
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		// The decoder consumes the BOM and picks the byte order from it.
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return transform.NewReader(br, dec), true
	case bytes.HasPrefix(head, []byte{'<', 0, '?', 0}):
		return transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewDecoder()), true
	case bytes.HasPrefix(head, []byte{0, '<', 0, '?'}):
		return transform.NewReader(br, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM).NewDecoder()), true
	}
	return br, false
}

// decoderFor returns the converter to UTF-8 for the encoding an XML
// declaration names (ISO-8859-1, windows-1252, …), nil for UTF-8.
func decoderFor(label string, convertedUTF16 bool) (transform.Transformer, error) {
	l := strings.ToLower(strings.TrimSpace(label))
	switch {
	case l == "utf-8" || l == "utf8":
		return nil, nil
	case strings.HasPrefix(l, "utf-16") || l == "ucs-2" || l == "unicode":
		if convertedUTF16 {
			return nil, nil
		}
		return nil, &syntaxError{msg: fmt.Sprintf("declares %s but is not UTF-16 encoded", label)}
	}
	enc, err := htmlindex.Get(l)
	if err != nil {
		return nil, &syntaxError{msg: fmt.Sprintf("unsupported encoding %q", label)}
	}
	return enc.NewDecoder(), nil
}
