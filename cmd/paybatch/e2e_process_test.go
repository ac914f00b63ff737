package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	ibanDE = "DE89370400440532013000" // p100 u-1001 APPROVED
	bicDE  = "COBADEFFXXX"
	ibanFR = "FR1420041010050500013M02606" // p100 u-1001 APPROVED
	bicFR  = "PSSTFRPPPAR"
	ibanNL = "NL91ABNA0417164300" // p100 u-1001 PENDING
	bicNL  = "ABNANL2AXXX"
)

// mixedRow is one payment of the mixed batch and what must become of it.
type mixedRow struct {
	e2e, amount, iban, bic, remit, provider string
	status, reason                          string
	sent                                    bool // reaches the provider's ledger
}

// mixedBatch covers each magic cent at each provider, p100's closed loop
// and S-money's 35-character motif.
func mixedBatch() []mixedRow {
	rows := []mixedRow{
		{e2e: "P-PENDING", amount: "14.00", iban: ibanNL, bic: bicNL, provider: "p100", status: "RJCT", reason: "AG01"},
		{e2e: "M-LONGREM", amount: "15.00", iban: ibanFR, bic: bicFR, provider: "smoney", remit: "Invoice 2026-0042 and 2026-0043 for March", status: "RJCT", reason: "CH16"},
	}
	for _, p := range []struct{ name, prefix, iban, bic string }{
		{"p100", "P", ibanDE, bicDE}, {"wirex", "W", ibanDE, bicDE}, {"solaris", "S", ibanDE, bicDE}, {"smoney", "M", ibanFR, bicFR},
	} {
		for i, c := range []struct{ cents, status, reason string }{
			{"00", "ACSC", ""}, {"51", "RJCT", "AM04"}, {"52", "RJCT", "AC01"}, {"53", "RJCT", "AG01"}, {"55", "ACSC", ""},
		} {
			r := mixedRow{e2e: p.prefix + "-" + c.cents, amount: string(rune('1'+i)) + "0." + c.cents, iban: p.iban, bic: p.bic,
				provider: p.name, remit: "Test " + c.cents, status: c.status, reason: c.reason, sent: c.status == "ACSC"}
			if p.name == "solaris" && c.cents == "55" {
				r.status, r.reason, r.sent = "RJCT", "BE01", false
			}
			rows = append(rows, r)
		}
	}
	return rows
}

func writeMixed(t *testing.T, dir string, rows []mixedRow) string {
	var csvRows [][]string
	for _, r := range rows {
		csvRows = append(csvRows, []string{r.e2e, r.amount, "EUR", "Erika Mustermann", r.iban, r.bic, r.remit, r.provider, "u-1001"})
	}
	return writeCSV(t, dir, "mixed.csv", csvRows)
}

