package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// payoutXLSX writes a template-format sheet whose payments all settle.
func payoutXLSX(t *testing.T, path string) {
	t.Helper()
	cs := sampleCreditors(t)
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows := [][]any{{"end_to_end_id", "amount", "currency", "creditor_name", "creditor_iban", "creditor_bic", "remittance_info"}}
	for i := range 3 {
		c := cs[i+3]
		rows = append(rows, []any{"XL-" + string(rune('A'+i)), "25.00", "EUR", c.name, c.iban, c.bic, "Sheet payment"})
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestDaemonFolderIntake runs the daemon as a subprocess on a folder inbox
// and drops every kind of file into it: pain.001, CSV and XLSX that must go
// through to a final report, a CSV written slowly in chunks (taken only
// once complete), a duplicate and a garbage file.
func TestDaemonFolderIntake(t *testing.T) {
	dir := t.TempDir()
	inbox, outbox := filepath.Join(dir, "inbox"), filepath.Join(dir, "outbox")
	cfg := daemonConfig(t, dir)
	d := startChild(t, "daemon", dir, nil, "run", "--config", cfg)
	d.waitFor("daemon running", func() bool { return strings.Contains(d.stderr.String(), `msg="daemon running"`) })
	if out := d.stdout.String(); !strings.Contains(out, inbox) || !strings.Contains(out, outbox) {
		t.Errorf("start-up message does not say where the inbox and the reports are:\n%s", out)
	}

	pain, err := os.ReadFile("../../samples/supplier-payments.pain.001.001.09.xml")
	if err != nil {
		t.Fatal(err)
	}
	daemonTestWrite(t, inbox, "suppliers.xml", pain)
	daemonTestWrite(t, inbox, "garbage.csv", []byte("\x00\x01\x02 this is not a batch \xff\xfe"))
	xlsxTmp := filepath.Join(dir, "sheet.xlsx")
	payoutXLSX(t, xlsxTmp)
	if err := os.Rename(xlsxTmp, filepath.Join(inbox, "sheet.xlsx")); err != nil {
		t.Fatal(err)
	}

	// The slow writer: well-formed CSV prefixes arrive every 100ms, far
	// less than min_age (300ms) apart. Taken early, the file would be a
	// shorter batch (or an FF01); taken complete it has all 12 lines.
	slow := payoutCSV(t, "SLOW", 12)
	f, err := os.Create(filepath.Join(inbox, "slow.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(slow), "\n")
	for _, l := range lines {
		if _, err := f.WriteString(l); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	f.Close()

	accepted := func(file string) string {
		var id string
		d.waitFor(file+" accepted", func() bool { id, _ = d.batchOf("file accepted", file); return id != "" })
		return id
	}
	final := func(id string) {
		d.waitFor("final report of "+id, func() bool { return daemonTestExists(filepath.Join(outbox, id+".final.pain002.xml")) })
		if !daemonTestExists(filepath.Join(outbox, id+".ack.pain002.xml")) {
			t.Errorf("batch %s: no acknowledgement report", id)
		}
	}
	painID, xlsxID, slowID := accepted("suppliers.xml"), accepted("sheet.xlsx"), accepted("slow.csv")

	// The duplicate comes once the original is stored, so it is a
	// duplicate rather than a concurrent twin.
	daemonTestWrite(t, inbox, "suppliers-again.xml", pain)

	for _, id := range []string{painID, xlsxID, slowID} {
		final(id)
	}
	if strings.Count(d.stderr.String(), "file=slow.csv") == 0 || strings.Count(d.stderr.String(), `msg="file accepted" source=local file=slow.csv`) != 1 {
		t.Errorf("slow.csv was not taken exactly once")
	}
	if !strings.Contains(d.stderr.String(), "file=slow.csv batch="+slowID) || !regexpContains(d.stderr.String(), `msg="file accepted" source=local file=slow.csv .* valid=12 invalid=0`) {
		t.Errorf("slow.csv was not taken complete (want valid=12)")
	}
	if xml := daemonTestRead(t, filepath.Join(outbox, xlsxID+".final.pain002.xml")); !strings.Contains(xml, "ACSC") {
		t.Errorf("sheet.xlsx final report is not ACSC:\n%s", xml)
	}

	rejected := func(file, msg, code string) {
		var id string
		d.waitFor(file+" rejected", func() bool { id, _ = d.batchOf(msg, file); return id != "" })
		d.waitFor(file+" in failed/", func() bool {
			return daemonTestExists(filepath.Join(inbox, "failed", file)) && daemonTestExists(filepath.Join(inbox, "failed", file+".error.txt"))
		})
		if txt := daemonTestRead(t, filepath.Join(inbox, "failed", file+".error.txt")); !strings.Contains(txt, code) {
			t.Errorf("%s: explanation without %s: %q", file, code, txt)
		}
		xml := daemonTestRead(t, filepath.Join(outbox, id+".final.pain002.xml"))
		if !strings.Contains(xml, "RJCT") || !strings.Contains(xml, code) {
			t.Errorf("%s: report is not RJCT %s:\n%s", file, code, xml)
		}
	}
	rejected("garbage.csv", "file rejected", "FF01")
	rejected("suppliers-again.xml", "file rejected as duplicate", "DU01")

	// Nothing else failed: the slow file's prefixes in particular.
	entries, _ := os.ReadDir(filepath.Join(inbox, "failed"))
	if len(entries) != 4 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("failed/ holds %v, want only the garbage and the duplicate with their explanations", names)
	}
	day := time.Now().Format("2006-01-02")
	for _, name := range []string{"suppliers.xml", "sheet.xlsx", "slow.csv"} {
		if !daemonTestExists(filepath.Join(inbox, "archive", day, name)) && !daemonTestExists(filepath.Join(inbox, "archive", time.Now().UTC().Format("2006-01-02"), name)) {
			t.Errorf("%s not archived", name)
		}
	}
	if code := d.stop(); code != 0 {
		t.Errorf("exit code after SIGTERM = %d, want 0", code)
	}
	if !strings.Contains(d.stderr.String(), `msg="daemon stopped"`) {
		t.Error("no clean stop logged")
	}
}
