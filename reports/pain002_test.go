package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
)

var fixedNow = func() time.Time { return time.Date(2026, 11, 21, 17, 4, 5, 0, time.UTC) }

func eur(minor int64) batch.Amount { return batch.Amount{Minor: minor, Currency: "EUR"} }

// fixture is a two-block pain.001 batch covering what the writer must
// handle: valid payments, rejections whose offending values the schema
// refuses, text XML forbids, long provider messages, pending payments.
func fixture() (*Batch, []PaymentResult) {
	salaries := &batch.PaymentInfo{Index: 1, ID: "PMT-SAL-1", NbOfTxs: 3, HasNbOfTxs: true,
		CtrlSum: batch.Decimal{Units: 123456, Scale: 2}, HasCtrlSum: true, RequestedExecutionDate: "2026-11-23"}
	suppliers := &batch.PaymentInfo{Index: 2, ID: "PMT-SUP-2", RequestedExecutionDate: "2026-11-24T00:00:00"}
	b := &Batch{
		ID: "b-20261121-0001",
		Header: batch.Header{Format: "pain.001.001.03", MessageName: "pain.001.001.03", MsgID: "MSG-2026-11-21-001",
			CreationDateTime: "2026-11-21T09:30:00", NbOfTxs: 5, HasNbOfTxs: true,
			CtrlSum: batch.Decimal{Units: 200000, Scale: 2}, HasCtrlSum: true},
		Infos:   []*batch.PaymentInfo{salaries, suppliers},
		Sandbox: true,
	}
	ps := []PaymentResult{
		{Payment: &batch.Payment{Index: 1, Info: salaries, InstrID: "I-1", EndToEndID: "E2E-1", Amount: eur(100000),
			CreditorName: "Anna Müller & Söhne <GmbH>", CreditorIBAN: "DE89370400440532013000", CreditorBIC: "COBADEFFXXX",
			RequestedExecutionDate: "2026-11-23"},
			Status: batch.ACSC, Provider: "solaris", ProviderRef: "sol-7f3a9"},
		{Payment: &batch.Payment{Index: 2, Info: salaries, EndToEndID: "", Amount: eur(23456),
			CreditorName: "Jean\x00 Dupont\x1b", CreditorIBAN: "FR76 3000 6000 0112 3456 7890 189!", CreditorBIC: "BNPAFRPP"},
			Status: batch.RJCT, Reason: batch.AC01, AddtlInf: "creditor_iban: invalid characters"},
		{Payment: &batch.Payment{Index: 3, Info: salaries, EndToEndID: strings.Repeat("X", 40), Amount: eur(-500),
			CreditorName: "", CreditorIBAN: "NL91ABNA0417164300", CreditorBIC: "abnanl2a"},
			Status: batch.RJCT, Reason: batch.AM01, AddtlInf: "amount: negative"},
		{Payment: &batch.Payment{Index: 4, Info: suppliers, EndToEndID: "E2E-4", Amount: eur(50000),
			CreditorName: "ACME Ltd", CreditorIBAN: "GB29NWBK60161331926819", CreditorBIC: "NWBKGB2L"},
			Status: batch.RJCT, Reason: batch.NARR, Provider: "wirex",
			AddtlInf: "wirex 422 beneficiary_rejected: " + strings.Repeat("the beneficiary bank refused the transfer; ", 5)},
		{Payment: &batch.Payment{Index: 5, Info: suppliers, EndToEndID: "E2E-5", Amount: eur(26544),
			CreditorName: "Ørsted A/S", CreditorIBAN: "DK5000400440116243", CreditorBIC: "1234DKKKXXX"},
			Status: batch.PDNG, AddtlInf: "needs review: no answer from provider", Provider: "p100",
			ProviderRef: strings.Repeat("r", 40)},
	}
	return b, ps
}

func seq(ps []PaymentResult) iter.Seq[PaymentResult] { return slices.Values(ps) }

