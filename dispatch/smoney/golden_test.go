package smoney

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/paybatch/paybatch/batch"
	"github.com/paybatch/paybatch/dispatch"
	"github.com/paybatch/paybatch/dispatch/providertest"
)

// dumpRequest renders method, URI, the headers the adapter sets (the token
// checked and replaced) and the indented body.
func dumpRequest(t *testing.T, r *http.Request, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s\n", r.Method, r.URL.RequestURI())
	var names []string
	for k := range r.Header {
		switch k {
		case "Accept", "Authorization", "Content-Type":
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		v := r.Header.Get(k)
		if k == "Authorization" {
			if v != "Bearer "+testToken {
				t.Errorf("Authorization %q", v)
			}
			v = "Bearer <token>"
		}
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	b.WriteString("\n")
	var pretty bytes.Buffer
	if json.Indent(&pretty, body, "", "  ") == nil {
		b.Write(pretty.Bytes())
	} else {
		b.Write(body)
	}
	b.WriteString("\n")
	return b.Bytes()
}

func TestGoldenRequests(t *testing.T) {
	f := newFixture(t, nil)
	var mu sync.Mutex
	var seen [][]byte
	rec := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, dumpRequest(t, r, body))
		mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.sb.ServeHTTP(w, r)
	}))
	defer rec.Close()
	c, err := New(Config{BaseURL: rec.URL, Token: testToken, PartnerDomain: testPartner, AppUserID: testUser,
		AppAccountID: "sub-account-1", Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	in := &dispatch.Instruction{Key: "pb-7f1e2d3c-0001", BatchID: "B-2026-0002",
		Payment: &batch.Payment{EndToEndID: "E2E-0001", Amount: batch.Amount{Minor: 123456, Currency: "EUR"},
			CreditorName: "Jean-Luc Picard", CreditorIBAN: testIBAN, CreditorBIC: testBIC, RemittanceInfo: "Salaire mars"}}
	ctx := context.Background()
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
	names := []string{"request_list_accounts", "request_register_account", "request_create_payout", "request_get_payout"}
	if len(seen) != len(names) {
		t.Fatalf("%d requests, want %d", len(seen), len(names))
	}
	for i, n := range names {
		providertest.Golden(t, n, seen[i])
	}
}

func TestGoldenSandboxErrors(t *testing.T) {
	f := newFixture(t, nil)
	const base = "/api/" + testPartner + "/users/" + testUser
	acct := `{"displayname":"J","iban":"` + testIBAN + `","bic":"` + testBIC + `","Holder":{"LastName":"P"}}`
	payoutBody := func(cents int) string {
		return fmt.Sprintf(`{"orderid":"o-%d","amount":%d,"bankaccount":{"id":1},"fee":{"amountWithVAT":0,"VAT":0}}`, cents, cents)
	}
	for _, tc := range []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"error_unauthorized", "GET", base + "/bankaccounts", "", "", 401},
		{"register_ok", "POST", base + "/bankaccounts", testToken, acct, 201},
		{"error_bic_mismatch", "POST", base + "/bankaccounts", testToken, strings.Replace(acct, testBIC, "COBADEFFXXX", 1), 400},
		{"error_insufficient_balance", "POST", base + "/payouts/storedbankaccounts", testToken, payoutBody(151), 400},
		{"error_not_allowed", "POST", base + "/payouts/storedbankaccounts", testToken, payoutBody(153), 400},
		{"payout_ok", "POST", base + "/payouts/storedbankaccounts", testToken, payoutBody(100), 201},
		{"error_duplicate_order", "POST", base + "/payouts/storedbankaccounts", testToken, payoutBody(100), 400},
		{"error_payout_not_found", "GET", base + "/payouts/nope", testToken, "", 404},
	} {
		req, _ := http.NewRequest(tc.method, f.srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		req.Header.Set("Accept", MediaType)
		if tc.body != "" {
			req.Header.Set("Content-Type", MediaType)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: HTTP %d, want %d: %s", tc.name, resp.StatusCode, tc.status, body)
		}
		if strings.HasPrefix(tc.name, "error_") {
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatalf("%s: not JSON: %s", tc.name, body)
			}
			providertest.Golden(t, tc.name, pretty.Bytes())
		}
	}
}
