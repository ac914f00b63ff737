package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch/p100"
	"github.com/paybatch/paybatch/dispatch/smoney"
	"github.com/paybatch/paybatch/dispatch/solaris"
	"github.com/paybatch/paybatch/dispatch/wirex"
)

// webhookCase builds one provider's delivery for a reference: the body in
// the provider's shape — with a status that lies, which must be ignored —
// and its authentication under secret.
type webhookCase struct {
	body func(ref string) []byte
	auth func(secret string, body []byte) http.Header
}

var webhookCases = map[string]webhookCase{
	"solaris": {
		body: func(ref string) []byte { return fmt.Appendf(nil, `{"id":%q,"status":"declined"}`, ref) },
		auth: func(secret string, body []byte) http.Header {
			return http.Header{solaris.SignatureHeader: {solaris.Sign([]byte(secret), body)}}
		},
	},
	"p100": {
		body: func(ref string) []byte {
			return fmt.Appendf(nil, `{"type":"SEPA_TRANSFER_STATUS_CHANGED","transferId":%q,"status":"FAILED"}`, ref)
		},
		auth: func(secret string, _ []byte) http.Header { return http.Header{p100.WebhookAuthHeader: {secret}} },
	},
	"smoney": {
		body: func(ref string) []byte { return fmt.Appendf(nil, `{"Id":%s,"OrderId":"x","ExecutedDate":null}`, ref) },
		auth: func(secret string, body []byte) http.Header {
			return http.Header{smoney.WebhookSignatureHeader: {smoney.SignWebhook([]byte(secret), body)}}
		},
	},
	"wirex": {
		body: func(ref string) []byte { return fmt.Appendf(nil, `{"id":%q,"status":"Failed"}`, ref) },
		auth: func(secret string, _ []byte) http.Header { return http.Header{wirex.WebhookTokenHeader: {secret}} },
	},
}

// snapshot is what a refused webhook must leave untouched.
type snapshot struct {
	d      batch.Dispatch
	events int
	calls  uint64
}

func (e *httpEnv) snapshot(d *batch.Dispatch) snapshot {
	e.t.Helper()
	cur, err := e.a.store.Get(e.ctx, d.PaymentID)
	if err != nil {
		e.t.Fatal(err)
	}
	evs, err := e.a.store.PaymentEvents(e.ctx, d.PaymentID)
	if err != nil {
		e.t.Fatal(err)
	}
	s := snapshot{d: *cur, events: len(evs), calls: e.calls(d.Provider, "status") + e.calls(d.Provider, "lookup")}
	s.d.Payment = nil
	return s
}

// A forged webhook is refused with 401 and changes nothing: no store write,
// no provider call. A genuine one makes paybatch ask the provider, and the
// payment reaches ACSC although polling is an hour away — and although
// the webhook body claimed a failure.
func TestHTTPWebhooks(t *testing.T) {
	e := newHTTPEnv(t, 50*time.Millisecond)
	e.ready.Store(true)
	out := e.ingest(fourProvidersCSV)
	if out.Rejected || out.Valid != 4 {
		t.Fatalf("ingest: %+v", out)
	}
	var pays map[string]*batch.Dispatch
	e.waitFor("all four payments submitted", func() bool {
		pays = e.payments(out.BatchID)
		for _, name := range []string{"p100", "wirex", "solaris", "smoney"} {
			if d := pays[name]; d == nil || d.State != batch.Submitted || d.Ref == "" {
				return false
			}
		}
		return true
	})

	for name, wc := range webhookCases {
		d := pays[name]
		secret := testSecrets[name]
		body := wc.body(d.Ref)
		other := wc.body(d.Ref + "0") // another body, genuinely signed
		forged := map[string]struct {
			body   []byte
			header http.Header
		}{
			"missing signature": {body, nil},
			"wrong secret":      {body, wc.auth(secret+"x", body)},
			"replayed body with another body's signature": {body, wc.auth(secret, other)},
			"empty header": {body, wc.auth("", body)},
		}
		for what, f := range forged {
			if name == "p100" || name == "wirex" {
				// These authenticate the sender, not the body: a
				// signature of another body is just the secret.
				if strings.HasPrefix(what, "replayed") {
					continue
				}
			}
			before := e.snapshot(d)
			code, _ := e.do(http.MethodPost, "/webhooks/"+name, f.body, f.header)
			if code != http.StatusUnauthorized {
				t.Errorf("%s %s: HTTP %d, want 401", name, what, code)
			}
			if after := e.snapshot(d); after != before {
				t.Errorf("%s %s: something changed:\nbefore %+v\nafter  %+v", name, what, before, after)
			}
		}
	}

	// Authenticated but naming no payment of ours: the same answer as a
	// known one, and nothing is asked of the provider.
	before := e.snapshot(pays["solaris"])
	unknown := webhookCases["solaris"].body("sct-not-ours")
	if code, _ := e.do(http.MethodPost, "/webhooks/solaris", unknown, webhookCases["solaris"].auth(testSecrets["solaris"], unknown)); code != http.StatusAccepted {
		t.Errorf("unknown reference: HTTP %d, want 202", code)
	}
	if after := e.snapshot(pays["solaris"]); after != before {
		t.Errorf("unknown reference changed something: %+v → %+v", before, after)
	}
	if code, _ := e.do(http.MethodPost, "/webhooks/nope", unknown, nil); code != http.StatusNotFound {
		t.Errorf("unknown provider: HTTP %d, want 404", code)
	}
	big := make([]byte, maxWebhookBody+1)
	if code, _ := e.do(http.MethodPost, "/webhooks/solaris", big, nil); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversize body: HTTP %d, want 413", code)
	}

	for name, wc := range webhookCases {
		d := pays[name]
		body := wc.body(d.Ref)
		hdr := wc.auth(testSecrets[name], body)
		// The sandbox settles after its delay; a webhook before that
		// finds the payout still pending, as a real early webhook would.
		e.waitFor(name+" payment ACSC after a genuine webhook", func() bool {
			if code, _ := e.do(http.MethodPost, "/webhooks/"+name, body, hdr); code != http.StatusAccepted {
				t.Fatalf("%s genuine webhook: HTTP %d", name, code)
			}
			cur, err := e.a.store.Get(e.ctx, d.PaymentID)
			if err != nil {
				t.Fatal(err)
			}
			return cur.State == batch.Done
		})
		cur, _ := e.a.store.Get(e.ctx, d.PaymentID)
		if cur.Status != batch.ACSC {
			t.Errorf("%s: status %s (%s), want ACSC: the webhook body's status must not count", name, cur.Status, cur.Text)
		}
	}
}

// Wirex tokens may also come in the URL registered with Wirex.
func TestHTTPWirexTokenInURL(t *testing.T) {
	e := newHTTPEnv(t, time.Hour)
	e.ready.Store(true)
	body := []byte(`{"id":"act-none"}`)
	if code, _ := e.do(http.MethodPost, "/webhooks/wirex?token="+testSecrets["wirex"], body, nil); code != http.StatusAccepted {
		t.Errorf("token in URL: HTTP %d, want 202", code)
	}
	if code, _ := e.do(http.MethodPost, "/webhooks/wirex?token=nope", body, nil); code != http.StatusUnauthorized {
		t.Errorf("wrong token in URL: HTTP %d, want 401", code)
	}
}
