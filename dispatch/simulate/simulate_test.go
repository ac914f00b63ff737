package simulate

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func TestOutcomeFor(t *testing.T) {
	for minor, want := range map[int64]Outcome{
		1000: Succeed, 1051: InsufficientFunds, 52: BadAccount, 99953: NotAllowed,
		154: StayPending, 255: PayeeNoMatch, 150: Succeed, -1051: InsufficientFunds,
	} {
		if got := OutcomeFor(minor); got != want {
			t.Errorf("OutcomeFor(%d) = %v, want %v", minor, got, want)
		}
	}
}

func TestFaultsCommitThenDrop(t *testing.T) {
	env := NewEnv(0)
	var committed atomic.Int32 // the handler runs on the server's goroutine
	h := env.Faults.Wrap("p", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		committed.Add(1)
		io.WriteString(w, "ok")
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	if err := env.Faults.Set(Fault{Provider: "p", DropAfterCommitRate: 1}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL, "text/plain", nil)
	if err == nil {
		resp.Body.Close()
		t.Fatal("expected the response to be dropped")
	}
	if n := committed.Load(); n != 1 {
		t.Fatalf("handler ran %d times, want 1 (commit before drop)", n)
	}
	// GETs are never dropped after commit: nothing to commit.
	resp, err = http.Get(srv.URL)
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
}

func TestFaultsHandler(t *testing.T) {
	env := NewEnv(0)
	srv := httptest.NewServer(Handler(env.Ledger, env.Faults))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/_sandbox/faults", "application/json",
		strings.NewReader(`{"provider":"solaris","error_rate":0.2,"status":"timeout","latency_ms":50}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if l := env.Faults.List(); len(l) != 1 || l[0].Status != Timeout || l[0].LatencyMS != 50 {
		t.Fatalf("faults = %+v", l)
	}
	resp, _ = http.Post(srv.URL+"/_sandbox/faults", "application/json", strings.NewReader(`{"provider":"x","status":418,"error_rate":1}`))
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Fatalf("bad status accepted: %d", resp.StatusCode)
	}
	env.Ledger.Record(Entry{Provider: "p100", ID: "1", Amount: 1050, Currency: "EUR"})
	resp, _ = http.Get(srv.URL + "/_sandbox/ledger")
	var entries []Entry
	json.NewDecoder(resp.Body).Decode(&entries)
	resp.Body.Close()
	if len(entries) != 1 || entries[0].Amount != 1050 {
		t.Fatalf("ledger = %+v", entries)
	}
}

func TestValidIBAN(t *testing.T) {
	for iban, want := range map[string]bool{
		"DE89370400440532013000": true, "DE89 3704 0044 0532 0130 00": true,
		"FR1420041010050500013M02606": true, "NL91ABNA0417164300": true,
		"DE88370400440532013000": false, "DE8937040044": false, "": false, "1234567890123": false,
	} {
		if got := ValidIBAN(iban); got != want {
			t.Errorf("ValidIBAN(%q) = %v", iban, got)
		}
	}
}
