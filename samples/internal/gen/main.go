// Command gen writes the example batches in samples/: payroll.csv and
// suppliers.xlsx. IBANs get their mod-97 check digits computed here, so a
// sample line fails validation only where it is meant to. Run from the
// repository root:
//
//	go run ./samples/internal/gen
package main

import (
	"bytes"
	"flag"
	"fmt"
	"log"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

func main() {
	dir := flag.String("dir", "samples", "output `directory`")
	flag.Parse()
	if err := os.WriteFile(filepath.Join(*dir, "payroll.csv"), payrollCSV(), 0o644); err != nil {
		log.Fatal(err)
	}
	b, err := suppliersXLSX()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*dir, "suppliers.xlsx"), b, 0o644); err != nil {
		log.Fatal(err)
	}
}

// deIBAN builds a German IBAN from bank code and account number with the
// ISO 7064 mod-97 check digits.
func deIBAN(blz string, account int) string {
	bban := blz + fmt.Sprintf("%010d", account)
	return "DE" + checkDigits("DE", bban) + bban
}

func checkDigits(country, bban string) string {
	var digits strings.Builder
	for _, r := range bban + country + "00" {
		if r >= 'A' && r <= 'Z' {
			digits.WriteString(strconv.Itoa(int(r-'A') + 10))
		} else {
			digits.WriteRune(r)
		}
	}
	n, _ := new(big.Int).SetString(digits.String(), 10)
	return fmt.Sprintf("%02d", 98-new(big.Int).Mod(n, big.NewInt(97)).Int64())
}

type bank struct{ blz, bic string }

var banks = []bank{
	{"37040044", "COBADEFFXXX"}, // Commerzbank
	{"50010517", "INGDDEFFXXX"}, // ING
	{"10010010", "PBNKDEFFXXX"}, // Postbank
	{"12030000", "BYLADEM1001"}, // DKB
}

var staff = []string{
	"Anna Becker", "Jonas Schmidt", "Lea Hoffmann", "Lukas Wagner", "Marie Schulz",
	"Felix Koch", "Sophie Richter", "Paul Klein", "Emma Wolf", "Ben Schröder",
	"Mia Neumann", "Elias Schwarz", "Hannah Zimmermann", "Noah Braun", "Lina Krüger",
	"Leon Hofmann", "Emilia Hartmann", "Finn Lange", "Clara Schmitt", "Henry Werner",
	"Ida Krause", "Theo Meier", "Frieda Lehmann", "Oskar Schmid", "Mathilda Schulze",
	"Anton Maier", "Greta Köhler", "Emil Herrmann",
}

// payrollCSV is what a German payroll tool exports from Excel: a title,
// semicolons, decimal commas, German headers and dates.
func payrollCSV() []byte {
	var b bytes.Buffer
	b.WriteString("Gehaltszahlungen März 2026;;;;;;;;;\r\n\r\n")
	b.WriteString("End-to-End-ID;Name;IBAN;BIC;Betrag;Währung;Verwendungszweck;Ausführungsdatum;Anbieter;external_user_id\r\n")
	row := func(id, name, iban, bic, amount, provider, user string) {
		fmt.Fprintf(&b, "%s;%s;%s;%s;%s;EUR;Gehalt 03/2026;31.03.2026;%s;%s\r\n", id, name, iban, bic, amount, provider, user)
	}
	providers := []string{"", "wirex", "solaris", "smoney"}
	for i, name := range staff {
		bk := banks[i%len(banks)]
		cents := 10 + i*3%40 // never .51-.54: those are reserved for the outcome lines below
		amount := fmt.Sprintf("%d.%03d,%02d", 2+i%3, 100+i*37%900, cents)
		row(fmt.Sprintf("SAL-2603-%03d", i+1), name, deIBAN(bk.blz, 1000000+i*7919), bk.bic, amount, providers[i%len(providers)], "")
	}
	// Lines meant to fail validation.
	good := deIBAN("37040044", 532013000)
	bad := "DE00" + good[4:] // wrong check digits
	row("SAL-2603-901", "Karl Fehler", bad, "COBADEFFXXX", "2.100,00", "", "")
	row("SAL-2603-902", "", deIBAN("50010517", 4242), "INGDDEFFXXX", "1.900,00", "", "")
	row("SAL-2603-903", "Nora Null", deIBAN("10010010", 777), "PBNKDEFFXXX", "0,00", "", "")
	row("SAL-2603-904", "Udo Unklar", deIBAN("12030000", 888), "BYLADEM1001", "1.500", "", "") // 1.5 or 1500?
	// Sandbox outcomes chosen by the cents.
	row("SAL-2603-951", "Ina Insolvent", deIBAN("37040044", 951), "COBADEFFXXX", "1.234,51", "solaris", "")
	row("SAL-2603-952", "Bruno Badaccount", deIBAN("50010517", 952), "INGDDEFFXXX", "1.234,52", "wirex", "")
	row("SAL-2603-953", "Nina Notallowed", deIBAN("10010010", 953), "PBNKDEFFXXX", "1.234,53", "smoney", "")
	row("SAL-2603-954", "Paul Pending", deIBAN("12030000", 954), "BYLADEM1001", "1.234,54", "solaris", "")
	// p100: user u-1001 paying accounts its sandbox approves.
	row("SAL-2603-981", "Max Mustermann", "DE89370400440532013000", "COBADEFFXXX", "2.750,00", "p100", "u-1001")
	row("SAL-2603-982", "Jeanne Dupont", "FR1420041010050500013M02606", "PSSTFRPPPAR", "2.480,00", "p100", "u-1001")
	return b.Bytes()
}

