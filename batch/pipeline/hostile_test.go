package pipeline

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
	"github.com/paybatch/paybatch/batch/store"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Hostile files go through the real Ingest: each must end as a rejected
// batch with a clear reason, an RJCT pain.002 in the outbox, nothing sent,
// and memory that does not follow the attacker's numbers.

// hostileHeapBound is generous: the point is that a 100 MB text node or a
// zip bomb inflating to hundreds of MB does not turn into that many bytes
// of heap.
const hostileHeapBound = 64 << 20

// pain001 builds a well-formed pain.001.001.03 file with one payment per
// creditor name, 10.00 EUR each. decl is the XML declaration.
func pain001(decl string, names ...string) string {
	var b strings.Builder
	b.WriteString(decl)
	fmt.Fprintf(&b, `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>HOSTILE-%d</MsgId><CreDtTm>2026-11-20T10:00:00</CreDtTm><NbOfTxs>%d</NbOfTxs><CtrlSum>%d.00</CtrlSum><InitgPty><Nm>ACME</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>P1</PmtInfId><PmtMtd>TRF</PmtMtd><ReqdExctnDt>2026-11-20</ReqdExctnDt><Dbtr><Nm>ACME</Nm></Dbtr><DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></DbtrAgt>
`, time.Now().UnixNano(), len(names), 10*len(names))
	for i, n := range names {
		fmt.Fprintf(&b, `<CdtTrfTxInf><PmtId><EndToEndId>E%d</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">10.00</InstdAmt></Amt><Cdtr><Nm>%s</Nm></Cdtr><CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct></CdtTrfTxInf>
`, i+1, n)
	}
	b.WriteString("</PmtInf></CstmrCdtTrfInitn></Document>\n")
	return b.String()
}

const utf8Decl = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// expectRejected ingests path and checks the whole-file rejection: the
// reason code, a message containing want, the RJCT report, the stored
// batch, bounded heap, and no provider call.
func (h *harness) expectRejected(path string, code batch.ReasonCode, want string) *Outcome {
	h.t.Helper()
	var out *Outcome
	peak := batchtest.PeakHeap(func() { out = h.ingest(path) })
	if !out.Rejected || out.Reason != code {
		h.t.Fatalf("outcome %+v, want the file rejected %s", out, code)
	}
	if !strings.Contains(strings.ToLower(out.Message), strings.ToLower(want)) {
		h.t.Errorf("message %q does not name the problem (%q)", out.Message, want)
	}
	if peak > hostileHeapBound {
		h.t.Errorf("heap grew by %d MiB reading a hostile file", peak>>20)
	}
	if len(out.Reports) != 1 {
		h.t.Fatalf("reports %v, want the RJCT pain.002", out.Reports)
	}
	rep, err := os.ReadFile(out.Reports[0])
	if err != nil {
		h.t.Fatal(err)
	}
	if filepath.Dir(out.Reports[0]) != h.outbox || !strings.Contains(string(rep), "<GrpSts>RJCT</GrpSts>") || !strings.Contains(string(rep), "<Cd>"+string(code)+"</Cd>") {
		h.t.Fatalf("report %s: want RJCT %s in the outbox:\n%.600s", out.Reports[0], code, rep)
	}
	b, err := h.store.GetBatch(context.Background(), out.BatchID)
	if err != nil {
		h.t.Fatal(err)
	}
	if b.Stage != store.StageRejected || b.Status != batch.RJCT || b.FinalReportAt.IsZero() {
		h.t.Fatalf("batch stage %s status %s report at %v", b.Stage, b.Status, b.FinalReportAt)
	}
	h.engine.Wake()
	time.Sleep(20 * time.Millisecond) // several engine ticks
	if n := h.fake.submits.Load(); n != 0 {
		h.t.Fatalf("%d payments of a rejected file were sent", n)
	}
	return out
}