// TestE2EProcessMixedAllProviders runs `paybatch process --json` on a batch
// routed to all four providers over real HTTP against a `paybatch sandbox`
// subprocess, then checks the JSON contract, the exit code, the reports and
// the sandbox ledger.
func TestE2EProcessMixedAllProviders(t *testing.T) {
	sb := startSandboxProc(t, 0)
	dir := t.TempDir()
	cfg := e2eConfig(t, dir, sb.URL, "")
	rows := mixedBatch()
	file := writeMixed(t, dir, rows)

	out := processOne(t, dir, cfg, "90s", file, exitRejected)
	if out.File != file || out.Format != "csv" || out.BatchID == "" || out.GroupStatus != "PART" {
		t.Errorf("header: file %q format %q batch %q group %q; want %q csv PART", out.File, out.Format, out.BatchID, out.GroupStatus, file)
	}
	var wantSettled, wantRejected int
	for _, r := range rows {
		if r.status == "ACSC" {
			wantSettled++
		} else {
			wantRejected++
		}
	}
	if out.Payments != len(rows) || out.Settled != wantSettled || out.Rejected != wantRejected || out.Pending != 0 {
		t.Errorf("counts: payments %d settled %d rejected %d pending %d; want %d %d %d 0",
			out.Payments, out.Settled, out.Rejected, out.Pending, len(rows), wantSettled, wantRejected)
	}
	if len(out.Results) != len(rows) {
		t.Fatalf("%d results, want %d", len(out.Results), len(rows))
	}
	byE2E := map[string]int{}
	for i, r := range out.Results {
		byE2E[r.EndToEndID] = i
	}
	for i, want := range rows {
		j, ok := byE2E[want.e2e]
		if !ok {
			t.Errorf("%s: missing from results", want.e2e)
			continue
		}
		got := out.Results[j]
		if got.Index != i+1 {
			t.Errorf("%s: index %d, want %d", want.e2e, got.Index, i+1)
		}
		if got.Provider != want.provider {
			t.Errorf("%s: provider %q, want %q", want.e2e, got.Provider, want.provider)
		}
		if got.Status != want.status || got.Reason != want.reason {
			t.Errorf("%s at %s: %s %q, want %s %q", want.e2e, want.provider, got.Status, got.Reason, want.status, want.reason)
		}
		if want.status == "ACSC" && got.ProviderRef == "" {
			t.Errorf("%s: settled without provider_ref", want.e2e)
		}
	}
	if len(out.Reports) < 2 {
		t.Errorf("reports: %v, want ack and final pain.002 at least", out.Reports)
	}
	for _, p := range out.Reports {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("report %s: %v", p, err)
		}
	}

	// The ledger: every accepted payment exactly once, by key and by
	// end-to-end id; nothing for what was rejected before any call.
	ledger := sb.ledger(t)
	byKey, byE2ECount := map[string]int{}, map[string]int{}
	for _, e := range ledger {
		if e.BatchID != out.BatchID {
			t.Errorf("ledger entry of another batch: %+v", e)
			continue
		}
		byKey[e.Key]++
		byE2ECount[e.EndToEndID]++
	}
	for k, n := range byKey {
		if n != 1 {
			t.Errorf("ledger: key %s %d times", k, n)
		}
	}
	for _, r := range rows {
		n := byE2ECount[r.e2e]
		switch {
		case r.sent && n != 1:
			t.Errorf("ledger: %s (%s) %d times, want exactly once", r.e2e, r.provider, n)
		case r.reason == "CH16" || r.reason == "BE01" || r.e2e == "P-PENDING":
			if n != 0 {
				t.Errorf("ledger: %s rejected before any call but executed %d times", r.e2e, n)
			}
		case n > 1:
			t.Errorf("ledger: %s %d times", r.e2e, n)
		}
	}
	for _, e := range ledger {
		for _, r := range rows {
			if r.e2e == e.EndToEndID && r.sent && !strings.EqualFold(e.IBAN, r.iban) {
				t.Errorf("ledger %s: iban %s, want %s", r.e2e, e.IBAN, r.iban)
			}
		}
	}
}

