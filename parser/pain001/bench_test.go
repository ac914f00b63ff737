package pain001

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/moov-io/iso20022/pkg/pain_v10"
	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/parser/internal/cputime"
)

// writeV10 writes a pain.001.001.10 file with n payments in blocks of
// 1000, the shape a large payroll or marketplace payout run has.
func writeV10(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.10">
  <CstmrCdtTrfInitn>
    <GrpHdr>
      <MsgId>BENCH-%d</MsgId>
      <CreDtTm>2026-03-01T09:30:00</CreDtTm>
      <NbOfTxs>%d</NbOfTxs>
      <InitgPty><Nm>Bench Corp</Nm></InitgPty>
    </GrpHdr>
`, n, n)
	const perBlock = 1000
	for i := 0; i < n; i++ {
		if i%perBlock == 0 {
			if i > 0 {
				bw.WriteString("    </PmtInf>\n")
			}
			fmt.Fprintf(bw, `    <PmtInf>
      <PmtInfId>BLOCK-%d</PmtInfId>
      <PmtMtd>TRF</PmtMtd>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><CtgyPurp><Cd>SALA</Cd></CtgyPurp></PmtTpInf>
      <ReqdExctnDt><Dt>2026-03-02</Dt></ReqdExctnDt>
      <Dbtr><Nm>Bench Corp</Nm></Dbtr>
      <DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
`, i/perBlock+1)
		}
		fmt.Fprintf(bw, `      <CdtTrfTxInf>
        <PmtId><InstrId>I-%d</InstrId><EndToEndId>E2E-%d</EndToEndId></PmtId>
        <Amt><InstdAmt Ccy="EUR">%d.%02d</InstdAmt></Amt>
        <CdtrAgt><FinInstnId><BICFI>BNPAFRPPXXX</BICFI></FinInstnId></CdtrAgt>
        <Cdtr><Nm>Employee Number %d</Nm><PstlAdr><Ctry>FR</Ctry></PstlAdr></Cdtr>
        <CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct>
        <RmtInf><Ustrd>Salary March 2026 employee %d</Ustrd></RmtInf>
      </CdtTrfTxInf>
`, i, i, 1000+i%5000, i%100, i, i)
	}
	if n > 0 {
		bw.WriteString("    </PmtInf>\n")
	}
	bw.WriteString("  </CstmrCdtTrfInitn>\n</Document>\n")
	return bw.Flush()
}

func benchFile(b *testing.B, n int) string {
	b.Helper()
	path := filepath.Join(b.TempDir(), fmt.Sprintf("pain.001.001.10-%d.xml", n))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := writeV10(f, n); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

func drain(b *testing.B, r io.Reader) int {
	b.Helper()
	rd, err := NewReader(r)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for {
		_, err := rd.Next()
		if err == io.EOF {
			return n
		}
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
}

func BenchmarkParse100k(b *testing.B) {
	const n = 100_000
	path := benchFile(b, n)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	cpu := cputime.Now()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		if got := drain(b, f); got != n {
			b.Fatalf("%d payments", got)
		}
		f.Close()
	}
	cputime.Report(b, cputime.Now()-cpu)
}

// BenchmarkParseValidate100k is what ingesting a file costs before the
// store: every payment parsed and validated, then the file-level checks.
// It reports how many times faster that is than moov-io/iso20022 only
// decoding the same file, timed once right before the loop so the two
// see the same machine load.
func BenchmarkParseValidate100k(b *testing.B) {
	const n = 100_000
	path := benchFile(b, n)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	start, cpu := time.Now(), cputime.Now()
	moovDecode(b, path, n)
	moov, moovCPU := float64(time.Since(start).Nanoseconds()), float64(cputime.Now()-cpu)
	b.ReportAllocs()
	b.ResetTimer()
	cpu = cputime.Now()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		parseValidate(b, f, n)
		f.Close()
	}
	cpuPerOp := cputime.Report(b, cputime.Now()-cpu)
	perOp := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(moov/perOp, "x-faster-than-moov")
	if cpuPerOp > 0 {
		b.ReportMetric(moovCPU/cpuPerOp, "cpu-x-faster-than-moov")
	}
}

func parseValidate(b *testing.B, r io.Reader, n int) {
	rd, err := NewReader(r)
	if err != nil {
		b.Fatal(err)
	}
	// As the pipeline does: the duplicate check sized by the file's NbOfTxs.
	v := batch.NewValidator(batch.ValidateOptions{Today: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC),
		ExpectedPayments: rd.Header().NbOfTxs})
	got := 0
	for {
		p, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		v.Payment(p)
		if !p.Valid() {
			b.Fatalf("payment %d: %v", p.Index, p.Issues)
		}
		got++
	}
	if issues := v.Finish(rd.Header(), rd.Infos()); len(issues) > 0 || got != n {
		b.Fatalf("%d payments, file issues %v", got, issues)
	}
}

func moovDecode(b *testing.B, path string, n int) {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var doc moovDocument
	if err := xml.Unmarshal(data, &doc); err != nil {
		b.Fatal(err)
	}
	got := 0
	for _, pi := range doc.Msg.PmtInf {
		got += len(pi.CdtTrfTxInf)
	}
	if got != n {
		b.Fatalf("%d payments", got)
	}
}

// moovDocument is the whole-document model moov-io/iso20022 decodes into.
type moovDocument struct {
	XMLName xml.Name                                     `xml:"Document"`
	Msg     pain_v10.CustomerCreditTransferInitiationV10 `xml:"CstmrCdtTrfInitn"`
}

func BenchmarkMoovDecode100k(b *testing.B) {
	const n = 100_000
	path := benchFile(b, n)
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	cpu := cputime.Now()
	for b.Loop() {
		moovDecode(b, path, n)
	}
	cputime.Report(b, cputime.Now()-cpu)
}

// BenchmarkParse1M streams a generated million-payment file (never on disk,
// never in memory as a whole) and reports the peak live heap seen while
// parsing: it must not grow with the file.
func BenchmarkParse1M(b *testing.B) {
	for b.Loop() {
		b.ReportMetric(float64(streamPeakHeap(b, 1_000_000))/(1<<20), "peak-heap-MiB")
	}
}
