package pain001

import (
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
	"golang.org/x/text/encoding/htmlindex"
)

// countTx counts CdtTrfTxInf elements with encoding/xml directly — a count
// independent of the reader (comments, prefixes and envelopes included).
func countTx(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		enc, err := htmlindex.Get(label)
		if err != nil {
			return nil, err
		}
		return enc.NewDecoder().Reader(in), nil
	}
	n := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("reference count: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "CdtTrfTxInf" {
			n++
		}
	}
}

// corpusValid is what each file in pain001/valid holds. nbOfTxs is what
// the group header declares: several real files declare fewer
// transactions than they contain, which validation rejects (AM18); the
// reader itself returns every transaction there is.
var corpusValid = map[string]struct {
	name     string // Header.MessageName (Format is its base version)
	payments int
	nbOfTxs  int
}{
	"cbprur__pain001_credit_initiation_sample.xml":             {"pain.001.001.09", 1, 1},
	"cbprur__pain_001_2025_valid.xml":                          {"pain.001.001.09", 1, 1},
	"cbprur__pain_001_2026_valid.xml":                          {"pain.001.001.09", 1, 1},
	"cbprur__y2026_pain.001.max.xml":                           {"pain.001.001.09", 1, 1},
	"dutchsepa__abn_pain.001.001.03_voorbeeldbestand.xml":      {"pain.001.001.03", 1, 1},
	"dutchsepa__example.xml":                                   {"pain.001.001.03", 1, 1}, // second PmtInf is commented out
	"dutchsepa__ing_pain.001.001.03_voorbeeldbestand.xml":      {"pain.001.001.03", 1, 1},
	"dvbern__pain001ExampleOutput.xml":                         {"pain.001.001.03.ch.02", 4, 4},
	"dvbern__pain001TestReference.xml":                         {"pain.001.001.03.ch.02", 2, 2},
	"ebicsbox__pain_credit_03.xml":                             {"pain.001.003.03", 2, 1},
	"ebicsclientphp__yct.pain001.xml":                          {"pain.001.001.03", 2, 2},
	"epics__cip.xml":                                           {"pain.001.001.09", 2, 2},
	"epics__swiss_credit_transfer.xml":                         {"pain.001.001.03.ch.02", 1, 1},
	"iso20022js__cross_river_pain_001_ach_credit.xml":          {"pain.001.001.03", 1, 1},
	"iso20022js__cross_river_pain_001_rtp_credit.xml":          {"pain.001.001.03", 1, 1},
	"iso20022js__example_sepa_pain_001_v3.xml":                 {"pain.001.001.03", 1, 1},
	"iso20022js__example_sepa_pain_001_v3_multiple_pmtinf.xml": {"pain.001.001.03", 2, 1},
	"iso20022js__example_swift_pain_001_v3.xml":                {"pain.001.001.03", 1, 1},
	"iso20022js__goldman_sachs_pain_001_ach_credit.xml":        {"pain.001.001.03", 1, 1},
	"iso20022js__goldman_sachs_pain_001_v3_sepa.xml":           {"pain.001.001.03", 1, 1},
	"iso20022net__Business_sample_1_pain.001.xml":              {"pain.001.001.05", 3, 3},
	"iso20022net__pain.001.001.04.xml":                         {"pain.001.001.04", 3, 3},
	"moov__International_payment_RUB_naujas_1.xml":             {"pain.001.001.03", 1, 1},
	"moov__International_payment_USD_naujas_1.xml":             {"pain.001.001.03", 1, 1},
	"moov__gistfile1.xml":                                      {"pain.001.001.03", 3, 3},
	"moov__musterfile_pain.001_Nov2020.xml":                    {"pain.001.001.03.ch.02", 8, 7},
	"moov__sepa_payment_naujas_1.xml":                          {"pain.001.001.03", 1, 1},
	"pain001py__pain.001.001.03.xml":                           {"pain.001.001.03", 4, 2},
	"pain001py__pain.001.001.09.xml":                           {"pain.001.001.09", 5, 2},
	"pain001py__tests_data_pain.001.001.03.xml":                {"pain.001.001.03", 6, 2},
	"phpsepaxml__pain.001.001.03.xml":                          {"pain.001.001.03", 1, 1},
	"phpsepaxml__pain.001.001.04.xml":                          {"pain.001.001.04", 1, 1},
	"phpsepaxml__pain.001.001.05.xml":                          {"pain.001.001.05", 1, 1},
	"phpsepaxml__pain.001.001.06.xml":                          {"pain.001.001.06", 1, 1},
	"phpsepaxml__pain.001.001.07.xml":                          {"pain.001.001.07", 1, 1},
	"phpsepaxml__pain.001.001.08.xml":                          {"pain.001.001.08", 1, 1},
	"phpsepaxml__pain.001.001.09.xml":                          {"pain.001.001.09", 1, 1},
	"phpsepaxml__pain.001.001.10.xml":                          {"pain.001.001.10", 1, 1},
	"phpsepaxml__pain.001.001.12.xml":                          {"pain.001.001.12", 1, 1},
	"phpsepaxml__pain.001.002.03.xml":                          {"pain.001.002.03", 1, 1},
	"phpsepaxml__pain.001.003.03.xml":                          {"pain.001.003.03", 1, 1},
	"pyiso20022__gs_pain001_001_08.xml":                        {"pain.001.001.08", 1, 1},
	"rustiso20022__pain.001.001.09.xml":                        {"pain.001.001.09", 2, 9},
	"sepaking__pain.001.001.03.ch.02.xml":                      {"pain.001.001.03.ch.02", 3, 3},
	"sepaking__pain.001.001.03.xml":                            {"pain.001.001.03", 2, 2},
	"sepaking__pain.001.002.03.xml":                            {"pain.001.002.03", 2, 2},
	"sepaking__pain.001.003.03.xml":                            {"pain.001.003.03", 2, 2},
}

