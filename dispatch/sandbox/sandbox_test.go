package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/p100"
	"github.com/paybatch/paybatch/dispatch/simulate"
	"github.com/paybatch/paybatch/dispatch/smoney"
	"github.com/paybatch/paybatch/dispatch/solaris"
	"github.com/paybatch/paybatch/dispatch/wirex"
)

// One payment through each built simulator under its prefix shows in the
// shared ledger; faults set through the control endpoint apply per prefix.
func TestHandler(t *testing.T) {
	sb := New(Options{})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	ctx := context.Background()
	pay := func(key string) *dispatch.Instruction {
		return &dispatch.Instruction{Key: key, BatchID: "B", User: "u-1001", Payment: &batch.Payment{
			EndToEndID: "E", Amount: batch.Amount{Minor: 1000, Currency: "EUR"}, CreditorName: "Erika Mustermann",
			CreditorIBAN: "DE89370400440532013000", CreditorBIC: "COBADEFFXXX", Info: &batch.PaymentInfo{}}}
	}
	pc, err := p100.New(p100.Config{BaseURL: srv.URL + "/p100", APIKey: "k", Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	wc, err := wirex.New(wirex.Config{BaseURL: srv.URL + "/wirex", ClientID: "c", ClientSecret: "s", ChainID: "1",
		UserAddress: "0x1", AccountID: "a:d", Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := solaris.New(solaris.Config{BaseURL: srv.URL + "/solaris", ClientID: "c", ClientSecret: "s", AccountID: "acc-1", Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mc, err := smoney.New(smoney.Config{BaseURL: srv.URL + "/smoney", Token: "t", PartnerDomain: "demo", AppUserID: "u-1", Timeout: 20 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []dispatch.Provider{pc, wc, sc, mc} {
		in := pay("k-" + p.Name())
		if err := p.Preflight(ctx, in); err != nil {
			t.Fatalf("%s Preflight: %v", p.Name(), err)
		}
		if _, err := p.Submit(ctx, in); err != nil {
			t.Fatalf("%s Submit: %v", p.Name(), err)
		}
	}
	resp, err := http.Get(srv.URL + "/_sandbox/ledger")
	if err != nil {
		t.Fatal(err)
	}
	var entries []simulate.Entry
	json.NewDecoder(resp.Body).Decode(&entries)
	resp.Body.Close()
	if len(entries) != 4 || entries[0].Provider != "p100" || entries[1].Provider != "wirex" ||
		entries[2].Provider != "solaris" || entries[3].Provider != "smoney" {
		t.Fatalf("ledger = %+v", entries)
	}

	resp, err = http.Post(srv.URL+"/_sandbox/faults", "application/json", strings.NewReader(`{"provider":"p100","error_rate":1,"status":503}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := pc.Submit(ctx, pay("k-2")); err == nil {
		t.Fatal("fault not applied to p100")
	}
	if _, err := wc.Submit(ctx, pay("k-3")); err != nil {
		t.Fatalf("p100's fault hit wirex: %v", err)
	}
}
