package parser

import (
	"bytes"
	"unicode/utf16"
)

// Kind is the format a file's first bytes suggest.
type Kind int

const (
	KindUnknown Kind = iota
	KindXML
	KindXLSX
	KindCSV
)

func (k Kind) String() string {
	switch k {
	case KindXML:
		return "xml"
	case KindXLSX:
		return "xlsx"
	case KindCSV:
		return "csv"
	}
	return "unknown"
}

// SniffLen is how many leading bytes Sniff wants to see; fewer work too.
const SniffLen = 4096

// Sniff guesses a file's format from its first bytes (up to SniffLen),
// never from its name: users rename files, ERPs write .txt and .dat.
// It only decides which parser to try; that parser still has the last word.
func Sniff(head []byte) Kind {
	if len(head) > SniffLen {
		head = head[:SniffLen]
	}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		// A zip; XLSX is the only zip paybatch reads and the XLSX
		// parser reports a zip that is not a workbook.
		return KindXLSX
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		head = head[3:]
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return sniffUTF16(head[2:], false)
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return sniffUTF16(head[2:], true)
	case len(head) >= 2 && head[0] == '<' && head[1] == 0:
		return KindXML // UTF-16LE without BOM
	case len(head) >= 2 && head[0] == 0 && head[1] == '<':
		return KindXML // UTF-16BE without BOM
	}
	text := bytes.TrimLeft(head, " \t\r\n")
	if len(text) == 0 {
		return KindUnknown
	}
	if text[0] == '<' {
		return KindXML
	}
	if looksDelimited(text) {
		return KindCSV
	}
	return KindUnknown
}

// sniffUTF16 decodes the first characters after a UTF-16 BOM: XML if the
// first non-blank one is '<'. UTF-16 delimited text (Excel's "Unicode
// text") is not one of the CSV encodings paybatch reads.
func sniffUTF16(b []byte, bigEndian bool) Kind {
	units := make([]uint16, 0, 64)
	for i := 0; i+1 < len(b) && len(units) < 64; i += 2 {
		if bigEndian {
			units = append(units, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			units = append(units, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	for _, r := range utf16.Decode(units) {
		switch r {
		case ' ', '\t', '\r', '\n':
			continue
		case '<':
			return KindXML
		}
		return KindUnknown
	}
	return KindUnknown
}

// looksDelimited accepts text (UTF-8 or Windows-1252: any byte but the
// C0 controls other than tab, CR and LF) whose first line holds a ',',
// ';' or tab, the way a header row of the template does.
func looksDelimited(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7F {
			return false
		}
	}
	line := b // a first line longer than the head is judged on what we have
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		line = b[:i]
	}
	return bytes.ContainsAny(line, ",;\t")
}
