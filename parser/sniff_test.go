package parser

import (
	"strings"
	"testing"
	"unicode/utf16"
)

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var out []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

func TestSniff(t *testing.T) {
	xmlDecl := `<?xml version="1.0" encoding="UTF-8"?><Document/>`
	tests := []struct {
		name string
		head []byte
		want Kind
	}{
		{"empty", nil, KindUnknown},
		{"blank", []byte(" \r\n\t"), KindUnknown},
		{"xml declaration", []byte(xmlDecl), KindXML},
		{"xml no declaration", []byte("<Document xmlns=\"urn:x\">"), KindXML},
		{"xml leading blank lines", []byte("\r\n\r\n  <?xml version=\"1.0\"?>"), KindXML},
		{"xml comment first", []byte("<!-- export --><Document/>"), KindXML},
		{"xml utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, xmlDecl...), KindXML},
		{"xml utf-16le bom", utf16Bytes(xmlDecl, false, true), KindXML},
		{"xml utf-16be bom", utf16Bytes(xmlDecl, true, true), KindXML},
		{"xml utf-16le bom leading space", utf16Bytes("\r\n <a/>", false, true), KindXML},
		{"xml utf-16le no bom", utf16Bytes(xmlDecl, false, false), KindXML},
		{"xml utf-16be no bom", utf16Bytes(xmlDecl, true, false), KindXML},
		{"utf-16 text", utf16Bytes("amount\tcurrency\r\n", false, true), KindUnknown},
		{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"), KindXLSX},
		{"csv comma", []byte("end_to_end_id,amount,currency\nE1,1.00,EUR\n"), KindCSV},
		{"csv semicolon crlf", []byte("Betrag;Währung;Empfänger\r\n12,50;EUR;Müller\r\n"), KindCSV},
		{"csv tab", []byte("amount\tcurrency\n1\tEUR"), KindCSV},
		{"csv utf-8 bom", append([]byte{0xEF, 0xBB, 0xBF}, "amount;currency\n"...), KindCSV},
		{"csv windows-1252", []byte("Empf\xe4nger;Betrag\r\nM\xfcller;12,50\r\n"), KindCSV},
		{"csv header only no newline", []byte("amount,currency"), KindCSV},
		{"plain text no delimiter", []byte("hello world\nsecond line, with comma\n"), KindUnknown},
		{"pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), KindUnknown},
		{"old xls (OLE2)", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00"), KindUnknown},
		{"binary with NUL", []byte("a,b\x00c\n"), KindUnknown},
		{"gzip", []byte("\x1f\x8b\x08\x00"), KindUnknown},
		{"long first line", []byte(strings.Repeat("x", SniffLen-1) + ";"), KindCSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.head); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSniffLongInputIsCut(t *testing.T) {
	// Only the head is judged: binary after SniffLen does not matter.
	b := []byte("a;b\n" + strings.Repeat("1;2\n", SniffLen) + "\x00")
	if got := Sniff(b); got != KindCSV {
		t.Errorf("Sniff = %v, want csv", got)
	}
}

func FuzzSniff(f *testing.F) {
	f.Add([]byte("<a/>"))
	f.Add([]byte{0xFF, 0xFE, '<', 0})
	f.Add([]byte("a;b\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		k := Sniff(b)
		if k < KindUnknown || k > KindCSV {
			t.Fatalf("kind %d", k)
		}
	})
}
