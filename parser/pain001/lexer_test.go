package pain001

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// lexAll renders the token stream as "<a[attr=value]" (start), ">a" (end),
// "'text'".
func lexAll(in string) (string, error) { return lexTokens(in, true) }

func lexTokens(in string, withAttrs bool) (string, error) {
	return lexReader(strings.NewReader(in), withAttrs)
}

func lexReader(r io.Reader, withAttrs bool) (string, error) {
	l := newLexer(r, false)
	var out []string
	for {
		err := l.next()
		if err == io.EOF {
			return strings.Join(out, " "), nil
		}
		if err != nil {
			return strings.Join(out, " "), err
		}
		switch l.kind {
		case tokStart:
			s := "<" + string(l.local())
			for _, a := range l.attrs {
				if withAttrs {
					s += fmt.Sprintf("[%s=%s]", a.name, a.value)
				}
			}
			out = append(out, s)
		case tokEnd:
			out = append(out, ">"+string(l.local()))
		case tokText:
			out = append(out, "'"+string(l.text)+"'")
		}
	}
}

func TestLexer(t *testing.T) {
	tests := []struct {
		in, want string
		err      string // substring of the error, "" for none
	}{
		{in: `<a>x</a>`, want: `<a 'x' >a`},
		{in: "<?xml version=\"1.0\"?>\n<!-- c --><a>\n  <b/>\n</a>\n", want: `<a <b >b >a`},
		{in: `<p:a xmlns:p="u"><p:b>1</p:b></p:a>`, want: `<a[xmlns:p=u] <b '1' >b >a`},
		{in: `<a x='1' y = "a>b">t</a>`, want: `<a[x=1][y=a>b] 't' >a`},
		{in: `<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;</a>`, want: `<a '<>&'"AB' >a`},
		{in: `<a b="&amp;x"/>`, want: `<a[b=&x] >a`},
		{in: `<a b = '1'  c="x'y" ><d/><e f=""/></a>`, want: `<a[b=1][c=x'y] <d >d <e[f=] >e >a`},
		{in: `<a b="1" b="2" />`, want: `<a[b=1][b=2] >a`},
		{in: "<a>l1\r\nl2\rl3</a>", want: "<a 'l1\nl2\nl3' >a"},
		{in: `<a><![CDATA[<not> & markup]]></a>`, want: `<a '<not> & markup' >a`},
		{in: `<a>x<!-- y -->z</a>`, want: `<a 'x' 'z' >a`},
		{in: `<a><b></b ></a>`, want: `<a <b >b >a`},
		{in: "\ufeff<a/>", err: "text outside the root"}, // the BOM is prepare's job
		{in: `<a>`, err: "unexpected end of file"},
		{in: `<a><b>text`, err: "unexpected end of file"},
		{in: `<a></b>`, err: "<a> closed by </b>"},
		{in: `</a>`, err: "unexpected end tag"},
		{in: `<a/><b/>`, err: "second root"},
		{in: `<a/>junk`, err: "text outside the root"},
		{in: `<a>&foo;</a>`, err: "undefined entity"},
		{in: `<a>&#0;</a>`, err: "invalid character reference"},
		{in: `<a>& b</a>`, err: "entity"},
		{in: "<a>\xff</a>", err: "invalid UTF-8"},
		{in: `<a b="1"c="2"/>`, err: "separated by blanks"},
		{in: `<a b/>`, err: "attribute without value"},
		{in: `<a b="x/>`, err: "unexpected end of file"},
		{in: `<a b="<"/>`, err: "'<' in an attribute value"},
		{in: `<1a/>`, err: "invalid element name"},
		{in: "<" + strings.Repeat("n", maxNameBytes+1) + "/>", err: "element name longer than"},
		{in: `<!DOCTYPE a><a/>`, err: "DOCTYPE"},
		{in: `<a><!ENTITY x "y"></a>`, err: "DOCTYPE"},
		{in: `<a><!-- never closed </a>`, err: "unexpected end of file"},
	}
	for _, tt := range tests {
		got, err := lexAll(tt.in)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: error %v", tt.in, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: error %v, want one about %q", tt.in, err, tt.err)
		case tt.err == "" && got != tt.want:
			t.Errorf("%q:\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestLexerDepthLimit(t *testing.T) {
	in := strings.Repeat("<a>", MaxDepth) + strings.Repeat("</a>", MaxDepth)
	if _, err := lexAll(in); err != nil {
		t.Fatalf("depth %d refused: %v", MaxDepth, err)
	}
	in = strings.Repeat("<a>", MaxDepth+1)
	if _, err := lexAll(in); !errors.Is(err, errTooDeep) {
		t.Fatalf("depth %d: %v, want errTooDeep", MaxDepth+1, err)
	}
}

func TestLexerTokenLimit(t *testing.T) {
	for _, build := range []func(n int) string{
		func(n int) string { return "<a>" + strings.Repeat("x", n) + "</a>" },
		func(n int) string { return `<a b="` + strings.Repeat("x", n) + `"/>` },
		func(n int) string { return "<a><!--" + strings.Repeat("x", n) + "--></a>" },
		func(n int) string { return "<a><![CDATA[" + strings.Repeat("x", n) + "]]></a>" },
	} {
		if _, err := lexAll(build(MaxTokenBytes / 2)); err != nil {
			t.Errorf("half the limit refused: %v", err)
		}
		if _, err := lexAll(build(MaxTokenBytes + 1)); !errors.Is(err, errTokenTooLarge) {
			t.Errorf("%.20q…: %v, want errTokenTooLarge", build(0), err)
		}
	}
}

// stdTokens is what encoding/xml sees, in lexAll's notation, with text
// merged per run the way the lexer splits it only at markup.
func stdTokens(in string) (string, error) {
	d := xml.NewDecoder(strings.NewReader(in))
	var out []string
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return strings.Join(out, " "), nil
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			out = append(out, "<"+t.Name.Local)
		case xml.EndElement:
			out = append(out, ">"+t.Name.Local)
		case xml.CharData:
			if len(bytes.TrimLeft(t, " \t\r\n")) > 0 {
				out = append(out, "'"+string(t)+"'")
			}
		}
	}
}