func TestHostileBillionLaughs(t *testing.T) {
	h := newHarness(t, nil)
	var dtd strings.Builder
	dtd.WriteString(`<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY lol "lol">`)
	for i := 1; i <= 9; i++ {
		prev := "lol"
		if i > 1 {
			prev = fmt.Sprintf("lol%d", i-1)
		}
		fmt.Fprintf(&dtd, `<!ENTITY lol%d "%s">`, i, strings.Repeat("&"+prev+";", 10))
	}
	dtd.WriteString("]>\n")
	x := strings.Replace(pain001(dtd.String(), "Anna"), "<Nm>Anna</Nm>", "<Nm>&lol9;</Nm>", 1)
	h.expectRejected(writeFile(t, t.TempDir(), "laughs.xml", x), batch.FF01, "DOCTYPE")
}

func TestHostileDeepNesting(t *testing.T) {
	h := newHarness(t, nil)
	deep := strings.Repeat("<Ustrd>", 10000) + "x" + strings.Repeat("</Ustrd>", 10000)
	x := strings.Replace(pain001(utf8Decl, "Anna"), "<Nm>Anna</Nm>", "<Nm>Anna</Nm>"+deep, 1)
	h.expectRejected(writeFile(t, t.TempDir(), "deep.xml", x), batch.FF01, "nest")
}

func TestHostileInvalidUTF8InXML(t *testing.T) {
	h := newHarness(t, nil)
	x := pain001(utf8Decl, "Ann\xff\xfea")
	h.expectRejected(writeFile(t, t.TempDir(), "bad-utf8.xml", x), batch.FF01, "UTF-8")
}

func TestHostileEmptyFile(t *testing.T) {
	h := newHarness(t, nil)
	h.expectRejected(writeFile(t, t.TempDir(), "empty.xml", ""), batch.FF01, "empty")
}

// repeatReader streams n copies of b without holding them.
type repeatReader struct {
	b   []byte
	n   int64
	off int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	total := r.n * int64(len(r.b))
	if r.off >= total {
		return 0, io.EOF
	}
	w := 0
	for w < len(p) && r.off < total {
		c := copy(p[w:], r.b[r.off%int64(len(r.b)):])
		if rest := total - r.off; int64(c) > rest {
			c = int(rest)
		}
		w += c
		r.off += int64(c)
	}
	return w, nil
}

// writeStream writes head, a generated body and tail to a file in dir: the
// 100 MB never exists as one slice.
func writeStream(t *testing.T, name, head string, body io.Reader, tail string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(f, io.MultiReader(strings.NewReader(head), body, strings.NewReader(tail))); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHostile100MBTextNode(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB file")
	}
	h := newHarness(t, nil)
	x := pain001(utf8Decl, "Anna")
	cut := strings.Index(x, "Anna")
	p := writeStream(t, "huge-text.xml", x[:cut], &repeatReader{b: []byte("A"), n: 100 << 20}, x[cut:])
	h.expectRejected(p, batch.FF01, "larger than the limit")
}

func TestHostile100MBCSVLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 100 MB file")
	}
	h := newHarness(t, nil)
	head := "end_to_end_id,amount,currency,creditor_name,creditor_iban\nE1,10.00,EUR,"
	p := writeStream(t, "huge-line.csv", head, &repeatReader{b: []byte("B"), n: 100 << 20}, ",FR1420041010050500013M02606\n")
	h.expectRejected(p, batch.FF01, "record")
}

// A workbook whose sheet XML inflates from a few hundred KB to hundreds of
// MB: one cell holding it all, which a streaming XML decoder would still
// have to hold as one token.
func TestHostileXLSXZipBomb(t *testing.T) {
	h := newHarness(t, nil)
	p := filepath.Join(t.TempDir(), "bomb.xlsx")
	writeBombXLSX(t, p, 100<<20)
	if st, _ := os.Stat(p); st.Size() > 2<<20 {
		t.Fatalf("the bomb is %d bytes, meant to be small", st.Size())
	}
	h.expectRejected(p, batch.FF01, "zip bomb")
}

