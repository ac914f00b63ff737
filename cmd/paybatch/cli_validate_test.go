package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// validateJSON is one `validate --json` line as the contract spells it.
type validateJSON struct {
	File       string `json:"file"`
	Format     string `json:"format"`
	MsgID      string `json:"msg_id"`
	Payments   int    `json:"payments"`
	Valid      int    `json:"valid"`
	Invalid    int    `json:"invalid"`
	ControlSum string `json:"control_sum"`
	FileErrors []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"file_errors"`
	Errors   []validateIssue `json:"errors"`
	Warnings []validateIssue `json:"warnings"`
}

type validateIssue struct {
	Index      int    `json:"index"`
	Row        int    `json:"row"`
	EndToEndID string `json:"end_to_end_id"`
	Field      string `json:"field"`
	Code       string `json:"code"`
	Message    string `json:"message"`
}

var twoDecimals = regexp.MustCompile(`^-?[0-9]+\.[0-9]{2}$`)

// decodeValidate parses `validate --json` output, checking every contract
// field is present with its JSON type.
func decodeValidate(t *testing.T, stdout string) []validateJSON {
	t.Helper()
	var out []validateJSON
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		if line == "" {
			continue
		}
		var raw map[string]any
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, line)
		}
		fields := map[string]string{"file": "string", "format": "string", "msg_id": "string", "payments": "number",
			"valid": "number", "invalid": "number", "control_sum": "string", "file_errors": "array", "errors": "array", "warnings": "array"}
		for k, typ := range fields {
			checkJSONType(t, "validate", raw, k, typ)
		}
		if len(raw) != len(fields) {
			t.Errorf("validate JSON has fields beyond the contract's: %v", raw)
		}
		for _, fe := range raw["file_errors"].([]any) {
			m := fe.(map[string]any)
			checkJSONType(t, "file_error", m, "code", "string")
			checkJSONType(t, "file_error", m, "message", "string")
		}
		for _, list := range []string{"errors", "warnings"} {
			for _, is := range raw[list].([]any) {
				m := is.(map[string]any)
				for k, typ := range map[string]string{"index": "number", "row": "number", "end_to_end_id": "string",
					"field": "string", "code": "string", "message": "string"} {
					checkJSONType(t, list, m, k, typ)
				}
			}
		}
		var v validateJSON
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			t.Fatal(err)
		}
		if !twoDecimals.MatchString(v.ControlSum) {
			t.Errorf("%s: control_sum %q is not a number with two decimals", v.File, v.ControlSum)
		}
		if v.Valid+v.Invalid != v.Payments {
			t.Errorf("%s: valid %d + invalid %d != payments %d", v.File, v.Valid, v.Invalid, v.Payments)
		}
		out = append(out, v)
	}
	return out
}

// TestCLIValidateSamples: every shipped sample through `validate --json`,
// one line per file in argument order, exit 1 since some lines are invalid.
func TestCLIValidateSamples(t *testing.T) {
	samples, _ := filepath.Abs("../../samples")
	files := []string{"payroll.csv", "payroll.pain.001.001.03.xml", "supplier-payments.pain.001.001.09.xml", "suppliers.xlsx"}
	var args []string
	for _, f := range files {
		args = append(args, filepath.Join(samples, f))
	}
	res := runPB(t, t.TempDir(), nil, time.Minute, append([]string{"validate", "--json"}, args...)...)
	if res.code != exitRejected {
		t.Fatalf("exit %d, want 1\n%s", res.code, res.stderr)
	}
	out := decodeValidate(t, res.stdout)
	if len(out) != len(files) {
		t.Fatalf("%d lines for %d files", len(out), len(files))
	}
	want := []struct {
		format, msgID, sum string
		payments, invalid  int
	}{
		{"csv", "", "111262.24", 38, 4},
		{"pain.001.001.03", "NORDLICHT-PAYROLL-2026-03", "80886.35", 30, 3},
		{"pain.001.001.09", "ATELIER-SUPP-2026-03-12", "65237.39", 10, 0},
		{"xlsx", "", "", 20, -1},
	}
	for i, w := range want {
		v := out[i]
		if v.File != args[i] || v.Format != w.format || v.MsgID != w.msgID || v.Payments != w.payments ||
			(w.invalid >= 0 && v.Invalid != w.invalid) || (w.sum != "" && v.ControlSum != w.sum) {
			t.Errorf("%s: %+v", files[i], v)
		}
		if len(v.FileErrors) != 0 {
			t.Errorf("%s: file errors %v", files[i], v.FileErrors)
		}
		xml := strings.HasSuffix(v.File, ".xml")
		for _, is := range append(v.Errors, v.Warnings...) {
			if is.Index < 1 || is.Index > v.Payments || is.Code == "" || is.Field == "" || is.Message == "" {
				t.Errorf("%s: issue %+v", files[i], is)
			}
			if xml && is.Row != 0 || !xml && is.Row < 2 {
				t.Errorf("%s: row %d for index %d (0 for XML, the sheet row for CSV/XLSX)", files[i], is.Row, is.Index)
			}
		}
	}
	// payroll.csv: the title line and a blank line precede the header (line
	// 3), so payment n is on row n+3.
	// suppliers.xlsx likewise: title, blank row, header on row 3.
	for _, f := range []int{0, 3} {
		for _, is := range append(out[f].Errors, out[f].Warnings...) {
			if is.Row != is.Index+3 {
				t.Errorf("%s: index %d on row %d, want %d", files[f], is.Index, is.Row, is.Index+3)
			}
		}
	}
	translit := 0
	for _, w := range out[0].Warnings {
		if w.Field == "creditor_name" && strings.Contains(w.Message, "Schroeder") {
			translit++
		}
	}
	if translit != 1 {
		t.Errorf("payroll.csv: no transliteration warning for Schröder: %+v", out[0].Warnings)
	}
}

// TestCLIValidateCrafted: row/index semantics, control sum, file errors and
// warnings on small crafted files, and the exit codes 0, 1, 2.
func TestCLIValidateCrafted(t *testing.T) {
	dir := t.TempDir()
	good := writeCSV(t, dir, "good.csv", [][]string{
		{"G-1", "10.50", "EUR", "Jürgen Weiß", ibanDE, bicDE, "ok", "", ""},
		{"G-2", "0.25", "EUR", "Anna Becker", ibanFR, bicFR, "ok", "", ""},
		{"G-3", "3", "EUR", "Anna Becker", ibanDE, bicDE, "ok", "", ""},
	})
	bad := writeCSV(t, dir, "bad.csv", [][]string{
		{"B-1", "1.00", "EUR", "Anna Becker", ibanDE, bicDE, "ok", "", ""},
		{"B-2", "2.00", "EUR", "Anna Becker", "DE89370400440532013001", bicDE, "ok", "", ""},
		{"B-3", "3.00", "EUR", "", ibanDE, bicDE, "ok", "", ""},
		{"B-1", "4.00", "EUR", "Anna Becker", ibanDE, bicDE, "ok", "", ""},
	})

	res := runPB(t, dir, nil, time.Minute, "validate", "--json", good)
	if res.code != exitOK {
		t.Fatalf("good.csv: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	g := decodeValidate(t, res.stdout)[0]
	if g.Payments != 3 || g.Valid != 3 || g.ControlSum != "13.75" || len(g.Errors) != 0 {
		t.Errorf("good.csv: %+v", g)
	}
	if len(g.Warnings) != 1 || g.Warnings[0].Index != 1 || g.Warnings[0].Row != 2 || g.Warnings[0].EndToEndID != "G-1" ||
		g.Warnings[0].Field != "creditor_name" || !strings.Contains(g.Warnings[0].Message, "Juergen Weiss") {
		t.Errorf("good.csv: want one transliteration warning on row 2: %+v", g.Warnings)
	}

	res = runPB(t, dir, nil, time.Minute, "validate", "--json", bad)
	if res.code != exitRejected {
		t.Fatalf("bad.csv: exit %d, want 1", res.code)
	}
	b := decodeValidate(t, res.stdout)[0]
	if b.Payments != 4 || b.Invalid != 3 || b.ControlSum != "10.00" || len(b.FileErrors) != 0 {
		t.Errorf("bad.csv: %+v", b)
	}
	wantErr := map[int]validateIssue{
		2: {Index: 2, Row: 3, EndToEndID: "B-2", Field: "creditor_iban", Code: "AC01"},
		3: {Index: 3, Row: 4, EndToEndID: "B-3", Field: "creditor_name", Code: "RR03"},
		4: {Index: 4, Row: 5, EndToEndID: "B-1", Field: "end_to_end_id", Code: "AM05"},
	}
	got := map[int]validateIssue{}
	for _, is := range b.Errors {
		if _, dup := got[is.Index]; !dup {
			got[is.Index] = is
		}
	}
	for i, w := range wantErr {
		g := got[i]
		g.Message = ""
		if g != w {
			t.Errorf("bad.csv index %d: %+v, want %+v", i, got[i], w)
		}
	}
	if _, ok := got[1]; ok {
		t.Errorf("bad.csv: the first B-1 is not the duplicate: %+v", got[1])
	}

	// Text mode: each line names the file, row, field and code.
	res = runPB(t, dir, nil, time.Minute, "validate", bad)
	if res.code != exitRejected {
		t.Errorf("text mode: exit %d", res.code)
	}
	for _, w := range wantErr {
		found := false
		for _, l := range strings.Split(res.stdout, "\n") {
			if strings.HasPrefix(l, bad+":") && strings.Contains(l, "row "+itoa(w.Row)) && strings.Contains(l, w.Field) && strings.Contains(l, string(w.Code)) {
				found = true
			}
		}
		if !found {
			t.Errorf("text mode lacks a line naming %s, row %d, %s, %s:\n%s", bad, w.Row, w.Field, w.Code, res.stdout)
		}
	}

	// Whole-file errors: a wrong NbOfTxs is AM18, garbage is FF01.
	src, err := os.ReadFile("../../samples/supplier-payments.pain.001.001.09.xml")
	if err != nil {
		t.Fatal(err)
	}
	am18 := filepath.Join(dir, "am18.xml")
	os.WriteFile(am18, []byte(strings.Replace(string(src), "<NbOfTxs>10</NbOfTxs>", "<NbOfTxs>11</NbOfTxs>", 1)), 0o600)
	ff01 := filepath.Join(dir, "garbage.xml")
	os.WriteFile(ff01, []byte("<?xml version=\"1.0\"?><Document><Broken>"), 0o600)
	res = runPB(t, dir, nil, time.Minute, "validate", "--json", am18, ff01, good)
	if res.code != exitRejected {
		t.Errorf("am18+ff01+good: exit %d, want 1", res.code)
	}
	outs := decodeValidate(t, res.stdout)
	if len(outs) != 3 || outs[0].File != am18 || outs[1].File != ff01 || outs[2].File != good {
		t.Fatalf("one line per file in order: %+v", outs)
	}
	if !hasFileError(outs[0], "AM18") {
		t.Errorf("am18.xml: file_errors %+v, want AM18", outs[0].FileErrors)
	}
	if outs[0].Format != "pain.001.001.09" || outs[0].Payments != 10 || outs[0].ControlSum != "65237.39" {
		t.Errorf("am18.xml: %+v", outs[0])
	}
	if !hasFileError(outs[1], "FF01") {
		t.Errorf("garbage.xml: file_errors %+v, want FF01", outs[1].FileErrors)
	}

	// Usage and I/O errors: exit 2, even beside a good file.
	if r := runPB(t, dir, nil, time.Minute, "validate", "--json", filepath.Join(dir, "absent.csv"), good); r.code != exitUsage {
		t.Errorf("missing file: exit %d, want 2", r.code)
	}
	if r := runPB(t, dir, nil, time.Minute, "validate", dir); r.code != exitUsage {
		t.Errorf("directory: exit %d, want 2", r.code)
	}
	if r := runPB(t, dir, nil, time.Minute, "validate"); r.code != exitUsage {
		t.Errorf("no file: exit %d, want 2", r.code)
	}
	if r := runPB(t, dir, nil, time.Minute, "validate", "--bogus", good); r.code != exitUsage {
		t.Errorf("unknown flag: exit %d, want 2", r.code)
	}
}

func hasFileError(v validateJSON, code string) bool {
	for _, fe := range v.FileErrors {
		if fe.Code == code && fe.Message != "" {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
