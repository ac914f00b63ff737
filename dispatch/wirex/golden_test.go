package wirex

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/providertest"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

// The exact requests the adapter sends, field names as documented; the
// amount is a JSON number.
func TestGoldenRequests(t *testing.T) {
	clock := providertest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	env := simulate.NewEnv(0)
	env.Now = clock.Now
	rec := &providertest.Recorder{Next: NewSandbox(env, SandboxOptions{}),
		Headers: []string{"Authorization", "X-Chain-Id", "X-User-Address", "Content-Type"}, Secrets: []string{testSecret}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	cfg := testConfig(srv.URL)
	cfg.Now = clock.Now
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := &dispatch.Instruction{Key: "pb-0001", BatchID: "B-20260302-1", Payment: payment(123456)}
	if err := c.Preflight(ctx, in); err != nil {
		t.Fatal(err)
	}
	sub, err := c.Submit(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(ctx, in, sub.Ref); err != nil {
		t.Fatal(err)
	}
	got := rec.JSON()
	if !strings.Contains(string(got), `"amount": 1234.56`) {
		t.Errorf("amount is not the JSON number 1234.56")
	}
	providertest.Golden(t, "requests", got)
}

// The sandbox's error bodies, in Wirex's shape.
func TestGoldenErrors(t *testing.T) {
	env := simulate.NewEnv(0)
	srv := httptest.NewServer(NewSandbox(env, SandboxOptions{}))
	defer srv.Close()
	c, _ := New(testConfig(srv.URL))
	tok, err := c.token(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, token, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("X-Chain-Id", "137")
		req.Header.Set("X-User-Address", "0x1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	est := `{"account_id":"a:d","amount":10.00,"recipient":{"first_name":"A","last_name":"B"},"recipient_account":{"iban":"DE89370400440532013000","bic":"%s"},"reference":"k e b"}`
	resp := do("POST", DefaultEstimatePath, tok, strings.Replace(est, "%s", "COBADEFFXXX", 1))
	var e estimateResponse
	if err := decodeJSON(resp, &e); err != nil {
		t.Fatal(err)
	}
	exec := `{"account_id":"a:d","token_address":"` + SandboxTokenAddress + `","estimation_id":"` + e.ID +
		`","recipient":{"first_name":"A","last_name":"B"},"recipient_account":{"iban":"DE89370400440532013000","bic":"COBADEFFXXX"},"reference":"k e b"}`
	if r := do("POST", DefaultTransferPath, tok, exec); r.StatusCode != 200 {
		t.Fatalf("execute: %s", providertest.Response(t, r))
	}
	for _, c := range []struct {
		name string
		resp func() *http.Response
	}{
		{"error_unauthorized", func() *http.Response { return do("GET", DefaultUserPath, "bogus", "") }},
		{"error_missing_bic", func() *http.Response { return do("POST", DefaultEstimatePath, tok, strings.Replace(est, "%s", "", 1)) }},
		{"error_executed_twice", func() *http.Response { return do("POST", DefaultTransferPath, tok, exec) }},
		{"error_estimation_not_found", func() *http.Response {
			return do("POST", DefaultTransferPath, tok, strings.Replace(exec, e.ID, "est-nope", 1))
		}},
	} {
		providertest.Golden(t, c.name, providertest.Response(t, c.resp()))
	}
}

func decodeJSON(resp *http.Response, v any) error {
	defer resp.Body.Close()
	return jsonDecoder(resp).Decode(v)
}

func jsonDecoder(resp *http.Response) *json.Decoder { return json.NewDecoder(resp.Body) }
