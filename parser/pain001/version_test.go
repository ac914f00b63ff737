package pain001

import (
	"fmt"
	"strings"
	"testing"
)

func TestParseNamespace(t *testing.T) {
	tests := []struct {
		ns               string
		ok               bool
		family, base, nm string
		supported        bool
	}{
		{"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03", true, "pain.001", "pain.001.001.03", "pain.001.001.03", true},
		{"urn:iso:std:iso:20022:tech:xsd:pain.001.001.12", true, "pain.001", "pain.001.001.12", "pain.001.001.12", true},
		{"urn:iso:std:iso:20022:tech:xsd:pain.001.002.03", true, "pain.001", "pain.001.002.03", "pain.001.002.03", true},
		{"urn:iso:std:iso:20022:tech:xsd:pain.001.003.03", true, "pain.001", "pain.001.003.03", "pain.001.003.03", true},
		{"http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd", true, "pain.001", "pain.001.001.03", "pain.001.001.03.ch.02", true},
		{"http://www.six-interbank-clearing.com/de/pain.001.001.09.ch.03.xsd", true, "pain.001", "pain.001.001.09", "pain.001.001.09.ch.03", true},
		{"urn:sepade:xsd:pain.001.001.02", true, "pain.001", "pain.001.001.02", "pain.001.001.02", false},
		{"urn:swift:xsd:$pain.001.002.02", true, "pain.001", "pain.001.002.02", "pain.001.002.02", false},
		{"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10", true, "pain.002", "pain.002.001.10", "pain.002.001.10", false},
		{"urn:iso:std:iso:20022:tech:xsd:pain.008.001.02", true, "pain.008", "pain.008.001.02", "pain.008.001.02", false},
		{"urn:iso:std:iso:20022:tech:xsd:pain.001.001.13", true, "pain.001", "pain.001.001.13", "pain.001.001.13", false},
		{"urn:iso:std:iso:20022:tech:xsd:pain", false, "", "", "", false},
		{"", false, "", "", "", false},
		{"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03x", false, "", "", "", false},
		{"urn:iso:std:iso:20022:tech:xsd:xpain.001.001.03", false, "", "", "", false},
	}
	for _, tt := range tests {
		v, ok := ParseNamespace(tt.ns)
		if ok != tt.ok || v.Family != tt.family || v.Base != tt.base || v.Name != tt.nm || v.Supported() != tt.supported {
			t.Errorf("ParseNamespace(%q) = %+v ok=%v supported=%v, want %s %s %s ok=%v supported=%v",
				tt.ns, v, ok, v.Supported(), tt.family, tt.base, tt.nm, tt.ok, tt.supported)
		}
	}
}

// minimal builds a one-payment file in namespace ns, with the date and
// agent forms of the version's generation.
func minimal(ns string, newer bool) string {
	date, bic := "<ReqdExctnDt>2026-01-02</ReqdExctnDt>", "BIC"
	if newer {
		date, bic = "<ReqdExctnDt><Dt>2026-01-02</Dt></ReqdExctnDt>", "BICFI"
	}
	return fmt.Sprintf(`<?xml version="1.0"?><Document xmlns="%s"><CstmrCdtTrfInitn>
<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-01-01T00:00:00</CreDtTm><NbOfTxs>1</NbOfTxs><InitgPty><Nm>I</Nm></InitgPty></GrpHdr>
<PmtInf><PmtInfId>P</PmtInfId><PmtMtd>TRF</PmtMtd>%s<Dbtr><Nm>D</Nm></Dbtr>
<DbtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></DbtrAcct><DbtrAgt><FinInstnId><%s>COBADEFF</%[3]s></FinInstnId></DbtrAgt>
<CdtTrfTxInf><PmtId><EndToEndId>E</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">1.00</InstdAmt></Amt>
<CdtrAgt><FinInstnId><%[3]s>BNPAFRPP</%[3]s></FinInstnId></CdtrAgt><Cdtr><Nm>C</Nm></Cdtr>
<CdtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></CdtrAcct></CdtTrfTxInf></PmtInf>
</CstmrCdtTrfInitn></Document>`, ns, date, bic)
}

func TestEverySupportedVersion(t *testing.T) {
	iso := "urn:iso:std:iso:20022:tech:xsd:"
	tests := []struct {
		ns, format, name string
		newer            bool
	}{
		{iso + "pain.001.001.03", "pain.001.001.03", "pain.001.001.03", false},
		{iso + "pain.001.001.04", "pain.001.001.04", "pain.001.001.04", false},
		{iso + "pain.001.001.05", "pain.001.001.05", "pain.001.001.05", false},
		{iso + "pain.001.001.06", "pain.001.001.06", "pain.001.001.06", false},
		{iso + "pain.001.001.07", "pain.001.001.07", "pain.001.001.07", false},
		{iso + "pain.001.001.08", "pain.001.001.08", "pain.001.001.08", true},
		{iso + "pain.001.001.09", "pain.001.001.09", "pain.001.001.09", true},
		{iso + "pain.001.001.10", "pain.001.001.10", "pain.001.001.10", true},
		{iso + "pain.001.001.11", "pain.001.001.11", "pain.001.001.11", true},
		{iso + "pain.001.001.12", "pain.001.001.12", "pain.001.001.12", true},
		{iso + "pain.001.002.03", "pain.001.002.03", "pain.001.002.03", false},
		{iso + "pain.001.003.03", "pain.001.003.03", "pain.001.003.03", false},
		{"http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd", "pain.001.001.03", "pain.001.001.03.ch.02", false},
		{"http://www.six-interbank-clearing.com/de/pain.001.001.09.ch.03.xsd", "pain.001.001.09", "pain.001.001.09.ch.03", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := readAll(t, strings.NewReader(minimal(tt.ns, tt.newer)))
			if res.err != nil {
				t.Fatal(res.err)
			}
			h := res.r.Header()
			if h.Format != tt.format || h.MessageName != tt.name || h.Namespace != tt.ns {
				t.Errorf("header %q %q %q", h.Format, h.MessageName, h.Namespace)
			}
			if len(res.payments) != 1 {
				t.Fatalf("%d payments", len(res.payments))
			}
			p := res.payments[0]
			if p.CreditorBIC != "BNPAFRPP" || p.Info.DebtorBIC != "COBADEFF" || p.RequestedExecutionDate != "2026-01-02" || p.Amount.Minor != 100 {
				t.Errorf("payment %+v info %+v", p, p.Info)
			}
			v, err := DetectVersion(strings.NewReader(minimal(tt.ns, tt.newer)))
			if err != nil || v.Name != tt.name {
				t.Errorf("DetectVersion = %+v, %v", v, err)
			}
		})
	}
}
