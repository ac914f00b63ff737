package pain001

import (
	"math/big"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/batch/batchtest"
)

const samplesDir = "../../samples"

// ibanMod97 is the ISO 7064 check, enough to tell the sample's deliberate
// bad check digits from generator mistakes.
func ibanMod97(iban string) bool {
	if len(iban) < 5 {
		return false
	}
	var sb strings.Builder
	for _, c := range iban[4:] + iban[:4] {
		switch {
		case c >= '0' && c <= '9':
			sb.WriteRune(c)
		case c >= 'A' && c <= 'Z':
			sb.WriteString(big.NewInt(int64(c - 'A' + 10)).String())
		default:
			return false
		}
	}
	n, ok := new(big.Int).SetString(sb.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}

func TestSamples(t *testing.T) {
	tests := []struct {
		file         string
		format       string
		payments     int
		blocks       int
		badIBANs     []string // EndToEndIds with deliberately wrong check digits
		noName       []string
		magicCents   map[int64]string // cents → EndToEndId
		ultmtDbtrIDs map[string]string
	}{
		{
			file: "payroll.pain.001.001.03.xml", format: "pain.001.001.03", payments: 30, blocks: 2,
			badIBANs:     []string{"SAL-2026-03-015", "EXP-2026-03-008"},
			noName:       []string{"EXP-2026-03-005"},
			magicCents:   map[int64]string{51: "SAL-2026-03-007", 52: "SAL-2026-03-012", 53: "SAL-2026-03-018", 54: "EXP-2026-03-002"},
			ultmtDbtrIDs: map[string]string{"SAL-2026-03-001": "", "EXP-2026-03-001": "u-1001"},
		},
		{file: "supplier-payments.pain.001.001.09.xml", format: "pain.001.001.09", payments: 10, blocks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res := readFile(t, filepath.Join(samplesDir, tt.file))
			if res.err != nil {
				t.Fatal(res.err)
			}
			h := res.r.Header()
			if h.Format != tt.format || len(res.payments) != tt.payments || len(res.r.Infos()) != tt.blocks {
				t.Fatalf("%s with %d payments in %d blocks", h.Format, len(res.payments), len(res.r.Infos()))
			}
			// Declared counts and sums are right, at both levels.
			var sum batch.Decimal
			perBlock := map[*batch.PaymentInfo]batch.Decimal{}
			count := map[*batch.PaymentInfo]int{}
			for _, p := range res.payments {
				if !p.Valid() {
					t.Errorf("%s: %v", p.EndToEndID, p.Issues)
				}
				sum, _ = sum.Add(p.Amount.Decimal())
				perBlock[p.Info], _ = perBlock[p.Info].Add(p.Amount.Decimal())
				count[p.Info]++
			}
			if h.NbOfTxs != tt.payments || !h.CtrlSum.Equal(sum) {
				t.Errorf("GrpHdr NbOfTxs %d CtrlSum %s, payments sum to %s", h.NbOfTxs, h.CtrlSum, sum)
			}
			for _, in := range res.r.Infos() {
				if in.NbOfTxs != count[in] || !in.CtrlSum.Equal(perBlock[in]) {
					t.Errorf("block %s: NbOfTxs %d CtrlSum %s, found %d summing to %s", in.ID, in.NbOfTxs, in.CtrlSum, count[in], perBlock[in])
				}
			}
			cents := map[int64]string{}
			for _, p := range res.payments {
				wantBad := contains(tt.badIBANs, p.EndToEndID)
				if ok := ibanMod97(p.CreditorIBAN); ok == wantBad {
					t.Errorf("%s: IBAN %s mod-97 ok=%v, want %v", p.EndToEndID, p.CreditorIBAN, ok, !wantBad)
				}
				if (p.CreditorName == "") != contains(tt.noName, p.EndToEndID) {
					t.Errorf("%s: creditor name %q", p.EndToEndID, p.CreditorName)
				}
				if c := p.Amount.Minor % 100; c >= 51 && c <= 55 {
					cents[c] = p.EndToEndID
				}
				if want, ok := tt.ultmtDbtrIDs[p.EndToEndID]; ok && p.UltimateDebtorID() != want {
					t.Errorf("%s: UltimateDebtorID %q, want %q", p.EndToEndID, p.UltimateDebtorID(), want)
				}
				if p.CreditorBIC == "" || p.Info.DebtorBIC == "" {
					t.Errorf("%s: BICs missing", p.EndToEndID)
				}
			}
			if len(cents) != len(tt.magicCents) {
				t.Errorf("magic cents %v, want %v", cents, tt.magicCents)
			}
			for c, id := range tt.magicCents {
				if cents[c] != id {
					t.Errorf("cents .%d on %q, want %q", c, cents[c], id)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// The samples must pass the official schema, as a bank would check them.
func TestSamplesValidateAgainstXSD(t *testing.T) {
	xsd := batchtest.CorpusDir(t, "xsd")
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	for file, schema := range map[string]string{
		"payroll.pain.001.001.03.xml":           "pain.001.001.03.xsd",
		"supplier-payments.pain.001.001.09.xml": "pain.001.001.09.xsd",
	} {
		out, err := exec.Command(xmllint, "--noout", "--schema", filepath.Join(xsd, schema), filepath.Join(samplesDir, file)).CombinedOutput()
		if err != nil {
			t.Errorf("%s does not validate against %s: %v\n%s", file, schema, err, out)
		}
	}
}