func TestWritePain002Golden(t *testing.T) {
	for _, v := range Pain002Versions {
		for _, stage := range []Stage{StageAck, StageFinal} {
			t.Run(string(v)+"/"+string(stage), func(t *testing.T) {
				b, ps := fixture()
				var buf bytes.Buffer
				err := WritePain002(&buf, v, b, stage, seq(ps), Options{Now: fixedNow, InitiatingPartyName: "paybatch"})
				if err != nil {
					t.Fatal(err)
				}
				golden(t, string(v)+"."+string(stage)+".xml", buf.Bytes())
				xmllintValidate(t, v, buf.Bytes())
			})
		}
	}
}

func TestWritePain002FileRejected(t *testing.T) {
	for _, v := range Pain002Versions {
		t.Run(string(v), func(t *testing.T) {
			b, _ := fixture()
			b.Header.Format, b.Header.MessageName = "csv", "csv"
			b.Header.MsgID, b.Header.CreationDateTime = "", "yesterday"
			b.FileStatus, b.FileReason = batch.RJCT, batch.AM18
			b.FileReasonText = "NbOfTxs says 5, the file holds 4 payments"
			var buf bytes.Buffer
			if err := WritePain002(&buf, v, b, StageAck, nil, Options{Now: fixedNow}); err != nil {
				t.Fatal(err)
			}
			golden(t, string(v)+".rejected.xml", buf.Bytes())
			xmllintValidate(t, v, buf.Bytes())
			doc := buf.String()
			for _, want := range []string{"<GrpSts>RJCT</GrpSts>", "<Cd>AM18</Cd>", "<OrgnlMsgId>b-20261121-0001</OrgnlMsgId>", SandboxNote} {
				if !strings.Contains(doc, want) {
					t.Errorf("missing %s", want)
				}
			}
			if strings.Contains(doc, "OrgnlPmtInfAndSts") || strings.Contains(doc, "OrgnlCreDtTm") {
				t.Error("file-level rejection reports payment blocks or a malformed creation date")
			}
		})
	}
}

// TestWritePain002Statuses checks the group and block statuses and the
// per-transaction content a matching ERP relies on.
func TestWritePain002Statuses(t *testing.T) {
	b, ps := fixture()
	var buf bytes.Buffer
	if err := WritePain002(&buf, Pain002V10, b, StageFinal, seq(ps), Options{Now: fixedNow}); err != nil {
		t.Fatal(err)
	}
	r := parseReport(t, buf.Bytes())
	if r.GrpSts != "PDNG" {
		t.Errorf("GrpSts = %s, want PDNG (one payment still pending)", r.GrpSts)
	}
	if got := []string{r.Blocks[0].Sts, r.Blocks[1].Sts}; !slices.Equal(got, []string{"PART", "PDNG"}) {
		t.Errorf("PmtInfSts = %v", got)
	}
	if r.MsgID != "b-20261121-0001-FIN-20261121170405" {
		t.Errorf("MsgId = %s", r.MsgID)
	}
	var e2e []string
	for _, bl := range r.Blocks {
		for _, tx := range bl.Txs {
			e2e = append(e2e, tx.E2E)
			for _, a := range tx.AddtlInf {
				if n := len([]rune(a)); n > 105 {
					t.Errorf("AddtlInf of %d characters", n)
				}
			}
		}
	}
	want := []string{"E2E-1", "NOTPROVIDED", strings.Repeat("X", 35), "E2E-4", "E2E-5"}
	if !slices.Equal(e2e, want) {
		t.Errorf("EndToEndIds = %v, want %v", e2e, want)
	}
	if n := len(r.Blocks[1].Txs[0].AddtlInf); n < 2 {
		t.Errorf("long provider text in %d AddtlInf, want it split", n)
	}
}