// TestE2EProcessExitCodes: 0 when everything is accepted, 3 when a .54
// payment is still pending at --timeout (and the final pain.002 says PDNG for
// it), 2 for a missing file or a bad config.
func TestE2EProcessExitCodes(t *testing.T) {
	sb := startSandboxProc(t, 0)

	t.Run("all accepted", func(t *testing.T) {
		dir := t.TempDir()
		cfg := e2eConfig(t, dir, sb.URL, "")
		file := writeCSV(t, dir, "ok.csv", [][]string{
			{"OK-1", "10.00", "EUR", "Erika Mustermann", ibanDE, bicDE, "ok", "solaris", ""},
			{"OK-2", "11.00", "EUR", "Erika Mustermann", ibanDE, bicDE, "ok", "wirex", ""},
			{"OK-3", "12.00", "EUR", "Erika Mustermann", ibanDE, bicDE, "ok", "p100", "u-1001"},
			{"OK-4", "13.00", "EUR", "Erika Mustermann", ibanFR, bicFR, "ok", "smoney", ""},
		})
		out := processOne(t, dir, cfg, "90s", file, exitOK)
		if out.GroupStatus != "ACSC" || out.Settled != 4 || out.Rejected != 0 || out.Pending != 0 {
			t.Fatalf("got %+v", out)
		}
		for _, r := range out.Results {
			if r.Status != "ACSC" || r.Reason != "" {
				t.Errorf("%s: %s %q", r.EndToEndID, r.Status, r.Reason)
			}
		}
	})

	t.Run("timeout", func(t *testing.T) {
		dir := t.TempDir()
		cfg := e2eConfig(t, dir, sb.URL, "")
		file := writeCSV(t, dir, "pending.csv", [][]string{
			{"PD-OK", "10.00", "EUR", "Erika Mustermann", ibanDE, bicDE, "ok", "solaris", ""},
			{"PD-54", "10.54", "EUR", "Erika Mustermann", ibanDE, bicDE, "stays pending", "solaris", ""},
		})
		out := processOne(t, dir, cfg, "3s", file, exitTimeout)
		if out.Pending != 1 || out.Settled != 1 {
			t.Errorf("counts: %+v", out)
		}
		for _, r := range out.Results {
			want := map[string]string{"PD-OK": "ACSC", "PD-54": "PDNG"}[r.EndToEndID]
			if r.Status != want && !(r.EndToEndID == "PD-54" && r.Status == "ACSP") {
				t.Errorf("%s: %s, want %s", r.EndToEndID, r.Status, want)
			}
		}
		final := ""
		for _, p := range out.Reports {
			if strings.Contains(p, "final") && strings.HasSuffix(p, ".xml") {
				final = p
			}
		}
		if final == "" {
			t.Fatalf("no final pain.002 written at the deadline: %v", out.Reports)
		}
		if !filepath.IsAbs(final) {
			final = filepath.Join(dir, final)
		}
		xml, err := os.ReadFile(final)
		if err != nil {
			t.Fatal(err)
		}
		s := string(xml)
		i := strings.Index(s, "PD-54")
		if i < 0 {
			t.Fatalf("final pain.002 lacks PD-54:\n%s", s)
		}
		tx := s[i:]
		if j := strings.Index(tx, "</TxInfAndSts>"); j >= 0 {
			tx = tx[:j]
		}
		if !strings.Contains(tx, "<TxSts>PDNG</TxSts>") {
			t.Errorf("final pain.002 status of PD-54 is not PDNG:\n%s", tx)
		}
		validatePain002(t, final)
	})

	t.Run("missing file", func(t *testing.T) {
		dir := t.TempDir()
		cfg := e2eConfig(t, dir, sb.URL, "")
		res := runPB(t, dir, nil, time.Minute, "process", "--config", cfg, "--json", filepath.Join(dir, "nope.csv"))
		if res.code != exitUsage {
			t.Fatalf("exit %d, want 2\n%s\n%s", res.code, res.stdout, res.stderr)
		}
	})

	t.Run("bad config", func(t *testing.T) {
		dir := t.TempDir()
		cfg := e2eConfig(t, dir, sb.URL, "no_such_key: 1\n")
		file := writeCSV(t, dir, "ok.csv", [][]string{{"BC-1", "10.00", "EUR", "Erika Mustermann", ibanDE, bicDE, "", "", ""}})
		res := runPB(t, dir, nil, time.Minute, "process", "--config", cfg, "--json", file)
		if res.code != exitUsage || !strings.Contains(res.stderr, "no_such_key") {
			t.Fatalf("exit %d, want 2 naming the key\n%s\n%s", res.code, res.stdout, res.stderr)
		}
		res = runPB(t, dir, nil, time.Minute, "process", "--config", filepath.Join(dir, "absent.yaml"), file)
		if res.code != exitUsage {
			t.Fatalf("absent config: exit %d, want 2", res.code)
		}
	})
}

