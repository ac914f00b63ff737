package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
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

// Each simulator delivers its provider's webhook, authenticated as the
// provider does, when a payout settles — without anyone reading it — and
// the body names the reference the adapter returned at submit.
func TestWebhookDelivery(t *testing.T) {
	secret := "whsec-test"
	var mu sync.Mutex
	got := map[string]string{} // provider → ref from a verified delivery
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		provider := r.URL.Path[1:]
		var ok bool
		var ref string
		var err error
		switch provider {
		case "p100":
			ok = p100.VerifyWebhook([]byte(secret), r.Header.Get(p100.WebhookAuthHeader))
			ref, err = p100.WebhookRef(body)
		case "solaris":
			ok = solaris.VerifySignature([]byte(secret), body, r.Header.Get(solaris.SignatureHeader))
			ref, err = solaris.WebhookRef(body)
		case "smoney":
			ok = smoney.VerifyWebhook([]byte(secret), body, r.Header.Get(smoney.WebhookSignatureHeader))
			ref, err = smoney.WebhookRef(body)
		case "wirex":
			ok = wirex.VerifyWebhookToken([]byte(secret), r.Header.Get(wirex.WebhookTokenHeader))
			ref, err = wirex.WebhookRef(body)
		}
		if !ok || err != nil {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		mu.Lock()
		got[provider] = ref
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	defer recv.Close()

	sb := New(Options{SettleDelay: 50 * time.Millisecond, SweepInterval: 10 * time.Millisecond})
	srv := httptest.NewServer(sb.Handler())
	defer srv.Close()
	sb.Start()
	defer sb.Stop()
	// Targets set through the control endpoint, as an external daemon would.
	for _, name := range []string{"p100", "wirex", "solaris", "smoney"} {
		b, _ := json.Marshal(map[string]string{"provider": name, "url": recv.URL + "/" + name, "secret": secret})
		resp, err := http.Post(srv.URL+"/_sandbox/webhooks", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("POST /_sandbox/webhooks %s: %d", name, resp.StatusCode)
		}
	}
	resp, err := http.Get(srv.URL + "/_sandbox/webhooks")
	if err != nil {
		t.Fatal(err)
	}
	listed, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if bytes.Contains(listed, []byte(secret)) {
		t.Fatalf("GET /_sandbox/webhooks shows the secret: %s", listed)
	}

	ctx := context.Background()
	pc, _ := p100.New(p100.Config{BaseURL: srv.URL + "/p100", APIKey: "k", Timeout: 20 * time.Second})
	wc, _ := wirex.New(wirex.Config{BaseURL: srv.URL + "/wirex", ClientID: "c", ClientSecret: "s", ChainID: "1",
		UserAddress: "0x1", AccountID: "a:d", Timeout: 20 * time.Second})
	sc, _ := solaris.New(solaris.Config{BaseURL: srv.URL + "/solaris", ClientID: "c", ClientSecret: "s", AccountID: "acc-1", Timeout: 20 * time.Second})
	mc, _ := smoney.New(smoney.Config{BaseURL: srv.URL + "/smoney", Token: "t", PartnerDomain: "demo", AppUserID: "u-1", Timeout: 20 * time.Second})
	want := map[string]string{}
	for _, p := range []dispatch.Provider{pc, wc, sc, mc} {
		in := &dispatch.Instruction{Key: "k-" + p.Name(), BatchID: "B", User: "u-1001", Payment: &batch.Payment{
			EndToEndID: "E", Amount: batch.Amount{Minor: 1000, Currency: "EUR"}, CreditorName: "Erika Mustermann",
			CreditorIBAN: "DE89370400440532013000", CreditorBIC: "COBADEFFXXX", Info: &batch.PaymentInfo{}}}
		if err := p.Preflight(ctx, in); err != nil {
			t.Fatalf("%s Preflight: %v", p.Name(), err)
		}
		sub, err := p.Submit(ctx, in)
		if err != nil {
			t.Fatalf("%s Submit: %v", p.Name(), err)
		}
		want[p.Name()] = sub.Ref
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		done := len(got) == len(want)
		mu.Unlock()
		if done || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	for name, ref := range want {
		if got[name] != ref {
			t.Errorf("%s: verified webhook for ref %q, want %q (all: %v)", name, got[name], ref, got)
		}
	}
}

// Without targets (the default) nothing is sent and Send never blocks.
func TestWebhooksDisabledByDefault(t *testing.T) {
	w := simulate.NewWebhooks()
	w.Start()
	defer w.Stop()
	if w.Enabled() {
		t.Fatal("enabled without targets")
	}
	w.Send("p100", []byte(`{}`), nil) // no target: a no-op
	if err := w.Set("p100", simulate.WebhookTarget{URL: "ftp://x"}); err == nil {
		t.Fatal("non-http URL accepted")
	}
}