func TestWritePain002Errors(t *testing.T) {
	b, ps := fixture()
	if err := WritePain002(&bytes.Buffer{}, "pain.002.001.99", b, StageAck, seq(ps), Options{}); !errors.Is(err, ErrVersion) {
		t.Errorf("bad version: %v", err)
	}
	if err := WritePain002(&bytes.Buffer{}, Pain002V10, b, "later", seq(ps), Options{}); !errors.Is(err, ErrStage) {
		t.Errorf("bad stage: %v", err)
	}
	if err := WritePain002(&bytes.Buffer{}, Pain002V10, nil, StageAck, seq(ps), Options{}); !errors.Is(err, ErrNoBatch) {
		t.Errorf("nil batch: %v", err)
	}
	calls := 0
	shrinking := func(yield func(PaymentResult) bool) {
		calls++
		for _, p := range ps[:len(ps)-calls+1] {
			if !yield(p) {
				return
			}
		}
	}
	if err := WritePain002(&bytes.Buffer{}, Pain002V10, b, StageAck, shrinking, Options{}); !errors.Is(err, ErrPaymentsChanged) {
		t.Errorf("payments changed between passes: %v", err)
	}
	if err := WritePain002(failWriter{}, Pain002V10, b, StageAck, seq(ps), Options{}); err == nil {
		t.Error("write error not returned")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestPain002VersionFor(t *testing.T) {
	tests := []struct {
		format, name string
		want         Pain002Version
	}{
		{"pain.001.001.03", "pain.001.001.03", Pain002V03},
		{"pain.001.001.03", "pain.001.001.03.ch.02", Pain002V03},
		{"pain.001.002.03", "pain.001.002.03", Pain002V03},
		{"pain.001.003.03", "pain.001.003.03", Pain002V03},
		{"pain.001.001.04", "", Pain002V10},
		{"pain.001.001.09", "pain.001.001.09.ch.03", Pain002V10},
		{"pain.001.001.10", "", Pain002V11},
		{"pain.001.001.12", "", Pain002V11},
		{"", "pain.001.001.11", Pain002V11},
		{"csv", "csv", Pain002V10},
		{"xlsx", "", Pain002V10},
		{"pain.001.001.xx", "", Pain002V10},
	}
	for _, tt := range tests {
		if got := Pain002VersionFor(batch.Header{Format: tt.format, MessageName: tt.name}); got != tt.want {
			t.Errorf("Pain002VersionFor(%q, %q) = %s, want %s", tt.format, tt.name, got, tt.want)
		}
	}
}

// report is the part of a pain.002 the tests read back, any version.
type report struct {
	MsgID    string `xml:"CstmrPmtStsRpt>GrpHdr>MsgId"`
	OrgMsgID string `xml:"CstmrPmtStsRpt>OrgnlGrpInfAndSts>OrgnlMsgId"`
	OrgName  string `xml:"CstmrPmtStsRpt>OrgnlGrpInfAndSts>OrgnlMsgNmId"`
	OrgNb    string `xml:"CstmrPmtStsRpt>OrgnlGrpInfAndSts>OrgnlNbOfTxs"`
	OrgSum   string `xml:"CstmrPmtStsRpt>OrgnlGrpInfAndSts>OrgnlCtrlSum"`
	GrpSts   string `xml:"CstmrPmtStsRpt>OrgnlGrpInfAndSts>GrpSts"`
	Blocks   []struct {
		ID  string `xml:"OrgnlPmtInfId"`
		Sts string `xml:"PmtInfSts"`
		Txs []struct {
			E2E      string   `xml:"OrgnlEndToEndId"`
			Sts      string   `xml:"TxSts"`
			AddtlInf []string `xml:"StsRsnInf>AddtlInf"`
		} `xml:"TxInfAndSts"`
	} `xml:"CstmrPmtStsRpt>OrgnlPmtInfAndSts"`
}

func parseReport(t *testing.T, doc []byte) report {
	t.Helper()
	var r report
	if err := xml.Unmarshal(doc, &r); err != nil {
		t.Fatalf("report does not parse: %v", err)
	}
	return r
}
