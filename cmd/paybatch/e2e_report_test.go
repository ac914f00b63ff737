package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/paybatch/paybatch/batch/batchtest"
)

var pain002NS = regexp.MustCompile(`urn:iso:std:iso:20022:tech:xsd:(pain\.002\.001\.\d\d)`)

// validatePain002 checks a pain.002 file with xmllint against the official
// XSD of its namespace. Without xmllint it skips, unless CI is set.
func validatePain002(t *testing.T, path string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint not installed (make test installs libxml2-utils)")
		}
		t.Skip("xmllint not installed (apt-get install libxml2-utils)")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := pain002NS.FindSubmatch(raw)
	if m == nil {
		t.Fatalf("%s: no pain.002 namespace:\n%.500s", path, raw)
	}
	xsd := filepath.Join(batchtest.CorpusDir(t, "xsd"), string(m[1])+".xsd")
	out, err := exec.Command(xmllint, "--noout", "--schema", xsd, path).CombinedOutput()
	if err != nil {
		t.Fatalf("%s does not validate against %s: %v\n%s", path, filepath.Base(xsd), err, out)
	}
}

// TestE2EStatusAndReport: after a process run, `status` lists the batch
// and its payments, and `report` writes a pain.002 that validates against
// the XSD, a CSV that parses and an XLSX that opens, each with every line.
func TestE2EStatusAndReport(t *testing.T) {
	sb := startSandboxProc(t, 0)
	dir := t.TempDir()
	cfg := e2eConfig(t, dir, sb.URL, "")
	rows := mixedBatch()
	file := writeMixed(t, dir, rows)
	processed := processOne(t, dir, cfg, "90s", file, exitRejected)
	id := processed.BatchID
	for _, p := range processed.Reports {
		if strings.HasSuffix(p, ".xml") {
			if !filepath.IsAbs(p) {
				p = filepath.Join(dir, p)
			}
			validatePain002(t, p)
		}
	}

	st := runPB(t, dir, nil, time.Minute, "status", "--config", cfg)
	if st.code != exitOK || !strings.Contains(st.stdout, id) || !strings.Contains(st.stdout, "mixed.csv") || !strings.Contains(st.stdout, "PART") {
		t.Errorf("status: exit %d, want the batch %s listed as PART:\n%s\n%s", st.code, id, st.stdout, st.stderr)
	}
	st = runPB(t, dir, nil, time.Minute, "status", "--config", cfg, id)
	if st.code != exitOK {
		t.Fatalf("status %s: exit %d\n%s", id, st.code, st.stderr)
	}
	for _, r := range rows {
		line := ""
		for _, l := range strings.Split(st.stdout, "\n") {
			if strings.Contains(l, " "+r.e2e+" ") {
				line = l
			}
		}
		if line == "" || !strings.Contains(line, r.status) || (r.reason != "" && !strings.Contains(line, r.reason)) {
			t.Errorf("status line of %s lacks %s %s: %q", r.e2e, r.status, r.reason, line)
		}
		if strings.Contains(line, r.iban) {
			t.Errorf("status shows the full IBAN: %q", line)
		}
	}
	if st := runPB(t, dir, nil, time.Minute, "status", "--config", cfg, "NO-SUCH-BATCH"); st.code != exitUsage {
		t.Errorf("status of an unknown batch: exit %d, want 2", st.code)
	}

	// pain002
	p2 := filepath.Join(dir, "out.pain002.xml")
	if r := runPB(t, dir, nil, time.Minute, "report", id, "--config", cfg, "--format", "pain002", "-o", p2); r.code != exitOK {
		t.Fatalf("report pain002: exit %d\n%s", r.code, r.stderr)
	}
	validatePain002(t, p2)
	xml, _ := os.ReadFile(p2)
	for _, r := range rows {
		if !bytes.Contains(xml, []byte("<OrgnlEndToEndId>"+r.e2e+"</OrgnlEndToEndId>")) {
			t.Errorf("pain.002 lacks %s", r.e2e)
		}
	}
	if !bytes.Contains(xml, []byte("SANDBOX")) {
		t.Errorf("pain.002 of a sandbox run does not say SANDBOX")
	}

	// csv
	csvPath := filepath.Join(dir, "out.csv")
	if r := runPB(t, dir, nil, time.Minute, "report", id, "--config", cfg, "--format", "csv", "-o", csvPath); r.code != exitOK {
		t.Fatalf("report csv: exit %d\n%s", r.code, r.stderr)
	}
	raw, _ := os.ReadFile(csvPath)
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(raw, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatalf("summary CSV does not parse: %v\n%s", err, raw)
	}
	checkSummary(t, "csv", recs, rows)

	// xlsx
	xlsxPath := filepath.Join(dir, "out.xlsx")
	if r := runPB(t, dir, nil, time.Minute, "report", id, "--config", cfg, "--format", "xlsx", "-o", xlsxPath); r.code != exitOK {
		t.Fatalf("report xlsx: exit %d\n%s", r.code, r.stderr)
	}
	f, err := excelize.OpenFile(xlsxPath)
	if err != nil {
		t.Fatalf("summary XLSX does not open: %v", err)
	}
	defer f.Close()
	xrows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	checkSummary(t, "xlsx", xrows, rows)

	if r := runPB(t, dir, nil, time.Minute, "report", id, "--config", cfg, "--format", "pdf"); r.code != exitUsage {
		t.Errorf("report --format pdf: exit %d, want 2", r.code)
	}
	if r := runPB(t, dir, nil, time.Minute, "report", "NO-SUCH-BATCH", "--config", cfg); r.code != exitUsage {
		t.Errorf("report of an unknown batch: exit %d, want 2", r.code)
	}
}

// checkSummary finds the user's rows in a summary with status and reason
// columns added.
func checkSummary(t *testing.T, kind string, recs [][]string, rows []mixedRow) {
	t.Helper()
	hdr := -1
	col := map[string]int{}
	for i, r := range recs {
		for j, c := range r {
			if strings.EqualFold(strings.TrimSpace(c), "end_to_end_id") {
				hdr = i
			}
			col[strings.ToLower(strings.TrimSpace(c))] = j
		}
		if hdr >= 0 {
			break
		}
		col = map[string]int{}
	}
	if hdr < 0 {
		t.Fatalf("%s summary: no header row:\n%v", kind, recs)
	}
	sc, ok1 := col["status"]
	rc, ok2 := col["reason"]
	if !ok1 || !ok2 {
		t.Fatalf("%s summary header lacks status/reason columns: %v", kind, recs[hdr])
	}
	e2eCol := col["end_to_end_id"]
	got := map[string][]string{}
	for _, r := range recs[hdr+1:] {
		if len(r) > e2eCol {
			got[r[e2eCol]] = r
		}
	}
	cell := func(r []string, i int) string {
		if i < len(r) {
			return r[i]
		}
		return ""
	}
	for _, want := range rows {
		r, ok := got[want.e2e]
		if !ok {
			t.Errorf("%s summary lacks %s", kind, want.e2e)
			continue
		}
		if cell(r, sc) != want.status || cell(r, rc) != want.reason {
			t.Errorf("%s summary %s: %s %q, want %s %q", kind, want.e2e, cell(r, sc), cell(r, rc), want.status, want.reason)
		}
	}
}