// TestE2EDuplicateSendsNothing: the same file again, or its content under
// another name, is DU01: exit 1, group_status RJCT, nothing sent.
func TestE2EDuplicateSendsNothing(t *testing.T) {
	sb := startSandboxProc(t, 0)
	dir := t.TempDir()
	cfg := e2eConfig(t, dir, sb.URL, "")
	file := writeCSV(t, dir, "dup.csv", [][]string{
		{"DUP-1", "10.00", "EUR", "Erika Mustermann", ibanDE, bicDE, "ok", "solaris", ""},
		{"DUP-2", "11.00", "EUR", "Erika Mustermann", ibanFR, bicFR, "ok", "smoney", ""},
	})
	first := processOne(t, dir, cfg, "90s", file, exitOK)
	before := len(sb.ledger(t))
	if before != 2 {
		t.Fatalf("ledger after the first run: %d entries, want 2", before)
	}
	renamed := filepath.Join(dir, "renamed.csv")
	raw, _ := os.ReadFile(file)
	if err := os.WriteFile(renamed, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{file, renamed} {
		res := runPB(t, dir, nil, 2*time.Minute, "process", "--config", cfg, "--json", "--timeout", "30s", f)
		if res.code != exitRejected {
			t.Errorf("%s again: exit %d, want 1\n%s\n%s", filepath.Base(f), res.code, res.stdout, res.stderr)
			continue
		}
		out := decodeProcess(t, res.stdout)[0]
		if out.GroupStatus != "RJCT" {
			t.Errorf("%s again: group_status %s, want RJCT", filepath.Base(f), out.GroupStatus)
		}
		if out.BatchID == first.BatchID {
			t.Errorf("%s again: reported as the original batch %s", filepath.Base(f), out.BatchID)
		}
		text := runPB(t, dir, nil, 2*time.Minute, "process", "--config", cfg, f)
		if text.code != exitRejected || !strings.Contains(text.stdout, "DU01") {
			t.Errorf("%s again (text): exit %d, want 1 naming DU01:\n%s", filepath.Base(f), text.code, text.stdout)
		}
	}
	if after := len(sb.ledger(t)); after != before {
		t.Fatalf("ledger grew from %d to %d on a duplicate", before, after)
	}
}

// TestE2EDuplicateMsgID: a pain.001 whose bytes differ (a re-export, a
// trailing newline) but whose MsgId and initiating party were processed
// before is DU01 and sends nothing. It was paid a second time.
func TestE2EDuplicateMsgID(t *testing.T) {
	sb := startSandboxProc(t, 0)
	dir := t.TempDir()
	cfg := e2eConfig(t, dir, sb.URL, "")
	src, err := os.ReadFile("../../samples/supplier-payments.pain.001.001.09.xml")
	if err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(dir, "a.xml")
	os.WriteFile(a, src, 0o600)
	res := runPB(t, dir, nil, 2*time.Minute, "process", "--config", cfg, "--json", "--timeout", "90s", a)
	if res.code == exitUsage || res.code == exitTimeout {
		t.Fatalf("first run: exit %d\n%s", res.code, res.stderr)
	}
	before := len(sb.ledger(t))
	if before == 0 {
		t.Fatal("nothing paid on the first run")
	}
	for name, content := range map[string]string{
		"newline.xml":  string(src) + "\n",
		"reindent.xml": strings.ReplaceAll(string(src), "\n      <", "\n  <"),
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o600)
		res := runPB(t, dir, nil, 2*time.Minute, "process", "--config", cfg, "--json", "--timeout", "30s", p)
		out := decodeProcess(t, res.stdout)[0]
		if res.code != exitRejected || out.GroupStatus != "RJCT" || out.Payments != 0 {
			t.Errorf("%s (same MsgId, other bytes): exit %d group %s payments %d; want 1 RJCT (DU01) and nothing sent",
				name, res.code, out.GroupStatus, out.Payments)
		}
	}
	if after := len(sb.ledger(t)); after != before {
		t.Fatalf("ledger grew from %d to %d: a replayed MsgId was paid again", before, after)
	}
}

