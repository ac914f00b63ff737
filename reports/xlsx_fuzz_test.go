package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"
)

// FuzzSheetEdit feeds arbitrary worksheet XML to the tokenizer and both
// passes of the summary edit. Neither may panic; the tokens must give the
// input back byte for byte; and when the input is well-formed XML and the
// edit succeeds, the output must be well-formed too.
func FuzzSheetEdit(f *testing.F) {
	for _, s := range []string{
		worksheet(`<dimension ref="A1:B2"/><sheetData><row r="1">` + is("A1", "end_to_end_id") + `<c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v><f>B2</f></c></row></sheetData>`),
		`<x:worksheet xmlns:x="urn:x"><x:sheetData><x:row><x:c><x:v>1</x:v></x:c></x:row><x:row/></x:sheetData></x:worksheet>`,
		worksheet(`<cols><col min="1" max="9" style="3"/></cols><sheetData/>`),
		worksheet(`<!-- c --><sheetData><?pi x?><row r="5" a='>'><c r="C5" s="1"/><c t="inlineStr"><is><r><t><![CDATA[<]]></t></r></is></c></row></sheetData>`),
		`<!DOCTYPE w [<!ENTITY e ">">]><worksheet><sheetData><row r="3"/></sheetData></worksheet>`,
		`<worksheet><sheetData><row r="2"><c r="B2"></row>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var back []byte
		x := newXMLTokens(bytes.NewReader(b))
		for {
			tok, err := x.next()
			if err != nil {
				if errors.Is(err, io.EOF) && !bytes.Equal(back, b) {
					t.Fatalf("tokens give %q back, not %q", back, b)
				}
				break
			}
			back = append(back, tok.raw...)
		}

		targets := func() rowTargets {
			vals := func(v string) []string { return []string{v, "", "a<&>\"", "", "p", "b"} }
			return rowTargets{{row: 1}, {row: 2, vals: vals("x")}, {row: 3, vals: vals("y")}, {row: 7, vals: vals("z")}}
		}()
		sst := &sharedStrings{n: 3, empty: []uint64{1 << 2}, text: map[int]string{}}
		facts, err := scanSheet(bytes.NewReader(b), sst, 1, targets)
		if err != nil {
			return
		}
		targets[0].vals = summaryHeader(facts.header)
		if facts.lastCol+len(SummaryColumns) > maxSheetCols {
			return
		}
		var out bytes.Buffer
		if err := newSheetEdit(targets, facts.lastCol+1).rewrite(&out, bytes.NewReader(b)); err != nil {
			return
		}
		if wellFormed(b) && !wellFormed(out.Bytes()) {
			t.Fatalf("well-formed input\n%s\ngave\n%s", b, out.Bytes())
		}
	})
}

func wellFormed(b []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(b))
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return depth == 0 && roots == 1
		}
		if err != nil {
			return false
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}
