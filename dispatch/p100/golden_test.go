package p100

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/providertest"
	"github.com/paybatch/paybatch/dispatch/simulate"
)

// The exact requests the adapter sends, field names as documented.
func TestGoldenRequests(t *testing.T) {
	clock := providertest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	env := simulate.NewEnv(0)
	env.Now = clock.Now
	rec := &providertest.Recorder{Next: NewSandbox(env, SandboxOptions{}), Headers: []string{"x-api-key", "Content-Type"}, Secrets: []string{testKey}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, APIKey: testKey, Timeout: 20 * time.Second, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in := &dispatch.Instruction{Key: "pb-0001", BatchID: "B-20260302-1", User: "u-1001", Payment: payment(123456, "DE89 3704 0044 0532 0130 00")}
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
	if _, _, err := c.Lookup(ctx, in); err != nil {
		t.Fatal(err)
	}
	providertest.Golden(t, "requests", rec.JSON())
}

// The sandbox's error bodies, in p100's shape.
func TestGoldenErrors(t *testing.T) {
	srv := httptest.NewServer(NewSandbox(simulate.NewEnv(0), SandboxOptions{}))
	defer srv.Close()
	do := func(method, path, key, body string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if key != "" {
			req.Header.Set("x-api-key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	valid := `{"sourceExternalUserId":"u-1001","amount":"%s","currency":"eur","destinationIban":"%s","transferTitle":"k e b"}`
	for name, resp := range map[string]*http.Response{
		"error_access_denied": do("POST", DefaultCreatePath, "", "{}"),
		"error_invalid_user":  do("POST", DefaultCreatePath, "k", strings.Replace(valid, "u-1001", "u-9", 1)),
		"error_amount":        do("POST", DefaultCreatePath, "k", strings.NewReplacer("%s", "12.345").Replace(valid)),
		"error_iban":          do("POST", DefaultCreatePath, "k", strings.Replace(strings.Replace(valid, "%s", "12.34", 1), "%s", "DE00123", 1)),
		"error_not_found":     do("GET", "/v1/sepa-transfer/details/nope", "k", ""),
	} {
		providertest.Golden(t, name, providertest.Response(t, resp))
	}
}
