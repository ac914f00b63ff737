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

	res := runPB(t, dir, nil, 2*time.Minute, "process", "--config", cfg, "--json", "--timeout", "90s", file)
	if res.code != exitRejected {
		t.Fatalf("exit %d, want 1 (some rejected)\nstdout: %s\nstderr: %s", res.code, res.stdout, res.stderr)
	}
	outs := decodeProcess(t, res.stdout)
	if len(outs) != 1 {
		t.Fatalf("%d JSON lines, want 1:\n%s", len(outs), res.stdout)
	}
	out := outs[0]
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