// TestE2EResumeAfterTimeout: process again on a batch that timed out
// resumes it (same batch, not DU01) and sends nothing twice.
func TestE2EResumeAfterTimeout(t *testing.T) {
	sb := startSandboxProc(t, 0)
	dir := t.TempDir()
	cfg := e2eConfig(t, dir, sb.URL, "")
	file := writeCSV(t, dir, "resume.csv", [][]string{
		{"RS-OK", "10.00", "EUR", "Erika Mustermann", ibanFR, bicFR, "ok", "smoney", ""},
		{"RS-54", "10.54", "EUR", "Erika Mustermann", ibanDE, bicDE, "stays pending", "wirex", ""},
	})
	first := runPB(t, dir, nil, 2*time.Minute, "process", "--config", cfg, "--json", "--timeout", "2s", file)
	if first.code != exitTimeout {
		t.Fatalf("first run: exit %d, want 3\n%s", first.code, first.stderr)
	}
	again := runPB(t, dir, nil, 2*time.Minute, "process", "--config", cfg, "--json", "--timeout", "2s", file)
	if again.code != exitTimeout {
		t.Fatalf("second run: exit %d, want 3 (resumed, still pending)\n%s\n%s", again.code, again.stdout, again.stderr)
	}
	o1, o2 := decodeProcess(t, first.stdout)[0], decodeProcess(t, again.stdout)[0]
	if o1.BatchID != o2.BatchID || o2.GroupStatus == "RJCT" || o2.Payments != 2 || o2.Settled != 1 || o2.Pending != 1 {
		t.Errorf("second run did not resume batch %s: %+v", o1.BatchID, o2)
	}
	n := map[string]int{}
	for _, e := range sb.ledger(t) {
		n[e.EndToEndID]++
	}
	if n["RS-OK"] != 1 || n["RS-54"] > 1 {
		t.Errorf("ledger after resume: %v", n)
	}
}

// TestE2EWholeFileRejected: a pain.001 whose NbOfTxs does not match is
// rejected as a whole (AM18): exit 1, every line RJCT AM18, nothing sent,
// and `status` shows what the file held.
func TestE2EWholeFileRejected(t *testing.T) {
	sb := startSandboxProc(t, 0)
	dir := t.TempDir()
	cfg := e2eConfig(t, dir, sb.URL, "")
	src, err := os.ReadFile("../../samples/supplier-payments.pain.001.001.09.xml")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "am18.xml")
	os.WriteFile(file, []byte(strings.Replace(string(src), "<NbOfTxs>10</NbOfTxs>", "<NbOfTxs>11</NbOfTxs>", 1)), 0o600)
	out := processOne(t, dir, cfg, "30s", file, exitRejected)
	if out.GroupStatus != "RJCT" || out.Payments != 10 || out.Rejected != 10 || out.Settled != 0 {
		t.Errorf("%+v", out)
	}
	for _, r := range out.Results {
		if r.Status != "RJCT" || r.Reason != "AM18" || r.ProviderRef != "" {
			t.Errorf("%s: %s %q ref %q, want RJCT AM18 unsent", r.EndToEndID, r.Status, r.Reason, r.ProviderRef)
		}
	}
	if n := len(sb.ledger(t)); n != 0 {
		t.Errorf("ledger holds %d payouts of a rejected file", n)
	}
	st := runPB(t, dir, nil, time.Minute, "status", "--config", cfg)
	var line string
	for _, l := range strings.Split(st.stdout, "\n") {
		if strings.Contains(l, out.BatchID) {
			line = l
		}
	}
	f := strings.Fields(line)
	// BATCH FILE FORMAT STAGE STATUS REASON PAYMENTS VALID INVALID CONTROL-SUM ...
	if len(f) < 10 || f[3] != "rejected" || f[4] != "RJCT" || f[5] != "AM18" || f[6] != "10" || f[7] != "0" || f[8] != "10" || f[9] != "65237.39" {
		t.Errorf("status line of the rejected file: %q\n%s", line, st.stdout)
	}
}