// writeBombXLSX writes a minimal workbook whose only sheet has a header row
// and one inline-string cell of cellBytes bytes.
func writeBombXLSX(t *testing.T, path string, cellBytes int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	add := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	add("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	add("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate})
	if err != nil {
		t.Fatal(err)
	}
	cell := func(ref, v string) string { return `<c r="` + ref + `" t="inlineStr"><is><t>` + v + `</t></is></c>` }
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">`+
		cell("A1", "end_to_end_id")+cell("B1", "amount")+cell("C1", "currency")+cell("D1", "creditor_name")+cell("E1", "creditor_iban")+
		`</row><row r="2">`+cell("A2", "E1")+cell("B2", "10.00")+cell("C2", "EUR")+`<c r="D2" t="inlineStr"><is><t>`)
	if _, err := io.Copy(w, &repeatReader{b: []byte("C"), n: cellBytes}); err != nil {
		t.Fatal(err)
	}
	io.WriteString(w, `</t></is></c>`+cell("E2", "FR1420041010050500013M02606")+`</row></sheetData></worksheet>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// Encodings the XML declaration names are decoded: the names come out
// right, not as mojibake.
func TestHostileDeclaredEncodings(t *testing.T) {
	names := []string{"Anna Muller", "Jose Garcia"}
	// Outside the SEPA set, ü and é are transliterated (with a warning):
	// "Mueller" proves the ü was decoded; mojibake would read "MA1/4ller".
	decoded := []string{"Anna Mueller", "Jose Garcia"}
	utf16 := func(s string) []byte {
		b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	latin1 := func(s string) []byte {
		b, err := charmap.ISO8859_1.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		bytes []byte
		want  []string
	}{
		{"utf-16", utf16(pain001(`<?xml version="1.0" encoding="UTF-16"?>`+"\n", "Anna Müller", "José García")), decoded},
		{"iso-8859-1", latin1(pain001(`<?xml version="1.0" encoding="ISO-8859-1"?>`+"\n", "Anna Müller", "José García")), decoded},
		{"ascii", []byte(pain001(utf8Decl, names...)), names},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			out := h.ingest(writeFile(t, t.TempDir(), tc.name+".xml", string(tc.bytes)))
			if out.Failed() || out.Valid != 2 {
				t.Fatalf("outcome %+v", out)
			}
			var got []string
			h.store.Payments(context.Background(), out.BatchID, func(d *batch.Dispatch) error {
				got = append(got, d.Payment.CreditorName)
				return nil
			})
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Fatalf("creditor names %q, want %q", got, tc.want)
			}
		})
	}
}

// changingReader reads the file as it is, then rewrites it when closed:
// the moment a second read of the same path would see other bytes.
type changingReader struct {
	io.ReadCloser
	path  string
	after []byte
}

func (c *changingReader) Close() error {
	err := c.ReadCloser.Close()
	if werr := os.WriteFile(c.path, c.after, 0o600); werr != nil {
		return werr
	}
	return err
}

// A file that changes while Ingest reads it: the bytes parsed must be the
// bytes hashed, or a changed file could pass the duplicate check under the
// old file's sha256 (and a replay could be paid twice).
func TestHostileFileChangingWhileRead(t *testing.T) {
	h := newHarness(t, nil)
	before := pain001(utf8Decl, "Anna")
	after := pain001(utf8Decl, "Bert", "Carl")
	path := writeFile(t, t.TempDir(), "moving.xml", before)
	orig := openInput
	t.Cleanup(func() { openInput = orig })
	openInput = func(p string) (io.ReadCloser, error) {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		return &changingReader{ReadCloser: f, path: p, after: []byte(after)}, nil
	}
	out := h.ingest(path)
	b, err := h.store.GetBatch(context.Background(), out.BatchID)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := os.ReadFile(h.pipe.copyPath(out.BatchID))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(kept)
	if hex.EncodeToString(sum[:]) != b.SHA256 {
		t.Fatal("the copy the pipeline parsed is not the file it hashed")
	}
	if !bytes.Equal(kept, []byte(before)) || b.Payments != 1 {
		t.Fatalf("parsed %d payments from %d bytes, want the 1 payment read and hashed", b.Payments, len(kept))
	}
	entries, _ := os.ReadDir(filepath.Dir(h.pipe.copyPath(out.BatchID)))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".staging-") {
			t.Errorf("staging file %s left behind", e.Name())
		}
	}
}