// attrSeeds are start tags with attributes, simple ones (which
// simpleAttrs takes) and not (which it leaves to parseStartTag).
var attrSeeds = []string{
	`<a><InstdAmt Ccy="EUR">1.00</InstdAmt></a>`, `<a b='1'/>`, `<a b = "1" c='2'  d="3" >x</a>`,
	"<a\tb\r\n=\n'1'\t/>", `<a xmlns="urn:x" xmlns:p="urn:p"><p:b p:c="1"/></a>`,
	`<a b="&amp;&#65;"/>`, `<a b="x>y"/>`, `<a b=""/>`, `<a b=''></a>`, `<a b="1/>`, `<a b='1"/>`,
	`<a b="1" b="2"/>`, `<a b="1"c="2"/>`, `<a b/>`, `<a b="<"/>`, `<a b="1" / >`, `<a />`, `<a >t</a>`,
	`<a b="é\xff"/>`, `<a b="é"/>`, `<a :b="1" b:="2"/>`, `<a 1b="1"/>`, `<a b=1/>`, `<a b="1"/><c d="2"/>`,
	`<a b="1"><c/><d e="2"></d></a>`, `<a b="1" x`, `<a b="1"`,
}

// FuzzLexer checks the lexer against encoding/xml: where both accept a
// document, they must see the same elements and text.
func FuzzLexer(f *testing.F) {
	for _, s := range append([]string{`<a>x</a>`, `<a b="1"><c/>t&amp;</a>`, "<a><![CDATA[x]]>\r\n</a>", `<p:a xmlns:p="u"><p:b>1</p:b></p:a>`}, attrSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ours, err := lexTokens(in, false)
		if err != nil {
			return
		}
		std, err := stdTokens(in)
		if err != nil {
			return
		}
		if ours != std {
			t.Fatalf("%q:\n ours %s\n  std %s", in, ours, std)
		}
	})
}

// FuzzLexerChunks checks that the lexer's fast paths, which only take
// what lies whole in its buffer, agree with its careful paths: read one
// byte at a time, nearly every token takes the careful path.
func FuzzLexerChunks(f *testing.F) {
	for _, s := range append([]string{
		`<a>x</a>`, `<a b="1"><c/>t&amp;</a>`, "<a><![CDATA[x]]>\r\n</a>",
		`<p:a xmlns:p="u"><p:b>1</p:b></p:a>`, `<a><b></b ></a>`, `<a:b:c><x/></a:b:c>`,
		`<a><b//></a>`, `<a><:b>x</:b></a>`, `<a></a >`, `<a>  é  </a>`, "<a>\tx\r</a>",
	}, attrSeeds...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		whole, err1 := lexReader(strings.NewReader(in), true)
		bytewise, err2 := lexReader(iotest.OneByteReader(strings.NewReader(in)), true)
		if whole != bytewise || fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Fatalf("%q:\n whole    %s (%v)\n bytewise %s (%v)", in, whole, err1, bytewise, err2)
		}
	})
}

// TestLexerDelimiterAcrossReads: a "<?" that ends one read and a ">" that
// starts the next once made readPI slice its body backwards and panic.
func TestLexerDelimiterAcrossReads(t *testing.T) {
	for _, in := range []string{"<a><?>x</a>", "<a><!-->x</a>", "<a><![CDATA[]]>x</a>"} {
		whole, err1 := lexTokens(in, true)
		bytewise, err2 := lexReader(iotest.OneByteReader(strings.NewReader(in)), true)
		if whole != bytewise || fmt.Sprint(err1) != fmt.Sprint(err2) {
			t.Errorf("%q: whole %s (%v), bytewise %s (%v)", in, whole, err1, bytewise, err2)
		}
	}
	// The same through NewReader, at every split of a 4 KiB read.
	for pad := 4070; pad < 4100; pad++ {
		in := "<a>" + strings.Repeat("x", pad) + "<b/><?>x</a>"
		if _, err := NewReader(strings.NewReader(in)); err == nil {
			t.Errorf("pad %d: no error", pad)
		} else {
			mustFF01(t, err)
		}
	}
}
