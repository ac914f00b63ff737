package pain001

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
)

// readAll drains a reader; stage says where a FileError came from.
type result struct {
	r        *Reader
	payments []*batch.Payment
	err      error
	stage    string // "open", "next" or "" (no error)
}

func readAll(t testing.TB, in io.Reader) result {
	t.Helper()
	r, err := NewReader(in)
	if err != nil {
		return result{err: err, stage: "open"}
	}
	res := result{r: r}
	for {
		p, err := r.Next()
		if err == io.EOF {
			return res
		}
		if err != nil {
			res.err, res.stage = err, "next"
			return res
		}
		res.payments = append(res.payments, p)
	}
}

func readFile(t testing.TB, path string) result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return readAll(t, f)
}

func wantFF01(t *testing.T, err error, msg string) {
	t.Helper()
	var fe *batch.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *batch.FileError", err, err)
	}
	if fe.Code != batch.FF01 {
		t.Errorf("code %s, want FF01", fe.Code)
	}
	if !strings.Contains(fe.Message, msg) {
		t.Errorf("message %q does not mention %q", fe.Message, msg)
	}
}

func TestTestdataFiles(t *testing.T) {
	tests := []struct {
		file        string
		format      string // Header.Format, when the file opens
		name        string // Header.MessageName
		payments    int
		infos       int
		errStage    string // "open" or "next" for an FF01
		errContains string
	}{
		{file: "v03_two_blocks.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 3, infos: 2},
		{file: "v09_bicfi.xml", format: "pain.001.001.09", name: "pain.001.001.09", payments: 2, infos: 2},
		{file: "ch02_variant.xml", format: "pain.001.001.03", name: "pain.001.001.03.ch.02", payments: 1, infos: 1},
		{file: "sepa_002_03.xml", format: "pain.001.002.03", name: "pain.001.002.03", payments: 1, infos: 1},
		{file: "dk_003_03.xml", format: "pain.001.003.03", name: "pain.001.003.03", payments: 1, infos: 1},
		{file: "envelope_cbpr.xml", format: "pain.001.001.09", name: "pain.001.001.09", payments: 2, infos: 1},
		{file: "bom_crlf.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 1, infos: 1},
		{file: "latin1.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 1, infos: 1},
		{file: "windows1252.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 1, infos: 1},
		{file: "utf16le_bom.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 1, infos: 1},
		{file: "utf16be.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 1, infos: 1},
		{file: "bad_amount.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 5, infos: 1},
		{file: "empty_block.xml", format: "pain.001.001.03", name: "pain.001.001.03", payments: 1, infos: 2},

		{file: "truncated.xml", errStage: "next", errContains: "truncated"},
		{file: "malformed.xml", errStage: "next", errContains: "malformed XML"},
		{file: "trailing_garbage.xml", errStage: "next", errContains: "second root element"},
		{file: "two_documents.xml", errStage: "next", errContains: "more than one Document"},
		{file: "deep_nesting.xml", errStage: "next", errContains: "nested deeper than 64"},
		{file: "entity_bomb.xml", errStage: "open", errContains: "DOCTYPE"},
		{file: "xxe.xml", errStage: "open", errContains: "DOCTYPE"},
		{file: "direct_debit.xml", errStage: "open", errContains: "direct debit"},
		{file: "wrong_child.xml", errStage: "open", errContains: "not a credit transfer initiation"},
		{file: "status_report.xml", errStage: "open", errContains: "status report"},
		{file: "unknown_version.xml", errStage: "open", errContains: "pain.001.001.99 is not a supported"},
		{file: "old_version.xml", errStage: "open", errContains: "pain.001.001.02 is not a supported"},
		{file: "no_namespace.xml", errStage: "open", errContains: "no namespace"},
		{file: "no_grphdr.xml", errStage: "open", errContains: "GrpHdr"},
		{file: "bad_nboftxs.xml", errStage: "open", errContains: `GrpHdr/NbOfTxs "one"`},
		{file: "not_xml.txt", errStage: "open", errContains: "not an XML document"},
		{file: "empty.xml", errStage: "open", errContains: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := readFile(t, filepath.Join("testdata", tt.file))
			if tt.errStage != "" {
				if res.stage != tt.errStage {
					t.Fatalf("error at %q (%v), want an FF01 at %q", res.stage, res.err, tt.errStage)
				}
				wantFF01(t, res.err, tt.errContains)
				if res.stage == "next" {
					// Sticky: the file stays rejected.
					if _, err := res.r.Next(); !errors.Is(err, res.err) {
						t.Errorf("second Next = %v, want the same error", err)
					}
				}
				return
			}
			if res.err != nil {
				t.Fatalf("unexpected error at %s: %v", res.stage, res.err)
			}
			h := res.r.Header()
			if h.Format != tt.format || h.MessageName != tt.name {
				t.Errorf("format %q name %q, want %q %q", h.Format, h.MessageName, tt.format, tt.name)
			}
			if len(res.payments) != tt.payments {
				t.Errorf("%d payments, want %d", len(res.payments), tt.payments)
			}
			if got := len(res.r.Infos()); got != tt.infos {
				t.Errorf("%d PmtInf blocks, want %d", got, tt.infos)
			}
			for i, p := range res.payments {
				if p.Index != i+1 || p.Row != 0 || p.Info == nil {
					t.Errorf("payment %d: Index %d Row %d Info %p", i+1, p.Index, p.Row, p.Info)
				}
			}
			if _, err := res.r.Next(); err != io.EOF {
				t.Errorf("Next after the end = %v, want io.EOF", err)
			}
		})
	}
}

func TestFieldsV03(t *testing.T) {
	res := readFile(t, "testdata/v03_two_blocks.xml")
	if res.err != nil {
		t.Fatal(res.err)
	}
	h := res.r.Header()
	wantHeader := batch.Header{
		Format: "pain.001.001.03", MessageName: "pain.001.001.03",
		Namespace: "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03",
		MsgID:     "MSG-V03-0001", CreationDateTime: "2026-03-01T09:30:00",
		NbOfTxs: 3, HasNbOfTxs: true, CtrlSum: batch.Decimal{Units: 135075, Scale: 2}, HasCtrlSum: true,
		InitiatingPartyName: "Acme Payroll GmbH", InitiatingPartyID: "ACME-001",
	}
	if *h != wantHeader {
		t.Errorf("header\n got %+v\nwant %+v", *h, wantHeader)
	}
	infos := res.r.Infos()
	a, b := *infos[0], *infos[1]
	wantA := batch.PaymentInfo{Index: 1, ID: "BLOCK-A", Method: "TRF", NbOfTxs: 2, HasNbOfTxs: true,
		CtrlSum: batch.Decimal{Units: 125075, Scale: 2}, HasCtrlSum: true, RequestedExecutionDate: "2026-03-02",
		CategoryPurpose: "SALA", ServiceLevel: "SEPA", BatchBooking: "false", DebtorName: "Acme Payroll GmbH",
		DebtorIBAN: "DE89370400440532013000", DebtorBIC: "COBADEFFXXX", UltimateDebtorID: "u-1001"}
	if a != wantA {
		t.Errorf("block A\n got %+v\nwant %+v", a, wantA)
	}
	if b.Index != 2 || b.ID != "BLOCK-B" || b.RequestedExecutionDate != "2026-03-05" || b.HasCtrlSum || b.UltimateDebtorID != "" {
		t.Errorf("block B %+v", b)
	}

	p := res.payments
	tests := []struct {
		name      string
		got, want string
	}{
		{"1 InstrID", p[0].InstrID, "INSTR-1"},
		{"1 EndToEndID", p[0].EndToEndID, "E2E-1"},
		{"1 Amount", p[0].Amount.String() + " " + p[0].Amount.Currency, "1000.50 EUR"},
		{"1 AmountText", p[0].AmountText, "1000.50"},
		{"1 CreditorName", p[0].CreditorName, "Élodie Martin"},
		{"1 CreditorIBAN", p[0].CreditorIBAN, "FR1420041010050500013M02606"},
		{"1 CreditorBIC", p[0].CreditorBIC, "BNPAFRPPXXX"},
		{"1 CreditorCountry", p[0].CreditorCountry, "FR"},
		{"1 Remittance joined", p[0].RemittanceInfo, "Salary March 2026 Employee 42"},
		{"1 Purpose", p[0].Purpose(), "SALA"},
		{"1 ChargeBearer", p[0].ChargeBearer(), "SLEV"},
		{"1 CategoryPurpose from block", p[0].CategoryPurpose(), "SALA"},
		{"1 UltimateDebtor from block", p[0].UltimateDebtorID(), "u-1001"},
		{"1 ExecutionDate from block", p[0].RequestedExecutionDate, "2026-03-02"},
		{"2 CategoryPurpose own", p[1].CategoryPurpose(), "BONU"},
		{"2 UltimateDebtor own", p[1].UltimateDebtorID(), "dept-7"},
		{"2 CreditorRef", p[1].CreditorRef(), "RF18539007547034"},
		{"2 no Ustrd", p[1].RemittanceInfo, ""},
		{"2 no BIC", p[1].CreditorBIC, ""},
		{"3 Othr account", p[2].CreditorAccount(), "123456789"},
		{"3 no IBAN", p[2].CreditorIBAN, ""},
		{"3 USD", p[2].Amount.String() + " " + p[2].Amount.Currency, "100.00 USD"},
		{"3 date of block B", p[2].RequestedExecutionDate, "2026-03-05"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if p[0].Info != infos[0] || p[1].Info != infos[0] || p[2].Info != infos[1] {
		t.Error("payments point to the wrong PmtInf block")
	}
	for _, q := range p {
		if !q.Valid() {
			t.Errorf("payment %d has issues %v", q.Index, q.Issues)
		}
	}
}

func TestFieldsNewerVersions(t *testing.T) {
	res := readFile(t, "testdata/v09_bicfi.xml")
	if res.err != nil {
		t.Fatal(res.err)
	}
	infos := res.r.Infos()
	if infos[0].DebtorBIC != "BNPAFRPP" || infos[0].RequestedExecutionDate != "2026-03-10" {
		t.Errorf("block 1: BICFI %q, ReqdExctnDt/Dt %q", infos[0].DebtorBIC, infos[0].RequestedExecutionDate)
	}
	if infos[1].RequestedExecutionDate != "2026-03-11T08:00:00" {
		t.Errorf("block 2 ReqdExctnDt/DtTm %q", infos[1].RequestedExecutionDate)
	}
	if res.payments[0].CreditorBIC != "DEUTDEFF" {
		t.Errorf("CdtrAgt BICFI %q", res.payments[0].CreditorBIC)
	}

	env := readFile(t, "testdata/envelope_cbpr.xml")
	if env.err != nil {
		t.Fatal(env.err)
	}
	if h := env.r.Header(); h.MsgID != "ENV-1" || h.Namespace != "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09" {
		t.Errorf("envelope header %+v", h)
	}
	eq := env.payments[1]
	if eq.Amount != (batch.Amount{Minor: 500, Currency: "EUR"}) || !eq.Valid() {
		t.Errorf("EqvtAmt in the transfer currency: %+v %v", eq.Amount, eq.Issues)
	}
}

func TestAmountIssues(t *testing.T) {
	res := readFile(t, "testdata/bad_amount.xml")
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := []struct {
		text string
		msg  string // "" means valid
	}{
		{"12,50", "not a decimal number"},
		{"1.234", "more decimals"},
		{"7.00", "no currency"},
		{"5", "unknown currency"},
		{"3.10", ""},
	}
	for i, w := range want {
		p := res.payments[i]
		if p.AmountText != w.text {
			t.Errorf("payment %d AmountText %q, want %q", i+1, p.AmountText, w.text)
		}
		if w.msg == "" {
			if !p.Valid() || p.Amount.Minor != 310 {
				t.Errorf("payment %d: %v %v", i+1, p.Amount, p.Issues)
			}
			continue
		}
		if len(p.Issues) != 1 || p.Issues[0].Code != batch.AM02 || p.Issues[0].Field != "amount" ||
			!strings.Contains(p.Issues[0].Message, w.msg) || p.Issues[0].EndToEndID != p.EndToEndID || p.Issues[0].Index != i+1 {
			t.Errorf("payment %d issues %+v, want one AM02 about %q", i+1, p.Issues, w.msg)
		}
		if p.Amount.Minor != 0 {
			t.Errorf("payment %d: amount %v set despite the issue", i+1, p.Amount)
		}
	}
}

func TestEncodings(t *testing.T) {
	const name = "Müller & Söhne Café"
	tests := []struct{ file, want string }{
		{"latin1.xml", name},
		{"windows1252.xml", name + " €"},
		{"utf16le_bom.xml", name},
		{"utf16be.xml", name},
		{"bom_crlf.xml", "Müller & Söhne"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := readFile(t, filepath.Join("testdata", tt.file))
			if res.err != nil {
				t.Fatal(res.err)
			}
			if got := res.payments[0].CreditorName; got != tt.want {
				t.Errorf("creditor %q, want %q", got, tt.want)
			}
			if got := res.r.Header().InitiatingPartyName; got != tt.want {
				t.Errorf("initiating party %q, want %q", got, tt.want)
			}
			if res.payments[0].Amount.Minor != 1234 {
				t.Errorf("amount %v", res.payments[0].Amount)
			}
		})
	}
}

// hugeText produces a pain.001 whose first creditor name is n bytes long,
// without holding it in memory.
func hugeText(n int) io.Reader {
	b, err := os.ReadFile("testdata/v03_two_blocks.xml")
	if err != nil {
		panic(err)
	}
	head, tail, _ := strings.Cut(string(b), "Élodie Martin")
	return io.MultiReader(strings.NewReader(head), io.LimitReader(repeatByte('a'), int64(n)), strings.NewReader(tail))
}

type repeatByte byte

func (r repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}

func TestTextNodeLimit(t *testing.T) {
	res := readAll(t, hugeText(MaxTokenBytes+10))
	if res.stage != "next" {
		t.Fatalf("stage %q err %v", res.stage, res.err)
	}
	wantFF01(t, res.err, "larger than")

	ok := readAll(t, hugeText(MaxTokenBytes/2))
	if ok.err != nil || len(ok.payments[0].CreditorName) != MaxTokenBytes/2 {
		t.Fatalf("a half-limit text node must pass: %v", ok.err)
	}
}

func TestNextErrorIsNotFileErrorOnIOFailure(t *testing.T) {
	b, _ := os.ReadFile("testdata/v03_two_blocks.xml")
	boom := errors.New("disk on fire")
	in := io.MultiReader(strings.NewReader(string(b[:1500])), errReader{boom})
	res := readAll(t, in)
	var fe *batch.FileError
	if errors.As(res.err, &fe) || !errors.Is(res.err, boom) {
		t.Fatalf("I/O failure = %v, want the wrapped I/O error, not an FF01", res.err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestTooManyBlocks(t *testing.T) {
	head := `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"><CstmrCdtTrfInitn><GrpHdr><MsgId>M</MsgId></GrpHdr>`
	blocks := func(n int) io.Reader {
		return strings.NewReader(head + strings.Repeat("<PmtInf/>", n) + `</CstmrCdtTrfInitn></Document>`)
	}
	if res := readAll(t, blocks(MaxBlocks)); res.err != nil || len(res.r.Infos()) != MaxBlocks {
		t.Fatalf("%d blocks refused: %v", MaxBlocks, res.err)
	}
	res := readAll(t, blocks(MaxBlocks+1))
	if res.stage != "next" {
		t.Fatalf("stage %q: %v", res.stage, res.err)
	}
	wantFF01(t, res.err, "payment information blocks")
}