func TestCorpusValid(t *testing.T) {
	dir := batchtest.CorpusDir(t, "pain001", "valid")
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	if len(files) == 0 {
		t.Fatalf("no files in %s", dir)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := corpusValid[name]
			if !ok {
				t.Fatalf("new corpus file: add its expectations to corpusValid")
			}
			res := readFile(t, path)
			if res.err != nil {
				t.Fatalf("FF01 on a valid file at %s: %v", res.stage, res.err)
			}
			h := res.r.Header()
			base, _, _ := cutVariant(want.name)
			if h.MessageName != want.name || h.Format != base {
				t.Errorf("detected %q (format %q), want %q (%q)", h.MessageName, h.Format, want.name, base)
			}
			if got, ref := len(res.payments), countTx(t, path); got != want.payments || got != ref {
				t.Errorf("%d payments, want %d (reference count %d)", got, want.payments, ref)
			}
			if !h.HasNbOfTxs || h.NbOfTxs != want.nbOfTxs {
				t.Errorf("declared NbOfTxs %d (%v), want %d", h.NbOfTxs, h.HasNbOfTxs, want.nbOfTxs)
			}
			for i, p := range res.payments {
				if p.Index != i+1 || p.Info == nil || p.EndToEndID == "" {
					t.Errorf("payment %d: Index %d Info %p EndToEndID %q", i+1, p.Index, p.Info, p.EndToEndID)
				}
			}
		})
	}
}

func cutVariant(name string) (base, variant string, ok bool) {
	if len(name) > len("pain.001.001.03") {
		return name[:15], name[16:], true
	}
	return name, "", false
}