type supplier struct {
	name, iban, bic string
	amount          float64
	ccy, invoice    string
}

var suppliers = []supplier{
	{"Bürobedarf Müller GmbH", deIBAN("37040044", 100200), "COBADEFFXXX", 0.29, "EUR", "RE-2026-0101"},
	{"Kaffee Rösterei Nord", deIBAN("50010517", 300400), "INGDDEFFXXX", 1.15, "EUR", "RE-2026-0102"},
	{"Druckerei Schwarz", deIBAN("10010010", 500600), "PBNKDEFFXXX", 4.35, "EUR", "RE-2026-0103"},
	{"ABN Leasing B.V.", "NL91ABNA0417164300", "ABNANL2A", 1250.5, "EUR", "INV-88120"},
	{"Papeterie Dupont", "FR14 2004 1010 0505 0001 3M02 606", "PSSTFRPPPAR", 89.9, "EUR", "F-2026-17"},
	{"Telekom Services AG", deIBAN("12030000", 700800), "BYLADEM1001", 149.99, "EUR", "RE-2026-0104"},
	{"Reinigung Blitz", deIBAN("37040044", 900100), "COBADEFFXXX", 420, "EUR", "RE-2026-0105"},
	{"IT-Beratung Klein", deIBAN("50010517", 110120), "INGDDEFFXXX", 3570, "EUR", "RE-2026-0106"},
	{"Caixa Suministros", "ES9121000418450200051332", "CAIXESBBXXX", 612.4, "EUR", "FAC-2026-031"},
	{"Logistik Wolf KG", deIBAN("10010010", 130140), "PBNKDEFFXXX", 2199.01, "EUR", "RE-2026-0107"},
	{"Energie Süd", deIBAN("12030000", 150160), "BYLADEM1001", 980.75, "EUR", "RE-2026-0108"},
	{"Werkzeug Braun", deIBAN("37040044", 170180), "COBADEFFXXX", 77.7, "EUR", "RE-2026-0109"},
	{"Catering Krüger", deIBAN("50010517", 190200), "INGDDEFFXXX", 1340.2, "EUR", "RE-2026-0110"},
	{"Software Hofmann", deIBAN("10010010", 210220), "PBNKDEFFXXX", 299, "EUR", "RE-2026-0111"},
	{"Versicherung Lange", deIBAN("12030000", 230240), "BYLADEM1001", 1875.33, "EUR", "RE-2026-0112"},
	{"Gebäudeservice Werner", deIBAN("37040044", 250260), "COBADEFFXXX", 655.1, "EUR", "RE-2026-0113"},
	{"Wartung Meier", deIBAN("50010517", 270280), "INGDDEFFXXX", 0.51, "EUR", "RE-2026-0114"},       // sandbox: insufficient funds
	{"Transport Lehmann", deIBAN("10010010", 290300), "PBNKDEFFXXX", 210.52, "EUR", "RE-2026-0115"}, // sandbox: bad account
	{"London Parts Ltd", "GB29NWBK60161331926819", "NWBKGB2L", 315.6, "GBP", "LP-4471"},
	{"Beratung Fehlerhaft", "DE00" + deIBAN("12030000", 310320)[4:], "BYLADEM1001", 500, "EUR", "RE-2026-0116"}, // bad check digits
}

// suppliersXLSX writes a supplier run as an accountant keeps it: a title
// above the header, amounts as number cells (stored the way Excel stores
// doubles, 17 significant digits: 1.15 is "1.1499999999999999"), due dates
// as date cells.
func suppliersXLSX() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Lieferanten"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return nil, err
	}
	set := func(cell string, v any) {
		if err == nil {
			err = f.SetCellValue(sheet, cell, v)
		}
	}
	set("A1", "Lieferantenzahlungen KW 12/2026")
	for i, h := range []string{"Supplier", "IBAN", "BIC", "Amount", "Currency", "Invoice", "Due date", "Payment ID"} {
		c, _ := excelize.CoordinatesToCellName(i+1, 3)
		set(c, h)
	}
	due := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	for i, s := range suppliers {
		r := i + 4
		set(fmt.Sprintf("A%d", r), s.name)
		set(fmt.Sprintf("B%d", r), s.iban)
		set(fmt.Sprintf("C%d", r), s.bic)
		if err == nil {
			err = f.SetCellDefault(sheet, fmt.Sprintf("D%d", r), strconv.FormatFloat(s.amount, 'g', 17, 64))
		}
		set(fmt.Sprintf("E%d", r), s.ccy)
		set(fmt.Sprintf("F%d", r), s.invoice)
		set(fmt.Sprintf("G%d", r), due.AddDate(0, 0, i%5))
		if err == nil {
			err = f.SetCellStyle(sheet, fmt.Sprintf("G%d", r), fmt.Sprintf("G%d", r), dateStyle)
		}
		// The end-to-end ID: what makes a line idempotent across re-uploads.
		set(fmt.Sprintf("H%d", r), fmt.Sprintf("KW12-%03d", i+1))
	}
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
