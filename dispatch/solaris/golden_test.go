package solaris

import (
	"bytes"
	"context"
	"encoding/base64"
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

// dumpRequest renders a request as the golden files hold it: method, path
// and query, the headers the adapter sets (credentials replaced by what
// they must be), and the indented JSON or form body.
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
			switch {
			case strings.HasPrefix(v, "Bearer "):
				v = "Bearer <token>"
			case strings.HasPrefix(v, "Basic "):
				raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(v, "Basic "))
				if string(raw) != testClientID+":"+testClientSecret {
					t.Errorf("Basic credentials %q", raw)
				}
				v = "Basic base64(client_id:client_secret)"
			}
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
	c, err := New(Config{BaseURL: rec.URL, ClientID: testClientID, ClientSecret: testClientSecret, AccountID: "acc-billing-1", Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	in := &dispatch.Instruction{
		Key: "3f2b8c1e-9d4a-4e7b-a1c2-0d9e8f7a6b5c", BatchID: "B-2026-0001",
		Payment: &batch.Payment{EndToEndID: "E2E-0001", Amount: batch.Amount{Minor: 123456, Currency: "EUR"},
			CreditorName: "Erika Mustermann", CreditorIBAN: testIBAN, CreditorBIC: "COBADEFFXXX", RemittanceInfo: "Invoice 4711"},
	}
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
	if _, _, err := c.Lookup(ctx, in); err != nil {
		t.Fatal(err)
	}
	names := []string{"request_token", "request_vop", "request_create", "request_status", "request_lookup"}
	if len(seen) != len(names) {
		t.Fatalf("%d requests, want %d", len(seen), len(names))
	}
	for i, n := range names {
		providertest.Golden(t, n, seen[i])
	}
}

func TestGoldenSandboxErrors(t *testing.T) {
	f := newFixture(t, nil)
	tok := func() string {
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/oauth2/token", strings.NewReader("grant_type=client_credentials"))
		req.SetBasicAuth("id", "secret")
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var tr tokenResponse
		json.NewDecoder(resp.Body).Decode(&tr)
		return tr.AccessToken
	}()
	for _, tc := range []struct {
		name, method, path, auth, body string
		status                         int
	}{
		{"error_token_unauthorized", "POST", "/oauth2/token", "", "grant_type=client_credentials", 401},
		{"error_invalid_token", "POST", "/v1/accounts/a/transactions/sepa_credit_transfer", "Bearer nope", `{}`, 401},
		{"error_invalid_iban", "POST", "/v1/accounts/a/transactions/sepa_credit_transfer", "Bearer " + tok,
			`{"amount":{"value":100,"unit":"cents","currency":"EUR"},"recipient_iban":"DE00123"}`, 400},
		{"error_bad_account", "POST", "/v1/accounts/a/transactions/sepa_credit_transfer", "Bearer " + tok,
			`{"amount":{"value":152,"unit":"cents","currency":"EUR"},"recipient_iban":"` + testIBAN + `"}`, 400},
		{"error_vop_no_match", "POST", "/v1/accounts/a/transactions/sepa_credit_transfer", "Bearer " + tok,
			`{"amount":{"value":155,"unit":"cents","currency":"EUR"},"recipient_iban":"` + testIBAN + `"}`, 422},
		{"error_not_found", "GET", "/v1/accounts/a/transactions/sepa_credit_transfer/sct-999", "Bearer " + tok, "", 404},
	} {
		req, _ := http.NewRequest(tc.method, f.srv.URL+tc.path, strings.NewReader(tc.body))
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: HTTP %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, body, "", "  "); err != nil {
			t.Fatalf("%s: not JSON: %s", tc.name, body)
		}
		providertest.Golden(t, tc.name, pretty.Bytes())
	}
}