// The pain001/invalid files break CBPR+ usage rules or the XSD, not the
// message structure. The reader streams them like any other file: what is
// wrong with them shows up in the fields validation checks, recorded here.
func TestCorpusInvalid(t *testing.T) {
	dir := batchtest.CorpusDir(t, "pain001", "invalid")
	tests := map[string]func(t *testing.T, p *batch.Payment){
		// Currency "ZZZ": the only rule a parser can see.
		"cbprur__pain_001_2025_invalid.xml": func(t *testing.T, p *batch.Payment) {
			if p.Valid() || p.Issues[0].Code != batch.AM02 {
				t.Errorf("currency ZZZ: issues %v, want AM02", p.Issues)
			}
		},
		// BICFI "NOTAVALIDBIC" is passed on for the BIC check (RC01).
		"cbprur__pain_001_2026_invalid.xml": func(t *testing.T, p *batch.Payment) {
			if p.CreditorBIC != "NOTAVALIDBIC" && p.Info.DebtorBIC != "NOTAVALIDBIC" {
				t.Errorf("BICs %q / %q, want NOTAVALIDBIC passed on", p.CreditorBIC, p.Info.DebtorBIC)
			}
		},
		// AppHdr rules (MsgDefIdr, BizSvc) concern the envelope, which
		// paybatch does not interpret: the payment reads as valid.
		"cbprur__violates_pain.001-R3_msgdefidr_mismatch.xml": func(t *testing.T, p *batch.Payment) {
			if !p.Valid() || p.Amount.Currency != "AUD" {
				t.Errorf("%+v", p)
			}
		},
		"cbprur__violates_pain.001-R8_existing.xml": func(t *testing.T, p *batch.Payment) {
			if !p.Valid() || p.Amount.Currency != "AUD" {
				t.Errorf("%+v", p)
			}
		},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			check, ok := tests[name]
			if !ok {
				t.Fatal("new corpus file: record what the reader does with it")
			}
			res := readFile(t, path)
			if res.err != nil || len(res.payments) != 1 {
				t.Fatalf("%d payments, err %v", len(res.payments), res.err)
			}
			check(t, res.payments[0])
		})
	}
}

// The hbci4java stubs are structurally empty (no GrpHdr), so NewReader
// refuses every one of them; recognition is what DetectVersion reports.
func TestCorpusVersionDetection(t *testing.T) {
	dir := batchtest.CorpusDir(t, "pain001", "version-detection")
	tests := map[string]struct {
		name      string // "" when no version can be detected
		supported bool
	}{
		"hbci4java__test-pain-parse-00100102.xml": {"pain.001.001.02", false}, // pre-2009 SEPA: refused
		"hbci4java__test-pain-parse-00100103.xml": {"pain.001.001.03", true},
		"hbci4java__test-pain-parse-00100109.xml": {"pain.001.001.09", true}, // but holds no CstmrCdtTrfInitn
		"hbci4java__test-pain-parse-00100202.xml": {"pain.001.002.02", false},
		"hbci4java__test-pain-parse-00100203.xml": {"pain.001.002.03", true},
		"hbci4java__test-pain-parse-00100303.xml": {"pain.001.003.03", true},
		"hbci4java__test-pain-parse-invalid.xml":  {"", false},
		"hbci4java__test-pain-parse-none.xml":     {"", false},
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			want, ok := tests[name]
			if !ok {
				t.Fatal("new corpus file: add its expectation")
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			v, err := DetectVersion(f)
			if want.name == "" {
				wantFF01(t, err, "")
			} else if err != nil || v.Name != want.name || v.Supported() != want.supported {
				t.Errorf("DetectVersion = %+v supported=%v, %v; want %s supported=%v", v, v.Supported(), err, want.name, want.supported)
			}
			res := readFile(t, path)
			if res.stage != "open" {
				t.Fatalf("stub opened (%v)", res.err)
			}
			wantFF01(t, res.err, "")
		})
	}
}

func TestCorpusPain002IsRefused(t *testing.T) {
	for _, sub := range []string{".", "invalid"} {
		dir := batchtest.CorpusDir(t, "pain002", sub)
		files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
		for _, path := range files {
			t.Run(filepath.Base(path), func(t *testing.T) {
				res := readFile(t, path)
				var fe *batch.FileError
				if res.stage != "open" || !errors.As(res.err, &fe) || fe.Code != batch.FF01 {
					t.Fatalf("stage %q err %v, want FF01 from NewReader", res.stage, res.err)
				}
				t.Log(fe.Message)
			})
		}
	}
}
