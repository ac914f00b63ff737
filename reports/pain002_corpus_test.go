package reports

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
)

// scanned is what a tiny encoding/xml scan takes from a corpus pain.001,
// so that this test does not depend on the parser package.
type scanned struct {
	name   string // message name from the namespace, national variant kept
	msgID  string
	nb     int
	sum    batch.Decimal
	blocks []*batch.PaymentInfo
	pays   []PaymentResult
}

var msgNameRe = regexp.MustCompile(`pain\.001\.\d{3}\.\d{2}(\.[a-z]{2}\.\d{2})?`)

func scanPain001(t *testing.T, path string) scanned {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var s scanned
	var stack []string
	var cur *batch.Payment
	var ccy string
	dec := xml.NewDecoder(f)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("scan %s: %v", path, err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			stack = append(stack, el.Name.Local)
			switch el.Name.Local {
			case "Document":
				s.name = msgNameRe.FindString(el.Name.Space)
			case "PmtInf":
				s.blocks = append(s.blocks, &batch.PaymentInfo{Index: len(s.blocks) + 1})
			case "CdtTrfTxInf":
				cur = &batch.Payment{Index: len(s.pays) + 1, Info: s.blocks[len(s.blocks)-1]}
			case "InstdAmt":
				for _, a := range el.Attr {
					if a.Name.Local == "Ccy" {
						ccy = a.Value
					}
				}
			}
		case xml.EndElement:
			if el.Name.Local == "CdtTrfTxInf" {
				s.pays = append(s.pays, PaymentResult{Payment: cur, Status: batch.ACSC})
				cur = nil
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			text := strings.TrimSpace(string(el))
			path := strings.Join(stack, "/")
			switch {
			case strings.HasSuffix(path, "GrpHdr/MsgId"):
				s.msgID = text
			case strings.HasSuffix(path, "GrpHdr/NbOfTxs"):
				s.nb, _ = strconv.Atoi(text)
			case strings.HasSuffix(path, "GrpHdr/CtrlSum"):
				s.sum, _ = batch.ParseDecimal(text)
			case strings.HasSuffix(path, "PmtInf/PmtInfId"):
				s.blocks[len(s.blocks)-1].ID = text
			case cur != nil && strings.HasSuffix(path, "PmtId/EndToEndId"):
				cur.EndToEndID = text
			case cur != nil && strings.HasSuffix(path, "Amt/InstdAmt"):
				if a, err := batch.ParseAmount(text, ccy); err == nil {
					cur.Amount = a
				}
			case cur != nil && strings.HasSuffix(path, "Cdtr/Nm"):
				cur.CreditorName = text
			case cur != nil && strings.HasSuffix(path, "CdtrAcct/Id/IBAN"):
				cur.CreditorIBAN = text
			}
		}
	}
	return s
}

// TestPain002ForCorpusBankFiles writes the final report of real bank sample
// files and checks that it carries their MsgId, message name (national
// variant included), counts and every EndToEndId, and validates.
func TestPain002ForCorpusBankFiles(t *testing.T) {
	dir := batchtest.CorpusDir(t, "pain001", "valid")
	for _, name := range []string{
		"dutchsepa__ing_pain.001.001.03_voorbeeldbestand.xml",
		"sepaking__pain.001.001.03.ch.02.xml",
		"sepaking__pain.001.002.03.xml",
		"sepaking__pain.001.003.03.xml",
	} {
		t.Run(name, func(t *testing.T) {
			s := scanPain001(t, filepath.Join(dir, name))
			if s.msgID == "" || len(s.pays) == 0 || s.name == "" {
				t.Fatalf("scan found nothing: %+v", s)
			}
			h := batch.Header{Format: s.name[:len("pain.001.001.03")], MessageName: s.name, MsgID: s.msgID,
				NbOfTxs: s.nb, HasNbOfTxs: true, CtrlSum: s.sum, HasCtrlSum: true}
			v := Pain002VersionFor(h)
			if v != Pain002V03 {
				t.Fatalf("version for %s = %s, want %s", s.name, v, Pain002V03)
			}
			b := &Batch{ID: "corpus-1", Header: h, Infos: s.blocks}
			var buf bytes.Buffer
			if err := WritePain002(&buf, v, b, StageFinal, seq(s.pays), Options{Now: fixedNow}); err != nil {
				t.Fatal(err)
			}
			xmllintValidate(t, v, buf.Bytes())
			r := parseReport(t, buf.Bytes())
			if r.OrgMsgID != s.msgID || r.OrgName != s.name || r.OrgNb != strconv.Itoa(s.nb) || r.OrgSum != s.sum.String() {
				t.Errorf("group = %s %s %s %s, want %s %s %d %s", r.OrgMsgID, r.OrgName, r.OrgNb, r.OrgSum, s.msgID, s.name, s.nb, s.sum)
			}
			if r.GrpSts != "ACSC" {
				t.Errorf("GrpSts = %s", r.GrpSts)
			}
			var want, got []string
			for _, p := range s.pays {
				want = append(want, p.Payment.EndToEndID)
			}
			for _, bl := range r.Blocks {
				for _, tx := range bl.Txs {
					got = append(got, tx.E2E)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("EndToEndIds = %v, want %v", got, want)
			}
		})
	}
}
