package solaris

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paybatch/paybatch/dispatch/simulate"
)

// FuzzSandboxCreate: whatever body arrives, the sandbox answers JSON in
// Solaris' shapes and never panics.
func FuzzSandboxCreate(f *testing.F) {
	f.Add(`{"amount":{"value":100,"unit":"cents","currency":"EUR"},"recipient_iban":"DE89370400440532013000"}`)
	f.Add(`{"amount":{"value":1.5}}`)
	f.Add(`{"reference":"x","recipient_iban":"DE89370400440532013000","amount":{"value":155,"unit":"cents","currency":"EUR"},"verification_of_payee_id":"vop-1"}`)
	f.Add(`[]`)
	sb := NewSandbox(simulate.NewEnv(time.Minute), SandboxOptions{})
	tok := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.SetBasicAuth("a", "b")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	sb.ServeHTTP(tok, req)
	var tr tokenResponse
	if err := json.Unmarshal(tok.Body.Bytes(), &tr); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body string) {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/v1/accounts/a/transactions/sepa_credit_transfer", strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+tr.AccessToken)
		sb.ServeHTTP(w, r)
		if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("HTTP %d, not JSON: %q", w.Code, w.Body.String())
		}
		if w.Code >= 400 {
			var eb errorBody
			if json.Unmarshal(w.Body.Bytes(), &eb) != nil || len(eb.Errors) == 0 || eb.Errors[0].Code == "" {
				t.Fatalf("error without Solaris' shape: %s", w.Body.String())
			}
		}
	})
}
